"""Reporting's files in the object store: export files and fact archives, under
``org/<organization>/reporting/{exports,archives}/<uuid7>``, and the sweep of both."""

from __future__ import annotations

from unison_objects.sweep import SweepPlan

SERVICE = "reporting"
EXPORTS = "exports"
ARCHIVES = "archives"

# Every 6 hours per organization (pg_cron, db/reporting/0010): archive files written
# before the object store moved into it (archives first: the kind they move to), expired
# exports unlinked (their rows stay a month to answer 410), queued objects deleted, and
# orphans (uploads whose transaction failed) removed.
SWEEP = SweepPlan(
    service=SERVICE,
    kinds=(ARCHIVES, EXPORTS),
    expire="SELECT * FROM reporting.expire_exports()",
    legacy=True,
    legacy_rows=20,
)

"""The OEE dashboard's series and the rebuild request, as the API speaks them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

import msgspec

from reporting.production_facts.figures import Losses


class OeePoint(msgspec.Struct, kw_only=True):
    """One bucket of the chart. ``good``/``scrap``/``rework`` and the factors come from
    closed shifts (production's daily close); ``logged_*`` and ``downtime_*`` from the
    counts and stops as they were reported, so a shift still running shows output too."""

    bucket: str
    start: datetime
    shifts: int
    availability: Decimal | None
    performance: Decimal | None
    quality: Decimal | None
    oee: Decimal | None
    good: Decimal
    scrap: Decimal
    rework: Decimal
    quality_rejected: Decimal
    losses: Losses
    logged_good: Decimal
    logged_scrap: Decimal
    logged_rework: Decimal
    downtime_planned_minutes: Decimal
    downtime_unplanned_minutes: Decimal


class OeeSeries(msgspec.Struct, kw_only=True):
    granularity: str
    first_day: date
    last_day: date
    plant_id: UUID | None
    work_center_id: UUID | None
    points: list[OeePoint]
    total: OeePoint


class RebuildRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Recompute the rollups of the days ``from`` to ``to`` (UTC, inclusive)."""

    first: date = msgspec.field(name="from")
    last: date = msgspec.field(name="to")


class JobQueued(msgspec.Struct, frozen=True):
    job_id: UUID
    status: str
    href: str

"""The worker's handler of maintenance's events, in the consumer's transaction, scoped
to the event's plant (the maintenance order's) for what it does."""

from __future__ import annotations

import asyncpg

from inventory.maintenance.issues import MAINTENANCE
from inventory.posting_requests import postings
from inventory.posting_requests.scope import plant_of, plant_scope
from unison_events.maintenance import PartsIssueRequested


async def on_parts_issue_requested(conn: asyncpg.Connection, event: PartsIssueRequested) -> None:
    """Issue the parts, or record the refusal and tell maintenance: a refusal never fails
    the event (the request waits on the failed list for a retry)."""
    async with plant_scope(conn, event) as caller:
        await postings.receive(conn, caller, MAINTENANCE, event, plant_of(event))

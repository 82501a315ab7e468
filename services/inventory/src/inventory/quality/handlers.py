"""The worker's handlers of quality's events, each in the consumer's transaction.

Lots are organization-wide, so a hold needs no plant. A usage decision that lifts a hold
and an NCR's disposition move stock and are recorded, both plant data: they scope
themselves to the event's plant (the inspection's, the NCR's) as production's handlers do;
such an event without a plant is a contract breach and goes to the dead letters.
"""

from __future__ import annotations

import asyncpg

from inventory.posting_requests import repo as posting_repo
from inventory.posting_requests.scope import plant_scope
from inventory.quality import decisions, lot_status, postings
from inventory.quality.models import Claim
from inventory.service.caller import Caller
from unison_events.quality import InspectionDecided, LotHoldPlaced, NcrDispositionDecided
from unison_pg import Tenant


async def on_lot_hold_placed(conn: asyncpg.Connection, event: LotHoldPlaced) -> None:
    """Quarantine the lot (created held when inventory does not know it yet); the same hold
    again changes nothing."""
    _, user_id = await posting_repo.scope_current(conn)
    caller = Caller(Tenant(event.organization_id, (), user_id), request_id=f"event:{event.id}")
    reason = f"inspection {event.inspection_number}: {event.reason}"
    await lot_status.hold(conn, caller, event.material_id, event.lot, reason)


async def on_inspection_decided(conn: asyncpg.Connection, event: InspectionDecided) -> None:
    """A decision lifting the hold of a named lot is carried out and recorded (refusals
    too, never failing the event); any other decision is none of inventory's business."""
    if not event.lifts_hold or event.lot is None:
        return
    async with plant_scope(conn, event) as caller:
        claim = Claim(
            request_id=event.inspection_id,
            kind="usage_decision",
            plant_id=caller.tenant.plant_ids[0],
            reference=decisions.reference(event),
            action=event.decision,
            material_id=event.material_id,
            request=event,
        )
        await postings.receive(conn, caller, claim)


async def on_ncr_disposition_decided(
    conn: asyncpg.Connection, event: NcrDispositionDecided
) -> None:
    """Carry out the disposition, or record the refusal and tell quality: a refusal never
    fails the event (the request waits on the failed list for a retry)."""
    async with plant_scope(conn, event) as caller:
        claim = Claim(
            request_id=event.request_id,
            kind="ncr_disposition",
            plant_id=caller.tenant.plant_ids[0],
            reference=event.reference,
            action=event.disposition,
            material_id=event.material_id,
            request=event,
        )
        await postings.receive(conn, caller, claim)

"""Posting what production asked for, and recording what came of it.

One code path for the worker (a request arriving) and for a retry (a user, through the
API): the request's documents are posted in a savepoint of the caller's transaction.
When the engine refuses them (not enough stock, a held or expired lot, a closed period,
an unknown location...), the savepoint takes back everything the attempt wrote, and the
request is recorded ``failed`` with the reason, so the transaction (the consumer's, which
must not fail the event, or the retry's) commits the record and the answer to production.
"""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import asyncpg
import msgspec
import structlog

from inventory.models import GoodsMovement
from inventory.production import documents, repo
from inventory.production.models import ProductionPosting
from inventory.service import movements
from inventory.service.caller import Caller
from unison_bus import LiveUpdate, notify_live, publish
from unison_events.inventory import (
    ProductionPostingFailed,
    ProductionPostingIssued,
    ProductionPostingPosted,
)
from unison_events.production import GoodsPostingRequested
from unison_web import Conflict, DomainError, Forbidden, Invalid, NotFound

log = structlog.get_logger("inventory.production")

# The engine's business refusals; anything else is a fault and fails the whole transaction.
REFUSALS = (Conflict, Invalid, NotFound, Forbidden)


class Outcome(msgspec.Struct, frozen=True, kw_only=True):
    posted: bool
    error: str | None = None
    pointer: str | None = None


def issued(posted: list[GoodsMovement]) -> tuple[ProductionPostingIssued, ...]:
    """Signed base quantities per movement type, material and lot, in document order."""
    totals: dict[tuple[str, UUID, str | None], tuple[Decimal, str]] = {}
    for movement in posted:
        for line in movement.lines:
            key = (movement.movement_type, line.material_id, line.lot)
            quantity, _ = totals.get(key, (Decimal(0), line.unit))
            totals[key] = (quantity + line.quantity, line.unit)
    return tuple(
        ProductionPostingIssued(
            material_id=material_id, lot=lot, quantity=quantity, unit=unit, movement_type=kind
        )
        for (kind, material_id, lot), (quantity, unit) in totals.items()
    )


async def _live(conn: asyncpg.Connection, record: ProductionPosting, status: str) -> None:
    await notify_live(
        conn,
        LiveUpdate(
            type=f"inventory.production_posting.{status}",
            id=str(record.posting_id),
            organization_id=record.request.organization_id,
            plant_id=record.plant_id,
        ),
    )


async def _posted(
    conn: asyncpg.Connection, caller: Caller, record: ProductionPosting, posted: list[GoodsMovement]
) -> Outcome:
    ids = [m.id for m in posted]
    await repo.posting_posted(conn, record.posting_id, ids)
    event = ProductionPostingPosted(
        organization_id=caller.tenant.organization_id,
        plant_id=record.plant_id,
        posting_id=record.posting_id,
        work_order_id=record.work_order_id,
        reference=record.reference,
        movement_ids=tuple(ids),
        lines=issued(posted),
    )
    await publish(conn, event)
    await _live(conn, record, "posted")
    return Outcome(posted=True)


async def _failed(
    conn: asyncpg.Connection, caller: Caller, record: ProductionPosting, refusal: DomainError
) -> Outcome:
    pointer = next((e.get("pointer") for e in refusal.errors if e.get("pointer")), None)
    await repo.posting_failed(conn, record.posting_id, refusal.detail, pointer)
    event = ProductionPostingFailed(
        organization_id=caller.tenant.organization_id,
        plant_id=record.plant_id,
        posting_id=record.posting_id,
        work_order_id=record.work_order_id,
        reference=record.reference,
        error=refusal.detail,
        pointer=pointer,
    )
    await publish(conn, event)
    await _live(conn, record, "failed")
    log.info(
        "production_posting_refused",
        posting_id=str(record.posting_id),
        reference=record.reference,
        error=refusal.detail,
        pointer=pointer,
    )
    return Outcome(posted=False, error=refusal.detail, pointer=pointer)


async def attempt(conn: asyncpg.Connection, caller: Caller, record: ProductionPosting) -> Outcome:
    """Post the recorded request (locked by the caller) all or nothing, record the outcome
    and publish ``inventory.production_posting.posted`` or ``.failed``."""
    try:
        async with conn.transaction():  # a savepoint: a refusal takes back all it wrote
            built, requested = await documents.build(conn, record.request, record.plant_id)
            posted = (
                await movements.post_documents_in(conn, caller, built, requested) if built else []
            )
    except REFUSALS as refusal:
        return await _failed(conn, caller, record, refusal)
    return await _posted(conn, caller, record, posted)


async def receive(
    conn: asyncpg.Connection, caller: Caller, request: GoodsPostingRequested, plant_id: UUID
) -> Outcome | None:
    """A request from production: recorded, then posted unless its posting_id was posted
    before (a redelivery; None). One recorded failed is attempted again."""
    await repo.posting_claim(conn, plant_id, request)
    record = await repo.posting_lock(conn, request.posting_id)
    if record is None:
        # The posting_id is recorded in a plant this request does not name.
        raise LookupError(f"posting {request.posting_id} is recorded for another plant")
    if record.status == "posted":
        log.info("production_posting_repeated", posting_id=str(request.posting_id))
        return None
    return await attempt(conn, caller, record)

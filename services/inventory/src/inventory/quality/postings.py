"""Carrying out what quality asked for, and recording what came of it.

One code path for the worker (a request arriving) and for a retry (a user, through the
API), as for production's postings: the request is carried out in a savepoint of the
caller's transaction. When it is refused (not enough stock, an unknown lot, a closed
period...), the savepoint takes back everything the attempt wrote (documents, stock, lot
statuses and their events), and the request is recorded ``failed`` with the reason, so
the transaction (the consumer's, which must not fail the event, or the retry's) commits
the record and the answer.

Only an NCR's disposition is answered on the bus (``inventory.quality_posting.posted`` /
``.failed``): the contract of those events names an NCR. A usage decision's outcome is
on the list of quality postings.
"""

from __future__ import annotations

import asyncpg
import msgspec
import structlog

from inventory.models import GoodsMovement
from inventory.posting_requests.postings import REFUSALS
from inventory.quality import decisions, dispositions, repo
from inventory.quality.models import Claim, QualityPosting
from inventory.service.caller import Caller
from unison_bus import LiveUpdate, notify_live, publish
from unison_events.inventory import QualityPostingFailed, QualityPostingPosted
from unison_events.quality import NcrDispositionDecided
from unison_web import DomainError

log = structlog.get_logger("inventory.quality")


class Outcome(msgspec.Struct, frozen=True, kw_only=True):
    posted: bool
    error: str | None = None
    pointer: str | None = None


async def _live(
    conn: asyncpg.Connection, caller: Caller, record: QualityPosting, status: str
) -> None:
    await notify_live(
        conn,
        LiveUpdate(
            type=f"inventory.quality_posting.{status}",
            id=str(record.request_id),
            organization_id=caller.tenant.organization_id,
            plant_id=record.plant_id,
        ),
    )


async def _posted(
    conn: asyncpg.Connection, caller: Caller, record: QualityPosting, posted: list[GoodsMovement]
) -> Outcome:
    ids = [m.id for m in posted]
    await repo.posted(conn, record.request_id, ids)
    request = repo.request_of(record)
    if isinstance(request, NcrDispositionDecided):
        event = QualityPostingPosted(
            organization_id=caller.tenant.organization_id,
            plant_id=record.plant_id,
            request_id=record.request_id,
            ncr_id=request.ncr_id,
            reference=record.reference,
            movement_ids=tuple(ids),
        )
        await publish(conn, event)
    await _live(conn, caller, record, "posted")
    return Outcome(posted=True)


async def _failed(
    conn: asyncpg.Connection, caller: Caller, record: QualityPosting, refusal: DomainError
) -> Outcome:
    pointer = next((e.get("pointer") for e in refusal.errors if e.get("pointer")), None)
    await repo.failed(conn, record.request_id, refusal.detail, pointer)
    request = repo.request_of(record)
    if isinstance(request, NcrDispositionDecided):
        event = QualityPostingFailed(
            organization_id=caller.tenant.organization_id,
            plant_id=record.plant_id,
            request_id=record.request_id,
            ncr_id=request.ncr_id,
            reference=record.reference,
            error=refusal.detail,
            pointer=pointer,
        )
        await publish(conn, event)
    await _live(conn, caller, record, "failed")
    log.info(
        "quality_posting_refused",
        request_id=str(record.request_id),
        kind=record.kind,
        reference=record.reference,
        error=refusal.detail,
        pointer=pointer,
    )
    return Outcome(posted=False, error=refusal.detail, pointer=pointer)


async def _carry_out(
    conn: asyncpg.Connection, caller: Caller, record: QualityPosting
) -> list[GoodsMovement]:
    request = repo.request_of(record)
    if isinstance(request, NcrDispositionDecided):
        return await dispositions.carry_out(conn, caller, request, record.plant_id)
    return await decisions.carry_out(conn, caller, request, record.plant_id)


async def attempt(conn: asyncpg.Connection, caller: Caller, record: QualityPosting) -> Outcome:
    """Carry out the recorded request (locked by the caller) all or nothing, and record the
    outcome (an NCR's disposition is also answered on the bus)."""
    try:
        async with conn.transaction():  # a savepoint: a refusal takes back all it wrote
            posted = await _carry_out(conn, caller, record)
    except REFUSALS as refusal:
        return await _failed(conn, caller, record, refusal)
    return await _posted(conn, caller, record, posted)


async def receive(conn: asyncpg.Connection, caller: Caller, claim: Claim) -> Outcome | None:
    """A request from quality: recorded, then carried out unless its request_id was posted
    before (a redelivery, or a decision sent again; None). One recorded failed is
    attempted again."""
    await repo.claim(conn, claim)
    record = await repo.lock(conn, claim.request_id)
    if record is None:
        # The request_id is recorded in a plant this request does not name.
        raise LookupError(f"quality request {claim.request_id} is recorded for another plant")
    if record.status == "posted":
        log.info("quality_posting_repeated", request_id=str(claim.request_id), kind=claim.kind)
        return None
    return await attempt(conn, caller, record)

"""Posting what another service asked for, and recording what came of it.

One code path for every source, for the worker (a request arriving) and for a retry (a
user, through the API): the request's documents are posted in a savepoint of the
caller's transaction. When the engine refuses them (not enough stock, a held or expired
lot, a closed period, an unknown location...), the savepoint takes back everything the
attempt wrote, and the request is recorded ``failed`` with the reason, so the
transaction (the consumer's, which must not fail the event, or the retry's) commits the
record and the answer to the asking service.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg
import msgspec
import structlog

from inventory.models import GoodsMovement
from inventory.posting_requests import documents, repo
from inventory.posting_requests.models import PostingRequest
from inventory.posting_requests.source import R, Source
from inventory.service import movements
from inventory.service.caller import Caller
from unison_bus import Event, LiveUpdate, notify_live, publish
from unison_web import Conflict, DomainError, Forbidden, Invalid, NotFound

log = structlog.get_logger("inventory.posting_requests")

# The engine's business refusals; anything else is a fault and fails the whole transaction.
REFUSALS = (Conflict, Invalid, NotFound, Forbidden)


class Outcome(msgspec.Struct, frozen=True, kw_only=True):
    posted: bool
    error: str | None = None
    pointer: str | None = None


async def _answer(conn: asyncpg.Connection, record: PostingRequest[Any], event: Event) -> None:
    """The answer to the asking service, and a live update of the same name."""
    await publish(conn, event)
    await notify_live(
        conn,
        LiveUpdate(
            type=event.topic,
            id=str(record.request_id),
            organization_id=record.request.organization_id,
            plant_id=record.plant_id,
        ),
    )


async def _posted(
    conn: asyncpg.Connection,
    source: Source[R, Any],
    record: PostingRequest[R],
    posted: list[GoodsMovement],
) -> Outcome:
    await repo.request_posted(conn, source.name, record.request_id, [m.id for m in posted])
    await _answer(conn, record, source.posted(record, posted))
    return Outcome(posted=True)


async def _failed(
    conn: asyncpg.Connection,
    source: Source[R, Any],
    record: PostingRequest[R],
    refusal: DomainError,
) -> Outcome:
    pointer = next((e.get("pointer") for e in refusal.errors if e.get("pointer")), None)
    await repo.request_failed(conn, source.name, record.request_id, refusal.detail, pointer)
    await _answer(conn, record, source.failed(record, refusal.detail, pointer))
    log.info(
        "posting_request_refused",
        source=source.name,
        request_id=str(record.request_id),
        reference=record.reference,
        error=refusal.detail,
        pointer=pointer,
    )
    return Outcome(posted=False, error=refusal.detail, pointer=pointer)


async def attempt(
    conn: asyncpg.Connection, caller: Caller, source: Source[R, Any], record: PostingRequest[R]
) -> Outcome:
    """Post the recorded request (locked by the caller) all or nothing, record the outcome
    and publish the source's posted or failed answer."""
    command = source.command(record.request, record.plant_id)
    try:
        async with conn.transaction():  # a savepoint: a refusal takes back all it wrote
            built, requested = await documents.build(conn, command)
            posted = (
                await movements.post_documents_in(conn, caller, built, requested) if built else []
            )
    except REFUSALS as refusal:
        return await _failed(conn, source, record, refusal)
    return await _posted(conn, source, record, posted)


async def receive(
    conn: asyncpg.Connection, caller: Caller, source: Source[R, Any], request: R, plant_id: UUID
) -> Outcome | None:
    """A request arriving: recorded, then posted unless its id was posted before (a
    redelivery; None). One recorded failed is attempted again."""
    claim = source.claim(request)
    await repo.request_claim(conn, source.name, plant_id, claim, request)
    record = await repo.request_lock(conn, source.name, claim.request_id, source.request_type)
    if record is None:
        # The request id is recorded in a plant this request does not name.
        raise LookupError(f"{source.noun} {claim.request_id} is recorded for another plant")
    if record.status == "posted":
        log.info("posting_request_repeated", source=source.name, request_id=str(claim.request_id))
        return None
    return await attempt(conn, caller, source, record)

"""The list of a source's requests (the failed ones are SAP's COGI: goods movements
waiting for a retry), one request, and the retry of a failed one; each answered in the
source's view."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from inventory.posting_requests import postings, repo
from inventory.posting_requests.models import RequestFilter
from inventory.posting_requests.source import R, Source, V
from inventory.service.caller import Caller
from unison_pg import Database
from unison_web import Conflict, Invalid, NotFound
from unison_web.paging import Page, decode_cursor, encode_cursor


def _not_found(source: Source[R, V], request_id: UUID) -> NotFound:
    return NotFound(f"{source.noun} {request_id} does not exist")


def _after(cursor: str | None) -> tuple[datetime, UUID] | None:
    if cursor is None:
        return None
    created_at, request_id = decode_cursor(cursor, 2)
    try:
        return datetime.fromisoformat(str(created_at)), UUID(str(request_id))
    except ValueError:
        raise Invalid("cursor is not valid", "/cursor") from None


async def page(
    db: Database,
    caller: Caller,
    source: Source[R, V],
    where: RequestFilter,
    cursor: str | None,
    limit: int,
) -> Page[V]:
    """Newest first; the cursor is the time and id of the last one of the previous page."""
    after = _after(cursor)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await repo.requests_page(
            conn, source.name, where, after, limit + 1, source.request_type
        )
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        next_cursor = encode_cursor([last.created_at.isoformat(), str(last.request_id)])
    return Page(items=[source.view(x) for x in items], next_cursor=next_cursor)


async def get(db: Database, caller: Caller, source: Source[R, V], request_id: UUID) -> V:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        found = await repo.request_get(conn, source.name, request_id, source.request_type)
    if found is None:
        raise _not_found(source, request_id)
    return source.view(found)


async def retry(db: Database, caller: Caller, source: Source[R, V], request_id: UUID) -> V:
    """Post a failed request again, as the caller, in one transaction. Refused again: the
    new reason is recorded (attempts go on counting, the source hears it) and the answer
    is 409 saying why."""
    async with db.transaction(caller.tenant) as conn:
        record = await repo.request_lock(conn, source.name, request_id, source.request_type)
        if record is None:
            raise _not_found(source, request_id)
        if record.status != "failed":
            raise Conflict(
                f"{source.noun} {request_id} is {record.status}; only a failed one is retried"
            )
        outcome = await postings.attempt(conn, caller, source, record)
        current = await repo.request_get(conn, source.name, request_id, source.request_type)
    assert current is not None
    if not outcome.posted:
        reason = outcome.error or "refused"
        errors = [{"pointer": outcome.pointer, "detail": reason}] if outcome.pointer else []
        raise Conflict(f"{source.noun} {request_id} was refused again: {reason}", errors=errors)
    return source.view(current)

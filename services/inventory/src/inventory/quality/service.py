"""The list of quality's requests (the failed ones wait for someone to act) and the retry
of a failed one."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from inventory.quality import postings, repo
from inventory.quality.models import QualityPosting
from inventory.quality.repo import PostingFilter
from inventory.service.caller import Caller
from unison_pg import Database
from unison_web import Conflict, Invalid, NotFound
from unison_web.paging import Page, decode_cursor, encode_cursor


def _not_found(request_id: UUID) -> NotFound:
    return NotFound(f"quality posting {request_id} does not exist")


def _after(cursor: str | None) -> tuple[datetime, UUID] | None:
    if cursor is None:
        return None
    created_at, request_id = decode_cursor(cursor, 2)
    try:
        return datetime.fromisoformat(str(created_at)), UUID(str(request_id))
    except ValueError:
        raise Invalid("cursor is not valid", "/cursor") from None


async def page(
    db: Database, caller: Caller, where: PostingFilter, cursor: str | None, limit: int
) -> Page[QualityPosting]:
    """Newest first; the cursor is the time and id of the last one of the previous page."""
    after = _after(cursor)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await repo.page(conn, where, after, limit + 1)
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        next_cursor = encode_cursor([last.created_at.isoformat(), str(last.request_id)])
    return Page(items=items, next_cursor=next_cursor)


async def get(db: Database, caller: Caller, request_id: UUID) -> QualityPosting:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        found = await repo.get(conn, request_id)
    if found is None:
        raise _not_found(request_id)
    return found


async def retry(db: Database, caller: Caller, request_id: UUID) -> QualityPosting:
    """Carry out a failed request again, as the caller, in one transaction. Refused again:
    the new reason is recorded (attempts go on counting, quality hears it for an NCR) and
    the answer is 409 saying why."""
    async with db.transaction(caller.tenant) as conn:
        record = await repo.lock(conn, request_id)
        if record is None:
            raise _not_found(request_id)
        if record.status != "failed":
            raise Conflict(
                f"quality posting {request_id} is {record.status}; only a failed one is retried"
            )
        outcome = await postings.attempt(conn, caller, record)
        current = await repo.get(conn, request_id)
    assert current is not None
    if not outcome.posted:
        reason = outcome.error or "refused"
        errors = [{"pointer": outcome.pointer, "detail": reason}] if outcome.pointer else []
        raise Conflict(f"quality posting {request_id} was refused again: {reason}", errors=errors)
    return current

"""Reading SAP messages and replaying failed ones."""

from __future__ import annotations

from uuid import UUID

import msgspec

from inventory.sap import processing, repo
from inventory.sap.models import SapMessage, SapMessageDetail
from inventory.service.caller import Caller
from unison_pg import Database
from unison_web import Conflict, Invalid, NotFound
from unison_web.paging import Page, decode_cursor, encode_cursor


def _not_found(message_id: UUID) -> NotFound:
    return NotFound(f"SAP message {message_id} does not exist")


async def get(db: Database, caller: Caller, message_id: UUID) -> SapMessageDetail:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        found = await repo.message_get(conn, message_id)
    if found is None:
        raise _not_found(message_id)
    return found


async def payload(db: Database, caller: Caller, message_id: UUID) -> tuple[str, bytes]:
    """The message as it arrived, with its content type."""
    async with db.transaction(caller.tenant, readonly=True) as conn:
        found = await repo.message_payload(conn, message_id)
    if found is None:
        raise _not_found(message_id)
    return found


async def page(
    db: Database, caller: Caller, where: repo.MessageFilter, cursor: str | None, limit: int
) -> Page[SapMessage]:
    """Newest first; the cursor is the id of the last message of the previous page."""
    before = None
    if cursor is not None:
        try:
            before = UUID(str(decode_cursor(cursor, 1)[0]))
        except ValueError:
            raise Invalid("cursor is not valid", "/cursor") from None
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await repo.messages_page(conn, where, before, limit + 1)
    items = rows[:limit]
    next_cursor = encode_cursor([str(items[-1].id)]) if len(rows) > limit else None
    return Page(items=items, next_cursor=next_cursor)


async def replay(db: Database, caller: Caller, message_id: UUID) -> SapMessageDetail:
    """Process a failed message again, as the caller (inbound) or as the movement's plant
    (outbound); its attempts go on counting."""
    async with db.transaction(caller.tenant) as conn:
        attempts = await repo.message_replay(conn, message_id)
        if attempts is None:
            status = await repo.message_status(conn, message_id)
            if status is None:
                raise _not_found(message_id)
            raise Conflict(f"SAP message {message_id} is {status}; only a failed one is replayed")
        detail = await repo.message_get(conn, message_id)
        assert detail is not None
        kind = processing.OUTBOUND_JOB if detail.direction == "outbound" else processing.INBOUND_JOB
        job_id = await processing.enqueue_job(conn, caller.tenant, message_id, kind, attempts)
    return msgspec.structs.replace(detail, job_id=job_id)

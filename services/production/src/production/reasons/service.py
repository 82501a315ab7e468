"""Reason catalogue use cases."""

from __future__ import annotations

from uuid import UUID

import msgspec

from production.caller import PLANNERS, Caller
from production.reasons import repo
from production.reasons.models import Reason, ReasonCreate, ReasonUpdate
from unison_pg import Database
from unison_web import Conflict, Invalid, NotFound, checks, paging
from unison_web.paging import Page


async def create(db: Database, caller: Caller, data: ReasonCreate) -> Reason:
    caller.require(*PLANNERS)
    name = checks.text(data.name, "/name", 100)
    if data.kind != "downtime" and data.loss is not None:
        raise Invalid("only downtime reasons book to an OEE loss", "/loss")
    async with db.transaction(caller.tenant) as conn:
        loss = data.loss
        if data.parent_id is not None:
            parent = await repo.get(conn, data.parent_id)
            if parent is None or parent.kind != data.kind:
                raise Invalid(f"no such {data.kind} reason", "/parent_id")
            loss = loss or parent.loss
        if data.kind == "downtime" and loss is None:
            raise Invalid("a downtime reason needs its loss (or a parent that has one)", "/loss")
        planned = None if loss is None else loss == "planned_stop"
        created = await repo.insert(
            conn, (data.kind, checks.code(data.code), name, data.parent_id, planned, loss)
        )
    if created is None:
        raise Conflict(
            f"{data.kind} reason {checks.code(data.code)} already exists",
            errors=[{"pointer": "/code", "detail": "already used"}],
        )
    return created


async def get(db: Database, caller: Caller, reason_id: UUID) -> Reason:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        found = await repo.get(conn, reason_id)
    if found is None:
        raise NotFound(f"reason {reason_id} does not exist")
    return found


async def update(db: Database, caller: Caller, reason_id: UUID, data: ReasonUpdate) -> Reason:
    """Reasons are never deleted (history names them): deactivate one instead."""
    caller.require(*PLANNERS)
    async with db.transaction(caller.tenant) as conn:
        current = await repo.get(conn, reason_id)
        if current is None:
            raise NotFound(f"reason {reason_id} does not exist")
        changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
        name = checks.text(changes.get("name", current.name), "/name", 100)
        updated = await repo.update(conn, reason_id, name, changes.get("active", current.active))
    assert updated is not None
    return updated


async def list_page(
    db: Database,
    caller: Caller,
    kind: str | None,
    active_only: bool,
    cursor: str | None,
    limit: int,
) -> Page[Reason]:
    key = paging.after(cursor, str, str)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await repo.page(conn, kind, active_only, key, limit + 1)
    return paging.cut(rows, limit, lambda r: (r.kind, r.code))

"""Lots (SAP batches): created by a receipt or by hand; their status decides whether the
stock may be issued (released) or is held (quarantine, blocked)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import msgspec
from msgspec import UNSET

from inventory import repo, stock_store
from inventory.service import outbound
from inventory.service.caller import Caller
from inventory.service.materials import not_found as material_not_found
from inventory.stock_models import LotCreate, LotRecord, LotUpdate
from unison_pg import Database
from unison_web import Conflict, Invalid, NotFound, PreconditionFailed
from unison_web.paging import Page, decode_cursor, encode_cursor


def _not_found(material_id: UUID, lot: str) -> NotFound:
    return NotFound(f"lot {lot} of material {material_id} does not exist")


def _check_dates(manufactured_on: date | None, expires_on: date | None) -> None:
    if manufactured_on is not None and expires_on is not None and expires_on < manufactured_on:
        raise Invalid("must not be before manufactured_on", "/expires_on")


async def create(db: Database, caller: Caller, material_id: UUID, data: LotCreate) -> LotRecord:
    _check_dates(data.manufactured_on, data.expires_on)
    async with db.transaction(caller.tenant) as conn:
        if await repo.material_get(conn, material_id) is None:
            raise material_not_found(material_id)
        created = await stock_store.lot_insert(
            conn,
            material_id,
            data.lot,
            data.status,
            data.manufactured_on,
            data.expires_on,
            data.supplier_lot,
            data.status_reason,
        )
        if created is None:
            raise Conflict(f"lot {data.lot} of material {material_id} already exists")
        if created.status != "released":
            await outbound.lot_status_changed(conn, caller, created, None)
    return created


async def get(db: Database, caller: Caller, material_id: UUID, lot: str) -> LotRecord:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        found = await stock_store.lot_get(conn, material_id, lot)
    if found is None:
        raise _not_found(material_id, lot)
    return found


async def update(
    db: Database,
    caller: Caller,
    material_id: UUID,
    lot: str,
    data: LotUpdate,
    expected_version: int,
) -> LotRecord:
    """Change a lot; a status change publishes ``inventory.lot.status_changed``."""
    async with db.transaction(caller.tenant) as conn:
        current = await stock_store.lot_lock(conn, material_id, lot)
        if current is None:
            raise _not_found(material_id, lot)
        if current.version != expected_version:
            raise PreconditionFailed(
                f"lot {lot} is at version {current.version}, not {expected_version}; read it again"
            )
        changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not UNSET}
        wanted = msgspec.structs.replace(current, **changes)
        _check_dates(wanted.manufactured_on, wanted.expires_on)
        saved = await stock_store.lot_update(conn, wanted)
        if saved.status != current.status:
            await outbound.lot_status_changed(conn, caller, saved, current.status)
    return saved


async def list_lots(
    db: Database,
    caller: Caller,
    material_id: UUID,
    status: str | None,
    cursor: str | None,
    limit: int,
) -> Page[LotRecord]:
    after = str(decode_cursor(cursor, 1)[0]) if cursor is not None else None
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await stock_store.lots_page(conn, material_id, status, after, limit + 1)
    items = rows[:limit]
    next_cursor = encode_cursor([items[-1].lot]) if len(rows) > limit else None
    return Page(items=items, next_cursor=next_cursor)


async def expiring(
    db: Database, caller: Caller, until: date, cursor: str | None, limit: int
) -> Page[LotRecord]:
    after = None
    if cursor is not None:
        day, material, lot = decode_cursor(cursor, 3)
        try:
            after = (date.fromisoformat(str(day)), UUID(str(material)), str(lot))
        except ValueError as exc:
            raise Invalid("cursor is not valid", "/cursor") from exc
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await stock_store.lots_expiring(conn, until, after, limit + 1)
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        next_cursor = encode_cursor([str(last.expires_on), str(last.material_id), last.lot])
    return Page(items=items, next_cursor=next_cursor)

"""Reservations: quantities promised to an order (or a manual request).

Availability is computed from its parts on every read (on hand by category from the
balances, held lots, open and unexpired reservations), never kept as a counter, so it
cannot drift from them. A reservation is withdrawn by the issues that name it, and ends
closed (fully withdrawn), cancelled, or expired (past ``expires_at``; it stops counting at
that moment, no job needed).
"""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import asyncpg

from inventory import ledger_repo, stock_store
from inventory.service import checks, posting
from inventory.service.caller import Caller
from inventory.stock_models import Availability, Reservation, ReservationsCreate
from unison_bus import uuid7
from unison_pg import Database
from unison_web import Conflict, Forbidden, Invalid, NotFound
from unison_web.paging import Page, decode_cursor, encode_cursor


async def create(db: Database, caller: Caller, data: ReservationsCreate) -> list[Reservation]:
    """Reserve every line or none. Unless ``allow_shortage``, a line asking for more than
    is available is refused (409, naming the line); the check and the insert hold the
    material's valuation lock, which postings take too, so two reservations cannot both
    take the last unit."""
    async with db.transaction(caller.tenant) as conn:
        return await create_in(conn, caller, data)


async def create_in(
    conn: asyncpg.Connection, caller: Caller, data: ReservationsCreate
) -> list[Reservation]:
    """As :func:`create`, inside the caller's transaction (an order's release, the demo)."""
    reference = checks.text(data.reference, "/reference", 100)
    for index, line in enumerate(data.lines):
        at = f"/lines/{index}"
        if line.plant_id not in caller.tenant.plant_ids:
            raise Forbidden(
                f"plant {line.plant_id} is not in your access",
                errors=[{"pointer": f"{at}/plant_id", "detail": "not in your plants"}],
            )
        checks.decimal(line.quantity, f"{at}/quantity", positive=True)
    found = await ledger_repo.materials(conn, sorted({x.material_id for x in data.lines}))
    codes = {checks.unit_code(x.unit) for x in data.lines}
    for m in found.values():
        codes |= {m.base_unit, *m.alt_units}
    units = await posting.units_for(conn, codes)
    locations = await ledger_repo.locations(
        conn, sorted({x.location_id for x in data.lines if x.location_id is not None})
    )
    rows: list[tuple[UUID, UUID, UUID, UUID | None, str | None, Decimal]] = []
    for index, line in enumerate(data.lines):
        at = f"/lines/{index}"
        material = found.get(line.material_id)
        if material is None:
            raise Invalid(f"material {line.material_id} does not exist", f"{at}/material_id")
        if line.location_id is not None and locations.get(line.location_id) != line.plant_id:
            raise Invalid(f"no such storage location in plant {line.plant_id}", f"{at}/location_id")
        base = posting.base_quantity(
            material, units, line.quantity, checks.unit_code(line.unit), at
        )
        lot = (line.lot or "").strip() or None
        rows.append((uuid7(), line.plant_id, material.id, line.location_id, lot, base))
    await ledger_repo.valuations_lock(conn, sorted({(r[2], r[1]) for r in rows}))
    if not data.allow_shortage:
        await _check_available(conn, found, rows)
    await stock_store.reservations_insert(
        conn, rows, reference, data.requirement_date, data.expires_at
    )
    return await stock_store.reservations_get(conn, [r[0] for r in rows])


async def _check_available(
    conn: asyncpg.Connection,
    found: dict[UUID, ledger_repo.PostingMaterial],
    rows: list[tuple[UUID, UUID, UUID, UUID | None, str | None, Decimal]],
) -> None:
    """Refuse (409, naming the line) a line asking for more than is available, counting
    the lines of the same request before it."""
    wanted: dict[tuple[UUID, UUID, UUID | None, str | None], Decimal] = {}
    for index, row in enumerate(rows):
        key = (row[2], row[1], row[3], row[4])
        wanted[key] = wanted.get(key, Decimal(0)) + row[5]
        available = await stock_store.availability(conn, row[2], row[1], row[3], row[4])
        assert available is not None  # the material was found above
        if wanted[key] > available.available:
            number = found[row[2]].number
            detail = (
                f"available {available.available} {available.unit},"
                f" requested {wanted[key]} {available.unit}"
            )
            raise Conflict(
                f"not enough available of {number}: {detail}",
                errors=[{"pointer": f"/lines/{index}/quantity", "detail": detail}],
            )


async def get(db: Database, caller: Caller, reservation_id: UUID) -> Reservation:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        found = await stock_store.reservations_get(conn, [reservation_id])
    if not found:
        raise NotFound(f"reservation {reservation_id} does not exist")
    return found[0]


async def cancel(db: Database, caller: Caller, reservation_id: UUID) -> Reservation:
    async with db.transaction(caller.tenant) as conn:
        current = await stock_store.reservations_get(conn, [reservation_id])
        if not current:
            raise NotFound(f"reservation {reservation_id} does not exist")
        if not await stock_store.reservations_cancel(conn, [reservation_id]):
            raise Conflict(f"reservation {reservation_id} is {current[0].status}, not open")
        return (await stock_store.reservations_get(conn, [reservation_id]))[0]


async def cancel_reference(db: Database, caller: Caller, reference: str) -> list[UUID]:
    """Cancel what is still open for a reference (an order cancelled or closed)."""
    async with db.transaction(caller.tenant) as conn:
        ids = await stock_store.reservations_of_reference_open(conn, reference)
        return await stock_store.reservations_cancel(conn, ids) if ids else []


async def list_reservations(
    db: Database,
    caller: Caller,
    reference: str | None,
    material_id: UUID | None,
    plant_id: UUID | None,
    open_only: bool,
    cursor: str | None,
    limit: int,
) -> Page[Reservation]:
    after = None
    if cursor is not None:
        try:
            after = UUID(str(decode_cursor(cursor, 1)[0]))
        except ValueError as exc:
            raise Invalid("cursor is not valid", "/cursor") from exc
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await stock_store.reservations_page(
            conn, reference, material_id, plant_id, open_only, after, limit + 1
        )
    items = rows[:limit]
    next_cursor = encode_cursor([str(items[-1].id)]) if len(rows) > limit else None
    return Page(items=items, next_cursor=next_cursor)


async def availability(
    db: Database,
    caller: Caller,
    material_id: UUID,
    plant_id: UUID,
    location_id: UUID | None,
    lot: str | None,
) -> Availability:
    if plant_id not in caller.tenant.plant_ids:
        raise NotFound(f"plant {plant_id} does not exist")
    async with db.transaction(caller.tenant, readonly=True) as conn:
        found = await stock_store.availability(conn, material_id, plant_id, location_id, lot)
    if found is None:
        raise NotFound(f"material {material_id} does not exist")
    return found

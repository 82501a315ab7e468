"""Typed functions for the posting engine's statements in ``ledger.sql``; each takes whole
columns (lists) so a document of any size costs the same few round trips."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import asyncpg
import msgspec

from inventory.models import GoodsMovement, GoodsMovementLine
from unison_pg import Queries

L = Queries.load(Path(__file__).with_name("ledger.sql"))

NO_LOT = ""  # how "no lot" is kept, so the lot can be part of the balance key

BalanceKey = tuple[UUID, UUID, UUID, str, str]  # material, plant, location, lot, category


def show_lot(value: str) -> str | None:
    return None if value == NO_LOT else value


class PostingMaterial(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    number: str
    base_unit: str
    negative_stock_allowed: bool
    lot_managed: bool
    serial_managed: bool = False
    alt_units: list[str]
    alt_numerators: list[Decimal]
    alt_denominators: list[Decimal]


class LotState(msgspec.Struct, frozen=True, kw_only=True):
    material_id: UUID
    lot: str
    status: str
    expires_on: date | None


class Header(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    plant_id: UUID
    movement_type: str
    posting_date: date
    reference: str | None
    reversal_of: UUID | None = None


class Line(msgspec.Struct, frozen=True, kw_only=True):
    """A ledger line to write. ``index`` is the request line it came from (its pointer)."""

    movement_id: UUID
    posting_date: date
    movement_type: str
    line_no: int
    material_id: UUID
    plant_id: UUID
    location_id: UUID
    lot: str
    category: str
    quantity: Decimal
    entry_quantity: Decimal
    entry_unit: str
    value: Decimal
    valuation: str
    reservation_id: UUID | None
    index: int
    serials: tuple[str, ...] = ()  # empty: none

    @property
    def key(self) -> BalanceKey:
        return (self.material_id, self.plant_id, self.location_id, self.lot, self.category)


class ReservationState(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    plant_id: UUID
    material_id: UUID
    location_id: UUID | None
    lot: str | None
    status: str
    quantity: Decimal
    withdrawn: Decimal
    expired: bool


def _columns(keys: Sequence[BalanceKey]) -> list[list[object]]:
    return [[k[i] for k in keys] for i in range(5)]


async def materials(conn: asyncpg.Connection, ids: Sequence[UUID]) -> dict[UUID, PostingMaterial]:
    records = await conn.fetch(L.posting_materials, list(ids))
    return {r["id"]: msgspec.convert(dict(r), PostingMaterial) for r in records}


async def locations(conn: asyncpg.Connection, ids: Sequence[UUID]) -> dict[UUID, UUID]:
    """Location id -> its plant, for the locations that exist."""
    return {r["id"]: r["plant_id"] for r in await conn.fetch(L.posting_locations, list(ids))}


async def lots(
    conn: asyncpg.Connection, keys: Sequence[tuple[UUID, str]]
) -> dict[tuple[UUID, str], LotState]:
    records = await conn.fetch(L.posting_lots, [k[0] for k in keys], [k[1] for k in keys])
    return {(r["material_id"], r["lot"]): msgspec.convert(dict(r), LotState) for r in records}


async def lots_ensure(
    conn: asyncpg.Connection, rows: Sequence[tuple[UUID, str, date | None, date | None]]
) -> None:
    await conn.execute(L.lots_ensure, *[[row[i] for row in rows] for i in range(4)])


async def periods_lock(conn: asyncpg.Connection, plants: Sequence[UUID]) -> dict[UUID, date]:
    """Hold the plants' period locks shared; returns each plant's latest closed month."""
    ordered = sorted(set(plants), key=str)
    await conn.fetchval(L.periods_lock, ordered)
    return {r["plant_id"]: r["period"] for r in await conn.fetch(L.closed_through, ordered)}


async def valuations_lock(conn: asyncpg.Connection, pairs: Sequence[tuple[UUID, UUID]]) -> None:
    ordered = sorted(set(pairs))
    columns = [[p[0] for p in ordered], [p[1] for p in ordered]]
    await conn.execute(L.valuations_open, *columns)
    await conn.fetch(L.valuations_lock, *columns)


async def _balances_locked(
    conn: asyncpg.Connection, keys: Sequence[BalanceKey]
) -> dict[BalanceKey, Decimal]:
    records = await conn.fetch(L.balances_lock, *_columns(keys))
    return {
        (r["material_id"], r["plant_id"], r["location_id"], r["lot"], r["category"]): r["quantity"]
        for r in records
    }


async def balances_lock(
    conn: asyncpg.Connection, keys: Sequence[BalanceKey]
) -> dict[BalanceKey, Decimal]:
    """The on-hand of ``keys``, locked until commit; a key without a row gets one at zero.

    Most keys have a row: they are locked first, and only the others are inserted (an
    insert that conflicts on 5,000 existing rows cost ~40 ms). Locking the existing rows
    before the new ones cannot deadlock: every posting holds the valuation locks of its
    materials and plants before it gets here, so two postings sharing a balance key never
    lock balances at the same time.
    """
    unique = list(dict.fromkeys(keys))
    found = await _balances_locked(conn, unique)
    missing = [k for k in unique if k not in found]
    if missing:
        await conn.execute(L.balances_open, *_columns(missing))
        found.update(await _balances_locked(conn, missing))
    return found


async def balances_apply(conn: asyncpg.Connection, deltas: dict[BalanceKey, Decimal]) -> None:
    keys = list(deltas)
    await conn.execute(L.balances_apply, *_columns(keys), [deltas[k] for k in keys])


async def headers_insert(conn: asyncpg.Connection, headers: Sequence[Header]) -> None:
    await conn.execute(
        L.headers_insert,
        [h.id for h in headers],
        [h.plant_id for h in headers],
        [h.movement_type for h in headers],
        [h.posting_date for h in headers],
        [h.reference for h in headers],
        [h.reversal_of for h in headers],
    )


async def lines_insert(conn: asyncpg.Connection, lines: Sequence[Line]) -> None:
    await conn.execute(
        L.lines_insert,
        [x.movement_id for x in lines],
        [x.posting_date for x in lines],
        [x.movement_type for x in lines],
        [x.line_no for x in lines],
        [x.material_id for x in lines],
        [x.plant_id for x in lines],
        [x.location_id for x in lines],
        [x.lot for x in lines],
        [x.category for x in lines],
        [x.quantity for x in lines],
        [x.entry_quantity for x in lines],
        [x.entry_unit for x in lines],
        [x.value for x in lines],
        [x.valuation for x in lines],
        [x.reservation_id for x in lines],
        [" ".join(x.serials) if x.serials else None for x in lines],
    )


class LedgerLine(msgspec.Struct, frozen=True, kw_only=True):
    """A ledger line as it is now (lines_after)."""

    posting_date: date
    movement_id: UUID
    line_no: int
    movement_type: str
    material_id: UUID
    plant_id: UUID
    location_id: UUID
    lot: str
    category: str
    quantity: Decimal
    entry_quantity: Decimal
    entry_unit: str
    value: Decimal
    reservation_id: UUID | None


async def lines_after(
    conn: asyncpg.Connection, points: Sequence[tuple[UUID, UUID, date]]
) -> list[LedgerLine]:
    """The valued lines of each (material, plant) dated after its date."""
    records = await conn.fetch(
        L.lines_after, [p[0] for p in points], [p[1] for p in points], [p[2] for p in points]
    )
    return [msgspec.convert(dict(r), LedgerLine) for r in records]


class Dip(msgspec.Struct, frozen=True):
    index: int
    posting_date: date
    balance: Decimal


async def history_dips(
    conn: asyncpg.Connection, takes: Sequence[tuple[BalanceKey, date, int, Decimal]]
) -> list[Dip]:
    """``takes``: (key, posting date, request line index, quantity taken, negative)."""
    records = await conn.fetch(
        L.history_dips,
        *_columns([t[0] for t in takes]),
        [t[1] for t in takes],
        [t[2] for t in takes],
        [t[3] for t in takes],
    )
    return [Dip(r["idx"], r["posting_date"], r["balance"]) for r in records]


async def revalue(
    conn: asyncpg.Connection, groups: Sequence[tuple[UUID, UUID, Sequence[Line]]]
) -> list[list[Decimal]]:
    """The values of each group's new lines (given in ledger order) at the moving average,
    restating existing lines after them; one round trip for all groups."""
    if not groups:
        return []
    flat = [x for _, _, lines in groups for x in lines]
    bounds: list[tuple[int, int]] = []
    start = 1
    for _, _, lines in groups:
        bounds.append((start, start + len(lines) - 1))
        start += len(lines)
    amounts: list[Decimal] = await conn.fetchval(
        L.revalue,
        [g[0] for g in groups],
        [g[1] for g in groups],
        [b[0] for b in bounds],
        [b[1] for b in bounds],
        [x.posting_date for x in flat],
        [x.quantity for x in flat],
        [x.value for x in flat],
        [x.valuation for x in flat],
    )
    return [amounts[lo - 1 : hi] for lo, hi in bounds]


async def reservations_for_issue(
    conn: asyncpg.Connection, ids: Sequence[UUID]
) -> dict[UUID, ReservationState]:
    records = await conn.fetch(L.reservations_for_issue, sorted(set(ids)))
    return {r["id"]: msgspec.convert(dict(r), ReservationState) for r in records}


async def reservations_withdraw(
    conn: asyncpg.Connection, withdrawals: Sequence[tuple[UUID, Decimal]]
) -> None:
    await conn.execute(
        L.reservations_withdraw, [w[0] for w in withdrawals], [w[1] for w in withdrawals]
    )


async def movements_with_lines(
    conn: asyncpg.Connection, ids: Sequence[UUID]
) -> list[GoodsMovement]:
    """Documents ``ids`` with their lines, in the order of ``ids``."""
    headers = {
        r["id"]: msgspec.convert(dict(r), GoodsMovement)
        for r in await conn.fetch(L.movements_get, list(ids))
    }
    dates = sorted({h.posting_date for h in headers.values()})
    for r in await conn.fetch(L.lines_of_movements, list(headers), dates):
        row = dict(r)
        movement_id = row.pop("movement_id")
        row["lot"] = show_lot(row["lot"])
        headers[movement_id].lines.append(msgspec.convert(row, GoodsMovementLine))
    return [headers[i] for i in ids if i in headers]

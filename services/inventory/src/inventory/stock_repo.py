"""Typed functions for the stock ledger's named queries; the caller owns the transaction."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

import asyncpg
import msgspec

from inventory.models import GoodsMovement, GoodsMovementLine, Location, StockBalance
from inventory.repo import Q

NO_LOT = ""  # how "no lot" is kept, so the lot can be part of the balance key


def _lot(value: str) -> str | None:
    return None if value == NO_LOT else value


class LedgerLine(msgspec.Struct, frozen=True, kw_only=True):
    """A line to write: quantities signed, ``pointer`` names the request field it came from."""

    line_no: int
    material_id: UUID
    plant_id: UUID
    location_id: UUID
    lot: str
    quantity: Decimal
    unit: str
    entry_quantity: Decimal
    entry_unit: str
    pointer: str


class MovementHeader(msgspec.Struct, frozen=True, kw_only=True):
    plant_id: UUID
    movement_type: str
    posting_date: date
    reference: str | None
    reversal_of: UUID | None = None


# ------------------------------------------------------------------ storage locations


async def location_insert(
    conn: asyncpg.Connection,
    plant_id: UUID,
    code: str,
    name: str,
    kind: str,
    parent_id: UUID | None,
) -> Location | None:
    record = await conn.fetchrow(Q.location_insert, plant_id, code, name, kind, parent_id)
    return None if record is None else msgspec.convert(dict(record), Location)


async def location_get(
    conn: asyncpg.Connection, plant_id: UUID, location_id: UUID
) -> Location | None:
    record = await conn.fetchrow(Q.location_get, plant_id, location_id)
    return None if record is None else msgspec.convert(dict(record), Location)


async def locations_page(
    conn: asyncpg.Connection, plant_id: UUID, after: str | None, limit: int
) -> list[Location]:
    records = await conn.fetch(Q.locations_page, plant_id, after, limit)
    return [msgspec.convert(dict(r), Location) for r in records]


async def locations_in_plant(
    conn: asyncpg.Connection, plant_id: UUID, location_ids: list[UUID]
) -> set[UUID]:
    return {r["id"] for r in await conn.fetch(Q.locations_in_plant, plant_id, location_ids)}


# ------------------------------------------------------------------ goods movements


async def movement_insert(conn: asyncpg.Connection, header: MovementHeader) -> GoodsMovement:
    record = await conn.fetchrow(
        Q.movement_insert,
        header.plant_id,
        header.movement_type,
        header.posting_date,
        header.reference,
        header.reversal_of,
    )
    return msgspec.convert(dict(record), GoodsMovement)


async def movement_get(conn: asyncpg.Connection, movement_id: UUID) -> GoodsMovement | None:
    record = await conn.fetchrow(Q.movement_get, movement_id)
    return None if record is None else msgspec.convert(dict(record), GoodsMovement)


async def movement_reversed_by(conn: asyncpg.Connection, movement_id: UUID) -> UUID | None:
    value = await conn.fetchval(Q.movement_reversed_by, movement_id)
    return value if isinstance(value, UUID) else None


async def movement_lines_insert(
    conn: asyncpg.Connection, movement: GoodsMovement, lines: list[LedgerLine]
) -> None:
    await conn.execute(
        Q.movement_lines_insert,
        movement.id,
        movement.posting_date,
        movement.movement_type,
        [line.line_no for line in lines],
        [line.material_id for line in lines],
        [line.plant_id for line in lines],
        [line.location_id for line in lines],
        [line.lot for line in lines],
        [line.quantity for line in lines],
        [line.entry_quantity for line in lines],
        [line.entry_unit for line in lines],
    )


async def movement_lines_of(
    conn: asyncpg.Connection, movement_id: UUID, posting_date: date
) -> list[GoodsMovementLine]:
    records = await conn.fetch(Q.movement_lines_of, movement_id, posting_date)
    return [msgspec.convert(dict(r) | {"lot": _lot(r["lot"])}, GoodsMovementLine) for r in records]


# ------------------------------------------------------------------ stock


async def balance_add(conn: asyncpg.Connection, line: LedgerLine) -> Decimal | None:
    """The new on-hand; raises CheckViolationError when it would go below zero."""
    key = (line.material_id, line.plant_id, line.location_id, line.lot)
    if line.quantity > 0:
        value = await conn.fetchval(Q.balance_add, *key, line.quantity)
    else:
        await conn.execute(Q.balance_open, *key)
        value = await conn.fetchval(Q.balance_take, *key, line.quantity)
    return value if isinstance(value, Decimal) else None


async def balance_get(conn: asyncpg.Connection, line: LedgerLine) -> Decimal:
    value = await conn.fetchval(
        Q.balance_get, line.material_id, line.plant_id, line.location_id, line.lot
    )
    return value if isinstance(value, Decimal) else Decimal(0)


class StockFilter(msgspec.Struct, frozen=True, kw_only=True):
    material_id: UUID | None = None
    plant_id: UUID | None = None
    location_id: UUID | None = None


async def stock_page(
    conn: asyncpg.Connection,
    where: StockFilter,
    after: tuple[UUID, UUID, UUID, str] | None,
    limit: int,
) -> list[StockBalance]:
    after_key = after if after is not None else (None, None, None, None)
    records = await conn.fetch(
        Q.stock_page, where.material_id, where.plant_id, where.location_id, *after_key, limit
    )
    return [msgspec.convert(dict(r) | {"lot": _lot(r["lot"])}, StockBalance) for r in records]

"""Typed functions for the stock ledger's named queries; the caller owns the transaction."""

from __future__ import annotations

from uuid import UUID

import asyncpg
import msgspec

from inventory.ledger_repo import NO_LOT
from inventory.models import GoodsMovement, Location, StockBalance
from inventory.repo import Q


def _lot(value: str) -> str | None:
    return None if value == NO_LOT else value


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


async def location_rename(
    conn: asyncpg.Connection, plant_id: UUID, location_id: UUID, name: str
) -> Location | None:
    record = await conn.fetchrow(Q.location_rename, plant_id, location_id, name)
    return None if record is None else msgspec.convert(dict(record), Location)


async def location_delete(conn: asyncpg.Connection, plant_id: UUID, location_id: UUID) -> bool:
    return await conn.fetchval(Q.location_delete, plant_id, location_id) is not None


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


async def movement_get(conn: asyncpg.Connection, movement_id: UUID) -> GoodsMovement | None:
    record = await conn.fetchrow(Q.movement_get, movement_id)
    return None if record is None else msgspec.convert(dict(record), GoodsMovement)


async def movement_reversed_by(conn: asyncpg.Connection, movement_id: UUID) -> UUID | None:
    value = await conn.fetchval(Q.movement_reversed_by, movement_id)
    return value if isinstance(value, UUID) else None


class StockFilter(msgspec.Struct, frozen=True, kw_only=True):
    material_id: UUID | None = None
    plant_id: UUID | None = None
    location_id: UUID | None = None
    lot: str | None = None
    category: str | None = None


async def stock_page(
    conn: asyncpg.Connection,
    where: StockFilter,
    after: tuple[UUID, UUID, UUID, str, str] | None,
    limit: int,
) -> list[StockBalance]:
    after_key = after if after is not None else (None, None, None, None, None)
    records = await conn.fetch(
        Q.stock_page,
        where.material_id,
        where.plant_id,
        where.location_id,
        where.lot,
        where.category,
        *after_key,
        limit,
    )
    return [msgspec.convert(dict(r) | {"lot": _lot(r["lot"])}, StockBalance) for r in records]

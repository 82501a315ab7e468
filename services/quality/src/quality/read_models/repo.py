"""Typed functions for ``read_models.sql``. The caller owns the transaction."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from uuid import UUID

import asyncpg
import msgspec

from unison_pg import Queries
from unison_pg.rows import many, one

Q = Queries.load(Path(__file__).with_name("read_models.sql"))


class MaterialRow(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    number: str
    description: str
    base_unit: str
    deleted: bool


class WorkOrderRow(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    plant_id: UUID
    number: str
    material_id: UUID
    quantity: Decimal
    output_lot: str | None


async def materials_get(conn: asyncpg.Connection, ids: list[UUID]) -> dict[UUID, MaterialRow]:
    return {m.id: m for m in many(await conn.fetch(Q.materials_get, ids), MaterialRow)}


async def material(conn: asyncpg.Connection, material_id: UUID) -> MaterialRow | None:
    return (await materials_get(conn, [material_id])).get(material_id)


async def work_order(conn: asyncpg.Connection, order_id: UUID) -> WorkOrderRow | None:
    return one(await conn.fetchrow(Q.work_order_get, order_id), WorkOrderRow)


async def work_order_by_number(conn: asyncpg.Connection, number: str) -> WorkOrderRow | None:
    return one(await conn.fetchrow(Q.work_order_by_number, number), WorkOrderRow)

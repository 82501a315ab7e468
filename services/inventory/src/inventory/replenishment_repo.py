"""Typed functions for the named queries of ``replenishment.sql``; the caller owns the
transaction."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Literal
from uuid import UUID

import asyncpg
import msgspec

from unison_pg import Queries

Q = Queries.load(Path(__file__).with_name("replenishment.sql"))


class ReorderChange(msgspec.Struct, frozen=True, kw_only=True):
    """A material/plant that crossed below its reorder point, or came back above it."""

    change: Literal["below", "recovered"]
    material_id: UUID
    material_number: str
    unit: str
    plant_id: UUID
    on_hand: Decimal
    # None when a recovered material/plant is no longer planned.
    reorder_point: Decimal | None
    safety_stock: Decimal | None
    max_stock: Decimal | None
    lot_size: Decimal | None
    below_since: datetime


class BelowRow(msgspec.Struct, frozen=True, kw_only=True):
    material_id: UUID
    material_number: str
    description: str
    plant_id: UUID
    unit: str
    on_hand: Decimal
    reorder_point: Decimal
    safety_stock: Decimal
    max_stock: Decimal | None
    lot_size: Decimal | None
    lead_time_days: int
    below_since: datetime


async def planned_plants(conn: asyncpg.Connection) -> list[UUID]:
    return [r["plant_id"] for r in await conn.fetch(Q.reorder_point_plants)]


async def check(conn: asyncpg.Connection, material_ids: list[UUID] | None) -> list[ReorderChange]:
    """Record crossings in the transaction's plants: every planned material, or only
    ``material_ids``."""
    if material_ids is None:
        records = await conn.fetch(Q.reorder_point_check)
    else:
        records = await conn.fetch(Q.reorder_point_check_materials, material_ids)
    return [msgspec.convert(dict(r), ReorderChange) for r in records]


async def below_page(
    conn: asyncpg.Connection,
    plant_id: UUID | None,
    after: tuple[datetime, UUID, UUID] | None,
    limit: int,
) -> list[BelowRow]:
    after_key = after if after is not None else (None, None, None)
    records = await conn.fetch(Q.below_reorder_point_page, plant_id, *after_key, limit)
    return [msgspec.convert(dict(r), BelowRow) for r in records]

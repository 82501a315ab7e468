"""Typed functions for ``facts.sql``, ``kpis.sql`` and ``rebuild.sql``. The caller owns
the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import asyncpg
import msgspec

from reporting.inventory_facts.models import BelowReorderItem
from unison_events.inventory import (
    GoodsMovementPosted,
    MaterialSnapshot,
    StockBelowReorderPoint,
    StockReorderPointRecovered,
)
from unison_pg import Queries
from unison_pg.rows import many

FACTS = Queries.load(Path(__file__).with_name("facts.sql"))
READS = Queries.load(Path(__file__).with_name("kpis.sql"))
REBUILD = Queries.load(Path(__file__).with_name("rebuild.sql"))

# (plant, material, material group): None is "every one the caller sees" / "no filter".
Where = tuple[UUID | None, UUID | None, str | None]


class StockSums(msgspec.Struct, frozen=True, kw_only=True):
    bucket: date
    days: int
    closing_quantity: Decimal
    closing_value: Decimal
    stock_quantity_days: Decimal
    stock_value_days: Decimal
    issued_quantity: Decimal
    issued_value: Decimal


class MovementSums(msgspec.Struct, frozen=True, kw_only=True):
    bucket: date
    movement_type: str
    documents: int | None
    lines: int
    quantity_in: Decimal
    quantity_out: Decimal
    value_in: Decimal
    value_out: Decimal


class AgeingSums(msgspec.Struct, frozen=True, kw_only=True):
    bucket: int
    lots: int
    quantity: Decimal
    value: Decimal


async def add_movement(conn: asyncpg.Connection, e: GoodsMovementPosted) -> list[UUID]:
    """A document's lines, and the earlier lines it restated, as facts, added to the
    rollups and the current stock in the same statement. Returns the plants whose
    figures changed (none: nothing new)."""
    own = [
        (
            e.posting_date,
            e.movement_id,
            n if x.line_no is None else x.line_no,  # older events: the position
            e.movement_type,
            x,
            e.reversal_of,
        )
        for n, x in enumerate(e.lines, start=1)
    ]
    restated = [
        (x.posting_date, x.movement_id, x.line_no, x.movement_type, x, None)
        for x in e.restated
        if x.line_no is not None
    ]
    lines = own + restated
    plants: list[UUID] = await conn.fetchval(
        FACTS.add_movement,
        [x[0] for x in lines],
        [x[1] for x in lines],
        [x[2] for x in lines],
        [x[3] for x in lines],
        [x[4].plant_id for x in lines],
        [x[4].location_id for x in lines],
        [x[4].material_id for x in lines],
        [x[4].lot or "" for x in lines],
        [x[4].category for x in lines],
        [x[4].quantity for x in lines],
        [x[4].value for x in lines],
        [x[5] for x in lines],
        e.id,
        e.occurred_at,
    )
    return plants


async def keep_material(conn: asyncpg.Connection, e: MaterialSnapshot) -> None:
    await conn.execute(
        FACTS.keep_material, e.material_id, e.number, e.material_group, e.base_unit, e.version
    )


async def delete_material(conn: asyncpg.Connection, material_id: UUID, number: str) -> None:
    await conn.execute(FACTS.delete_material, material_id, number)


async def keep_reorder_state(
    conn: asyncpg.Connection, e: StockBelowReorderPoint | StockReorderPointRecovered
) -> bool:
    """The crossing as the material's state in its plant; True when it is the newest."""
    below = isinstance(e, StockBelowReorderPoint)
    changed: int = await conn.fetchval(
        FACTS.keep_reorder_state,
        e.plant_id,
        e.material_id,
        below,
        e.material_number,
        e.unit,
        e.on_hand,
        e.reorder_point,
        e.safety_stock if isinstance(e, StockBelowReorderPoint) else None,
        e.suggested_quantity if isinstance(e, StockBelowReorderPoint) else None,
        e.below_since,
        e.id,
        e.occurred_at,
    )
    return changed > 0


async def bump_days(conn: asyncpg.Connection, plant_id: UUID, days: Sequence[date]) -> None:
    await conn.execute(FACTS.bump_days, plant_id, list(days))


async def bump_span(
    conn: asyncpg.Connection, plant_ids: Sequence[UUID], first: date, last: date
) -> None:
    await conn.execute(FACTS.bump_span, list(plant_ids), first, last)


async def range_generation(
    conn: asyncpg.Connection, plant_ids: Sequence[UUID], first: date, last: date
) -> int:
    generation: int = await conn.fetchval(FACTS.range_generation, list(plant_ids), first, last)
    return generation


async def materials_generation(conn: asyncpg.Connection) -> int:
    generation: int = await conn.fetchval(FACTS.materials_generation)
    return generation


async def rebuild(conn: asyncpg.Connection, first: date, last: date) -> tuple[int, int, int]:
    """Rollup rows of days [first, last] and the current stock of what moved in them,
    recomputed from the facts: (plant daily, material daily, material stock) rows. The
    caller holds the organization exclusively (handlers share that lock)."""
    await conn.execute(REBUILD.delete_plant_daily, first, last)
    plant_daily: int = await conn.fetchval(REBUILD.rebuild_plant_daily, first, last)
    await conn.execute(REBUILD.delete_daily, first, last)
    daily: int = await conn.fetchval(REBUILD.rebuild_daily, first, last)
    await conn.execute(REBUILD.delete_monthly, first, last)
    await conn.fetchval(REBUILD.rebuild_monthly, first, last)
    await conn.execute(REBUILD.delete_stock, first, last)
    stock: int = await conn.fetchval(REBUILD.rebuild_stock, first, last)
    return plant_daily, daily, stock


async def stock(
    conn: asyncpg.Connection, days: tuple[date, date], granularity: str, where: Where
) -> list[StockSums]:
    return many(await conn.fetch(READS.stock, *days, granularity, *where), StockSums)


async def movements(
    conn: asyncpg.Connection, days: tuple[date, date], granularity: str, where: Where
) -> list[MovementSums]:
    return many(await conn.fetch(READS.movements, *days, granularity, *where), MovementSums)


async def lot_ageing(conn: asyncpg.Connection, as_of: date, where: Where) -> list[AgeingSums]:
    return many(await conn.fetch(READS.lot_ageing, as_of, *where), AgeingSums)


async def below_reorder(
    conn: asyncpg.Connection,
    where: tuple[UUID | None, str | None],
    after: tuple[datetime, UUID, UUID] | None,
    limit: int,
) -> list[BelowReorderItem]:
    keyset = after or (None, None, None)
    return many(await conn.fetch(READS.below_reorder, *where, limit, *keyset), BelowReorderItem)


async def below_reorder_count(
    conn: asyncpg.Connection, where: tuple[UUID | None, str | None]
) -> int:
    count: int = await conn.fetchval(READS.below_reorder_count, *where)
    return count

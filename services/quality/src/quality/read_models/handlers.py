"""Event handlers keeping the read models."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from uuid import UUID

import asyncpg

from quality.read_models.repo import Q
from unison_events.inventory import (
    GoodsMovementPosted,
    MaterialChanged,
    MaterialCreated,
    MaterialDeleted,
)
from unison_events.production import WorkOrderCreated
from unison_pg.scope import scope_plants


async def on_material(conn: asyncpg.Connection, event: MaterialCreated | MaterialChanged) -> None:
    await conn.execute(
        Q.material_upsert,
        event.material_id,
        event.number,
        event.description,
        event.base_unit,
        event.version,
    )


async def on_material_deleted(conn: asyncpg.Connection, event: MaterialDeleted) -> None:
    await conn.execute(Q.material_deleted, event.material_id)


async def on_work_order(conn: asyncpg.Connection, event: WorkOrderCreated) -> None:
    await scope_plants(conn, event.plant_id)
    await conn.execute(
        Q.work_order_upsert,
        event.work_order_id,
        event.plant_id,
        event.number,
        event.material_id,
        event.quantity,
        event.output_lot or event.number,
    )


async def on_goods_movement(conn: asyncpg.Connection, event: GoodsMovementPosted) -> None:
    """Stock per lot moves with every posted movement (reversals too): periodic plans
    re-inspect the lots still in stock."""
    moved: dict[tuple[UUID, UUID, str], Decimal] = defaultdict(Decimal)
    units: dict[tuple[UUID, UUID, str], str] = {}
    for line in event.lines:
        if line.lot:
            key = (line.plant_id, line.material_id, line.lot)
            moved[key] += line.quantity
            units[key] = line.unit
    if not moved:
        return
    await scope_plants(conn, *{p for p, _, _ in moved})
    keys = sorted(moved, key=lambda k: (str(k[0]), str(k[1]), k[2]))
    await conn.execute(
        Q.lot_stock_apply,
        [k[0] for k in keys],
        [k[1] for k in keys],
        [k[2] for k in keys],
        [moved[k] for k in keys],
        [units[k] for k in keys],
    )

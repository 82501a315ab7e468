"""Event handlers keeping the read models."""

from __future__ import annotations

import asyncpg

from quality.read_models.repo import Q
from unison_events.inventory import MaterialChanged, MaterialCreated, MaterialDeleted
from unison_events.production import WorkOrderCreated
from unison_pg.scope import scope_plants


async def on_material(conn: asyncpg.Connection, event: MaterialCreated | MaterialChanged) -> None:
    await conn.execute(
        Q.material_upsert, event.material_id, event.number, event.description, event.base_unit, event.version
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

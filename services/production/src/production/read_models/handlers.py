"""Event handlers that keep the read models: inventory's materials and released BOMs."""

from __future__ import annotations

import asyncpg
import msgspec

from production.read_models import repo
from unison_events.inventory import (
    BomChanged,
    BomReleased,
    MaterialChanged,
    MaterialCreated,
    MaterialDeleted,
)


async def on_material(conn: asyncpg.Connection, event: MaterialCreated | MaterialChanged) -> None:
    await repo.material_upsert(
        conn,
        event.material_id,
        event.number,
        event.description,
        event.type,
        event.base_unit,
        event.status,
        event.version,
    )


async def on_material_deleted(conn: asyncpg.Connection, event: MaterialDeleted) -> None:
    # Kept, marked: work orders that made it still name it.
    await repo.material_mark_deleted(conn, event.material_id)


async def on_bom_released(conn: asyncpg.Connection, event: BomReleased) -> None:
    items = msgspec.json.encode(
        [
            repo.BomItem(
                item_number=i.item_number,
                component_id=i.component_id,
                category="by_product" if i.category == "by_product" else "stock",
                phantom=i.phantom,
                base_quantity=i.base_quantity,
                base_unit=i.base_unit,
                scrap_percent=i.scrap_percent,
                operation=i.operation,
                valid_from=i.valid_from,
                valid_to=i.valid_to,
            )
            for i in event.items
        ]
    )
    header = (
        event.usage,
        event.alternative,
        "released",
        event.valid_from,
        event.valid_to,
        event.base_quantity,
        event.base_unit,
    )
    await repo.bom_upsert(
        conn, event.bom_id, event.material_id, event.plant_id, header, items, event.version
    )


async def on_bom_changed(conn: asyncpg.Connection, event: BomChanged) -> None:
    await repo.bom_status(
        conn, event.bom_id, event.status, event.valid_from, event.valid_to, event.version
    )

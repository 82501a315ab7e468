"""Inventory's events into facts, rollups and state. The consumer runs each handler in the
event's organization with its inbox entry, so a replayed event never gets here twice; the
facts' keys (document, line) and the state rows' versions are a second guard against one
applied twice or late."""

from __future__ import annotations

from datetime import UTC

import asyncpg
import structlog

from reporting.inventory_facts import freshness, repo
from reporting.production_facts.repo import hold_organization
from unison_events.inventory import (
    GoodsMovementPosted,
    MaterialChanged,
    MaterialCreated,
    MaterialDeleted,
    StockBelowReorderPoint,
    StockReorderPointRecovered,
)
from unison_pg.scope import scope_plants

log = structlog.get_logger("reporting.inventory_facts")


async def on_goods_movement_posted(conn: asyncpg.Connection, event: GoodsMovementPosted) -> None:
    """A document's lines as facts on its posting day (a transfer between plants touches
    both: its lines name them), and the values of earlier lines it restated."""
    plants = sorted({x.plant_id for x in (*event.lines, *event.restated)}, key=str)
    if not plants:
        log.warning("movement_without_lines", event_id=str(event.id))
        return
    await scope_plants(conn, *plants)
    await hold_organization(conn, event.organization_id)
    changed = await repo.add_movement(conn, event)
    if changed:
        days = [event.posting_date, *(x.posting_date for x in event.restated)]
        await freshness.movements_changed(
            conn, event.organization_id, sorted(changed, key=str), days
        )


async def on_material(conn: asyncpg.Connection, event: MaterialCreated | MaterialChanged) -> None:
    """The material master (organization-wide): number, group, base unit."""
    await repo.keep_material(conn, event)


async def on_material_deleted(conn: asyncpg.Connection, event: MaterialDeleted) -> None:
    await repo.delete_material(conn, event.material_id, event.number)


async def on_reorder_point(
    conn: asyncpg.Connection, event: StockBelowReorderPoint | StockReorderPointRecovered
) -> None:
    """A crossing (below, or recovered) as the material's state in its plant."""
    if event.plant_id is None:
        log.warning("event_without_plant", topic=event.topic, event_id=str(event.id))
        return
    await scope_plants(conn, event.plant_id)
    if await repo.keep_reorder_state(conn, event):
        await freshness.reorder_changed(
            conn,
            event.organization_id,
            event.plant_id,
            event.material_id,
            event.occurred_at.astimezone(UTC).date(),
            isinstance(event, StockBelowReorderPoint),
        )

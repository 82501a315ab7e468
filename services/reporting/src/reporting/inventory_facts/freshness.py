"""When inventory facts change dashboards: the freshness counters of the cached answers
(``reporting.inventory_generations``, as ``dashboard_cache.freshness`` keeps them for
production) and the live update, both in the fact's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

import asyncpg

from reporting.inventory_facts import repo
from unison_bus import LiveUpdate, notify_live

# What subscribed inventory tiles listen for (``reporting.inventory.*``).
MOVEMENTS_TOPIC = "reporting.inventory.movements"
BELOW_REORDER_TOPIC = "reporting.inventory.below_reorder"


async def movements_changed(
    conn: asyncpg.Connection,
    organization_id: UUID,
    plant_ids: Sequence[UUID],
    days: Sequence[date],
) -> None:
    """Lines of posting days ``days`` changed these plants' figures: those days'
    movements, and the stock of every day from the first on (a running sum)."""
    changed = sorted(set(days))
    for plant_id in plant_ids:
        await repo.bump_days(conn, plant_id, changed)
        await _tell(conn, MOVEMENTS_TOPIC, organization_id, plant_id, str(plant_id), day=changed[0])


async def reorder_changed(
    conn: asyncpg.Connection,
    organization_id: UUID,
    plant_id: UUID,
    material_id: UUID,
    day: date,
    below: bool,
) -> None:
    await repo.bump_days(conn, plant_id, [day])
    await _tell(conn, BELOW_REORDER_TOPIC, organization_id, plant_id, str(material_id), below=below)


async def rebuilt(
    conn: asyncpg.Connection,
    organization_id: UUID,
    plant_ids: Sequence[UUID],
    span: tuple[date, date],
) -> None:
    """In a rebuild's transaction: every day of ``span`` of those plants may have changed."""
    await repo.bump_span(conn, plant_ids, *span)
    for plant_id in plant_ids:
        await _tell(conn, MOVEMENTS_TOPIC, organization_id, plant_id, str(plant_id), day=span[0])


async def _tell(
    conn: asyncpg.Connection,
    kind: str,
    organization_id: UUID,
    plant_id: UUID,
    what: str,
    *,
    day: date | None = None,
    below: bool | None = None,
) -> None:
    # Ids and days, never figures: the tile refetches through its own token and cache.
    data: dict[str, str | int | float | bool | None] = {}
    if day is not None:
        data["from"] = day.isoformat()
    if below is not None:
        data["below"] = below
    await notify_live(
        conn,
        LiveUpdate(
            type=kind, id=what, organization_id=organization_id, plant_id=plant_id, data=data
        ),
    )

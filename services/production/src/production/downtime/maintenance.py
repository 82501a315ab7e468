"""Maintenance's work orders on the shop floor: a machine down for maintenance stands
(downtime linked to the maintenance order, planned for preventive work), and runs again
when the work is done."""

from __future__ import annotations

from datetime import UTC
from uuid import UUID

import asyncpg

from production.caller import system_caller
from production.downtime import repo, service
from production.oee_tracking.context import FloorContext
from production.oee_tracking.repo import Delta
from production.work_centers import repo as work_centers_repo
from unison_events.maintenance import MaintenanceWorkOrderCompleted, MaintenanceWorkOrderOpened
from unison_pg import Tenant
from unison_pg.scope import scope_plants


async def _centers(
    conn: asyncpg.Connection, event: MaintenanceWorkOrderOpened | MaintenanceWorkOrderCompleted
) -> list[UUID]:
    """The work center named, else every one the equipment is (the plant of the event)."""
    if event.work_center_id is not None:
        return [event.work_center_id]
    return [c.id for c in await work_centers_repo.by_equipment(conn, event.equipment_id)]


def _tenant(event: MaintenanceWorkOrderOpened | MaintenanceWorkOrderCompleted) -> Tenant:
    plants = (event.plant_id,) if event.plant_id is not None else ()
    return Tenant(event.organization_id, plants, "maintenance")


async def on_opened(conn: asyncpg.Connection, event: MaintenanceWorkOrderOpened) -> None:
    if not event.machine_down:
        return
    await scope_plants(conn, event.plant_id)
    caller = system_caller(_tenant(event))
    at = (event.down_since or event.occurred_at).astimezone(UTC)
    for center_id in await _centers(conn, event):
        open_stops = await repo.open_at(conn, [center_id])
        if open_stops:
            # The operator reported the stop first: maintenance's order explains it.
            stop = open_stops[0]
            stop.maintenance_work_order_id = event.maintenance_work_order_id
            stop.expected_end = event.expected_end or stop.expected_end
            await repo.save(conn, stop)
            continue
        fields = service.StopFields(
            description=event.description,
            expected_end=event.expected_end,
            source="maintenance",
            maintenance_work_order_id=event.maintenance_work_order_id,
            loss="planned_stop" if event.kind == "preventive" else "breakdown",
        )
        await service.open_in(conn, caller, center_id, at, fields)


async def on_completed(conn: asyncpg.Connection, event: MaintenanceWorkOrderCompleted) -> None:
    await scope_plants(conn, event.plant_id)
    caller = system_caller(_tenant(event))
    at = (event.machine_running_at or event.occurred_at).astimezone(UTC)
    stops = [s for s in await repo.by_maintenance(conn, event.maintenance_work_order_id)]
    open_stops = [s for s in stops if s.ended_at is None]
    if not open_stops:
        return
    first = min(s.started_at for s in open_stops)
    ctx = await FloorContext.load(conn, {s.work_center_id for s in open_stops}, first, at)
    delta = Delta()
    for stop in open_stops:
        await service.close_in(conn, caller, ctx, delta, stop, at)
    await delta.save(conn)

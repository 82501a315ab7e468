"""Event handlers: production's work centers, stops and planned time; a breakdown becomes
a repair order; inventory's answers to spare-part issues."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import asyncpg

from maintenance.caller import system_caller
from maintenance.work_orders import repo as orders_repo
from maintenance.work_orders.repo import NewOrder
from maintenance.work_orders.service import create_in
from unison_bus import LiveUpdate, notify_live
from unison_events.inventory import MaintenanceIssueFailed, MaintenanceIssuePosted
from unison_events.production import DowntimeEnded, DowntimeStarted, OeeClosed, WorkCenterChanged
from unison_pg import Queries, Tenant
from unison_pg.scope import scope_plants

Q = Queries.load(Path(__file__).with_name("read_models.sql"))


async def on_work_center(conn: asyncpg.Connection, event: WorkCenterChanged) -> None:
    await scope_plants(conn, event.plant_id)
    if event.deleted:
        await conn.execute(Q.work_center_delete, event.work_center_id)
        return
    await conn.execute(
        Q.work_center_upsert, event.work_center_id, event.plant_id, event.code, event.equipment_id
    )


async def _equipment(
    conn: asyncpg.Connection, work_center_id: UUID, named: UUID | None
) -> UUID | None:
    if named is not None:
        return named
    found: UUID | None = await conn.fetchval(Q.equipment_of_work_center, work_center_id)
    return found


async def on_downtime_started(conn: asyncpg.Connection, event: DowntimeStarted) -> None:
    """Kept for MTBF; an unplanned breakdown nobody maintains yet becomes a repair order
    (production then links its stop to it)."""
    await scope_plants(conn, event.plant_id)
    equipment = await _equipment(conn, event.work_center_id, event.equipment_id)
    if equipment is None or event.plant_id is None:
        return
    await conn.execute(
        Q.downtime_upsert,
        event.downtime_id,
        event.plant_id,
        equipment,
        event.started_at,
        None,
        event.loss,
        event.planned,
    )
    if event.loss != "breakdown" or event.maintenance_work_order_id is not None:
        return
    if await orders_repo.by_downtime(conn, event.downtime_id) is not None:
        return
    caller = system_caller(Tenant(event.organization_id, (event.plant_id,), "production"))
    new = NewOrder(
        plant_id=event.plant_id,
        equipment_id=equipment,
        kind="corrective",
        title=f"Breakdown{' (' + event.reason_code + ')' if event.reason_code else ''}",
        priority=1,
        machine_down=True,
        down_since=event.started_at,
        downtime_id=event.downtime_id,
        due_date=event.started_at.date(),
    )
    order = await create_in(conn, caller, new)
    if order is not None:
        await conn.execute(Q.downtime_link, event.downtime_id, order.id)


async def on_downtime_ended(conn: asyncpg.Connection, event: DowntimeEnded) -> None:
    await scope_plants(conn, event.plant_id)
    equipment = await _equipment(conn, event.work_center_id, event.equipment_id)
    if equipment is None or event.plant_id is None:
        return
    await conn.execute(
        Q.downtime_upsert,
        event.downtime_id,
        event.plant_id,
        equipment,
        event.started_at,
        event.ended_at,
        event.loss,
        event.planned,
    )


async def on_oee_closed(conn: asyncpg.Connection, event: OeeClosed) -> None:
    """The planned operating time of a shift: scheduled less breaks and planned stops."""
    await scope_plants(conn, event.plant_id)
    equipment = await _equipment(conn, event.work_center_id, None)
    if equipment is None or event.plant_id is None:
        return
    planned = event.scheduled_seconds - event.break_seconds - event.planned_stop_seconds
    await conn.execute(
        Q.planned_upsert,
        equipment,
        event.plant_id,
        event.production_day,
        event.shift_code,
        max(planned, 0),
    )


async def _settled(
    conn: asyncpg.Connection, event: MaintenanceIssuePosted | MaintenanceIssueFailed, status: str
) -> None:
    await notify_live(
        conn,
        LiveUpdate(
            type=f"maintenance.parts.{status}",
            id=str(event.maintenance_work_order_id),
            organization_id=event.organization_id,
            plant_id=event.plant_id,
            data={"request_id": str(event.request_id)},
        ),
    )


async def on_issue_posted(conn: asyncpg.Connection, event: MaintenanceIssuePosted) -> None:
    await scope_plants(conn, event.plant_id)
    answer = (event.value, list(event.movement_ids), None)
    if await orders_repo.part_request_settle(conn, event.request_id, "issued", answer) is not None:
        await _settled(conn, event, "issued")


async def on_issue_failed(conn: asyncpg.Connection, event: MaintenanceIssueFailed) -> None:
    await scope_plants(conn, event.plant_id)
    answer: tuple[object, list[UUID], str | None] = (None, [], event.error)
    if await orders_repo.part_request_settle(conn, event.request_id, "failed", answer) is not None:
        await _settled(conn, event, "failed")

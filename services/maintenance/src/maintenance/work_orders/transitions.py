"""Maintenance work order state changes with their consequences: the history, production
told when a stopped machine runs again, a plan's next cycle when its work is done."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from maintenance.caller import MAINTAINERS, Caller
from maintenance.plans import repo as plans_repo
from maintenance.work_orders import repo, states
from maintenance.work_orders.models import WorkOrder
from maintenance.work_orders.service import locked, now, opened_event, status_event
from unison_bus import Event, LiveData, announce_many
from unison_events.maintenance import MaintenanceWorkOrderCompleted
from unison_pg import Database
from unison_web import Conflict, Invalid


def _guard(action: str, order: WorkOrder) -> None:
    if action == "complete" and order.kind == "corrective" and order.problem_code is None:
        raise Conflict(
            f"work order {order.number} is a repair: record its problem code (what broke)"
            " before you complete it"
        )


def _moved(order: WorkOrder, action: str, target: str, at: datetime) -> WorkOrder:
    order.status = target  # type: ignore[assignment]
    if action == "start":
        order.started_at = order.started_at or at
    elif action == "complete":
        order.done_at = at
    elif action == "close":
        order.closed_at = at
    return order


async def _completed(conn: asyncpg.Connection, caller: Caller, order: WorkOrder) -> Event:
    """The machine runs again (production ends its stop); a plan starts its next cycle."""
    if order.plan_id is not None:
        await plans_repo.complete(conn, order.plan_id, order.done_at or now(), order.due_date)
    return MaintenanceWorkOrderCompleted(
        organization_id=caller.tenant.organization_id,
        plant_id=order.plant_id,
        maintenance_work_order_id=order.id,
        number=order.number,
        equipment_id=order.equipment_id,
        machine_running_at=order.done_at if order.machine_down else None,
    )


async def apply(
    conn: asyncpg.Connection,
    caller: Caller,
    order: WorkOrder,
    action: str,
    reason: str | None,
    at: datetime,
) -> WorkOrder:
    """Move a locked order inside the caller's transaction."""
    target = states.target(action, order.status)
    _guard(action, order)
    previous = order.status
    if action == "start" and order.down_since is not None and at < order.down_since:
        raise Invalid("lies before the machine went down", "/at")
    saved = await repo.save(conn, _moved(order, action, target, at))
    await repo.status_change(conn, saved, (previous, target), reason)
    live: LiveData = {"number": saved.number, "status": target, "previous": previous}
    events: list[tuple[Event, UUID | str, LiveData | None]] = [
        (status_event(caller, saved, previous), saved.id, live)
    ]
    if action == "start" and saved.machine_down and saved.down_since is None:
        # Planned work that stops the machine: production records the stop from now.
        saved.down_since = at
        saved = await repo.save(conn, saved)
        events.append((await opened_event(conn, caller, saved), saved.id, None))
    if action == "complete":
        events.append((await _completed(conn, caller, saved), saved.id, None))
    await announce_many(conn, events)
    return saved


async def transition(
    db: Database,
    caller: Caller,
    order_id: UUID,
    action: str,
    data: tuple[str | None, datetime | None],
    expected: int | None,
) -> WorkOrder:
    caller.require(*MAINTAINERS)
    reason, at = data
    if action == "cancel" and not (reason and reason.strip()):
        raise Invalid("say why you cancel the order", "/reason")
    moment = at or now()
    if moment > now():
        raise Invalid("lies in the future", "/at")
    async with db.transaction(caller.tenant) as conn:
        order = await locked(conn, order_id, expected)
        return await apply(conn, caller, order, action, reason, moment)

"""Maintenance work order use cases. ``create_in`` is shared by everything that makes an
order (by hand, a breakdown, a plan, a meter alarm); each use case owns its transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import asyncpg
import msgspec

from maintenance.caller import MAINTAINERS, REPORTERS, Caller
from maintenance.equipment import repo as equipment_repo
from maintenance.work_orders import repo
from maintenance.work_orders.models import WorkOrder, WorkOrderCreate, WorkOrderUpdate
from maintenance.work_orders.repo import NewOrder
from unison_bus import Event, LiveData, announce_many
from unison_events.maintenance import MaintenanceWorkOrderOpened, MaintenanceWorkOrderStatusChanged
from unison_pg import Database
from unison_web import Invalid, NotFound, PreconditionFailed, checks, paging
from unison_web.paging import Page


def now() -> datetime:
    return datetime.now(UTC)


def status_event(
    caller: Caller, order: WorkOrder, previous: str | None
) -> MaintenanceWorkOrderStatusChanged:
    return MaintenanceWorkOrderStatusChanged(
        organization_id=caller.tenant.organization_id,
        plant_id=order.plant_id,
        maintenance_work_order_id=order.id,
        number=order.number,
        kind=order.kind,
        equipment_id=order.equipment_id,
        title=order.title,
        status=order.status,
        previous=previous,
        due_date=order.due_date,
        priority=order.priority,
        version=order.version,
        description=order.description,
    )


async def create_in(conn: asyncpg.Connection, caller: Caller, new: NewOrder) -> WorkOrder | None:
    """Make an order inside the caller's transaction; None when its occurrence (or the
    stop it is for) has one already. Production hears of it (a machine down is a stop)."""
    number = f"MWO-{await repo.next_number(conn):06d}"
    order = await repo.insert(conn, number, new)
    if order is None:
        return None
    await repo.status_change(conn, order, (None, "requested"), None)
    opened = await opened_event(conn, caller, order)
    live: LiveData = {"number": order.number, "status": order.status, "kind": order.kind}
    events: list[tuple[Event, UUID | str, LiveData | None]] = [
        (opened, order.id, live),
        (status_event(caller, order, None), order.id, None),
    ]
    await announce_many(conn, events)
    return order


async def opened_event(
    conn: asyncpg.Connection, caller: Caller, order: WorkOrder
) -> MaintenanceWorkOrderOpened:
    """What production hears: with ``machine_down`` it records (or explains) a stop."""
    equipment = await equipment_repo.get(conn, order.equipment_id)
    return MaintenanceWorkOrderOpened(
        organization_id=caller.tenant.organization_id,
        plant_id=order.plant_id,
        maintenance_work_order_id=order.id,
        number=order.number,
        kind=order.kind,
        equipment_id=order.equipment_id,
        work_center_id=equipment.work_center_id if equipment else None,
        # Planned work stops the machine when it starts, not when it is planned.
        machine_down=order.machine_down and order.down_since is not None,
        down_since=order.down_since,
        description=order.title,
    )


async def create(db: Database, caller: Caller, data: WorkOrderCreate) -> WorkOrder:
    """Anyone on the shop floor may report a breakdown (a corrective order); planned work
    is the maintenance team's."""
    caller.require(*(REPORTERS if data.kind == "corrective" else MAINTAINERS))
    title = checks.text(data.title, "/title", 200)
    down_since = (data.down_since or now()) if data.machine_down else None
    if down_since is not None and down_since > now():
        raise Invalid("lies in the future", "/down_since")
    async with db.transaction(caller.tenant) as conn:
        equipment = await equipment_repo.get(conn, data.equipment_id)
        if equipment is None:
            raise Invalid("no such equipment", "/equipment_id")
        new = NewOrder(
            plant_id=equipment.plant_id,
            equipment_id=equipment.id,
            kind=data.kind,
            title=title,
            description=data.description,
            priority=data.priority,
            due_date=data.due_date,
            machine_down=data.machine_down,
            down_since=down_since,
            estimated_minutes=data.estimated_minutes,
        )
        created = await create_in(conn, caller, new)
    assert created is not None  # only plan occurrences and stops can be taken already
    return created


async def get(db: Database, caller: Caller, order_id: UUID) -> WorkOrder:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        found = await repo.get(conn, order_id)
    if found is None:
        raise NotFound(f"maintenance work order {order_id} does not exist")
    return found


async def locked(conn: asyncpg.Connection, order_id: UUID, expected: int | None) -> WorkOrder:
    order = await repo.get(conn, order_id, lock=True)
    if order is None:
        raise NotFound(f"maintenance work order {order_id} does not exist")
    if expected is not None and order.version != expected:
        raise PreconditionFailed(
            f"work order {order.number} is at version {order.version}, not {expected}"
        )
    return order


async def update(
    db: Database, caller: Caller, order_id: UUID, data: WorkOrderUpdate, expected: int
) -> WorkOrder:
    caller.require(*MAINTAINERS)
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    if "title" in changes:
        changes["title"] = checks.text(changes["title"], "/title", 200)
    async with db.transaction(caller.tenant) as conn:
        order = await locked(conn, order_id, expected)
        merged = msgspec.structs.replace(order, **changes)
        if (
            merged.scheduled_start
            and merged.scheduled_end
            and merged.scheduled_end <= merged.scheduled_start
        ):
            raise Invalid("must be after scheduled_start", "/scheduled_end")
        return order if merged == order else await repo.save(conn, merged)


async def list_page(
    db: Database,
    caller: Caller,
    filters: tuple[UUID | None, UUID | None, str | None, str | None, bool],
    cursor: str | None,
    limit: int,
) -> Page[WorkOrder]:
    if filters[0] is not None:
        caller.check_plant(filters[0])
    key = paging.after(cursor, UUID)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await repo.page(conn, filters, key[0] if key else None, limit + 1)
    return paging.cut(rows, limit, lambda o: (o.id,))

"""Work order use cases: create, read, change, list. State changes are in
``transitions``; each use case owns its transaction and publishes in it."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import asyncpg
import msgspec

from production.caller import PLANNERS, Caller
from production.read_models import repo as read_models
from production.read_models.repo import MaterialRow
from production.work_orders import building, repo, snapshots
from production.work_orders.models import (
    StatusChange,
    WorkOrder,
    WorkOrderCreate,
    WorkOrderUpdate,
)
from unison_bus import announce
from unison_pg import Database
from unison_web import Conflict, Invalid, NotFound, PreconditionFailed, checks, paging
from unison_web.paging import Page

# Numbers someone typed by hand may sit in the counter's way; skip that many at most.
NUMBER_ATTEMPTS = 20


def now() -> datetime:
    return datetime.now(UTC)


def _check_dates(release_at: datetime | None, due_at: datetime) -> None:
    if release_at is not None and release_at > due_at:
        raise Invalid("the order cannot be released after it is due", "/release_at")


async def material(conn: asyncpg.Connection, material_id: UUID, pointer: str) -> MaterialRow:
    found = (await read_models.materials_get(conn, [material_id])).get(material_id)
    if found is None or found.deleted:
        raise Invalid("no such material", pointer)
    if found.status != "active":
        raise Invalid(f"material {found.number} is {found.status}", pointer)
    return found


async def _insert(
    conn: asyncpg.Connection, fields: tuple[object, ...], number: str | None
) -> tuple[UUID, str]:
    """Insert with the given number, or the next free one of the organization."""
    if number is not None:
        order_id = await repo.insert(conn, (fields[0], number, *fields[1:]))
        if order_id is None:
            raise Conflict(
                f"work order {number} already exists",
                errors=[{"pointer": "/number", "detail": "already used"}],
            )
        return order_id, number
    for _ in range(NUMBER_ATTEMPTS):
        candidate = f"WO-{await repo.next_number(conn):06d}"
        order_id = await repo.insert(conn, (fields[0], candidate, *fields[1:]))
        if order_id is not None:
            return order_id, candidate
    raise Conflict("no free work order number: the counter keeps meeting numbers given by hand")


async def create_in(
    conn: asyncpg.Connection, caller: Caller, data: WorkOrderCreate, sap_order_type: str | None
) -> WorkOrder:
    """Create inside the caller's transaction (the SAP import uses this too)."""
    product = await material(conn, data.material_id, "/material_id")
    on = (data.release_at or now()).date()
    routing_id, operations = await building.routing_operations(conn, data, on)
    if data.components is None:
        components = await building.from_bom(conn, data, product.base_unit, operations, on)
    else:
        components = await building.given(conn, data.components, operations)
    fields = (
        data.plant_id,
        data.material_id,
        data.quantity,
        product.base_unit,
        routing_id,
        "sap" if sap_order_type is not None else data.source,
        data.priority,
        data.release_at,
        data.due_at,
        data.output_location_id,
        data.output_lot,
        data.note,
        sap_order_type,
    )
    order_id, number = await _insert(conn, fields, data.number)
    await repo.operations_insert(
        conn, order_id, data.plant_id, building.order_operations(operations)
    )
    await repo.components_replace(conn, order_id, data.plant_id, components)
    order = await load(conn, order_id)
    await repo.status_change(conn, order, None, (None, "draft"), None, caller.request_id)
    event = snapshots.created(order, product, caller.tenant.organization_id)
    await announce(conn, event, order.id, {"number": number, "status": "draft"})
    return order


async def create(db: Database, caller: Caller, data: WorkOrderCreate) -> WorkOrder:
    caller.require(*PLANNERS)
    caller.check_plant(data.plant_id)
    checks.decimal(data.quantity, "/quantity", positive=True)
    _check_dates(data.release_at, data.due_at)
    async with db.transaction(caller.tenant) as conn:
        return await create_in(conn, caller, data, None)


async def load(conn: asyncpg.Connection, order_id: UUID, *, lock: bool = False) -> WorkOrder:
    found = await repo.full(conn, order_id, lock=lock)
    if found is None:
        raise NotFound(f"work order {order_id} does not exist")
    return found


async def get(db: Database, caller: Caller, order_id: UUID) -> WorkOrder:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        return await load(conn, order_id)


async def locked(conn: asyncpg.Connection, order_id: UUID, expected: int | None) -> WorkOrder:
    """The order, locked; ``expected``: the version the caller saw (If-Match)."""
    order = await load(conn, order_id, lock=True)
    if expected is not None and order.version != expected:
        raise PreconditionFailed(
            f"work order {order.number} is at version {order.version}, not {expected}"
        )
    return order


async def update(
    db: Database, caller: Caller, order_id: UUID, data: WorkOrderUpdate, expected: int
) -> WorkOrder:
    caller.require(*PLANNERS)
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    async with db.transaction(caller.tenant) as conn:
        order = await locked(conn, order_id, expected)
        if order.status in ("completed", "closed", "cancelled"):
            raise Conflict(f"work order {order.number} is {order.status}: it no longer changes")
        if "quantity" in changes and order.status != "draft":
            raise Conflict("the quantity changes only while the order is a draft")
        merged = msgspec.structs.replace(order, **changes)
        checks.decimal(merged.quantity, "/quantity", positive=True)
        _check_dates(merged.release_at, merged.due_at)
        if merged == order:
            return order
        await repo.update(conn, merged)
        if merged.quantity != order.quantity:
            await repo.components_scale(conn, order_id, merged.quantity, order.quantity)
        return await load(conn, order_id)


async def history(
    db: Database, caller: Caller, order_id: UUID, cursor: str | None, limit: int
) -> Page[StatusChange]:
    key = paging.after(cursor, UUID)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        if await repo.header(conn, order_id) is None:
            raise NotFound(f"work order {order_id} does not exist")
        rows = await repo.history(conn, order_id, key[0] if key else None, limit + 1)
    return paging.cut(rows, limit, lambda c: (c.id,))


async def list_page(
    db: Database,
    caller: Caller,
    filters: tuple[UUID | None, str | None, UUID | None],
    cursor: str | None,
    limit: int,
) -> Page[WorkOrder]:
    if filters[0] is not None:
        caller.check_plant(filters[0])
    key = paging.after(cursor, UUID)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await repo.page(conn, filters, key[0] if key else None, limit + 1)
    return paging.cut(rows, limit, lambda o: (o.id,))


async def list_due(
    db: Database, caller: Caller, plant_id: UUID, cursor: str | None, limit: int
) -> Page[WorkOrder]:
    """Open orders by due date: the planner's backlog."""
    caller.check_plant(plant_id)
    key = paging.after(cursor, datetime, UUID)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await repo.page_by_due(conn, plant_id, key, limit + 1)
    return paging.cut(rows, limit, lambda o: (o.due_at, o.id))

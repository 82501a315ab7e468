"""Routes of work orders: the order, its state changes and its history."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from litestar import Response, Router, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody

from production.http import (
    BASE,
    Cursor,
    Db,
    IfMatch,
    Limit,
    Who,
    optional_version,
    required_version,
    tagged,
)
from production.work_orders import service as orders
from production.work_orders import transitions
from production.work_orders.models import (
    OrderStatus,
    StatusChange,
    Transition,
    WorkOrder,
    WorkOrderCreate,
    WorkOrderUpdate,
)
from unison_web.paging import Page

ONE = "/work-orders/{order_id:uuid}"
ActionName = Literal["release", "start", "hold", "resume", "complete", "close", "cancel"]


@post("/work-orders", status_code=201)
async def create_work_order(
    db: Db, caller: Who, data: JSONBody[WorkOrderCreate]
) -> Response[WorkOrder]:
    created = await orders.create(db, caller, data)
    return tagged(created, created.version, 201, f"{BASE}/work-orders/{created.id}")


@get("/work-orders")
async def list_work_orders(
    db: Db,
    caller: Who,
    plant_id: FromQuery[UUID | None] = None,
    status: FromQuery[OrderStatus | None] = None,
    material_id: FromQuery[UUID | None] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[WorkOrder]:
    return await orders.list_page(db, caller, (plant_id, status, material_id), cursor, limit)


@get("/plants/{plant_id:uuid}/work-orders/backlog")
async def work_order_backlog(
    db: Db, caller: Who, plant_id: FromPath[UUID], limit: Limit = 50, cursor: Cursor = None
) -> Page[WorkOrder]:
    """Open orders of the plant by due date."""
    return await orders.list_due(db, caller, plant_id, cursor, limit)


@get(ONE)
async def get_work_order(db: Db, caller: Who, order_id: FromPath[UUID]) -> Response[WorkOrder]:
    found = await orders.get(db, caller, order_id)
    return tagged(found, found.version)


@patch(ONE)
async def update_work_order(
    db: Db,
    caller: Who,
    order_id: FromPath[UUID],
    data: JSONBody[WorkOrderUpdate],
    if_match: IfMatch = None,
) -> Response[WorkOrder]:
    updated = await orders.update(db, caller, order_id, data, required_version(if_match))
    return tagged(updated, updated.version)


@post(ONE + "/{action:str}", status_code=200)
async def change_work_order_status(
    db: Db,
    caller: Who,
    order_id: FromPath[UUID],
    action: FromPath[ActionName],
    data: JSONBody[Transition | None] = None,
    if_match: IfMatch = None,
) -> Response[WorkOrder]:
    """release, start, hold, resume, complete, close or cancel (hold and cancel need a
    ``reason``); an illegal transition is 409 naming what is allowed."""
    reason = data.reason if data is not None else None
    expected = optional_version(if_match)
    moved = await transitions.transition(db, caller, order_id, action, reason, expected)
    return tagged(moved, moved.version)


@get(ONE + "/history")
async def work_order_history(
    db: Db, caller: Who, order_id: FromPath[UUID], limit: Limit = 50, cursor: Cursor = None
) -> Page[StatusChange]:
    """Every status change of the order and its operations: who, when, why."""
    return await orders.history(db, caller, order_id, cursor, limit)


def work_order_router() -> Router:
    return Router(
        path=BASE,
        tags=["work orders"],
        route_handlers=[
            create_work_order,
            list_work_orders,
            work_order_backlog,
            get_work_order,
            update_work_order,
            change_work_order_status,
            work_order_history,
        ],
    )

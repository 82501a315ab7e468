"""Routes of maintenance work orders and the failure code catalogue."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from litestar import Response, Router, delete, get, patch, post, put
from litestar.params import FromPath, FromQuery, JSONBody

from maintenance.http import (
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
from maintenance.work_orders import codes_repo as codes
from maintenance.work_orders import service, transitions, work
from maintenance.work_orders.models import (
    Findings,
    Kind,
    Labour,
    LabourCreate,
    PartRequest,
    PartRequestCreate,
    Status,
    StatusChange,
    Transition,
    WorkOrder,
    WorkOrderCreate,
    WorkOrderUpdate,
)
from unison_web.paging import Page

ONE = "/work-orders/{order_id:uuid}"
Action = Literal["approve", "schedule", "start", "complete", "close", "cancel"]


@post("/work-orders", status_code=201)
async def create_work_order(
    db: Db, caller: Who, data: JSONBody[WorkOrderCreate]
) -> Response[WorkOrder]:
    """A breakdown report (``corrective``, anyone on the shop floor) or planned work."""
    created = await service.create(db, caller, data)
    return tagged(created, created.version, 201, f"{BASE}/work-orders/{created.id}")


@get("/work-orders")
async def list_work_orders(
    db: Db,
    caller: Who,
    plant_id: FromQuery[UUID | None] = None,
    equipment_id: FromQuery[UUID | None] = None,
    status: FromQuery[Status | None] = None,
    kind: FromQuery[Kind | None] = None,
    open_only: FromQuery[bool] = False,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[WorkOrder]:
    filters = (plant_id, equipment_id, status, kind, open_only)
    return await service.list_page(db, caller, filters, cursor, limit)


@get(ONE)
async def get_work_order(db: Db, caller: Who, order_id: FromPath[UUID]) -> Response[WorkOrder]:
    found = await service.get(db, caller, order_id)
    return tagged(found, found.version)


@patch(ONE)
async def update_work_order(
    db: Db,
    caller: Who,
    order_id: FromPath[UUID],
    data: JSONBody[WorkOrderUpdate],
    if_match: IfMatch = None,
) -> Response[WorkOrder]:
    updated = await service.update(db, caller, order_id, data, required_version(if_match))
    return tagged(updated, updated.version)


@post(ONE + "/{action:str}", status_code=200)
async def change_status(
    db: Db,
    caller: Who,
    order_id: FromPath[UUID],
    action: FromPath[Action],
    data: JSONBody[Transition | None] = None,
    if_match: IfMatch = None,
) -> Response[WorkOrder]:
    """approve, schedule, start, complete, close or cancel; an illegal one is a 409 that
    names what is allowed."""
    body = data or Transition()
    moved = await transitions.transition(
        db, caller, order_id, action, (body.reason, body.at), optional_version(if_match)
    )
    return tagged(moved, moved.version)


@get(ONE + "/history")
async def history(db: Db, caller: Who, order_id: FromPath[UUID]) -> list[StatusChange]:
    return await work.history(db, caller, order_id)


@post(ONE + "/labour", status_code=201)
async def add_labour(
    db: Db, caller: Who, order_id: FromPath[UUID], data: JSONBody[LabourCreate]
) -> Labour:
    return await work.add_labour(db, caller, order_id, data)


@get(ONE + "/labour")
async def list_labour(db: Db, caller: Who, order_id: FromPath[UUID]) -> list[Labour]:
    return await work.labour(db, caller, order_id)


@delete(ONE + "/labour/{entry_id:uuid}", status_code=204)
async def delete_labour(
    db: Db, caller: Who, order_id: FromPath[UUID], entry_id: FromPath[UUID]
) -> None:
    await work.delete_labour(db, caller, order_id, entry_id)


@put(ONE + "/findings")
async def record_findings(
    db: Db, caller: Who, order_id: FromPath[UUID], data: JSONBody[Findings]
) -> WorkOrder:
    """Checklist results and failure codes (problem, cause, remedy)."""
    return await work.record_findings(db, caller, order_id, data)


@post(ONE + "/parts", status_code=202)
async def request_parts(
    db: Db, caller: Who, order_id: FromPath[UUID], data: JSONBody[PartRequestCreate]
) -> PartRequest:
    """Spare parts: inventory issues them to the order and answers; follow the request in
    ``GET .../parts``."""
    return await work.request_parts(db, caller, order_id, data)


@get(ONE + "/parts")
async def list_part_requests(db: Db, caller: Who, order_id: FromPath[UUID]) -> list[PartRequest]:
    return await work.part_requests(db, caller, order_id)


@put("/failure-codes/{kind:str}/{code:str}")
async def put_failure_code(
    db: Db,
    caller: Who,
    kind: FromPath[codes.CodeKind],
    code: FromPath[str],
    data: JSONBody[codes.FailureCodePut],
) -> codes.FailureCode:
    return await codes.put(db, caller, kind, code, data)


@get("/failure-codes")
async def list_failure_codes(
    db: Db,
    caller: Who,
    kind: FromQuery[codes.CodeKind | None] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[codes.FailureCode]:
    return await codes.list_page(db, caller, kind, cursor, limit)


def work_order_router() -> Router:
    return Router(
        path=BASE,
        tags=["maintenance work orders"],
        route_handlers=[
            create_work_order,
            list_work_orders,
            get_work_order,
            update_work_order,
            change_status,
            history,
            add_labour,
            list_labour,
            delete_labour,
            record_findings,
            request_parts,
            list_part_requests,
            put_failure_code,
            list_failure_codes,
        ],
    )

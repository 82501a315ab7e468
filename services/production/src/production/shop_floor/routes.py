"""Routes of the shop floor: operation reports, confirmations, machine counts, downtime,
and what they recorded."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from litestar import Router, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from production.downtime import service as downtime
from production.downtime.models import Downtime, DowntimeEnd, DowntimeOpen, DowntimeUpdate
from production.http import BASE, Cursor, Db, Limit, Who
from production.shop_floor import confirmations, machine_counts, operations, reads
from production.shop_floor.models import (
    Action,
    Confirmation,
    GoodsPosting,
    LabourEntry,
    LogEntry,
    MachineCounts,
    MachineCountsAccepted,
    OperationReport,
)
from production.work_orders.models import WorkOrder
from unison_web.paging import Page

ORDER = "/work-orders/{order_id:uuid}"
OPERATION = ORDER + "/operations/{operation_no:int}"
WC = "/work-centers/{work_center_id:uuid}"
From = Annotated[datetime, QueryParameter(name="from", description="start, with offset")]
To = Annotated[datetime, QueryParameter(name="to", description="end (exclusive), with offset")]


@post(OPERATION + "/confirmations", status_code=201)
async def confirm_operation(
    db: Db,
    caller: Who,
    order_id: FromPath[UUID],
    operation_no: FromPath[int],
    data: JSONBody[Confirmation],
) -> WorkOrder:
    """Good, scrap and rework pieces: logged, counted, backflushed and received."""
    return await confirmations.confirm(db, caller, order_id, operation_no, data)


@post(OPERATION + "/{action:str}", status_code=200)
async def report_operation(
    db: Db,
    caller: Who,
    order_id: FromPath[UUID],
    operation_no: FromPath[int],
    action: FromPath[Action],
    data: JSONBody[OperationReport | None] = None,
) -> WorkOrder:
    """setup, start, pause, resume or finish; an illegal one is 409 naming what is
    allowed."""
    report = data or OperationReport()
    return await operations.act(db, caller, order_id, operation_no, action, report)


@post("/machine-counts", status_code=201)
async def post_machine_counts(
    db: Db, caller: Who, data: JSONBody[MachineCounts]
) -> MachineCountsAccepted:
    """Up to 10,000 counts in one transaction (all or nothing, a refusal names the row)."""
    return await machine_counts.ingest(db, caller, data)


@get(ORDER + "/logs")
async def order_log(
    db: Db, caller: Who, order_id: FromPath[UUID], limit: Limit = 50, cursor: Cursor = None
) -> Page[LogEntry]:
    return await reads.order_log(db, caller, order_id, cursor, limit)


@get(ORDER + "/labour")
async def order_labour(
    db: Db, caller: Who, order_id: FromPath[UUID], limit: Limit = 50, cursor: Cursor = None
) -> Page[LabourEntry]:
    return await reads.labour(db, caller, order_id, cursor, limit)


@get(ORDER + "/goods-postings")
async def order_goods_postings(
    db: Db,
    caller: Who,
    order_id: FromPath[UUID],
    status: FromQuery[Literal["pending", "posted", "failed"] | None] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[GoodsPosting]:
    return await reads.order_postings(db, caller, order_id, status, cursor, limit)


@get("/goods-postings/failed")
async def failed_goods_postings(
    db: Db,
    caller: Who,
    plant_id: FromQuery[UUID | None] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[GoodsPosting]:
    """Postings inventory refused: fix the cause, then retry them in inventory."""
    return await reads.failed_postings(db, caller, plant_id, cursor, limit)


@get(WC + "/logs")
async def work_center_log(
    db: Db,
    caller: Who,
    work_center_id: FromPath[UUID],
    start: From,
    end: To,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[LogEntry]:
    window = (start, end)
    return await reads.work_center_log(db, caller, work_center_id, window, cursor, limit)


@post(WC + "/downtimes", status_code=201)
async def open_downtime(
    db: Db, caller: Who, work_center_id: FromPath[UUID], data: JSONBody[DowntimeOpen]
) -> Downtime:
    return await downtime.open_stop(db, caller, work_center_id, data)


@get(WC + "/downtimes")
async def list_downtimes(
    db: Db,
    caller: Who,
    work_center_id: FromPath[UUID],
    start: From,
    end: To,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[Downtime]:
    window = (start, end)
    return await downtime.list_page(db, caller, work_center_id, window, cursor, limit)


@get("/downtimes/{downtime_id:uuid}")
async def get_downtime(db: Db, caller: Who, downtime_id: FromPath[UUID]) -> Downtime:
    return await downtime.get(db, caller, downtime_id)


@patch("/downtimes/{downtime_id:uuid}")
async def classify_downtime(
    db: Db, caller: Who, downtime_id: FromPath[UUID], data: JSONBody[DowntimeUpdate]
) -> Downtime:
    return await downtime.classify(db, caller, downtime_id, data)


@post("/downtimes/{downtime_id:uuid}/end", status_code=200)
async def end_downtime(
    db: Db, caller: Who, downtime_id: FromPath[UUID], data: JSONBody[DowntimeEnd | None] = None
) -> Downtime:
    return await downtime.end_stop(db, caller, downtime_id, data or DowntimeEnd())


def shop_floor_router() -> Router:
    return Router(
        path=BASE,
        tags=["shop floor"],
        route_handlers=[
            confirm_operation,
            report_operation,
            post_machine_counts,
            order_log,
            order_labour,
            order_goods_postings,
            failed_goods_postings,
            work_center_log,
            open_downtime,
            list_downtimes,
            get_downtime,
            classify_downtime,
            end_downtime,
        ],
    )

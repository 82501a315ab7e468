"""Routes of work centers, shift calendars and the reason catalogue."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from litestar import Response, Router, delete, get, patch, post, put
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from production.calendars import service as calendars
from production.calendars.models import (
    Calendar,
    CalendarCreate,
    CalendarExceptionItem,
    CalendarPut,
    ExceptionCreate,
    ShiftList,
)
from production.calendars.repo import Header as CalendarHeader
from production.http import BASE, Cursor, Db, IfMatch, Limit, Who, required_version, tagged
from production.reasons import service as reasons
from production.reasons.models import Reason, ReasonCreate, ReasonKind, ReasonUpdate
from production.work_centers import service as work_centers
from production.work_centers.models import Status, WorkCenter, WorkCenterCreate, WorkCenterUpdate
from unison_web.paging import Page

WC = "/work-centers/{work_center_id:uuid}"
CAL = "/calendars/{calendar_id:uuid}"
From = Annotated[datetime, QueryParameter(name="from", description="start, with offset")]
To = Annotated[datetime, QueryParameter(name="to", description="end (exclusive), with offset")]


@post("/work-centers", status_code=201)
async def create_work_center(
    db: Db, caller: Who, data: JSONBody[WorkCenterCreate]
) -> Response[WorkCenter]:
    created = await work_centers.create(db, caller, data)
    return tagged(created, created.version, 201, f"{BASE}/work-centers/{created.id}")


@get("/work-centers")
async def list_work_centers(
    db: Db,
    caller: Who,
    plant_id: FromQuery[UUID | None] = None,
    line: FromQuery[str | None] = None,
    status: FromQuery[Status | None] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[WorkCenter]:
    return await work_centers.list_page(db, caller, plant_id, line, status, cursor, limit)


@get(WC)
async def get_work_center(
    db: Db, caller: Who, work_center_id: FromPath[UUID]
) -> Response[WorkCenter]:
    found = await work_centers.get(db, caller, work_center_id)
    return tagged(found, found.version)


@patch(WC)
async def update_work_center(
    db: Db,
    caller: Who,
    work_center_id: FromPath[UUID],
    data: JSONBody[WorkCenterUpdate],
    if_match: IfMatch = None,
) -> Response[WorkCenter]:
    expected = required_version(if_match)
    updated = await work_centers.update(db, caller, work_center_id, data, expected)
    return tagged(updated, updated.version)


@delete(WC, status_code=204)
async def delete_work_center(
    db: Db, caller: Who, work_center_id: FromPath[UUID], if_match: IfMatch = None
) -> None:
    """Only one nothing refers to (409 otherwise: set it inactive)."""
    await work_centers.delete(db, caller, work_center_id, required_version(if_match))


@post("/calendars", status_code=201)
async def create_calendar(
    db: Db, caller: Who, data: JSONBody[CalendarCreate]
) -> Response[Calendar]:
    created = await calendars.create(db, caller, data)
    return tagged(created, created.version, 201, f"{BASE}/calendars/{created.id}")


@get("/calendars")
async def list_calendars(
    db: Db,
    caller: Who,
    plant_id: FromQuery[UUID | None] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[CalendarHeader]:
    return await calendars.list_page(db, caller, plant_id, cursor, limit)


@get(CAL)
async def get_calendar(db: Db, caller: Who, calendar_id: FromPath[UUID]) -> Response[Calendar]:
    found = await calendars.get(db, caller, calendar_id)
    return tagged(found, found.version)


@put(CAL)
async def replace_calendar(
    db: Db,
    caller: Who,
    calendar_id: FromPath[UUID],
    data: JSONBody[CalendarPut],
    if_match: IfMatch = None,
) -> Response[Calendar]:
    expected = required_version(if_match)
    replaced = await calendars.replace(db, caller, calendar_id, data, expected)
    return tagged(replaced, replaced.version)


@delete(CAL, status_code=204)
async def delete_calendar(
    db: Db, caller: Who, calendar_id: FromPath[UUID], if_match: IfMatch = None
) -> None:
    await calendars.delete(db, caller, calendar_id, required_version(if_match))


@get(CAL + "/shifts")
async def calendar_shifts(
    db: Db, caller: Who, calendar_id: FromPath[UUID], start: From, end: To
) -> ShiftList:
    """The calendar expanded: every shift in the window with its breaks and planned time."""
    return await calendars.shifts(db, caller, calendar_id, start, end)


@post(CAL + "/exceptions", status_code=201)
async def add_calendar_exception(
    db: Db, caller: Who, calendar_id: FromPath[UUID], data: JSONBody[ExceptionCreate]
) -> CalendarExceptionItem:
    return await calendars.add_exception(db, caller, calendar_id, data)


@get(CAL + "/exceptions")
async def list_calendar_exceptions(
    db: Db,
    caller: Who,
    calendar_id: FromPath[UUID],
    start: From,
    end: To,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[CalendarExceptionItem]:
    window = (start, end)
    return await calendars.list_exceptions(db, caller, calendar_id, window, cursor, limit)


@delete(CAL + "/exceptions/{exception_id:uuid}", status_code=204)
async def delete_calendar_exception(
    db: Db, caller: Who, calendar_id: FromPath[UUID], exception_id: FromPath[UUID]
) -> None:
    await calendars.delete_exception(db, caller, calendar_id, exception_id)


@post("/reasons", status_code=201)
async def create_reason(db: Db, caller: Who, data: JSONBody[ReasonCreate]) -> Reason:
    return await reasons.create(db, caller, data)


@get("/reasons")
async def list_reasons(
    db: Db,
    caller: Who,
    kind: FromQuery[ReasonKind | None] = None,
    active_only: FromQuery[bool] = False,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[Reason]:
    return await reasons.list_page(db, caller, kind, active_only, cursor, limit)


@get("/reasons/{reason_id:uuid}")
async def get_reason(db: Db, caller: Who, reason_id: FromPath[UUID]) -> Reason:
    return await reasons.get(db, caller, reason_id)


@patch("/reasons/{reason_id:uuid}")
async def update_reason(
    db: Db, caller: Who, reason_id: FromPath[UUID], data: JSONBody[ReasonUpdate]
) -> Reason:
    return await reasons.update(db, caller, reason_id, data)


def master_data_router() -> Router:
    return Router(
        path=BASE,
        tags=["master data"],
        route_handlers=[
            create_work_center,
            list_work_centers,
            get_work_center,
            update_work_center,
            delete_work_center,
            create_calendar,
            list_calendars,
            get_calendar,
            replace_calendar,
            delete_calendar,
            calendar_shifts,
            add_calendar_exception,
            list_calendar_exceptions,
            delete_calendar_exception,
            create_reason,
            list_reasons,
            get_reason,
            update_reason,
        ],
    )

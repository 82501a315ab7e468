"""HTTP routes under ``/api/inventory`` for replenishment (materials below their reorder
point) and cycle counts. Every change to a sheet needs ``If-Match`` with its ETag."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Response, Router, get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter

from inventory.replenishment_models import (
    BelowReorderPoint,
    CountEntries,
    CycleCount,
    CycleCountCreate,
    CycleCountPosting,
    CycleCountStatus,
    CycleCountUpdate,
    RecountRequest,
)
from inventory.routes import BASE, Cursor, Db, IfMatch, Limit, Who
from inventory.service import cycle_count_posting, cycle_counts, replenishment
from unison_web.etag import etag_of, expected_version
from unison_web.paging import Page

SHEET = "/cycle-counts/{cycle_count_id:uuid}"
SheetId = FromPath[UUID]
PlantFilter = Annotated[UUID | None, QueryParameter()]


def _tagged(sheet: CycleCount, status: int = 200) -> Response[CycleCount]:
    return Response(sheet, status_code=status, headers={"ETag": etag_of(sheet.version)})


@get("/replenishment/below-reorder-point")
async def list_below_reorder_point(
    db: Db, caller: Who, plant_id: PlantFilter = None, limit: Limit = 50, cursor: Cursor = None
) -> Page[BelowReorderPoint]:
    """Materials the hourly check found below their reorder point, longest first, with
    today's on hand and a suggested order quantity."""
    return await replenishment.below_reorder_point(db, caller, plant_id, cursor, limit)


@post("/cycle-counts", status_code=201)
async def create_cycle_count(
    db: Db, caller: Who, data: JSONBody[CycleCountCreate]
) -> Response[CycleCount]:
    """Make a count sheet; the book quantities of its lines are frozen now."""
    sheet = await cycle_counts.create(db, caller, data)
    response = _tagged(sheet, 201)
    response.headers["Location"] = f"{BASE}/cycle-counts/{sheet.id}"
    return response


@get("/cycle-counts")
async def list_cycle_counts(
    db: Db,
    caller: Who,
    plant_id: PlantFilter = None,
    status: Annotated[CycleCountStatus | None, QueryParameter()] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[CycleCount]:
    return await cycle_counts.list_sheets(db, caller, plant_id, status, cursor, limit)


@get(SHEET)
async def get_cycle_count(db: Db, caller: Who, cycle_count_id: SheetId) -> Response[CycleCount]:
    return _tagged(await cycle_counts.get(db, caller, cycle_count_id))


@patch(SHEET)
async def update_cycle_count(
    db: Db,
    caller: Who,
    cycle_count_id: SheetId,
    data: JSONBody[CycleCountUpdate],
    if_match: IfMatch = None,
) -> Response[CycleCount]:
    version = expected_version(if_match)
    return _tagged(await cycle_counts.update(db, caller, cycle_count_id, data, version))


@patch(SHEET + "/lines")
async def enter_counts(
    db: Db,
    caller: Who,
    cycle_count_id: SheetId,
    data: JSONBody[CountEntries],
    if_match: IfMatch = None,
) -> Response[CycleCount]:
    """Enter or correct counted quantities (base unit) of any number of lines."""
    version = expected_version(if_match)
    sheet = await cycle_count_posting.enter_counts(db, caller, cycle_count_id, data, version)
    return _tagged(sheet)


@post(SHEET + "/recount", status_code=200)
async def request_recount(
    db: Db,
    caller: Who,
    cycle_count_id: SheetId,
    data: JSONBody[RecountRequest],
    if_match: IfMatch = None,
) -> Response[CycleCount]:
    """Count lines again: those named, or every line out of the sheet's tolerance."""
    version = expected_version(if_match)
    sheet = await cycle_count_posting.request_recount(db, caller, cycle_count_id, data, version)
    return _tagged(sheet)


@post(SHEET + "/posting", status_code=200)
async def post_cycle_count(
    db: Db,
    caller: Who,
    cycle_count_id: SheetId,
    data: JSONBody[CycleCountPosting],
    if_match: IfMatch = None,
) -> Response[CycleCount]:
    """Book the differences as goods movements 701 (surplus) and 702 (deficit)."""
    version = expected_version(if_match)
    sheet = await cycle_count_posting.post(db, caller, cycle_count_id, data, version)
    return _tagged(sheet)


@post(SHEET + "/cancellation", status_code=200)
async def cancel_cycle_count(
    db: Db, caller: Who, cycle_count_id: SheetId, if_match: IfMatch = None
) -> Response[CycleCount]:
    version = expected_version(if_match)
    return _tagged(await cycle_counts.cancel(db, caller, cycle_count_id, version))


def replenishment_router() -> Router:
    return Router(
        path=BASE,
        tags=["replenishment"],
        route_handlers=[
            list_below_reorder_point,
            create_cycle_count,
            list_cycle_counts,
            get_cycle_count,
            update_cycle_count,
            enter_counts,
            request_recount,
            post_cycle_count,
            cancel_cycle_count,
        ],
    )

"""Routes of inspection lots, their results and decisions, and sampling streams."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from litestar import Response, Router, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from quality.http import BASE, Cursor, Db, Limit, Who, tagged
from quality.inspections import results as recording
from quality.inspections import service as inspections
from quality.inspections.models import (
    Cancel,
    Inspection,
    InspectionCreate,
    ResultRow,
    Results,
    ResultsAccepted,
    Stream,
    StreamState,
    UsageDecision,
)
from unison_web.paging import Page

ONE = "/inspections/{inspection_id:uuid}"


@post("/inspections", status_code=201)
async def create_inspection(
    db: Db, caller: Who, data: JSONBody[InspectionCreate]
) -> Response[Inspection]:
    """An inspection lot by hand; its lot is held in inventory until the usage decision
    unless ``hold_lot`` is false."""
    created = await inspections.create(db, caller, data)
    return tagged(created, created.version, 201, f"{BASE}/inspections/{created.id}")


@get("/inspections")
async def list_inspections(
    db: Db,
    caller: Who,
    plant_id: FromQuery[UUID | None] = None,
    material_id: FromQuery[UUID | None] = None,
    status: FromQuery[Literal["open", "results_recorded", "decided", "cancelled"] | None] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[Inspection]:
    """Newest first."""
    return await inspections.list_page(db, caller, (plant_id, material_id, status), cursor, limit)


@get(ONE)
async def get_inspection(
    db: Db, caller: Who, inspection_id: FromPath[UUID]
) -> Response[Inspection]:
    found = await inspections.get(db, caller, inspection_id)
    return tagged(found, found.version)


@get(ONE + "/results")
async def list_results(db: Db, caller: Who, inspection_id: FromPath[UUID]) -> list[ResultRow]:
    """Every result, re-measurements too, by sample and characteristic."""
    return await inspections.results(db, caller, inspection_id)


@post(ONE + "/results", status_code=201)
async def record_results(
    db: Db, caller: Who, inspection_id: FromPath[UUID], data: JSONBody[Results]
) -> ResultsAccepted:
    """Up to 20,000 results in one call (a gauge or CMM), all or none; the answer carries
    the plan's verdict so far."""
    return await recording.record(db, caller, inspection_id, data)


@post(ONE + "/decision", status_code=200)
async def decide_inspection(
    db: Db, caller: Who, inspection_id: FromPath[UUID], data: JSONBody[UsageDecision]
) -> Response[Inspection]:
    """The usage decision: accepted stock is released, rejected stock blocked."""
    decided = await inspections.decide(db, caller, inspection_id, data)
    return tagged(decided, decided.version)


@post(ONE + "/cancel", status_code=200)
async def cancel_inspection(
    db: Db, caller: Who, inspection_id: FromPath[UUID], data: JSONBody[Cancel]
) -> Response[Inspection]:
    cancelled = await inspections.cancel(db, caller, inspection_id, data)
    return tagged(cancelled, cancelled.version)


@get("/sampling-streams")
async def get_stream(
    db: Db,
    caller: Who,
    plant_id: FromQuery[UUID],
    material_id: FromQuery[UUID],
    supplier: FromQuery[str | None] = None,
) -> StreamState:
    """Where the stream stands in ISO 2859-1's switching between severities."""
    stream = Stream(plant_id=plant_id, material_id=material_id, supplier=supplier or None)
    return await inspections.stream_state(db, caller, stream)


@post("/sampling-streams/resume", status_code=200)
async def resume_stream(db: Db, caller: Who, data: JSONBody[Stream]) -> StreamState:
    """A discontinued stream resumes under tightened inspection (the supplier acted)."""
    return await inspections.resume(db, caller, data)


def inspection_router() -> Router:
    return Router(
        path=BASE,
        tags=["inspections"],
        route_handlers=[
            create_inspection,
            list_inspections,
            get_inspection,
            list_results,
            record_results,
            decide_inspection,
            cancel_inspection,
            get_stream,
            resume_stream,
        ],
    )

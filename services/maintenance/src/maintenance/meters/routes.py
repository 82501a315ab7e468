"""Routes of meters, readings, PM plans and KPIs."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from litestar import Response, Router, delete, get, patch, post, put
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from maintenance.http import BASE, Cursor, Db, IfMatch, Limit, Who, required_version, tagged
from maintenance.kpis import service as kpis
from maintenance.meters import service as meters
from maintenance.meters.models import (
    BatchReadings,
    Meter,
    MeterCreate,
    MeterUpdate,
    Reading,
    ReadingCreate,
    ReadingsAccepted,
)
from maintenance.plans import service as plans
from maintenance.plans.models import GenerationResult, PmPlan, PmPlanPut
from unison_web.paging import Page

METER = "/meters/{meter_id:uuid}"
PLAN = "/plans/{plan_id:uuid}"
From = Annotated[date, QueryParameter(name="from", description="first day")]
To = Annotated[date, QueryParameter(name="to", description="last day (inclusive)")]


@post("/meters", status_code=201)
async def create_meter(db: Db, caller: Who, data: JSONBody[MeterCreate]) -> Meter:
    return await meters.create(db, caller, data)


@patch(METER)
async def update_meter(
    db: Db, caller: Who, meter_id: FromPath[UUID], data: JSONBody[MeterUpdate]
) -> Meter:
    return await meters.update(db, caller, meter_id, data)


@get("/equipment/{equipment_id:uuid}/meters")
async def equipment_meters(db: Db, caller: Who, equipment_id: FromPath[UUID]) -> list[Meter]:
    return await meters.of_equipment(db, caller, equipment_id)


@post(METER + "/readings", status_code=201)
async def post_reading(
    db: Db, caller: Who, meter_id: FromPath[UUID], data: JSONBody[ReadingCreate]
) -> ReadingsAccepted:
    """A reading by hand: a counter's value as shown (``reset`` after a meter change), or
    a gauge's value (past an alarm limit it opens a predictive order)."""
    return await meters.record_reading(db, caller, meter_id, data)


@post("/meter-readings", status_code=201)
async def post_readings(db: Db, caller: Who, data: JSONBody[BatchReadings]) -> ReadingsAccepted:
    """Up to 10,000 readings from machines in one transaction (all or none; a refusal
    names the row)."""
    return await meters.record_batch(db, caller, data)


@get(METER + "/readings")
async def list_readings(
    db: Db, caller: Who, meter_id: FromPath[UUID], limit: Limit = 50, cursor: Cursor = None
) -> Page[Reading]:
    return await meters.readings(db, caller, meter_id, cursor, limit)


@post("/plans", status_code=201)
async def create_plan(db: Db, caller: Who, data: JSONBody[PmPlanPut]) -> Response[PmPlan]:
    created = await plans.create(db, caller, data)
    return tagged(created, created.version, 201, f"{BASE}/plans/{created.id}")


@get("/plans")
async def list_plans(
    db: Db,
    caller: Who,
    equipment_id: FromQuery[UUID | None] = None,
    plant_id: FromQuery[UUID | None] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[PmPlan]:
    return await plans.list_page(db, caller, (equipment_id, plant_id), cursor, limit)


@get(PLAN)
async def get_plan(db: Db, caller: Who, plan_id: FromPath[UUID]) -> Response[PmPlan]:
    found = await plans.get(db, caller, plan_id)
    return tagged(found, found.version)


@put(PLAN)
async def replace_plan(
    db: Db,
    caller: Who,
    plan_id: FromPath[UUID],
    data: JSONBody[PmPlanPut],
    if_match: IfMatch = None,
) -> Response[PmPlan]:
    replaced = await plans.replace(db, caller, plan_id, data, required_version(if_match))
    return tagged(replaced, replaced.version)


@delete(PLAN, status_code=204)
async def delete_plan(
    db: Db, caller: Who, plan_id: FromPath[UUID], if_match: IfMatch = None
) -> None:
    await plans.delete(db, caller, plan_id, required_version(if_match))


@post("/plans/generation", status_code=200)
async def generate_orders(db: Db, caller: Who) -> GenerationResult:
    """What the 06:00 schedule does, now: the orders of every plan due within its lead
    time (never twice for one due date)."""
    return await plans.generate_now(db, caller)


@get("/equipment/{equipment_id:uuid}/kpis")
async def equipment_kpis(
    db: Db, caller: Who, equipment_id: FromPath[UUID], first: From, last: To
) -> kpis.EquipmentReport:
    """MTBF, MTTR, availability, planned-maintenance share, PM compliance, backlog and
    cost over the period."""
    return await kpis.report(db, caller, equipment_id, first, last)


def meters_router() -> Router:
    return Router(
        path=BASE,
        tags=["meters, plans, KPIs"],
        route_handlers=[
            create_meter,
            update_meter,
            equipment_meters,
            post_reading,
            post_readings,
            list_readings,
            create_plan,
            list_plans,
            get_plan,
            replace_plan,
            delete_plan,
            generate_orders,
            equipment_kpis,
        ],
    )

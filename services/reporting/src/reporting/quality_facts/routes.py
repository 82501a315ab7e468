"""Routes of the quality dashboards."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from litestar import Router, get
from litestar.params import FromQuery, QueryParameter

from reporting.http import BASE, Db, Who
from reporting.quality_facts import service
from reporting.quality_facts.models import CapaOnTime, DefectPareto, NcrSeries, YieldSeries

First = Annotated[date, QueryParameter(name="from", description="first day (UTC)")]
Last = Annotated[date, QueryParameter(name="to", description="last day (UTC)")]
# A string, not a Literal: an unknown one is a 422 that names the choices.
Granularity = Annotated[str, QueryParameter(description="day, week (ISO) or month")]


@get("/quality/fpy")
async def quality_fpy(
    db: Db,
    caller: Who,
    first: First,
    last: Last,
    granularity: Granularity = "day",
    plant_id: FromQuery[UUID | None] = None,
    material_id: FromQuery[UUID | None] = None,
) -> YieldSeries:
    """First-pass yield per bucket and for the period, from the daily rollups."""
    return await service.fpy_series(db, caller, (first, last), granularity, (plant_id, material_id))


@get("/quality/defects")
async def quality_defects(
    db: Db, caller: Who, first: First, last: Last, plant_id: FromQuery[UUID | None] = None
) -> DefectPareto:
    """The defects of the period, most frequent first (a Pareto chart)."""
    return await service.defect_pareto(db, caller, (first, last), plant_id)


@get("/quality/ncrs")
async def quality_ncrs(
    db: Db,
    caller: Who,
    first: First,
    last: Last,
    granularity: Granularity = "week",
    plant_id: FromQuery[UUID | None] = None,
) -> NcrSeries:
    """NCRs raised and closed per bucket, and how long the open ones have been open."""
    return await service.ncr_series(db, caller, (first, last), granularity, plant_id)


@get("/quality/capa-on-time")
async def quality_capa_on_time(
    db: Db, caller: Who, first: First, last: Last, plant_id: FromQuery[UUID | None] = None
) -> CapaOnTime:
    """The share of CAPAs closed in the period that were closed by their due date."""
    return await service.capa_on_time(db, caller, (first, last), plant_id)


def quality_router() -> Router:
    return Router(
        path=BASE,
        tags=["quality"],
        route_handlers=[quality_fpy, quality_defects, quality_ncrs, quality_capa_on_time],
    )

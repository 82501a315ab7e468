"""Routes of the quality dashboards, answered through the dashboard cache."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated
from uuid import UUID

from litestar import Response, Router, get
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.params import FromQuery, QueryParameter

from reporting.dashboard_cache import dashboards as cached
from reporting.dashboard_cache import freshness
from reporting.dashboard_cache.oee import DashboardCache
from reporting.http import BASE, Db, Who
from reporting.quality_facts import capability, service
from reporting.quality_facts.models import (
    CapabilitySeries,
    CapaOnTime,
    DefectPareto,
    NcrSeries,
    YieldSeries,
)

First = Annotated[date, QueryParameter(name="from", description="first day (UTC)")]
Last = Annotated[date, QueryParameter(name="to", description="last day (UTC)")]
# A string, not a Literal: an unknown one is a 422 that names the choices.
Granularity = Annotated[str, QueryParameter(description="day, week (ISO) or month")]
Dashboards = NamedDependency[DashboardCache]
CACHED = "X-Cache: hit or miss"


@get("/quality/fpy", responses={200: ResponseSpec(YieldSeries, description=CACHED)})
async def quality_fpy(
    db: Db,
    caller: Who,
    dashboards: Dashboards,
    first: First,
    last: Last,
    granularity: Granularity = "day",
    plant_id: FromQuery[UUID | None] = None,
    material_id: FromQuery[UUID | None] = None,
) -> Response[bytes]:
    """First-pass yield per bucket and for the period, from the daily rollups."""
    request = cached.Request(
        name="quality.fpy",
        period=(first, last),
        plant_id=plant_id,
        params=(granularity, material_id),
        scopes=(freshness.QUALITY,),
    )

    async def compute() -> YieldSeries:
        where = (plant_id, material_id)
        return await service.fpy_series(db, caller, (first, last), granularity, where)

    return cached.respond(await cached.answer(dashboards, db, caller, request, compute))


@get("/quality/defects", responses={200: ResponseSpec(DefectPareto, description=CACHED)})
async def quality_defects(
    db: Db,
    caller: Who,
    dashboards: Dashboards,
    first: First,
    last: Last,
    plant_id: FromQuery[UUID | None] = None,
) -> Response[bytes]:
    """The defects of the period, most frequent first (a Pareto chart)."""
    request = cached.Request(
        name="quality.defects",
        period=(first, last),
        plant_id=plant_id,
        scopes=(freshness.QUALITY,),
    )

    async def compute() -> DefectPareto:
        return await service.defect_pareto(db, caller, (first, last), plant_id)

    return cached.respond(await cached.answer(dashboards, db, caller, request, compute))


@get("/quality/ncrs", responses={200: ResponseSpec(NcrSeries, description=CACHED)})
async def quality_ncrs(
    db: Db,
    caller: Who,
    dashboards: Dashboards,
    first: First,
    last: Last,
    granularity: Granularity = "week",
    plant_id: FromQuery[UUID | None] = None,
) -> Response[bytes]:
    """NCRs raised and closed per bucket, and how long the open ones have been open."""
    request = cached.Request(
        name="quality.ncrs",
        period=(first, last),
        plant_id=plant_id,
        # The ageing is as of today: tomorrow's answer is another one.
        params=(granularity, datetime.now(UTC).date()),
        scopes=(freshness.NCRS,),
        state=True,
    )

    async def compute() -> NcrSeries:
        return await service.ncr_series(db, caller, (first, last), granularity, plant_id)

    return cached.respond(await cached.answer(dashboards, db, caller, request, compute))


@get("/quality/capa-on-time", responses={200: ResponseSpec(CapaOnTime, description=CACHED)})
async def quality_capa_on_time(
    db: Db,
    caller: Who,
    dashboards: Dashboards,
    first: First,
    last: Last,
    plant_id: FromQuery[UUID | None] = None,
) -> Response[bytes]:
    """The share of CAPAs closed in the period that were closed by their due date."""
    request = cached.Request(
        name="quality.capa_on_time",
        period=(first, last),
        plant_id=plant_id,
        scopes=(freshness.CAPAS,),
        state=True,
    )

    async def compute() -> CapaOnTime:
        return await service.capa_on_time(db, caller, (first, last), plant_id)

    return cached.respond(await cached.answer(dashboards, db, caller, request, compute))


@get("/quality/capability", responses={200: ResponseSpec(CapabilitySeries, description=CACHED)})
async def quality_capability(
    db: Db,
    caller: Who,
    dashboards: Dashboards,
    first: First,
    last: Last,
    material_id: FromQuery[UUID],
    characteristic: FromQuery[str],
    plant_id: FromQuery[UUID],
    granularity: Granularity = "day",
) -> Response[bytes]:
    """Cpk and Ppk of one characteristic per bucket and for the period (individuals:
    sigma within = MR-bar / d2, as quality's I-MR capability), from the daily sums."""
    request = cached.Request(
        name="quality.capability",
        period=(first, last),
        plant_id=plant_id,
        params=(granularity, material_id, characteristic.upper()),
        scopes=(freshness.MEASUREMENTS,),
    )

    async def compute() -> CapabilitySeries:
        series = (plant_id, material_id, characteristic)
        return await capability.capability_series(db, caller, (first, last), granularity, series)

    return cached.respond(await cached.answer(dashboards, db, caller, request, compute))


def quality_router() -> Router:
    return Router(
        path=BASE,
        tags=["quality"],
        route_handlers=[
            quality_fpy,
            quality_defects,
            quality_ncrs,
            quality_capa_on_time,
            quality_capability,
        ],
    )

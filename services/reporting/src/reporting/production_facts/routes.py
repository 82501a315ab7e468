"""Routes of the production dashboard and the rollup rebuild."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from litestar import MediaType, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.params import FromQuery, JSONBody, QueryParameter

from reporting.dashboard_cache import dashboards as cached
from reporting.dashboard_cache import freshness
from reporting.dashboard_cache.oee import DashboardCache
from reporting.http import BASE, Db, Who
from reporting.production_facts import schedule, service
from reporting.production_facts.models import (
    JobQueued,
    OeeGroups,
    OeeSeries,
    RebuildRequest,
    ScheduleSeries,
)


@get(
    "/production/oee",
    # The body is cached JSON (an OeeSeries, or OeeGroups with line or group_by): say so.
    responses={
        200: ResponseSpec(
            OeeSeries | OeeGroups,
            description="the series (OeeGroups with line or group_by); X-Cache: hit or miss",
        )
    },
)
async def production_oee(
    db: Db,
    caller: Who,
    dashboards: NamedDependency[DashboardCache],
    first: Annotated[date, QueryParameter(name="from", description="first day")],
    last: Annotated[date, QueryParameter(name="to", description="last day")],
    # A string, not a Literal: an unknown one is a 422 that names the choices.
    granularity: Annotated[
        str, QueryParameter(description="hour, day, week (ISO) or month")
    ] = "day",
    plant_id: FromQuery[UUID | None] = None,
    work_center_id: FromQuery[UUID | None] = None,
    line: Annotated[
        str | None, QueryParameter(description="only the work centers on this line now")
    ] = None,
    group_by: Annotated[
        str | None,
        QueryParameter(description="work_center, line or shift: one series per group"),
    ] = None,
) -> Response[bytes]:
    """OEE, its factors, output and loss tree per bucket and for the whole period, from
    the rollups: chart-ready. Served from the cache until a fact in its range arrives.
    With ``line`` or ``group_by`` the answer is ``OeeGroups``: one series per group."""
    if line is None and group_by is None:
        query = ((first, last), granularity, (plant_id, work_center_id))
        body, hit = await dashboards.oee(db, caller, query)
        headers = {"X-Cache": "hit" if hit else "miss"}
        return Response(body, media_type=MediaType.JSON, headers=headers)
    period = (first, last)
    where = (plant_id, work_center_id, line)
    request = cached.Request(
        name="oee.groups",
        period=period,
        plant_id=plant_id,
        params=(granularity, work_center_id, line, group_by),
        scopes=(freshness.PRODUCTION, freshness.WORK_CENTERS),
        # A work center moving to another line regroups every period (its state day).
        state=True,
    )

    async def compute() -> OeeGroups:
        return await service.oee_groups(db, caller, period, granularity, where, group_by)

    return cached.respond(await cached.answer(dashboards, db, caller, request, compute))


@get(
    "/production/schedule",
    responses={200: ResponseSpec(ScheduleSeries, description="X-Cache: hit or miss")},
)
async def production_schedule(
    db: Db,
    caller: Who,
    dashboards: NamedDependency[DashboardCache],
    first: Annotated[date, QueryParameter(name="from", description="first day (UTC)")],
    last: Annotated[date, QueryParameter(name="to", description="last day (UTC)")],
    granularity: Annotated[str, QueryParameter(description="day, week (ISO) or month")] = "day",
    plant_id: FromQuery[UUID | None] = None,
    work_center_id: FromQuery[UUID | None] = None,
) -> Response[bytes]:
    """Schedule adherence (on time, on schedule, quantity) and lead time (from release,
    from creation: average, p50, p90) of the work orders completed per bucket."""
    period = (first, last)
    request = cached.Request(
        name="production.schedule",
        period=period,
        plant_id=plant_id,
        params=(granularity, work_center_id),
        scopes=(freshness.WORK_ORDERS,),
    )

    async def compute() -> ScheduleSeries:
        where = (plant_id, work_center_id)
        return await schedule.schedule_series(db, caller, period, granularity, where)

    return cached.respond(await cached.answer(dashboards, db, caller, request, compute))


@post("/admin/rollups/rebuild", status_code=202)
async def rebuild_rollups(
    db: Db, caller: Who, data: JSONBody[RebuildRequest]
) -> Response[JobQueued]:
    """Recompute the production rollups of a period from the facts, as a job: follow it
    at ``href``."""
    job_id = await service.request_rebuild(db, caller, data)
    href = f"{BASE}/jobs/{job_id}"
    return Response(
        JobQueued(job_id=job_id, status="queued", href=href),
        status_code=202,
        headers={"Location": href},
    )


def production_router() -> Router:
    return Router(
        path=BASE,
        tags=["production"],
        route_handlers=[production_oee, production_schedule, rebuild_rollups],
    )

"""Routes of the production dashboard and the rollup rebuild."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from litestar import MediaType, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.params import FromQuery, JSONBody, QueryParameter

from reporting.dashboard_cache.oee import DashboardCache
from reporting.http import BASE, Db, Who
from reporting.production_facts import service
from reporting.production_facts.models import JobQueued, OeeSeries, RebuildRequest


@get(
    "/production/oee",
    # The body is the cached JSON of an OeeSeries; say so in the schema.
    responses={200: ResponseSpec(OeeSeries, description="the series; X-Cache: hit or miss")},
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
) -> Response[bytes]:
    """OEE, its factors, output and loss tree per bucket and for the whole period, from
    the rollups: chart-ready. Served from the cache until a fact in its range arrives."""
    query = ((first, last), granularity, (plant_id, work_center_id))
    body, hit = await dashboards.oee(db, caller, query)
    return Response(body, media_type=MediaType.JSON, headers={"X-Cache": "hit" if hit else "miss"})


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
    return Router(path=BASE, tags=["production"], route_handlers=[production_oee, rebuild_rollups])

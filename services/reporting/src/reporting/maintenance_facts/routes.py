"""Routes of the maintenance KPIs, answered through the dashboard cache."""

from __future__ import annotations

from uuid import UUID

from litestar import Response, Router, get
from litestar.openapi import ResponseSpec
from litestar.params import FromQuery

from reporting.dashboard_cache import dashboards as cached
from reporting.dashboard_cache import freshness
from reporting.http import BASE, Db, Who
from reporting.maintenance_facts import service
from reporting.maintenance_facts.models import KpiSeries
from reporting.quality_facts.routes import CACHED, Dashboards, First, Granularity, Last


@get("/maintenance/kpis", responses={200: ResponseSpec(KpiSeries, description=CACHED)})
async def maintenance_kpis(
    db: Db,
    caller: Who,
    dashboards: Dashboards,
    first: First,
    last: Last,
    granularity: Granularity = "day",
    plant_id: FromQuery[UUID | None] = None,
    equipment_id: FromQuery[UUID | None] = None,
) -> Response[bytes]:
    """MTBF, MTTR, availability, planned-maintenance share, PM compliance, cost and
    backlog per bucket and for the period, from maintenance's published day inputs."""
    request = cached.Request(
        name="maintenance.kpis",
        period=(first, last),
        plant_id=plant_id,
        params=(granularity, equipment_id),
        scopes=(freshness.MAINTENANCE,),
    )

    async def compute() -> KpiSeries:
        where = (plant_id, equipment_id)
        return await service.kpi_series(db, caller, (first, last), granularity, where)

    return cached.respond(await cached.answer(dashboards, db, caller, request, compute))


def maintenance_router() -> Router:
    return Router(path=BASE, tags=["maintenance"], route_handlers=[maintenance_kpis])

"""Routes of the maintenance KPIs."""

from __future__ import annotations

from uuid import UUID

from litestar import Router, get
from litestar.params import FromQuery

from reporting.http import BASE, Db, Who
from reporting.maintenance_facts import service
from reporting.maintenance_facts.models import KpiSeries
from reporting.quality_facts.routes import First, Granularity, Last


@get("/maintenance/kpis")
async def maintenance_kpis(
    db: Db,
    caller: Who,
    first: First,
    last: Last,
    granularity: Granularity = "day",
    plant_id: FromQuery[UUID | None] = None,
    equipment_id: FromQuery[UUID | None] = None,
) -> KpiSeries:
    """MTBF, MTTR, availability, planned-maintenance share, PM compliance, cost and
    backlog per bucket and for the period, from maintenance's published day inputs."""
    return await service.kpi_series(
        db, caller, (first, last), granularity, (plant_id, equipment_id)
    )


def maintenance_router() -> Router:
    return Router(path=BASE, tags=["maintenance"], route_handlers=[maintenance_kpis])

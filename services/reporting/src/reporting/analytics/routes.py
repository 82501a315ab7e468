"""Routes of the analytics catalogue."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from litestar import Router, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter

from reporting.analytics import catalog
from reporting.analytics.models import AnalyticsAnswer, AnalyticsCatalogue, AnalyticsQuery
from reporting.analytics.service import Analytics
from reporting.http import BASE, Db, Who


@get("/analytics")
async def analytics_catalogue() -> AnalyticsCatalogue:
    """The analytical queries there are; each takes a period and optional filters."""
    return AnalyticsCatalogue(
        queries=[
            AnalyticsQuery(name=n, description=d, href=f"{BASE}/analytics/{n}")
            for n, d in catalog.DESCRIPTIONS.items()
        ]
    )


@get("/analytics/{name:str}")
async def analytics_query(
    db: Db,
    caller: Who,
    analytics: NamedDependency[Analytics],
    name: FromPath[str],
    first: Annotated[date, QueryParameter(name="from", description="first day (UTC)")],
    last: Annotated[date, QueryParameter(name="to", description="last day (UTC)")],
    plant_id: FromQuery[UUID | None] = None,
    work_center_id: FromQuery[UUID | None] = None,
) -> AnalyticsAnswer:
    """One catalogue query over the facts, live and archived, in DuckDB: a table of
    ``columns`` and ``rows``. At most 732 days."""
    return await analytics.run(db, caller, name, (first, last), (plant_id, work_center_id))


def analytics_router() -> Router:
    return Router(
        path=BASE, tags=["analytics"], route_handlers=[analytics_catalogue, analytics_query]
    )

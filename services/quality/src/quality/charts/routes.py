"""Routes of SPC charts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from litestar import Router, get
from litestar.params import FromQuery, QueryParameter

from quality import spc
from quality.charts import service as charts
from quality.charts.models import SpcChart
from quality.http import BASE, Db, Who


@get("/spc/chart")
async def spc_chart(
    db: Db,
    caller: Who,
    plant_id: FromQuery[UUID],
    material_id: FromQuery[UUID],
    characteristic: Annotated[str, QueryParameter(min_length=1, max_length=20)],
    kind: FromQuery[spc.ChartKind] = "i_mr",
    subgroup_size: Annotated[int, QueryParameter(ge=2, le=25)] = 5,
    points: Annotated[int, QueryParameter(ge=2, le=100_000)] = 1000,
    since: FromQuery[datetime | None] = None,
    baseline: Annotated[int | None, QueryParameter(ge=1)] = None,
    ruleset: FromQuery[spc.Ruleset] = "nelson",
) -> SpcChart:
    """The latest ``points`` measurements (since ``since``, a year by default) of a measured
    characteristic as an I-MR, X-bar/R or X-bar/S chart pair: limits from the first
    ``baseline`` points (all when absent), every point, the run rules it breaks, and Cp,
    Cpk, Pp, Ppk against the plan's limits."""
    q = charts.ChartQuery(
        plant_id=plant_id,
        material_id=material_id,
        characteristic=characteristic,
        kind=kind,
        subgroup_size=subgroup_size,
        points=points,
        since=since,
        baseline=baseline,
        ruleset=ruleset,
    )
    return await charts.chart(db, caller, q)


def chart_router() -> Router:
    return Router(path=BASE, tags=["SPC"], route_handlers=[spc_chart])

"""Routes of quality figures."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from litestar import Router, get
from litestar.params import FromQuery, QueryParameter

from quality.figures import service as figures
from quality.figures.models import ParetoRow, YieldRow
from quality.http import BASE, Db, Who


@get("/figures/fpy")
async def first_pass_yield(
    db: Db,
    caller: Who,
    first: Annotated[date, QueryParameter(name="from", description="first day (UTC)")],
    last: Annotated[date, QueryParameter(name="to", description="last day (UTC)")],
    by: FromQuery[Literal["material", "work_center", "day"]] = "material",
    plant_id: FromQuery[UUID | None] = None,
    material_id: FromQuery[UUID | None] = None,
    work_center_id: FromQuery[UUID | None] = None,
) -> list[YieldRow]:
    """First-pass yield of the inspections decided from ``from`` to ``to`` (days, UTC):
    a lot passes first time when it is accepted whole."""
    return await figures.fpy(db, caller, (first, last), (plant_id, material_id, work_center_id), by)


@get("/figures/defects")
async def defect_pareto(
    db: Db,
    caller: Who,
    first: Annotated[date, QueryParameter(name="from", description="first day (UTC)")],
    last: Annotated[date, QueryParameter(name="to", description="last day (UTC)")],
    plant_id: FromQuery[UUID | None] = None,
    material_id: FromQuery[UUID | None] = None,
    work_center_id: FromQuery[UUID | None] = None,
) -> list[ParetoRow]:
    """The defects found from ``from`` to ``to``, most frequent first (a Pareto chart)."""
    return await figures.pareto(db, caller, (first, last), (plant_id, material_id, work_center_id))


def figures_router() -> Router:
    return Router(path=BASE, tags=["figures"], route_handlers=[first_pass_yield, defect_pareto])

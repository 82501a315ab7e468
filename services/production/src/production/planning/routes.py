"""Routes of scheduling."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from litestar import Router, get, post
from litestar.params import FromPath, JSONBody, QueryParameter

from production.http import BASE, Db, Who
from production.planning import gantt, service
from production.planning.models import Gantt, ScheduleRequestBody, ScheduleRun

PLANT = "/plants/{plant_id:uuid}"


@post(PLANT + "/schedule", status_code=200)
async def schedule_plant(
    db: Db, caller: Who, plant_id: FromPath[UUID], data: JSONBody[ScheduleRequestBody | None] = None
) -> ScheduleRun:
    """Finite-capacity scheduling of the plant's open orders; the bars go onto the
    operations, the run's statistics, conflicts and late orders are returned and kept."""
    return await service.schedule_plant(db, caller, plant_id, data or ScheduleRequestBody())


@get(PLANT + "/gantt")
async def plant_gantt(
    db: Db,
    caller: Who,
    plant_id: FromPath[UUID],
    start: Annotated[datetime, QueryParameter(name="from")],
    end: Annotated[datetime, QueryParameter(name="to")],
) -> Gantt:
    """Bars per work center, dependencies, stops, and the last run's findings."""
    return await gantt.chart(db, caller, plant_id, start, end)


def planning_router() -> Router:
    return Router(path=BASE, tags=["scheduling"], route_handlers=[schedule_plant, plant_gantt])

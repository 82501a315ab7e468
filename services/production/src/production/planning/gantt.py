"""The Gantt chart of a plant: bars per work center (from the operations' plan), the
dependencies between them, the time each work center stands, and the last run's conflicts
and late orders."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from uuid import UUID

import msgspec

from production.caller import Caller
from production.downtime import repo as downtime_repo
from production.planning import service
from production.planning.models import Gantt, GanttBar, GanttLink, GanttRow, ScheduleRun
from production.work_centers import repo as work_centers_repo
from unison_pg import Database
from unison_web import Invalid

MAX_WINDOW = timedelta(days=92)


def _run(row: object) -> ScheduleRun | None:
    if row is None:
        return None
    data = dict(row)  # type: ignore[call-overload]
    for name in ("stats", "conflicts", "late_orders"):
        data[name] = msgspec.json.decode(data[name])
    data.pop("created_by", None)
    return msgspec.convert(data, ScheduleRun)


async def chart(
    db: Database, caller: Caller, plant_id: UUID, start: datetime, end: datetime
) -> Gantt:
    caller.check_plant(plant_id)
    if end <= start or end - start > MAX_WINDOW:
        raise Invalid(f"give a window of at most {MAX_WINDOW.days} days", "/to")
    async with db.transaction(caller.tenant, readonly=True) as conn:
        centers = [c for c in await work_centers_repo.all_active(conn) if c.plant_id == plant_id]
        rows = await conn.fetch(service.Q.bars, plant_id, start, end)
        stops = await downtime_repo.blocking(conn, [c.id for c in centers], (start, end), end)
        last = await conn.fetchrow(service.Q.last_run, plant_id)
    bars: dict[UUID, list[GanttBar]] = defaultdict(list)
    links: list[GanttLink] = []
    for r in rows:
        bars[r["scheduled_work_center_id"]].append(
            GanttBar(
                work_order_id=r["work_order_id"],
                number=r["number"],
                operation_no=r["operation_no"],
                description=r["description"],
                status=r["status"],
                unit=r["scheduled_unit"],
                start=r["scheduled_start"],
                end=r["scheduled_end"],
                due_at=r["due_at"],
                late=r["scheduled_end"] > r["due_at"],
            )
        )
        links.extend(
            GanttLink(
                work_order_id=r["work_order_id"],
                from_operation_no=p,
                to_operation_no=r["operation_no"],
            )
            for p in r["predecessors"]
        )
    blocked: dict[UUID, list[tuple[datetime, datetime]]] = defaultdict(list)
    for center_id, since, until in stops:
        blocked[center_id].append((max(since, start), min(until, end)))
    return Gantt(
        plant_id=plant_id,
        start=start,
        end=end,
        rows=[
            GanttRow(
                work_center_id=c.id,
                code=c.code,
                name=c.name,
                bars=bars.get(c.id, []),
                blocked=blocked.get(c.id, []),
            )
            for c in centers
        ],
        dependencies=links,
        run=_run(last),
    )

"""KPIs of equipment over a period: the inputs read set-based for every equipment at once,
the formulas of ``maintenance.kpi``, and the daily job that publishes yesterday's."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from maintenance import kpi
from maintenance.caller import Caller
from maintenance.equipment import repo as equipment_repo
from unison_bus import JobContext, publish_many
from unison_events.maintenance import EquipmentKpis
from unison_pg import Database, Queries
from unison_web import Invalid, NotFound

Q = Queries.load(Path(__file__).with_name("kpis.sql"))
KIND = "maintenance.kpis"
MAX_DAYS = 400
PAGE = 500
HOUR = Decimal(3600)


class EquipmentReport(msgspec.Struct, kw_only=True):
    equipment_id: UUID
    start: date
    end: date
    kpis: kpi.Kpis


def _bounds(first: date, last: date) -> tuple[datetime, datetime]:
    return datetime.combine(first, time(), UTC), datetime.combine(
        last + timedelta(days=1), time(), UTC
    )


def _hours(start: datetime, end: datetime) -> Decimal:
    return Decimal(str((end - start).total_seconds())) / HOUR


def _work(row: dict[str, Any]) -> kpi.WorkOrder:
    open_hours = (
        Decimal(row["estimated_minutes"] or 0) / 60 if row["done_at"] is None else Decimal(0)
    )
    return kpi.WorkOrder(
        kind="planned" if row["kind"] == "preventive" else "unplanned",
        created=row["created_at"].date(),
        completed=row["done_at"].date() if row["done_at"] else None,
        due=row["due_date"],
        interval_days=row["interval_days"],
        open_hours=open_hours,
    )


async def _inputs(
    conn: asyncpg.Connection, ids: list[UUID], window: tuple[datetime, datetime]
) -> dict[UUID, kpi.PeriodInputs]:
    """Every equipment's inputs in five statements, whatever the number of equipment."""
    planned = {r["equipment_id"]: r["seconds"] for r in await conn.fetch(Q.planned, ids, *window)}
    parts = {r["equipment_id"]: r["value"] for r in await conn.fetch(Q.parts, ids, *window)}
    failures: dict[UUID, list[kpi.Failure]] = defaultdict(list)
    for r in await conn.fetch(Q.failures, ids, *window):
        failures[r["equipment_id"]].append(kpi.Failure(start=r["started_at"], end=r["ended_at"]))
    repairs: dict[UUID, list[kpi.Repair]] = defaultdict(list)
    orders: dict[UUID, list[kpi.WorkOrder]] = defaultdict(list)
    for record in await conn.fetch(Q.orders, ids, *window):
        row = dict(record)
        orders[row["equipment_id"]].append(_work(row))
        done, started = row["done_at"], row["started_at"]
        if row["kind"] == "corrective" and done and started and window[0] <= done < window[1]:
            repairs[row["equipment_id"]].append(kpi.Repair(start=started, end=done))
    labour: dict[UUID, list[kpi.Labour]] = defaultdict(list)
    for r in await conn.fetch(Q.labour, ids, *window):
        hours = _hours(r["started_at"], r["ended_at"])
        kind: kpi.models.WorkKind = "planned" if r["kind"] == "preventive" else "unplanned"
        labour[r["equipment_id"]].append(kpi.Labour(hours=hours, rate=r["hourly_rate"], kind=kind))
    return {
        i: kpi.PeriodInputs(
            equipment_id=i,
            start=window[0],
            end=window[1],
            planned_operating_seconds=planned.get(i, Decimal(0)),
            failures=tuple(failures[i]),
            repairs=tuple(repairs[i]),
            work_orders=tuple(orders[i]),
            labour=tuple(labour[i]),
            parts_cost=parts.get(i) or Decimal(0),
        )
        for i in ids
    }


async def report(
    db: Database, caller: Caller, equipment_id: UUID, first: date, last: date
) -> EquipmentReport:
    """One equipment's KPIs over [first, last] (days, inclusive)."""
    if last < first or (last - first).days > MAX_DAYS:
        raise Invalid(f"give a period of 1 to {MAX_DAYS} days", "/to")
    window = _bounds(first, last)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        if await equipment_repo.get(conn, equipment_id) is None:
            raise NotFound(f"equipment {equipment_id} does not exist")
        inputs = await _inputs(conn, [equipment_id], window)
    return EquipmentReport(
        equipment_id=equipment_id,
        start=first,
        end=last,
        kpis=kpi.equipment_kpis(inputs[equipment_id]),
    )


def _published(
    org: UUID, plant: UUID, day: date, result: kpi.Kpis, equipment_id: UUID
) -> EquipmentKpis:
    t = result.totals
    return EquipmentKpis(
        organization_id=org,
        plant_id=plant,
        equipment_id=equipment_id,
        period_start=day,
        period_end=day,
        planned_operating_hours=t.planned_seconds / HOUR,
        downtime_hours=result.downtime_hours,
        failures=t.failures,
        repairs=t.repairs,
        repair_hours=t.repair_seconds / HOUR,
        mtbf_hours=result.mtbf_hours,
        mttr_hours=result.mttr_hours,
        availability=result.availability_time_based,
        planned_maintenance_percentage=result.pmp,
        pm_compliance=result.pm_compliance,
        backlog_count=result.backlog_count,
        backlog_hours=result.backlog_hours,
        labour_cost=t.labour_cost,
        parts_cost=t.parts_cost,
        maintenance_hours=t.maintenance_hours,
        planned_maintenance_hours=t.planned_maintenance_hours,
        pm_due=t.pm_due,
        pm_on_time=t.pm_on_time,
    )


async def publish_day(conn: asyncpg.Connection, org: UUID, day: date) -> int:
    """Every active equipment's KPIs of ``day``, published (reporting keeps them)."""
    window = _bounds(day, day)
    after: UUID | None = None
    published = 0
    while True:
        page = await conn.fetch(Q.active_equipment, after, PAGE)
        if not page:
            return published
        plants = {r["id"]: r["plant_id"] for r in page}
        inputs = await _inputs(conn, list(plants), window)
        events = [_published(org, plants[i], day, kpi.equipment_kpis(inputs[i]), i) for i in plants]
        await publish_many(conn, events)
        published += len(events)
        after = page[-1]["id"]


async def run(ctx: JobContext) -> dict[str, Any]:
    tenant = await ctx.organization_tenant("maintenance")
    if not tenant.plant_ids:
        return {"published": 0}
    day = datetime.now(UTC).date() - timedelta(days=1)
    async with ctx.database.transaction(tenant) as conn:
        published = await publish_day(conn, ctx.organization_id, day)
    return {"published": published, "day": day.isoformat()}

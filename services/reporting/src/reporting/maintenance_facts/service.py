"""The maintenance KPI series from the daily rollup (or one equipment's facts)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from reporting.maintenance_facts import repo
from reporting.maintenance_facts.models import KpiPoint, KpiSeries
from reporting.quality_facts.service import _check_granularity, _label
from unison_pg import Database
from unison_web.caller import Caller

ZERO = Decimal(0)


def _ratio(part: Decimal | int, whole: Decimal | int) -> float | None:
    return float(Decimal(part) / Decimal(whole)) if whole else None


def _point(label: str, s: repo.KpiSums) -> KpiPoint:
    """Maintenance's formulas (``maintenance.kpi.ratios``) on the summed inputs."""
    operating = max(s.planned_operating_hours - s.downtime_hours, ZERO)
    return KpiPoint(
        bucket=label,
        start=s.bucket,
        planned_operating_hours=s.planned_operating_hours,
        downtime_hours=s.downtime_hours,
        operating_hours=operating,
        failures=s.failures,
        repairs=s.repairs,
        repair_hours=s.repair_hours,
        mtbf_hours=_ratio(operating, s.failures),
        mttr_hours=_ratio(s.repair_hours, s.repairs),
        availability=_ratio(operating, s.planned_operating_hours),
        maintenance_hours=s.maintenance_hours,
        planned_maintenance_hours=s.planned_maintenance_hours,
        planned_maintenance_share=_ratio(s.planned_maintenance_hours, s.maintenance_hours),
        pm_due=s.pm_due,
        pm_on_time=s.pm_on_time,
        pm_compliance=_ratio(s.pm_on_time, s.pm_due),
        labour_cost=s.labour_cost,
        parts_cost=s.parts_cost,
        cost=s.labour_cost + s.parts_cost,
        backlog_count=s.backlog_count,
        backlog_hours=s.backlog_hours,
    )


def _total(first: date, rows: list[repo.KpiSums]) -> repo.KpiSums:
    last = rows[-1] if rows else None
    return repo.KpiSums(
        bucket=first,
        last_day=last.last_day if last else first,
        planned_operating_hours=sum((r.planned_operating_hours for r in rows), ZERO),
        downtime_hours=sum((r.downtime_hours for r in rows), ZERO),
        failures=sum(r.failures for r in rows),
        repairs=sum(r.repairs for r in rows),
        repair_hours=sum((r.repair_hours for r in rows), ZERO),
        maintenance_hours=sum((r.maintenance_hours for r in rows), ZERO),
        planned_maintenance_hours=sum((r.planned_maintenance_hours for r in rows), ZERO),
        pm_due=sum(r.pm_due for r in rows),
        pm_on_time=sum(r.pm_on_time for r in rows),
        backlog_count=last.backlog_count if last else 0,
        backlog_hours=last.backlog_hours if last else ZERO,
        labour_cost=sum((r.labour_cost for r in rows), ZERO),
        parts_cost=sum((r.parts_cost for r in rows), ZERO),
    )


async def kpi_series(
    db: Database,
    caller: Caller,
    period: tuple[date, date],
    granularity: str,
    where: tuple[UUID | None, UUID | None],
) -> KpiSeries:
    """The KPIs per bucket of days ``period`` (inclusive, UTC) of plant and equipment
    ``where`` (None: all the caller sees); the total sums the inputs first."""
    first, last = period
    _check_granularity(granularity, first, last)
    if where[0] is not None:
        caller.check_plant(where[0])
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await repo.kpis(conn, period, granularity, where)
    return KpiSeries(
        granularity=granularity,
        first_day=first,
        last_day=last,
        plant_id=where[0],
        equipment_id=where[1],
        points=[_point(_label(r.bucket, granularity), r) for r in rows],
        total=_point("total", _total(first, rows)),
    )

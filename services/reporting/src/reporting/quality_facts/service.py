"""The quality dashboards from the rollups and the NCR and CAPA states."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

from reporting.quality_facts import repo
from reporting.quality_facts.models import (
    CapaOnTime,
    DefectBar,
    DefectPareto,
    NcrAgeing,
    NcrPoint,
    NcrSeries,
    YieldPoint,
    YieldSeries,
)
from unison_pg import Database
from unison_web import Invalid
from unison_web.caller import Caller

# The longest period per granularity: bounds a series at ~400 points, so it needs no paging.
MAX_DAYS = {"day": 400, "week": 732, "month": 732}
MAX_PERIOD = 732


def _check(first: date, last: date, longest: int, what: str = "") -> None:
    if last < first:
        raise Invalid("the period ends before it starts", "/to")
    if (last - first).days + 1 > longest:
        raise Invalid(f"at most {longest} days{what}", "/to")


def _check_granularity(granularity: str, first: date, last: date) -> None:
    if granularity not in MAX_DAYS:
        raise Invalid("granularity must be one of day, week, month", "/granularity")
    _check(first, last, MAX_DAYS[granularity], f" by {granularity}")


def _label(start: date, granularity: str) -> str:
    if granularity == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if granularity == "month":
        return start.strftime("%Y-%m")
    return start.isoformat()


def _ratio(part: Decimal | int, whole: Decimal | int) -> float | None:
    """As quality's figures divide (floats), so both give the same number."""
    return float(part) / float(whole) if whole else None


def _yield(label: str, sums: repo.YieldSums) -> YieldPoint:
    return YieldPoint(
        bucket=label,
        start=sums.bucket,
        inspected=sums.inspected,
        passed_first_time=sums.passed_first_time,
        fpy=_ratio(sums.passed_first_time, sums.inspected),
        lots=sums.lots,
        lots_passed=sums.lots_passed,
        lot_fpy=_ratio(sums.lots_passed, sums.lots),
    )


async def fpy_series(
    db: Database,
    caller: Caller,
    period: tuple[date, date],
    granularity: str,
    where: tuple[UUID | None, UUID | None],
) -> YieldSeries:
    """First-pass yield per bucket of days ``period`` (inclusive, UTC) of plant and
    material ``where`` (None: all the caller sees); the total sums the inputs first."""
    first, last = period
    _check_granularity(granularity, first, last)
    if where[0] is not None:
        caller.check_plant(where[0])
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await repo.fpy(conn, period, granularity, where)
    total = repo.YieldSums(
        bucket=first,
        inspected=sum((r.inspected for r in rows), Decimal(0)),
        passed_first_time=sum((r.passed_first_time for r in rows), Decimal(0)),
        lots=sum(r.lots for r in rows),
        lots_passed=sum(r.lots_passed for r in rows),
    )
    return YieldSeries(
        granularity=granularity,
        first_day=first,
        last_day=last,
        plant_id=where[0],
        material_id=where[1],
        points=[_yield(_label(r.bucket, granularity), r) for r in rows],
        total=_yield("total", total),
    )


async def defect_pareto(
    db: Database, caller: Caller, period: tuple[date, date], plant_id: UUID | None
) -> DefectPareto:
    """Defects of the period, most frequent first, with share and cumulative share."""
    _check(*period, MAX_PERIOD)
    if plant_id is not None:
        caller.check_plant(plant_id)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        counts = await repo.defects(conn, period, plant_id)
    total = sum(c.count for c in counts)
    bars: list[DefectBar] = []
    running = 0
    for c in counts:
        running += c.count
        bars.append(
            DefectBar(code=c.code, count=c.count, share=c.count / total, cumulative=running / total)
        )
    return DefectPareto(
        first_day=period[0], last_day=period[1], plant_id=plant_id, total=total, defects=bars
    )


async def ncr_series(
    db: Database,
    caller: Caller,
    period: tuple[date, date],
    granularity: str,
    plant_id: UUID | None,
) -> NcrSeries:
    """NCRs raised and closed per bucket of the period, and the open ones' ageing today."""
    first, last = period
    _check_granularity(granularity, first, last)
    if plant_id is not None:
        caller.check_plant(plant_id)
    today = datetime.now(UTC).date()
    async with db.transaction(caller.tenant, readonly=True) as conn:
        flow = await repo.ncr_flow(conn, period, granularity, plant_id)
        ageing = await repo.ncr_ageing(conn, today, plant_id)
    return NcrSeries(
        granularity=granularity,
        first_day=first,
        last_day=last,
        plant_id=plant_id,
        points=[
            NcrPoint(
                bucket=_label(f.bucket, granularity),
                start=f.bucket,
                opened=f.opened,
                closed=f.closed,
            )
            for f in flow
        ],
        opened=sum(f.opened for f in flow),
        closed=sum(f.closed for f in flow),
        ageing=NcrAgeing(
            days_0_7=ageing.days_0_7,
            days_8_30=ageing.days_8_30,
            days_31_90=ageing.days_31_90,
            over_90=ageing.over_90,
            open=ageing.days_0_7 + ageing.days_8_30 + ageing.days_31_90 + ageing.over_90,
        ),
    )


async def capa_on_time(
    db: Database, caller: Caller, period: tuple[date, date], plant_id: UUID | None
) -> CapaOnTime:
    """The share of the CAPAs closed in the period that were closed by their due date."""
    _check(*period, MAX_PERIOD)
    if plant_id is not None:
        caller.check_plant(plant_id)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        counts = await repo.capa_on_time(conn, period, plant_id)
    return CapaOnTime(
        first_day=period[0],
        last_day=period[1],
        plant_id=plant_id,
        closed=counts.closed,
        on_time=counts.on_time,
        late=counts.closed - counts.on_time,
        rate=_ratio(counts.on_time, counts.closed),
    )

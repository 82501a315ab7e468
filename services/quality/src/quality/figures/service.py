"""FPY and Pareto use cases, and the daily publication of a day's figures."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Literal
from uuid import UUID

import asyncpg

from quality.caller import Caller
from quality.figures import repo
from quality.figures.models import ParetoRow, YieldRow
from unison_bus import publish_many
from unison_events.quality import QualityFigures
from unison_pg import Database
from unison_web import Invalid

MAX_SPAN = timedelta(days=732)
DayKey = tuple[UUID, UUID, UUID | None]  # plant, material, work center
Filters = tuple[UUID | None, UUID | None, UUID | None]  # plant, material, work center


def _window(first: date, last: date, filters: Filters, caller: Caller) -> repo.Scope:
    if last < first:
        raise Invalid("the period ends before it starts", "/to")
    if last - first > MAX_SPAN:
        raise Invalid("at most two years at a time", "/to")
    if filters[0] is not None:
        caller.check_plant(filters[0])
    start = datetime.combine(first, time(), UTC)
    end = datetime.combine(last + timedelta(days=1), time(), UTC)
    return (start, end, *filters)


def _ratio(part: Decimal | int, whole: Decimal | int) -> float | None:
    return float(part) / float(whole) if whole else None


async def fpy(
    db: Database,
    caller: Caller,
    period: tuple[date, date],
    filters: Filters,
    by: Literal["material", "work_center", "day"],
) -> list[YieldRow]:
    """First-pass yield of the period (days inclusive, UTC) grouped ``by``."""
    scope = _window(*period, filters, caller)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        counts = await repo.fpy(conn, scope, by)
    return [
        YieldRow(
            key=c.key,
            lots=c.lots,
            lots_passed=c.lots_passed,
            inspected=c.inspected,
            passed_first_time=c.passed_first_time,
            rejected=c.rejected,
            fpy=_ratio(c.passed_first_time, c.inspected),
            lot_fpy=_ratio(c.lots_passed, c.lots),
        )
        for c in counts
    ]


async def pareto(
    db: Database, caller: Caller, period: tuple[date, date], filters: Filters
) -> list[ParetoRow]:
    """Defects of the period, most frequent first, each with its share and the cumulative
    share (the 80 % line of a Pareto chart)."""
    scope = _window(*period, filters, caller)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        counts = await repo.pareto(conn, scope)
    total = sum(c.count for c in counts)
    rows: list[ParetoRow] = []
    running = 0
    for c in counts:
        running += c.count
        rows.append(
            ParetoRow(
                code=c.code,
                name=c.name,
                count=c.count,
                share=c.count / total,
                cumulative=running / total,
            )
        )
    return rows


async def publish_day(conn: asyncpg.Connection, organization_id: UUID, day: date) -> int:
    """The day's figures per plant, material and work center, as events reporting sums.
    Returns how many were published."""
    yields, defects = await repo.day(conn, day)
    found: dict[DayKey, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    codes: dict[DayKey, list[tuple[str, int]]] = defaultdict(list)
    for y in yields:
        found[(y.plant_id, y.material_id, y.work_center_id)] = [y.inspected, y.passed_first_time]
    for d in defects:
        key = (d.plant_id, d.material_id, d.work_center_id)
        codes[key].append((d.code, d.count))
        found.setdefault(key, [Decimal(0), Decimal(0)])
    events = [
        QualityFigures(
            organization_id=organization_id,
            plant_id=plant_id,
            day=day,
            material_id=material_id,
            work_center_id=work_center_id,
            inspected=inspected,
            passed_first_time=passed,
            defects=tuple(sorted(codes[(plant_id, material_id, work_center_id)])),
        )
        for (plant_id, material_id, work_center_id), (inspected, passed) in sorted(
            found.items(), key=lambda kv: tuple(str(k) for k in kv[0])
        )
    ]
    await publish_many(conn, events)
    return len(events)

"""Schedule adherence and work-order lead time from the daily rollup (counts and sums)
and the completion facts (percentiles).

* on-time rate = orders completed at or before their due time / orders completed;
* schedule adherence = orders completed at or before their scheduled end / orders
  completed that had a scheduled end (planned by production's scheduling);
* quantity adherence = orders whose good quantity reached the order quantity / completed;
* lead time from release = completion - first release, from creation = completion -
  creation; averages from the rollup's sums, p50/p90 (linear interpolation, as
  ``percentile_cont``) from the facts, since a percentile cannot be added up.

Buckets are UTC days of completion (ISO weeks, months). Ratios are floats; nothing to
divide gives null.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from uuid import UUID

from reporting.production_facts import work_orders
from reporting.production_facts.models import LeadTime, SchedulePoint, ScheduleSeries
from reporting.quality_facts.service import _check_granularity, _label
from unison_pg import Database
from unison_web.caller import Caller

HOUR = 3600.0


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _lead(orders: int, seconds: Decimal, p50: float | None, p90: float | None) -> LeadTime:
    return LeadTime(
        orders=orders,
        average_hours=float(seconds) / orders / HOUR if orders else None,
        p50_hours=None if p50 is None else p50 / HOUR,
        p90_hours=None if p90 is None else p90 / HOUR,
    )


def _point(
    label: str, start: datetime, s: work_orders.ScheduleSums, p: work_orders.LeadPercentiles
) -> SchedulePoint:
    return SchedulePoint(
        bucket=label,
        start=start,
        completed=s.completed,
        on_time=s.on_time,
        on_time_rate=_ratio(s.on_time, s.completed),
        scheduled=s.scheduled,
        on_schedule=s.on_schedule,
        schedule_adherence=_ratio(s.on_schedule, s.scheduled),
        quantity_met=s.quantity_met,
        quantity_adherence=_ratio(s.quantity_met, s.completed),
        planned_quantity=s.planned_quantity,
        good_quantity=s.good_quantity,
        lead_time_from_release=_lead(s.released, s.release_seconds, p.release_p50, p.release_p90),
        lead_time_from_creation=_lead(s.created, s.create_seconds, p.create_p50, p.create_p90),
    )


def _empty(bucket: datetime | None) -> tuple[work_orders.ScheduleSums, work_orders.LeadPercentiles]:
    zero = Decimal(0)
    return (
        work_orders.ScheduleSums(
            bucket=bucket,
            completed=0,
            on_time=0,
            scheduled=0,
            on_schedule=0,
            quantity_met=0,
            planned_quantity=zero,
            good_quantity=zero,
            released=0,
            release_seconds=zero,
            created=0,
            create_seconds=zero,
        ),
        work_orders.LeadPercentiles(
            bucket=bucket, release_p50=None, release_p90=None, create_p50=None, create_p90=None
        ),
    )


async def schedule_series(
    db: Database,
    caller: Caller,
    period: tuple[date, date],
    granularity: str,
    where: tuple[UUID | None, UUID | None],
) -> ScheduleSeries:
    """Adherence and lead time per bucket of days ``period`` and for the whole period,
    of plant and work center ``where`` (None: all the caller sees)."""
    first, last = period
    _check_granularity(granularity, first, last)
    if where[0] is not None:
        caller.check_plant(where[0])
    async with db.transaction(caller.tenant, readonly=True) as conn:
        sums = await work_orders.adherence(conn, period, granularity, where)
        percentiles = await work_orders.lead_percentiles(conn, period, granularity, where)
    by_bucket = {p.bucket: p for p in percentiles}
    start = datetime.combine(first, time(), UTC)
    points = [
        _point(
            _label(s.bucket.date(), granularity),
            s.bucket,
            s,
            by_bucket.get(s.bucket, _empty(s.bucket)[1]),
        )
        for s in sums
        if s.bucket is not None and s.completed
    ]
    totals = [s for s in sums if s.bucket is None and s.completed]
    total_sums, total_lead = _empty(None)
    if totals:
        total_sums, total_lead = totals[0], by_bucket.get(None, total_lead)
    return ScheduleSeries(
        granularity=granularity,
        first_day=first,
        last_day=last,
        plant_id=where[0],
        work_center_id=where[1],
        points=points,
        total=_point("total", start, total_sums, total_lead),
    )

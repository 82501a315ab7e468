"""From one equipment's period inputs to the additive totals the KPIs are ratios of."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from maintenance.kpi.models import (
    Failure,
    PeriodInputs,
    Repair,
    Span,
    Tolerance,
    Totals,
    WorkOrder,
)


def seconds(span: timedelta) -> Decimal:
    """Exact: timedelta.total_seconds() is a float."""
    return Decimal(span.days * 86400 + span.seconds) + Decimal(span.microseconds) / 10**6


def _day_start(day: date, like: datetime) -> datetime:
    return datetime.combine(day, time(), tzinfo=like.tzinfo)


def downtime_seconds(failures: Iterable[Failure], start: datetime, end: datetime) -> Decimal:
    """The time inside [start, end) covered by at least one failure.

    Overlapping records (two failure modes reported for one stop) are merged so that the
    same stop is not counted twice.
    """
    total = Decimal(0)
    # Sorted by start, each failure only adds what lies beyond the ones before it.
    covered = start
    for lo, hi in sorted((max(f.start, start), min(f.end, end)) for f in failures):
        lo = max(lo, covered)
        if hi > lo:
            total += seconds(hi - lo)
            covered = hi
    return total


def _repairs_in(repairs: Iterable[Repair], start: datetime, end: datetime) -> list[Repair]:
    return [r for r in repairs if start < r.end <= end]


def allowed_delay(order: WorkOrder, tolerance: Tolerance) -> int:
    """Days a PM work order may be late and still be on time."""
    if order.interval_days is None:
        return tolerance.days
    relative = int(tolerance.fraction_of_interval * order.interval_days)
    return max(tolerance.days, relative)


def _on_time(order: WorkOrder, tolerance: Tolerance) -> bool:
    if order.completed is None or order.due is None:
        return False
    return order.completed <= order.due + timedelta(days=allowed_delay(order, tolerance))


def pm_due_in(inputs: PeriodInputs) -> list[WorkOrder]:
    """Preventive work orders whose due day lies in the period."""
    return [
        o
        for o in inputs.work_orders
        if o.kind == "planned"
        and o.due is not None
        and inputs.start <= _day_start(o.due, inputs.start) < inputs.end
    ]


def open_at_end(inputs: PeriodInputs) -> list[WorkOrder]:
    """Work orders created before the period's end and not completed by then."""
    end = inputs.end
    return [
        o
        for o in inputs.work_orders
        if _day_start(o.created, end) < end
        and (o.completed is None or _day_start(o.completed, end) >= end)
    ]


def period_totals(inputs: PeriodInputs, tolerance: Tolerance) -> Totals:
    repairs = _repairs_in(inputs.repairs, inputs.start, inputs.end)
    due = pm_due_in(inputs)
    return Totals(
        planned_seconds=inputs.planned_operating_seconds,
        downtime_seconds=downtime_seconds(inputs.failures, inputs.start, inputs.end),
        failures=sum(1 for f in inputs.failures if inputs.start <= f.start < inputs.end),
        repair_seconds=sum((seconds(r.end - r.start) for r in repairs), Decimal(0)),
        repairs=len(repairs),
        planned_maintenance_hours=sum(
            (entry.hours for entry in inputs.labour if entry.kind == "planned"), Decimal(0)
        ),
        maintenance_hours=sum((entry.hours for entry in inputs.labour), Decimal(0)),
        pm_due=len(due),
        pm_on_time=sum(1 for o in due if _on_time(o, tolerance)),
        labour_cost=sum((entry.hours * entry.rate for entry in inputs.labour), Decimal(0)),
        parts_cost=inputs.parts_cost,
    )


def period_span(inputs: PeriodInputs) -> Span:
    backlog = open_at_end(inputs)
    return Span(
        equipment_id=inputs.equipment_id,
        start=inputs.start,
        end=inputs.end,
        backlog_count=len(backlog),
        backlog_hours=sum((o.open_hours for o in backlog), Decimal(0)),
    )

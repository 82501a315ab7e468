"""Builders for scheduling tests: calendars, operations, orders and requests in few words."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from production.scheduling import (
    Bar,
    FixedBar,
    OperationToSchedule,
    OrderToSchedule,
    ScheduleRequest,
    ScheduleResult,
    WorkCenterCapacity,
)

MONDAY = datetime(2025, 3, 3, tzinfo=UTC)
HOUR = timedelta(hours=1)
Interval = tuple[datetime, datetime]


def at(day: int, hour: float) -> datetime:
    """``hour`` o'clock on the ``day``-th day after MONDAY (0 is Monday)."""
    return MONDAY + timedelta(days=day, hours=hour)


def calendar(
    days: int = 14, shifts: Iterable[tuple[float, float]] = ((8, 16),), weekends: bool = True
) -> tuple[Interval, ...]:
    """Working intervals for ``days`` days from MONDAY; no work on weekends by default."""
    intervals = []
    for day in range(days):
        if weekends and (MONDAY + timedelta(days=day)).weekday() >= 5:
            continue
        intervals += [(at(day, start), at(day, end)) for start, end in shifts]
    return tuple(intervals)


def without(intervals: tuple[Interval, ...], down: Interval) -> tuple[Interval, ...]:
    """``intervals`` minus a downtime, as the caller of the scheduler would compute it."""
    left = []
    for start, end in intervals:
        if start < down[0]:
            left.append((start, min(end, down[0])))
        if end > down[1]:
            left.append((max(start, down[1]), end))
    return tuple(i for i in left if i[1] > i[0])


def center(
    units: int = 1, available: tuple[Interval, ...] | None = None, efficiency: str = "1"
) -> WorkCenterCapacity:
    return WorkCenterCapacity(
        id=uuid.uuid4(),
        units=units,
        available=calendar() if available is None else available,
        efficiency=Decimal(efficiency),
    )


def op(
    order_id: UUID,
    wc: WorkCenterCapacity,
    hours: float,
    *,
    sequence: int = 10,
    setup_hours: float = 0,
    after: tuple[OperationToSchedule, ...] = (),
    alternatives: tuple[WorkCenterCapacity, ...] = (),
    min_start: datetime | None = None,
) -> OperationToSchedule:
    return OperationToSchedule(
        id=uuid.uuid4(),
        order_id=order_id,
        sequence=sequence,
        work_center_id=wc.id,
        alternative_work_center_ids=tuple(a.id for a in alternatives),
        setup_seconds=round(setup_hours * 3600),
        run_seconds=Decimal(round(hours * 3600)),
        predecessors=tuple(p.id for p in after),
        min_start=min_start,
    )


def order(
    order_id: UUID,
    operations: tuple[OperationToSchedule, ...],
    *,
    due: datetime | None = None,
    release: datetime = MONDAY,
    priority: int = 1,
) -> OrderToSchedule:
    return OrderToSchedule(
        id=order_id,
        priority=priority,
        due=at(30, 0) if due is None else due,
        release=release,
        operations=operations,
    )


def fixed(wc: WorkCenterCapacity, start: datetime, end: datetime, unit: int | None = 0) -> FixedBar:
    return FixedBar(
        work_center_id=wc.id,
        unit=unit,
        start=start,
        end=end,
        order_id=uuid.uuid4(),
        operation_id=uuid.uuid4(),
    )


def request(
    centers: tuple[WorkCenterCapacity, ...],
    orders: tuple[OrderToSchedule, ...],
    *,
    fixed_bars: tuple[FixedBar, ...] = (),
    direction: str = "forward",
    now: datetime = MONDAY,
    horizon_end: datetime | None = None,
) -> ScheduleRequest:
    return ScheduleRequest(
        now=now,
        direction="backward" if direction == "backward" else "forward",
        horizon_end=at(14, 0) if horizon_end is None else horizon_end,
        work_centers=centers,
        fixed=fixed_bars,
        orders=orders,
    )


def bar_of(result: ScheduleResult, operation: OperationToSchedule) -> Bar:
    return next(b for b in result.bars if b.operation_id == operation.id)

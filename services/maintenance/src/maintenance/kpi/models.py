"""What the equipment KPIs read and return: frozen msgspec Structs, no behaviour.

Datetimes of one period must all be naive or all aware; dates (work orders) are taken as
starting at midnight in the period's time zone.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

import msgspec

WorkKind = Literal["planned", "unplanned"]

# Why a KPI is None. Undefined is not infinite: a period without failures says nothing
# about how long the equipment would run, so MTBF is None, not a huge number.
Note = Literal[
    "no_failures",  # MTBF and inherent availability undefined
    "no_repairs",  # MTTR and inherent availability undefined
    "no_planned_time",  # time-based availability undefined
    "downtime_exceeds_planned_time",  # operating time taken as 0
    "no_maintenance_hours",  # planned maintenance percentage undefined
    "no_pm_due",  # PM compliance undefined
]


class _Interval(msgspec.Struct, frozen=True, kw_only=True):
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"{type(self).__name__} ends before it starts")


class Failure(_Interval, frozen=True, kw_only=True):
    """A breakdown: the equipment is down from ``start`` to ``end``."""


class Repair(_Interval, frozen=True, kw_only=True):
    """A repair work order, from the start of work to its end."""


class WorkOrder(msgspec.Struct, frozen=True, kw_only=True):
    kind: WorkKind
    created: date
    completed: date | None = None
    # Preventive work orders: when the plan made it due, and the plan's interval in days
    # (for a tolerance relative to the interval).
    due: date | None = None
    interval_days: int | None = None
    # Estimated hours still to do; what the backlog counts while the order is open.
    open_hours: Decimal = Decimal(0)


class Labour(msgspec.Struct, frozen=True, kw_only=True):
    hours: Decimal
    rate: Decimal
    # Of the work order it was booked on: planned (preventive) or unplanned maintenance.
    kind: WorkKind


class Tolerance(msgspec.Struct, frozen=True, kw_only=True):
    """How late a PM work order may be completed and still count as on time.

    The more lenient of ``days`` and ``fraction_of_interval`` x the plan's interval (whole
    days, rounded down); early completion is always on time.
    """

    days: int = 0
    fraction_of_interval: Decimal = Decimal(0)


class PeriodInputs(msgspec.Struct, frozen=True, kw_only=True):
    """One equipment over one period [start, end).

    Failures count in the period they start in, repairs in the one they end in
    (start < end <= period end); downtime is clipped to the period, so consecutive periods
    may be given the same breakdown. Work orders are those due in the period (for PM
    compliance) and those open at its end (backlog); labour and parts are the period's.
    """

    equipment_id: UUID
    start: datetime
    end: datetime
    # From production's calendar; downtime outside it should be left out by the caller.
    planned_operating_seconds: Decimal
    failures: tuple[Failure, ...] = ()
    repairs: tuple[Repair, ...] = ()
    work_orders: tuple[WorkOrder, ...] = ()
    labour: tuple[Labour, ...] = ()
    parts_cost: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("a period must end after it starts")
        if self.planned_operating_seconds < 0:
            raise ValueError("planned operating time must not be negative")


class Totals(msgspec.Struct, frozen=True, kw_only=True):
    """The additive inputs of the KPIs: combining periods or equipment sums these."""

    planned_seconds: Decimal
    downtime_seconds: Decimal
    failures: int
    repair_seconds: Decimal
    repairs: int
    planned_maintenance_hours: Decimal
    maintenance_hours: Decimal
    pm_due: int
    pm_on_time: int
    labour_cost: Decimal
    parts_cost: Decimal


class Span(msgspec.Struct, frozen=True, kw_only=True):
    """One equipment's period in a result, with its backlog at the period's end.

    The backlog is a stock, not a flow: combining takes each equipment's latest one.
    """

    equipment_id: UUID
    start: datetime
    end: datetime
    backlog_count: int
    backlog_hours: Decimal


class Kpis(msgspec.Struct, frozen=True, kw_only=True):
    """Unrounded Decimals; times in hours, ratios as fractions (0.98, not 98 %)."""

    spans: tuple[Span, ...]
    totals: Totals
    # Planned operating time - downtime.
    operating_hours: Decimal
    downtime_hours: Decimal
    # Operating time / number of failures.
    mtbf_hours: Decimal | None
    # Repair time / number of repairs.
    mttr_hours: Decimal | None
    # Inherent availability, from failure and repair behaviour: MTBF / (MTBF + MTTR).
    availability_inherent: Decimal | None
    # Time-based (operational) availability: (planned - downtime) / planned.
    availability_time_based: Decimal | None
    # Planned maintenance percentage: planned maintenance hours / all maintenance hours.
    pmp: Decimal | None
    # PM work orders completed on time / PM work orders due.
    pm_compliance: Decimal | None
    backlog_count: int
    backlog_hours: Decimal
    cost: Decimal
    notes: tuple[Note, ...]

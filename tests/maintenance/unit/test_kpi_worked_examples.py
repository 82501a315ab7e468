"""Equipment KPIs on worked examples, each computed by hand in the test's docstring.

April 2026 has 30 days: the period [Apr 1, May 1) is 720 hours, all of them planned.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import msgspec

from maintenance.kpi import (
    Failure,
    Labour,
    PeriodInputs,
    Repair,
    Tolerance,
    WorkOrder,
    equipment_kpis,
)

PRESS = UUID("0b7d6c1a-0000-4000-8000-0000000000a1")
APRIL = datetime(2026, 4, 1, tzinfo=UTC)
MAY = datetime(2026, 5, 1, tzinfo=UTC)
HOURS_720 = Decimal(720 * 3600)


def at(day: int, hour: float = 0) -> datetime:
    return datetime(2026, 4, day, tzinfo=UTC) + timedelta(hours=hour)


def failure(day: int, hour: int, hours: float) -> Failure:
    return Failure(start=at(day, hour), end=at(day, hour + hours))


def repair(day: int, hour: float, hours: float) -> Repair:
    return Repair(start=at(day, hour), end=at(day, hour + hours))


NOTHING_HAPPENED = PeriodInputs(
    equipment_id=PRESS, start=APRIL, end=MAY, planned_operating_seconds=HOURS_720
)


def april(**changes: Any) -> PeriodInputs:
    return msgspec.structs.replace(NOTHING_HAPPENED, **changes)


THREE_BREAKDOWNS = (failure(3, 8, 2), failure(10, 12, 4), failure(20, 0, 6))


def test_three_breakdowns_in_a_month_where_repair_time_is_the_downtime() -> None:
    """720 h planned; breakdowns of 2, 4 and 6 h, each repaired for its whole duration.

    downtime = 2 + 4 + 6 = 12 h; operating = 720 - 12 = 708 h
    MTBF = 708 / 3 = 236 h; MTTR = (2 + 4 + 6) / 3 = 4 h
    inherent availability = 236 / (236 + 4) = 236 / 240 = 59/60 = 0.98333...
    time-based availability = 708 / 720 = 59/60 as well: with repair time equal to
    downtime, both definitions agree.
    """
    repairs = tuple(Repair(start=f.start, end=f.end) for f in THREE_BREAKDOWNS)
    k = equipment_kpis(april(failures=THREE_BREAKDOWNS, repairs=repairs))
    assert (k.downtime_hours, k.operating_hours) == (Decimal(12), Decimal(708))
    assert (k.mtbf_hours, k.mttr_hours) == (Decimal(236), Decimal(4))
    assert k.availability_inherent == Decimal(59) / Decimal(60)
    assert k.availability_time_based == Decimal(59) / Decimal(60)
    assert str(k.availability_inherent).startswith("0.98333")
    assert k.totals.failures == 3
    assert k.totals.repairs == 3


def test_repairs_shorter_than_the_downtime_separate_the_two_availabilities() -> None:
    """The same breakdowns; work starts late, so the repairs take 1.5, 3 and 4.5 h.

    MTBF = 708 / 3 = 236 h (downtime still 12 h); MTTR = (1.5 + 3 + 4.5) / 3 = 3 h
    inherent availability = 236 / (236 + 3) = 236 / 239 = 0.98744...
    time-based availability = 708 / 720 = 0.98333...: waiting for the technician costs
    availability the repair statistics do not see.
    """
    repairs = (repair(3, 8.5, 1.5), repair(10, 13, 3), repair(20, 1.5, 4.5))
    k = equipment_kpis(april(failures=THREE_BREAKDOWNS, repairs=repairs))
    assert (k.mtbf_hours, k.mttr_hours) == (Decimal(236), Decimal(3))
    assert k.availability_inherent == Decimal(236) / Decimal(239)
    assert k.availability_time_based == Decimal(708) / Decimal(720)
    assert k.availability_inherent > k.availability_time_based


def test_planned_maintenance_percentage_and_cost() -> None:
    """30 h planned work at 50/h, 10 h unplanned at 60/h, 900 in parts.

    PMP = 30 / (30 + 10) = 0.75
    cost = 30 x 50 + 10 x 60 + 900 = 1500 + 600 + 900 = 3000
    """
    labour = (
        Labour(hours=Decimal(20), rate=Decimal(50), kind="planned"),
        Labour(hours=Decimal(10), rate=Decimal(50), kind="planned"),
        Labour(hours=Decimal(10), rate=Decimal(60), kind="unplanned"),
    )
    k = equipment_kpis(april(labour=labour, parts_cost=Decimal(900)))
    assert k.pmp == Decimal("0.75")
    assert (k.totals.labour_cost, k.totals.parts_cost, k.cost) == (
        Decimal(2100),
        Decimal(900),
        Decimal(3000),
    )


def pm(due: int, completed: date | None, *, month: int = 4) -> WorkOrder:
    return WorkOrder(
        kind="planned",
        created=date(2026, 3, 20),
        due=date(2026, month, due),
        completed=completed,
        interval_days=30,
    )


def test_pm_compliance_with_a_tolerance_of_ten_percent_of_the_interval() -> None:
    """Monthly PMs (30-day interval), tolerance 10 % of it = 3 days late.

    due Apr 5,  done Apr 4:  early            -> on time
    due Apr 12, done Apr 15: 3 days late      -> on time (the limit is inclusive)
    due Apr 19, done Apr 23: 4 days late      -> late
    due Apr 26, still open                    -> not on time
    due May 3:  not due in April; an unplanned order with a due date is no PM.
    compliance = 2 / 4 = 0.5
    """
    orders = (
        pm(5, date(2026, 4, 4)),
        pm(12, date(2026, 4, 15)),
        pm(19, date(2026, 4, 23)),
        pm(26, None),
        pm(3, date(2026, 5, 3), month=5),
        WorkOrder(kind="unplanned", created=date(2026, 4, 2), due=date(2026, 4, 3)),
    )
    k = equipment_kpis(
        april(work_orders=orders), tolerance=Tolerance(fraction_of_interval=Decimal("0.1"))
    )
    assert (k.totals.pm_on_time, k.totals.pm_due) == (2, 4)
    assert k.pm_compliance == Decimal("0.5")


def test_backlog_counts_what_is_open_at_the_end_of_the_period() -> None:
    """At May 1, 00:00:

    PM created Mar 20, open                      -> 4 h
    breakdown order created Apr 28, open         -> 6 h
    order completed Apr 30                       -> closed
    order completed May 1, after the period end  -> still open at it, 2 h
    order created May 2                          -> did not exist yet
    backlog = 3 orders, 4 + 6 + 2 = 12 h
    """
    orders = (
        WorkOrder(kind="planned", created=date(2026, 3, 20), open_hours=Decimal(4)),
        WorkOrder(kind="unplanned", created=date(2026, 4, 28), open_hours=Decimal(6)),
        WorkOrder(
            kind="unplanned",
            created=date(2026, 4, 2),
            completed=date(2026, 4, 30),
            open_hours=Decimal(8),
        ),
        WorkOrder(
            kind="planned",
            created=date(2026, 4, 20),
            completed=date(2026, 5, 1),
            open_hours=Decimal(2),
        ),
        WorkOrder(kind="unplanned", created=date(2026, 5, 2), open_hours=Decimal(5)),
    )
    k = equipment_kpis(april(work_orders=orders))
    assert (k.backlog_count, k.backlog_hours) == (3, Decimal(12))

"""Which inputs a period counts: clipped and merged downtime, repairs, tolerances, validation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import msgspec
import pytest

from maintenance.kpi import (
    Failure,
    PeriodInputs,
    Repair,
    Tolerance,
    WorkOrder,
    equipment_kpis,
)
from maintenance.kpi.totals import allowed_delay, seconds

LATHE = UUID("0b7d6c1a-0000-4000-8000-0000000000b2")
APRIL = datetime(2026, 4, 1, tzinfo=UTC)
MAY = datetime(2026, 5, 1, tzinfo=UTC)
QUIET_APRIL = PeriodInputs(
    equipment_id=LATHE, start=APRIL, end=MAY, planned_operating_seconds=Decimal(720 * 3600)
)


def april(**changes: Any) -> PeriodInputs:
    return msgspec.structs.replace(QUIET_APRIL, **changes)


def down(start: datetime, hours: float) -> Failure:
    return Failure(start=start, end=start + timedelta(hours=hours))


def test_overlapping_failure_records_lose_the_shared_hours_once() -> None:
    # 10:00-14:00 and 12:00-16:00 (and 13:00-13:30 inside both): down 10:00-16:00.
    noon = datetime(2026, 4, 7, 12, tzinfo=UTC)
    failures = (
        down(noon - timedelta(hours=2), 4),
        down(noon, 4),
        down(noon + timedelta(hours=1), 0.5),
    )
    k = equipment_kpis(april(failures=failures))
    assert k.downtime_hours == 6
    assert k.totals.failures == 3


def test_a_breakdown_running_into_the_period_loses_its_time_but_counts_in_the_last_one() -> None:
    k = equipment_kpis(april(failures=(down(APRIL - timedelta(hours=3), 5),)))
    assert k.downtime_hours == 2
    assert k.totals.failures == 0


def test_a_breakdown_running_past_the_period_counts_here_with_its_time_inside() -> None:
    k = equipment_kpis(april(failures=(down(MAY - timedelta(hours=1), 5),)))
    assert k.downtime_hours == 1
    assert k.totals.failures == 1


def test_a_breakdown_entirely_outside_the_period_does_not_count() -> None:
    k = equipment_kpis(april(failures=(down(MAY, 5), down(APRIL - timedelta(hours=6), 5))))
    assert (k.downtime_hours, k.totals.failures) == (Decimal(0), 0)


def test_a_repair_counts_in_the_period_it_ends_in_with_its_whole_duration() -> None:
    repairs = (
        Repair(start=APRIL - timedelta(hours=2), end=APRIL + timedelta(hours=1)),
        Repair(start=MAY - timedelta(hours=1), end=MAY),
        Repair(start=APRIL - timedelta(hours=1), end=APRIL),
        Repair(start=MAY - timedelta(hours=1), end=MAY + timedelta(seconds=1)),
    )
    k = equipment_kpis(april(repairs=repairs))
    assert k.totals.repairs == 2
    assert k.mttr_hours == 2


def test_durations_are_exact_to_the_microsecond() -> None:
    assert seconds(timedelta(days=1, seconds=1, microseconds=1)) == Decimal("86401.000001")


def pm(due: date, completed: date | None, interval_days: int | None = None) -> WorkOrder:
    return WorkOrder(
        kind="planned",
        created=date(2026, 3, 1),
        due=due,
        completed=completed,
        interval_days=interval_days,
    )


def test_a_tolerance_takes_the_more_lenient_of_days_and_share_of_the_interval() -> None:
    tolerance = Tolerance(days=2, fraction_of_interval=Decimal("0.1"))
    assert allowed_delay(pm(date(2026, 4, 1), None, interval_days=7), tolerance) == 2
    assert allowed_delay(pm(date(2026, 4, 1), None, interval_days=90), tolerance) == 9


def test_a_share_of_the_interval_is_rounded_down_to_whole_days() -> None:
    tolerance = Tolerance(fraction_of_interval=Decimal("0.1"))
    assert allowed_delay(pm(date(2026, 4, 1), None, interval_days=29), tolerance) == 2


def test_without_the_plans_interval_only_the_days_count() -> None:
    tolerance = Tolerance(days=1, fraction_of_interval=Decimal("0.5"))
    assert allowed_delay(pm(date(2026, 4, 1), None), tolerance) == 1


def test_without_a_tolerance_a_pm_is_on_time_on_its_due_day_and_late_the_next() -> None:
    orders = (pm(date(2026, 4, 10), date(2026, 4, 10)), pm(date(2026, 4, 11), date(2026, 4, 12)))
    k = equipment_kpis(april(work_orders=orders))
    assert (k.totals.pm_on_time, k.totals.pm_due) == (1, 2)


def test_a_pm_completed_after_the_period_can_still_be_on_time() -> None:
    orders = (pm(date(2026, 4, 30), date(2026, 5, 2)),)
    k = equipment_kpis(april(work_orders=orders), tolerance=Tolerance(days=3))
    assert k.pm_compliance == 1


def test_pms_due_on_the_first_day_count_and_on_the_day_the_period_ends_do_not() -> None:
    orders = (
        pm(date(2026, 4, 1), None),
        pm(date(2026, 4, 30), None),
        pm(date(2026, 5, 1), None),
        pm(date(2026, 3, 31), None),
    )
    assert equipment_kpis(april(work_orders=orders)).totals.pm_due == 2


@pytest.mark.parametrize("kind", [Failure, Repair])
def test_an_interval_ending_before_it_starts_is_refused(kind: type[Failure | Repair]) -> None:
    with pytest.raises(ValueError, match="ends before it starts"):
        kind(start=MAY, end=APRIL)


def test_a_period_must_end_after_it_starts() -> None:
    with pytest.raises(ValueError, match="end after it starts"):
        april(end=APRIL)


def test_planned_operating_time_must_not_be_negative() -> None:
    with pytest.raises(ValueError, match="negative"):
        april(planned_operating_seconds=Decimal(-1))

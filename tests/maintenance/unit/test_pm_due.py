"""Where a PM plan stands today: calendar, usage, whichever comes first, and the work order."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

import pytest

from maintenance.pm import (
    CalendarRule,
    Completion,
    MeterReading,
    Plan,
    UsageRule,
    due,
    occurrence_key,
    occurrences,
)

PLAN_ID = UUID("6f1c2b7e-0000-4000-8000-000000000001")
T0 = datetime(2026, 3, 1, 6, tzinfo=UTC)
MONTHLY_FROM_JAN_1 = CalendarRule(interval=1, unit="months", mode="fixed", anchor=date(2026, 1, 1))
DONE_FEB_1 = Completion(on=date(2026, 2, 1))


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


def reading(days: float, value: int, *, reset: bool = False) -> MeterReading:
    return MeterReading(at(days), Decimal(value), reset)


# Every 250 operating hours, counted from 1000 h on March 1.
EVERY_250_HOURS = UsageRule(meter="operating_hours", interval=Decimal(250), anchor=reading(0, 1000))
# 10 h a day: 100 h by March 11, so 150 h remain, 15 more days: March 26.
TEN_HOURS_A_DAY = [reading(5, 1050), reading(10, 1100)]


def dec(*values: int) -> tuple[Decimal, ...]:
    return tuple(Decimal(v) for v in values)


def plan(
    calendar: CalendarRule | None = None,
    usage: UsageRule | None = None,
    lead_time_days: int | None = None,
) -> Plan:
    return Plan(id=PLAN_ID, calendar=calendar, usage=usage, lead_time_days=lead_time_days)


def monthly_on(day: date) -> CalendarRule:
    return CalendarRule(interval=1, unit="months", mode="fixed", anchor=day)


def test_a_calendar_plan_is_due_on_its_next_grid_date() -> None:
    state = due(
        plan(MONTHLY_FROM_JAN_1, lead_time_days=7),
        today=date(2026, 2, 20),
        last_completion=DONE_FEB_1,
    )
    assert state.calendar_due == date(2026, 3, 1)
    assert (state.first, state.due_date) == ("calendar", date(2026, 3, 1))
    assert state.order_on == date(2026, 2, 22)
    assert not state.order_due
    assert state.usage is None
    assert state.key == f"{PLAN_ID}:2026-03-01"


def test_the_work_order_is_due_from_the_first_day_of_the_lead_time_inclusive() -> None:
    p = plan(MONTHLY_FROM_JAN_1, lead_time_days=7)
    assert not due(p, today=date(2026, 2, 21), last_completion=DONE_FEB_1).order_due
    assert due(p, today=date(2026, 2, 22), last_completion=DONE_FEB_1).order_due


def test_without_a_lead_time_the_callers_horizon_decides() -> None:
    state = due(
        plan(MONTHLY_FROM_JAN_1),
        today=date(2026, 2, 15),
        horizon_days=14,
        last_completion=DONE_FEB_1,
    )
    assert state.order_on == date(2026, 2, 15)
    assert state.order_due


def test_the_plans_lead_time_wins_over_the_horizon() -> None:
    state = due(
        plan(MONTHLY_FROM_JAN_1, lead_time_days=0),
        today=date(2026, 2, 15),
        horizon_days=30,
        last_completion=DONE_FEB_1,
    )
    assert state.order_on == date(2026, 3, 1)
    assert not state.order_due


def test_a_plan_never_done_is_due_one_interval_after_its_anchor_even_if_that_is_past() -> None:
    state = due(plan(MONTHLY_FROM_JAN_1), today=date(2026, 2, 20))
    assert state.due_date == date(2026, 2, 1)
    assert state.order_due


def test_a_fixed_plan_after_a_late_completion_stays_on_its_grid() -> None:
    late = Completion(on=date(2026, 2, 10), due_date=date(2026, 2, 1))
    state = due(plan(MONTHLY_FROM_JAN_1), today=date(2026, 2, 11), last_completion=late)
    assert state.due_date == date(2026, 3, 1)


def test_a_floating_plan_after_a_late_completion_counts_from_it() -> None:
    rule = CalendarRule(interval=1, unit="months", mode="floating", anchor=date(2026, 1, 1))
    late = Completion(on=date(2026, 2, 10), due_date=date(2026, 2, 1))
    state = due(plan(rule), today=date(2026, 2, 11), last_completion=late)
    assert state.due_date == date(2026, 3, 10)


def test_a_usage_plan_without_readings_has_its_whole_interval_ahead_and_no_date() -> None:
    state = due(plan(usage=EVERY_250_HOURS), today=date(2026, 3, 2), horizon_days=30)
    assert state.usage is not None
    assert (state.usage.used, state.usage.remaining, state.usage.due_at) == dec(0, 250, 1250)
    assert not state.usage.reached
    assert state.usage.daily_usage is None
    assert state.usage.projected is None
    assert (state.first, state.due_date, state.order_on) == (None, None, None)
    assert not state.order_due
    assert state.key is None


def test_a_meter_that_has_not_moved_gives_no_projected_date() -> None:
    state = due(plan(usage=EVERY_250_HOURS), today=date(2026, 3, 11), readings=[reading(10, 1000)])
    assert state.usage is not None
    assert state.usage.daily_usage == 0
    assert state.usage.projected is None
    assert state.due_date is None


def test_the_usage_date_is_projected_from_the_average_daily_usage() -> None:
    p = plan(usage=EVERY_250_HOURS, lead_time_days=5)
    state = due(p, today=date(2026, 3, 11), readings=TEN_HOURS_A_DAY)
    assert state.usage is not None
    assert (state.usage.used, state.usage.remaining, state.usage.due_at) == dec(100, 150, 1250)
    assert state.usage.daily_usage == 10
    assert state.usage.projected == date(2026, 3, 26)
    assert (state.first, state.due_date, state.order_on) == (
        "usage",
        date(2026, 3, 26),
        date(2026, 3, 21),
    )
    assert not state.order_due
    assert state.key == f"{PLAN_ID}:usage:2026-03-01T06:00:00+00:00"


def test_the_average_only_looks_back_over_the_usage_window() -> None:
    # 20 h a day for the first 10 days, then 5 h a day: the last 5 days say 5.
    readings = [reading(10, 1200), reading(15, 1225)]
    p = plan(usage=EVERY_250_HOURS)
    state = due(p, today=date(2026, 3, 16), readings=readings, usage_window_days=5)
    assert state.usage is not None
    assert state.usage.daily_usage == 5
    assert state.usage.projected == date(2026, 3, 21)
    wide = due(p, today=date(2026, 3, 16), readings=readings, usage_window_days=30)
    assert wide.usage is not None
    assert wide.usage.daily_usage == 15


def test_without_a_usage_window_there_is_no_projection() -> None:
    state = due(
        plan(usage=EVERY_250_HOURS),
        today=date(2026, 3, 11),
        readings=TEN_HOURS_A_DAY,
        usage_window_days=None,
    )
    assert state.usage is not None
    assert state.usage.daily_usage is None
    assert state.usage.projected is None


def test_a_usage_window_must_be_at_least_a_day() -> None:
    with pytest.raises(ValueError, match="usage_window_days"):
        due(plan(usage=EVERY_250_HOURS), today=date(2026, 3, 11), usage_window_days=0)


def test_reached_usage_makes_the_work_due_today() -> None:
    readings = [reading(10, 1100), reading(20, 1260)]
    state = due(
        plan(usage=EVERY_250_HOURS, lead_time_days=0), today=date(2026, 3, 22), readings=readings
    )
    assert state.usage is not None
    assert state.usage.reached
    assert (state.usage.remaining, state.usage.due_at) == dec(-10, 1250)
    assert state.usage.projected is None
    assert (state.first, state.due_date) == ("usage", date(2026, 3, 22))
    assert state.order_due


def test_a_meter_reset_counts_the_new_meter_from_zero() -> None:
    # 1000 -> 1200 on the old meter (200), replaced on day 6, new meter at 30: 230 used.
    readings = [reading(5, 1200), reading(6, 30, reset=True)]
    state = due(plan(usage=EVERY_250_HOURS), today=date(2026, 3, 7), readings=readings)
    assert state.usage is not None
    assert (state.usage.used, state.usage.remaining, state.usage.due_at) == dec(230, 20, 50)


def test_the_next_usage_cycle_counts_from_the_reading_at_completion() -> None:
    done = Completion(on=date(2026, 3, 11), reading=reading(10, 1100))
    readings = [*TEN_HOURS_A_DAY, reading(15, 1150)]
    state = due(
        plan(usage=EVERY_250_HOURS),
        today=date(2026, 3, 16),
        readings=readings,
        last_completion=done,
    )
    assert state.usage is not None
    assert (state.usage.used, state.usage.due_at) == dec(50, 1350)
    assert state.usage.projected == date(2026, 4, 5)
    assert state.key == f"{PLAN_ID}:usage:2026-03-11T06:00:00+00:00"


def test_a_completion_without_a_reading_counts_from_the_last_reading_of_its_day() -> None:
    done = Completion(on=date(2026, 3, 11))
    readings = [*TEN_HOURS_A_DAY, reading(15, 1150)]
    state = due(
        plan(usage=EVERY_250_HOURS),
        today=date(2026, 3, 16),
        readings=readings,
        last_completion=done,
    )
    assert state.usage is not None
    assert state.usage.used == 50


def test_a_completion_without_any_reading_to_go_by_leaves_the_anchor_as_baseline() -> None:
    done = Completion(on=date(2026, 2, 1))
    state = due(
        plan(usage=EVERY_250_HOURS),
        today=date(2026, 3, 11),
        readings=TEN_HOURS_A_DAY,
        last_completion=done,
    )
    assert state.usage is not None
    assert state.usage.used == 100


def test_with_both_rules_the_calendar_wins_when_it_comes_first() -> None:
    p = plan(monthly_on(date(2026, 2, 15)), EVERY_250_HOURS)
    state = due(p, today=date(2026, 3, 11), readings=TEN_HOURS_A_DAY)
    assert (state.calendar_due, state.first, state.due_date) == (
        date(2026, 3, 15),
        "calendar",
        date(2026, 3, 15),
    )
    assert state.key == occurrence_key(PLAN_ID, date(2026, 3, 15))


def test_with_both_rules_the_usage_wins_when_it_comes_first() -> None:
    p = plan(monthly_on(date(2026, 3, 1)), EVERY_250_HOURS)
    state = due(p, today=date(2026, 3, 11), readings=TEN_HOURS_A_DAY)
    assert (state.calendar_due, state.first, state.due_date) == (
        date(2026, 4, 1),
        "usage",
        date(2026, 3, 26),
    )


def test_with_both_rules_on_the_same_day_the_certain_calendar_date_wins() -> None:
    p = plan(monthly_on(date(2026, 2, 26)), EVERY_250_HOURS)
    state = due(p, today=date(2026, 3, 11), readings=TEN_HOURS_A_DAY)
    assert (state.first, state.due_date) == ("calendar", date(2026, 3, 26))


def test_with_both_rules_reached_usage_overtakes_a_later_calendar_date() -> None:
    p = plan(monthly_on(date(2026, 3, 1)), EVERY_250_HOURS, lead_time_days=0)
    state = due(p, today=date(2026, 3, 22), readings=[reading(20, 1300)])
    assert (state.first, state.due_date, state.order_due) == ("usage", date(2026, 3, 22), True)


def test_with_both_rules_and_no_usage_projection_the_calendar_decides() -> None:
    p = plan(monthly_on(date(2026, 3, 1)), EVERY_250_HOURS)
    state = due(p, today=date(2026, 3, 2))
    assert (state.first, state.due_date) == ("calendar", date(2026, 4, 1))


def test_the_calendar_key_is_the_key_occurrences_give_the_same_date() -> None:
    state = due(plan(MONTHLY_FROM_JAN_1), today=date(2026, 2, 20))
    found = occurrences(
        plan(MONTHLY_FROM_JAN_1), start=date(2026, 2, 1), horizon_end=date(2026, 2, 1)
    )
    assert [o.key for o in found] == [state.key]


def test_the_same_inputs_always_give_the_same_state() -> None:
    p = plan(MONTHLY_FROM_JAN_1, EVERY_250_HOURS)
    first = due(p, today=date(2026, 3, 11), readings=TEN_HOURS_A_DAY)
    again = due(p, today=date(2026, 3, 11), readings=list(reversed(TEN_HOURS_A_DAY)))
    assert first == again

"""Calendar arithmetic of PM plans: month ends, leap years, fixed grids and floating dates."""

from __future__ import annotations

from datetime import date

import pytest

from maintenance.pm import CalendarRule, Completion, add_months, next_calendar_due
from maintenance.pm.dates import add_intervals, first_index_after, grid_date
from maintenance.pm.models import Unit


def rule(interval: int, unit: Unit, anchor: date, *, floating: bool = False) -> CalendarRule:
    return CalendarRule(
        interval=interval, unit=unit, mode="floating" if floating else "fixed", anchor=anchor
    )


def grid(r: CalendarRule, count: int) -> list[date]:
    return [grid_date(r, k) for k in range(1, count + 1)]


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 1, 31), 2, date(2026, 3, 31)),
        (date(2026, 1, 30), 1, date(2026, 2, 28)),
        (date(2026, 12, 31), 2, date(2027, 2, 28)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 15), 25, date(2028, 2, 15)),
    ],
)
def test_adding_months_keeps_the_day_clamped_to_the_end_of_the_target_month(
    start: date, months: int, expected: date
) -> None:
    assert add_months(start, months) == expected


def test_a_monthly_grid_anchored_on_the_31st_keeps_returning_to_the_month_end() -> None:
    assert grid(rule(1, "months", date(2026, 1, 31)), 5) == [
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
        date(2026, 5, 31),
        date(2026, 6, 30),
    ]


def test_a_monthly_grid_through_a_leap_february_lands_on_the_29th() -> None:
    assert grid(rule(1, "months", date(2028, 1, 31)), 2) == [date(2028, 2, 29), date(2028, 3, 31)]


def test_a_grid_anchored_on_the_30th_keeps_the_30th_after_february() -> None:
    assert grid(rule(1, "months", date(2026, 1, 30)), 3) == [
        date(2026, 2, 28),
        date(2026, 3, 30),
        date(2026, 4, 30),
    ]


def test_a_yearly_grid_anchored_on_a_leap_day_returns_to_it_in_leap_years() -> None:
    assert grid(rule(1, "years", date(2024, 2, 29)), 4) == [
        date(2025, 2, 28),
        date(2026, 2, 28),
        date(2027, 2, 28),
        date(2028, 2, 29),
    ]


def test_intervals_count_in_days_weeks_months_and_years() -> None:
    start = date(2026, 1, 31)
    assert add_intervals(rule(10, "days", start), start, 1) == date(2026, 2, 10)
    assert add_intervals(rule(2, "weeks", start), start, 1) == date(2026, 2, 14)
    assert add_intervals(rule(3, "months", start), start, 1) == date(2026, 4, 30)
    assert add_intervals(rule(2, "years", start), start, 2) == date(2030, 1, 31)


def test_the_anchor_is_grid_point_zero_and_the_first_due_date_one_interval_later() -> None:
    r = rule(2, "weeks", date(2026, 3, 2))
    assert grid_date(r, 0) == date(2026, 3, 2)
    assert next_calendar_due(r, None) == date(2026, 3, 16)


@pytest.mark.parametrize("unit", ["days", "weeks", "months", "years"])
def test_the_first_grid_date_after_a_day_far_from_the_anchor_is_found_exactly(unit: Unit) -> None:
    r = rule(3, unit, date(2001, 1, 31))
    day = date(2026, 5, 17)
    index = first_index_after(r, day)
    assert grid_date(r, index - 1) <= day < grid_date(r, index)


def test_a_grid_date_equal_to_the_day_is_not_after_it() -> None:
    r = rule(1, "months", date(2026, 1, 31))
    assert grid_date(r, first_index_after(r, date(2026, 2, 28))) == date(2026, 3, 31)


def test_a_day_before_the_anchor_gives_the_first_grid_date() -> None:
    r = rule(1, "months", date(2026, 1, 31))
    assert first_index_after(r, date(2020, 1, 1)) == 1


def test_a_late_completion_leaves_a_fixed_plan_on_its_grid() -> None:
    r = rule(1, "months", date(2026, 1, 1))
    late = Completion(on=date(2026, 2, 10), due_date=date(2026, 2, 1))
    assert next_calendar_due(r, late) == date(2026, 3, 1)


def test_a_late_completion_moves_a_floating_plan() -> None:
    r = rule(1, "months", date(2026, 1, 1), floating=True)
    late = Completion(on=date(2026, 2, 10), due_date=date(2026, 2, 1))
    assert next_calendar_due(r, late) == date(2026, 3, 10)


def test_a_very_late_completion_catches_a_fixed_plan_up_instead_of_demanding_missed_dates() -> None:
    r = rule(1, "months", date(2026, 1, 1))
    done = Completion(on=date(2026, 4, 20), due_date=date(2026, 2, 1))
    assert next_calendar_due(r, done) == date(2026, 5, 1)


def test_an_early_completion_covers_the_due_date_it_was_done_for() -> None:
    r = rule(1, "months", date(2026, 1, 1))
    early = Completion(on=date(2026, 2, 25), due_date=date(2026, 3, 1))
    assert next_calendar_due(r, early) == date(2026, 4, 1)


def test_without_its_due_date_a_completion_covers_the_grid_up_to_the_day_it_was_done() -> None:
    r = rule(1, "months", date(2026, 1, 1))
    assert next_calendar_due(r, Completion(on=date(2026, 2, 25))) == date(2026, 3, 1)
    assert next_calendar_due(r, Completion(on=date(2026, 3, 1))) == date(2026, 4, 1)


def test_a_floating_plan_clamps_from_the_completion_and_so_follows_it() -> None:
    r = rule(1, "months", date(2026, 1, 1), floating=True)
    assert next_calendar_due(r, Completion(on=date(2026, 1, 31))) == date(2026, 2, 28)
    assert next_calendar_due(r, Completion(on=date(2026, 2, 28))) == date(2026, 3, 28)


def test_a_floating_plan_without_completion_counts_from_the_anchor() -> None:
    r = rule(1, "years", date(2024, 2, 29), floating=True)
    assert next_calendar_due(r, None) == date(2025, 2, 28)


def test_a_completion_older_than_the_anchor_does_not_restart_a_floating_plan() -> None:
    r = rule(6, "weeks", date(2026, 3, 1), floating=True)
    assert next_calendar_due(r, Completion(on=date(2025, 12, 1))) == date(2026, 4, 12)

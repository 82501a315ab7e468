"""Calendar occurrences of PM plans in a horizon, with keys that make generation idempotent."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

from maintenance.pm import (
    CalendarRule,
    Completion,
    MeterReading,
    Occurrence,
    Plan,
    UsageRule,
    occurrences,
)
from maintenance.pm.models import Mode, Unit

PLAN_ID = UUID("6f1c2b7e-0000-4000-8000-000000000002")


def plan(
    interval: int,
    unit: Unit,
    anchor: date,
    mode: Mode = "fixed",
    lead_time_days: int | None = None,
) -> Plan:
    rule = CalendarRule(interval=interval, unit=unit, mode=mode, anchor=anchor)
    return Plan(id=PLAN_ID, calendar=rule, lead_time_days=lead_time_days)


def due_dates(found: list[Occurrence]) -> list[date]:
    return [o.due_date for o in found]


MONTH_ENDS = plan(1, "months", date(2026, 1, 31))


def test_a_fixed_plan_yields_every_grid_date_in_the_horizon() -> None:
    found = occurrences(MONTH_ENDS, start=date(2026, 2, 1), horizon_end=date(2026, 6, 29))
    assert due_dates(found) == [
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
        date(2026, 5, 31),
    ]


def test_both_ends_of_the_horizon_are_inclusive() -> None:
    found = occurrences(MONTH_ENDS, start=date(2026, 2, 28), horizon_end=date(2026, 4, 30))
    assert due_dates(found) == [date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]


def test_a_horizon_just_inside_two_grid_dates_holds_none() -> None:
    assert occurrences(MONTH_ENDS, start=date(2026, 3, 1), horizon_end=date(2026, 3, 30)) == []


def test_a_one_day_horizon_on_a_grid_date_holds_it() -> None:
    found = occurrences(MONTH_ENDS, start=date(2026, 3, 31), horizon_end=date(2026, 3, 31))
    assert due_dates(found) == [date(2026, 3, 31)]


def test_an_empty_horizon_holds_nothing() -> None:
    assert occurrences(MONTH_ENDS, start=date(2026, 4, 1), horizon_end=date(2026, 3, 1)) == []


def test_the_anchor_itself_is_not_an_occurrence() -> None:
    found = occurrences(MONTH_ENDS, start=date(2026, 1, 1), horizon_end=date(2026, 2, 28))
    assert due_dates(found) == [date(2026, 2, 28)]


def test_a_weekly_grid_runs_across_the_turn_of_the_year() -> None:
    found = occurrences(
        plan(2, "weeks", date(2025, 12, 1)), start=date(2025, 12, 20), horizon_end=date(2026, 1, 31)
    )
    assert due_dates(found) == [
        date(2025, 12, 29),
        date(2026, 1, 12),
        date(2026, 1, 26),
    ]


def test_a_yearly_grid_on_a_leap_day_yields_the_28th_then_the_29th() -> None:
    found = occurrences(
        plan(1, "years", date(2024, 2, 29)), start=date(2026, 1, 1), horizon_end=date(2028, 12, 31)
    )
    assert due_dates(found) == [date(2026, 2, 28), date(2027, 2, 28), date(2028, 2, 29)]


def test_grid_dates_the_last_completion_covered_are_not_generated_again() -> None:
    done_early = Completion(on=date(2026, 3, 27), due_date=date(2026, 3, 31))
    found = occurrences(
        MONTH_ENDS,
        start=date(2026, 3, 1),
        horizon_end=date(2026, 5, 31),
        last_completion=done_early,
    )
    assert due_dates(found) == [date(2026, 4, 30), date(2026, 5, 31)]


def test_a_floating_plan_yields_only_its_next_due_date() -> None:
    p = plan(1, "months", date(2026, 1, 1), mode="floating")
    found = occurrences(
        p,
        start=date(2026, 2, 1),
        horizon_end=date(2026, 12, 31),
        last_completion=Completion(on=date(2026, 2, 10), due_date=date(2026, 2, 1)),
    )
    assert due_dates(found) == [date(2026, 3, 10)]


def test_a_floating_plan_due_outside_the_horizon_yields_nothing() -> None:
    p = plan(3, "months", date(2026, 1, 1), mode="floating")
    assert occurrences(p, start=date(2026, 1, 1), horizon_end=date(2026, 3, 31)) == []
    assert occurrences(p, start=date(2026, 4, 2), horizon_end=date(2026, 6, 30)) == []


def test_a_usage_only_plan_has_no_calendar_occurrences() -> None:
    usage = UsageRule(
        meter="strokes",
        interval=Decimal(50_000),
        anchor=MeterReading(datetime(2026, 1, 1, tzinfo=UTC), Decimal(0)),
    )
    p = Plan(id=PLAN_ID, usage=usage)
    assert occurrences(p, start=date(2026, 1, 1), horizon_end=date(2026, 12, 31)) == []


def test_each_occurrence_is_keyed_by_plan_and_due_date() -> None:
    found = occurrences(MONTH_ENDS, start=date(2026, 2, 1), horizon_end=date(2026, 3, 31))
    assert [o.key for o in found] == [f"{PLAN_ID}:2026-02-28", f"{PLAN_ID}:2026-03-31"]
    assert {o.plan_id for o in found} == {PLAN_ID}


def test_generating_twice_or_over_overlapping_horizons_gives_the_same_keys() -> None:
    first = occurrences(MONTH_ENDS, start=date(2026, 2, 1), horizon_end=date(2026, 4, 30))
    again = occurrences(MONTH_ENDS, start=date(2026, 2, 1), horizon_end=date(2026, 4, 30))
    later = occurrences(MONTH_ENDS, start=date(2026, 3, 15), horizon_end=date(2026, 6, 30))
    assert first == again
    shared = {o.key for o in first} & {o.key for o in later}
    assert shared == {f"{PLAN_ID}:2026-03-31", f"{PLAN_ID}:2026-04-30"}
    assert len({o.key for o in first + later}) == len(first) + len(later) - len(shared)


def test_the_work_order_date_is_the_lead_time_before_the_due_date() -> None:
    p = plan(1, "months", date(2026, 1, 31), lead_time_days=10)
    found = occurrences(p, start=date(2026, 3, 1), horizon_end=date(2026, 3, 31))
    assert [o.order_on for o in found] == [date(2026, 3, 21)]


def test_without_a_lead_time_the_work_order_date_uses_the_horizon() -> None:
    found = occurrences(
        MONTH_ENDS, start=date(2026, 3, 1), horizon_end=date(2026, 3, 31), horizon_days=14
    )
    assert [o.order_on for o in found] == [date(2026, 3, 17)]

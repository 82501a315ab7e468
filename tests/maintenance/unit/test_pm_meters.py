"""Usage from cumulative meter readings that reset, and its average and projection."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from maintenance.pm import MeterReading, average_daily_usage, usage_since
from maintenance.pm.meters import projected_date

T0 = datetime(2026, 3, 1, 6, tzinfo=UTC)


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


def reading(days: float, value: int | str, *, reset: bool = False) -> MeterReading:
    return MeterReading(at(days), Decimal(value), reset)


def test_usage_sums_the_increments_after_the_baseline_reading() -> None:
    readings = [reading(0, 1000), reading(1, 1008), reading(2, "1015.5")]
    assert usage_since(readings, at(0)) == Decimal("15.5")


def test_readings_at_or_before_since_only_set_the_baseline() -> None:
    readings = [reading(0, 1000), reading(1, 1008), reading(2, 1015)]
    assert usage_since(readings, at(1)) == 7
    assert usage_since(readings, at(0.5)) == 15


def test_a_reading_flagged_reset_counts_its_whole_value() -> None:
    # Old meter 1000 -> 1040 (40), replaced, new one reads 12 (12), then 30 (18): 70.
    readings = [reading(0, 1000), reading(1, 1040), reading(2, 12, reset=True), reading(3, 30)]
    assert usage_since(readings, at(0)) == 70


def test_a_value_lower_than_the_previous_one_is_taken_as_a_reset() -> None:
    # A counter rolled over from 99,990 to 25: 5 used before the roll-over is not visible,
    # 25 after it is.
    readings = [reading(0, 99_980), reading(1, 99_990), reading(2, 25)]
    assert usage_since(readings, at(0)) == 10 + 25


def test_a_flagged_reset_counts_from_zero_even_when_the_new_meter_shows_more() -> None:
    readings = [reading(0, 100), reading(1, 500, reset=True)]
    assert usage_since(readings, at(0)) == 500


def test_a_reset_before_since_only_sets_the_baseline() -> None:
    readings = [reading(0, 900), reading(1, 10, reset=True), reading(2, 25)]
    assert usage_since(readings, at(1)) == 15


def test_without_an_earlier_reading_the_first_later_one_is_the_baseline() -> None:
    readings = [reading(1, 500), reading(2, 520)]
    assert usage_since(readings, at(0)) == 20


def test_without_an_earlier_reading_a_first_later_reset_counts_its_value() -> None:
    readings = [reading(1, 7, reset=True), reading(2, 20)]
    assert usage_since(readings, at(0)) == 20


def test_readings_are_taken_in_time_order_whatever_order_they_come_in() -> None:
    readings = [reading(2, 30), reading(0, 0), reading(1, 10)]
    assert usage_since(readings, at(0)) == 30


def test_no_readings_mean_no_usage() -> None:
    assert usage_since([], at(0)) == 0


def test_the_daily_average_divides_by_the_time_the_readings_span() -> None:
    # A meter read on day 0 and day 20 only, window from day 10: 200 over 20 days.
    readings = [reading(0, 0), reading(20, 200)]
    assert average_daily_usage(readings, since=at(10)) == 10


def test_the_daily_average_starts_at_the_last_reading_before_the_window() -> None:
    readings = [reading(0, 0), reading(10, 500), reading(20, 600), reading(30, 700)]
    assert average_daily_usage(readings, since=at(15)) == 10


def test_the_daily_average_sees_through_a_reset() -> None:
    readings = [reading(0, 80), reading(2, 100), reading(4, 20, reset=True)]
    assert average_daily_usage(readings, since=at(0)) == 10


def test_the_daily_average_works_in_fractions_of_days() -> None:
    readings = [reading(0, 0), reading(0.5, 6)]
    assert average_daily_usage(readings, since=at(0)) == 12


def test_no_daily_average_from_fewer_than_two_points_in_time() -> None:
    assert average_daily_usage([], since=at(0)) is None
    assert average_daily_usage([reading(1, 5)], since=at(0)) is None


def test_a_meter_that_does_not_move_averages_zero() -> None:
    assert average_daily_usage([reading(0, 40), reading(9, 40)], since=at(0)) == 0


def test_the_projection_rounds_part_days_up() -> None:
    assert projected_date(Decimal(150), Decimal(10), date(2026, 3, 1)) == date(2026, 3, 16)
    assert projected_date(Decimal(151), Decimal(10), date(2026, 3, 1)) == date(2026, 3, 17)


def test_no_projection_for_a_meter_that_does_not_move() -> None:
    assert projected_date(Decimal(10), Decimal(0), date(2026, 3, 1)) is None
    assert projected_date(Decimal(10), None, date(2026, 3, 1)) is None


def test_no_projection_beyond_the_calendar() -> None:
    assert projected_date(Decimal(10) ** 12, Decimal("0.001"), date(2026, 3, 1)) is None

"""Shift calendars across the DST changes of Europe/Berlin in 2026.

Spring forward: Sunday 29 March, 02:00 CET becomes 03:00 CEST (01:00 UTC).
Fall back: Sunday 25 October, 03:00 CEST becomes 02:00 CET (01:00 UTC); 02:00-03:00
happens twice.
"""

from __future__ import annotations

from datetime import date, timedelta

from production.shift_calendar import shift_at, shifts_between, working_intervals
from tests.production.unit.calendars import (
    EVERY_DAY,
    berlin,
    calendar,
    pause,
    round_the_clock,
    shift,
    utc,
)

SPRING_EVE = date(2026, 3, 28)  # Saturday: its night shift runs through the change
SPRING = date(2026, 3, 29)
FALL_EVE = date(2026, 10, 24)
FALL = date(2026, 10, 25)
HOURS = timedelta(hours=1)


def test_a_night_shift_over_the_spring_forward_night_is_one_hour_shorter() -> None:
    night = shift_at(calendar(round_the_clock()), berlin(SPRING, 3, 30))
    assert night is not None
    assert (night.code, night.production_day) == ("NIGHT", SPRING_EVE)
    assert (night.start, night.end) == (utc(2026, 3, 28, 21), utc(2026, 3, 29, 4))
    assert night.end - night.start == 7 * HOURS
    assert night.planned_seconds == 7 * 3600


def test_a_night_shift_over_the_fall_back_night_is_one_hour_longer() -> None:
    night = shift_at(calendar(round_the_clock()), berlin(FALL, 4))
    assert night is not None
    assert (night.code, night.production_day) == ("NIGHT", FALL_EVE)
    assert (night.start, night.end) == (utc(2026, 10, 24, 20), utc(2026, 10, 25, 5))
    assert night.planned_seconds == 9 * 3600


def test_day_shifts_on_a_dst_sunday_keep_their_wall_clock_times() -> None:
    cal = calendar(round_the_clock())
    spring = shifts_between(cal, utc(2026, 3, 29, 6), utc(2026, 3, 29, 7))
    fall = shifts_between(cal, utc(2026, 10, 25, 6), utc(2026, 10, 25, 7))
    assert (spring[0].code, spring[0].start) == ("EARLY", utc(2026, 3, 29, 4))  # 06:00 CEST
    assert (fall[0].code, fall[0].start) == ("EARLY", utc(2026, 10, 25, 5))  # 06:00 CET


def test_the_0559_and_0601_boundary_holds_on_both_dst_sundays() -> None:
    cal = calendar(round_the_clock())
    for eve, day in ((SPRING_EVE, SPRING), (FALL_EVE, FALL)):
        before = shift_at(cal, berlin(day, 5, 59))
        after = shift_at(cal, berlin(day, 6, 1))
        assert before is not None
        assert after is not None
        assert (before.code, before.production_day) == ("NIGHT", eve)
        assert (after.code, after.production_day) == ("EARLY", day)


def test_both_passes_through_the_repeated_fall_back_hour_belong_to_the_night_shift() -> None:
    cal = calendar(round_the_clock())
    first, second = berlin(FALL, 2, 30, fold=0), berlin(FALL, 2, 30, fold=1)
    assert second - first == HOURS
    for instant in (first, second):
        found = shift_at(cal, instant)
        assert found is not None
        assert (found.code, found.production_day) == ("NIGHT", FALL_EVE)


def test_working_time_of_the_dst_sundays_is_23_and_25_hours() -> None:
    cal = calendar(round_the_clock())
    for day, hours in ((SPRING, 23), (FALL, 25)):
        capacity = working_intervals(cal, berlin(day, 0), berlin(day + timedelta(1), 0))
        assert capacity == [(berlin(day, 0), berlin(day + timedelta(1), 0))]
        assert capacity[0][1] - capacity[0][0] == hours * HOURS


def test_a_shift_starting_in_the_spring_gap_moves_forward_by_the_gap() -> None:
    # 02:30 does not exist on 29 March: it is read as 02:30 CET, which is 03:30 CEST.
    cal = calendar((shift("MAINT", "02:30", "10:30", EVERY_DAY),))
    (maint,) = shifts_between(cal, berlin(SPRING, 9), berlin(SPRING, 10))
    assert (maint.start, maint.end) == (utc(2026, 3, 29, 1, 30), utc(2026, 3, 29, 8, 30))
    assert maint.planned_seconds == 7 * 3600


def test_an_ambiguous_fall_back_start_means_its_first_occurrence() -> None:
    cal = calendar((shift("MAINT", "02:30", "10:30", EVERY_DAY),))
    (maint,) = shifts_between(cal, berlin(FALL, 9), berlin(FALL, 10))
    assert maint.start == utc(2026, 10, 25, 0, 30)  # 02:30 CEST, before the clocks go back
    assert maint.planned_seconds == 9 * 3600


def test_shifts_meeting_at_a_dst_gap_or_repeated_time_still_meet() -> None:
    cal = calendar(
        (shift("A", "22:00", "02:30", EVERY_DAY), shift("B", "02:30", "10:00", EVERY_DAY))
    )
    for eve in (SPRING_EVE, FALL_EVE):
        a, b = shifts_between(cal, berlin(eve, 23), berlin(eve + timedelta(1), 4))
        assert (a.code, b.code) == ("A", "B")
        assert a.end == b.start
    assert working_intervals(cal, berlin(SPRING_EVE, 22), berlin(SPRING, 10)) == [
        (berlin(SPRING_EVE, 22), berlin(SPRING, 10))
    ]


def test_a_break_in_the_spring_gap_moves_forward_with_the_clock() -> None:
    night = shift("NIGHT", "22:00", "06:00", EVERY_DAY, (pause("02:00", "02:30"),))
    found = shift_at(calendar((night,)), berlin(SPRING, 1))
    assert found is not None
    assert found.breaks == ((utc(2026, 3, 29, 1), utc(2026, 3, 29, 1, 30)),)  # 03:00 CEST
    assert found.planned_seconds == 7 * 3600 - 1800


def test_a_break_in_the_repeated_hour_is_taken_the_first_time_round() -> None:
    night = shift("NIGHT", "22:00", "06:00", EVERY_DAY, (pause("02:00", "02:30"),))
    found = shift_at(calendar((night,)), berlin(FALL, 1))
    assert found is not None
    assert found.breaks == ((utc(2026, 10, 25, 0), utc(2026, 10, 25, 0, 30)),)
    assert found.planned_seconds == 9 * 3600 - 1800


def test_a_shift_with_no_real_time_in_the_spring_gap_does_not_run() -> None:
    # 02:30 moves forward to 03:30 CEST, after the 03:15 end: nothing is left.
    cal = calendar((shift("ODD", "02:30", "03:15", EVERY_DAY),))
    found = shifts_between(cal, berlin(SPRING_EVE, 0), berlin(SPRING + timedelta(1), 6))
    assert [i.production_day for i in found] == [SPRING_EVE, SPRING + timedelta(1)]

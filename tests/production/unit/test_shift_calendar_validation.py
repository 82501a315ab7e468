"""Validation of shift calendars: (JSON pointer, message) problems for a 422 response."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import msgspec

from production.shift_calendar import (
    CalendarException,
    ShiftCalendar,
    ShiftDefinition,
    ShiftPattern,
    validate,
)
from tests.production.unit.calendars import MON_FRI, calendar, pause, shift, three_shifts, utc


def pattern(*shifts: ShiftDefinition) -> ShiftCalendar:
    return calendar(shifts)


def test_a_sound_three_shift_calendar_has_no_problems() -> None:
    assert validate(calendar()) == []


def test_an_unknown_timezone_is_reported() -> None:
    for name in ("Mars/Olympus_Mons", "", "../etc/passwd", "zone.tab"):
        problems = validate(msgspec.structs.replace(calendar(), timezone=name))
        assert [pointer for pointer, _ in problems] == ["/timezone"], name
        assert "unknown timezone" in problems[0][1]


def test_a_shift_without_weekdays_is_reported() -> None:
    assert validate(pattern(shift("EARLY", "06:00", "14:00", ()))) == [
        (
            "/patterns/0/shifts/0/weekdays",
            "names no weekday: ISO weekdays are 1 (Monday) to 7 (Sunday)",
        )
    ]


def test_a_weekday_outside_1_to_7_is_reported() -> None:
    assert validate(pattern(shift("EARLY", "06:00", "14:00", {0, 1}))) == [
        (
            "/patterns/0/shifts/0/weekdays",
            "0 is not a weekday: ISO weekdays are 1 (Monday) to 7 (Sunday)",
        )
    ]


def test_a_shift_without_a_code_is_reported() -> None:
    assert validate(pattern(shift(" ", "06:00", "14:00"))) == [
        ("/patterns/0/shifts/0/code", "must not be empty")
    ]


def test_shift_times_with_a_utc_offset_are_reported() -> None:
    early = msgspec.structs.replace(
        shift("EARLY", "06:00", "14:00"), start=time(6, tzinfo=timezone(timedelta(hours=1)))
    )
    assert validate(pattern(early)) == [
        ("/patterns/0/shifts/0/start", "must be local wall-clock time, no UTC offset")
    ]


def test_overlapping_shifts_on_the_same_weekday_are_reported() -> None:
    problems = validate(
        pattern(shift("EARLY", "06:00", "14:00"), shift("LATE", "13:30", "22:00", {1, 3, 6}))
    )
    assert problems == [
        (
            "/patterns/0/shifts/1",
            "LATE starting Monday, Wednesday overlaps EARLY (/patterns/0/shifts/0)",
        )
    ]


def test_a_night_shift_running_into_the_next_mornings_shift_is_reported() -> None:
    problems = validate(
        pattern(shift("EARLY", "06:00", "14:00", {2}), shift("NIGHT", "22:00", "07:00", {1}))
    )
    assert problems == [
        ("/patterns/0/shifts/1", "NIGHT starting Monday overlaps EARLY (/patterns/0/shifts/0)")
    ]


def test_a_sunday_night_shift_running_into_monday_morning_is_reported() -> None:
    problems = validate(
        pattern(shift("NIGHT", "22:00", "06:30", {7}), shift("EARLY", "06:00", "14:00", {1}))
    )
    assert problems == [
        ("/patterns/0/shifts/1", "EARLY starting Monday overlaps NIGHT (/patterns/0/shifts/0)")
    ]


def test_shifts_at_the_same_time_on_different_weekdays_do_not_overlap() -> None:
    weekdays = shift("EARLY", "06:00", "14:00", MON_FRI)
    saturday = shift("SAT", "06:00", "12:00", {6})
    assert validate(pattern(weekdays, saturday)) == []


def test_a_break_outside_its_shift_is_reported() -> None:
    early = shift("EARLY", "06:00", "14:00", breaks=(pause("13:45", "14:15"),))
    assert validate(pattern(early)) == [
        ("/patterns/0/shifts/0/breaks/0", "13:45-14:15 lies outside its shift 06:00-14:00")
    ]


def test_a_break_before_a_day_shift_starts_is_reported() -> None:
    early = shift("EARLY", "06:00", "14:00", breaks=(pause("05:00", "05:30"),))
    assert validate(pattern(early)) == [
        ("/patterns/0/shifts/0/breaks/0", "05:00-05:30 lies outside its shift 06:00-14:00")
    ]


def test_a_break_across_midnight_inside_a_night_shift_is_fine() -> None:
    night = shift(
        "NIGHT", "22:00", "06:00", breaks=(pause("23:45", "00:15"), pause("03:00", "03:15"))
    )
    assert validate(pattern(night)) == []


def test_an_empty_break_is_reported() -> None:
    early = shift("EARLY", "06:00", "14:00", breaks=(pause("09:00", "09:00"),))
    assert validate(pattern(early)) == [
        ("/patterns/0/shifts/0/breaks/0", "is empty: it starts and ends at 09:00")
    ]


def test_overlapping_breaks_are_reported() -> None:
    breaks = (pause("09:00", "12:00"), pause("12:30", "13:00"), pause("11:00", "11:15"))
    early = shift("EARLY", "06:00", "14:00", breaks=breaks)
    assert validate(pattern(early)) == [
        ("/patterns/0/shifts/0/breaks/2", "overlaps /patterns/0/shifts/0/breaks/0")
    ]


def test_overlapping_pattern_validity_is_reported() -> None:
    cal = ShiftCalendar(
        timezone="Europe/Berlin",
        patterns=(
            ShiftPattern(valid_from=date(2026, 1, 1), shifts=three_shifts()),
            ShiftPattern(valid_from=date(2026, 7, 1), shifts=three_shifts()),
        ),
    )
    assert validate(cal) == [
        (
            "/patterns/1/valid_from",
            "validity 2026-07-01 to open end overlaps /patterns/0 (2026-01-01 to open end):"
            " only one pattern may apply on a day",
        )
    ]


def test_patterns_that_follow_each_other_are_fine() -> None:
    cal = ShiftCalendar(
        timezone="Europe/Berlin",
        patterns=(
            ShiftPattern(valid_from=date(2026, 7, 1), shifts=three_shifts()),
            ShiftPattern(
                valid_from=date(2026, 1, 1), valid_to=date(2026, 6, 30), shifts=three_shifts()
            ),
        ),
    )
    assert validate(cal) == []


def test_a_pattern_ending_before_it_starts_is_reported() -> None:
    backwards = ShiftPattern(valid_from=date(2026, 7, 1), valid_to=date(2026, 6, 30))
    cal = ShiftCalendar(timezone="Europe/Berlin", patterns=(backwards,))
    assert validate(cal) == [("/patterns/0/valid_to", "is before valid_from 2026-07-01")]


def test_exceptions_need_aware_times_in_order_and_no_shift_code_for_off_time() -> None:
    cal = calendar(
        exceptions=(
            CalendarException(
                start=datetime(2026, 2, 21, 6), end=utc(2026, 2, 21, 12), kind="extra", name="ot"
            ),
            CalendarException(
                start=utc(2026, 2, 21, 12), end=utc(2026, 2, 21, 12), kind="off", name="x"
            ),
            CalendarException(
                start=utc(2026, 2, 21, 12),
                end=utc(2026, 2, 21, 13),
                kind="off",
                name="x",
                shift_code="OT",
            ),
        )
    )
    assert validate(cal) == [
        ("/exceptions/0/start", "needs a UTC offset (an aware datetime)"),
        ("/exceptions/1/end", "must be after start 2026-02-21T12:00:00+00:00"),
        ("/exceptions/2/shift_code", "only an 'extra' exception makes a shift instance"),
    ]


def test_every_problem_is_reported_at_once() -> None:
    cal = msgspec.structs.replace(
        pattern(shift("", "06:00", "14:00", ()), shift("LATE", "14:00", "22:00")),
        timezone="Nowhere",
    )
    assert [pointer for pointer, _ in validate(cal)] == [
        "/timezone",
        "/patterns/0/shifts/0/code",
        "/patterns/0/shifts/0/weekdays",
    ]

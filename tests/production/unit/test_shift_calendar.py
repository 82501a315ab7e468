"""Shift instances, working time and shift attribution of a calendar (winter time, UTC+1)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import msgspec
import pytest

from production.shift_calendar import (
    CalendarException,
    Holiday,
    ShiftCalendar,
    ShiftInstance,
    ShiftPattern,
    shift_at,
    shifts_between,
    working_intervals,
)
from tests.production.unit.calendars import berlin, calendar, pause, shift, three_shifts, utc

MONDAY = date(2026, 2, 16)
TUESDAY = date(2026, 2, 17)
WEDNESDAY = date(2026, 2, 18)
FRIDAY = date(2026, 2, 20)
SATURDAY = date(2026, 2, 21)
LABOUR_DAY = date(2026, 5, 1)  # a Friday


def codes(instances: list[ShiftInstance]) -> list[tuple[str, date]]:
    return [(i.code, i.production_day) for i in instances]


def off(start: datetime, end: datetime, name: str = "shutdown") -> CalendarException:
    return CalendarException(start=start, end=end, kind="off", name=name)


def extra(start: datetime, end: datetime, code: str | None = None) -> CalendarException:
    return CalendarException(start=start, end=end, kind="extra", name="overtime", shift_code=code)


def test_a_weekday_starts_with_last_nights_shift_then_early_late_and_night() -> None:
    found = shifts_between(calendar(), berlin(TUESDAY, 0), berlin(WEDNESDAY, 0))
    assert codes(found) == [
        ("NIGHT", MONDAY),
        ("EARLY", TUESDAY),
        ("LATE", TUESDAY),
        ("NIGHT", TUESDAY),
    ]


def test_shift_times_are_utc_instants_of_the_local_wall_clock() -> None:
    early = shifts_between(calendar(), berlin(TUESDAY, 10), berlin(TUESDAY, 11))[0]
    assert (early.start, early.end) == (utc(2026, 2, 17, 5), utc(2026, 2, 17, 13))
    assert early.breaks == (
        (utc(2026, 2, 17, 8), utc(2026, 2, 17, 8, 15)),
        (utc(2026, 2, 17, 10, 30), utc(2026, 2, 17, 11)),
    )


def test_planned_seconds_are_the_shift_length_minus_its_breaks() -> None:
    found = shifts_between(calendar(), berlin(TUESDAY, 6), berlin(WEDNESDAY, 6))
    assert [i.planned_seconds for i in found] == [8 * 3600 - 45 * 60, 8 * 3600 - 1800, 27000]


def test_a_break_across_midnight_lies_on_the_next_morning_of_a_night_shift() -> None:
    night = shift("NIGHT", "22:00", "06:00", breaks=(pause("23:45", "00:15"),))
    found = shifts_between(calendar((night,)), berlin(TUESDAY, 23), berlin(TUESDAY, 23, 1))
    assert found[0].breaks == ((utc(2026, 2, 17, 22, 45), utc(2026, 2, 17, 23, 15)),)
    assert found[0].planned_seconds == 8 * 3600 - 1800


def test_a_window_ending_where_a_shift_starts_leaves_that_shift_out() -> None:
    found = shifts_between(calendar(), berlin(TUESDAY, 0), berlin(TUESDAY, 6))
    assert codes(found) == [("NIGHT", MONDAY)]


def test_instances_are_whole_shifts_even_where_the_window_cuts_them() -> None:
    (early,) = shifts_between(calendar(), berlin(TUESDAY, 10), berlin(TUESDAY, 11))
    assert (early.start, early.end) == (berlin(TUESDAY, 6), berlin(TUESDAY, 14))


def test_a_log_at_0559_belongs_to_the_previous_night_shift() -> None:
    found = shift_at(calendar(), berlin(TUESDAY, 5, 59))
    assert found is not None
    assert (found.code, found.production_day) == ("NIGHT", MONDAY)


def test_a_log_at_0601_belongs_to_todays_early_shift() -> None:
    found = shift_at(calendar(), berlin(TUESDAY, 6, 1))
    assert found is not None
    assert (found.code, found.production_day) == ("EARLY", TUESDAY)


def test_at_exactly_0600_the_early_shift_has_taken_over() -> None:
    found = shift_at(calendar(), berlin(TUESDAY, 6))
    assert found is not None
    assert found.code == "EARLY"


def test_a_log_at_midnight_belongs_to_the_night_shift_of_the_evening_before() -> None:
    found = shift_at(calendar(), berlin(WEDNESDAY, 0))
    assert found is not None
    assert (found.code, found.production_day) == ("NIGHT", TUESDAY)


def test_a_log_during_a_break_still_belongs_to_its_shift() -> None:
    found = shift_at(calendar(), berlin(TUESDAY, 9, 5))
    assert found is not None
    assert found.code == "EARLY"


def test_no_shift_is_found_when_the_plant_does_not_work() -> None:
    assert shift_at(calendar(), berlin(SATURDAY, 12)) is None
    assert shift_at(calendar(), berlin(FRIDAY, 23)) is None  # no night shift on Fridays


def test_a_holiday_cancels_the_shifts_starting_on_it_but_not_last_nights_shift() -> None:
    cal = calendar(holidays=(Holiday(day=LABOUR_DAY, name="Tag der Arbeit"),))
    found = shifts_between(cal, berlin(LABOUR_DAY, 0), berlin(LABOUR_DAY + timedelta(1), 0))
    assert codes(found) == [("NIGHT", date(2026, 4, 30))]
    assert shift_at(cal, berlin(LABOUR_DAY, 10)) is None


def test_an_off_exception_cuts_working_time_but_keeps_the_shift() -> None:
    shutdown = off(berlin(FRIDAY, 12), berlin(FRIDAY, 22), "plant shutdown afternoon")
    found = shifts_between(calendar(exceptions=(shutdown,)), berlin(FRIDAY, 6), berlin(FRIDAY, 22))
    assert codes(found) == [("EARLY", FRIDAY), ("LATE", FRIDAY)]
    # 8 h - 45 min of breaks - 12:00 to 14:00 off
    assert [i.planned_seconds for i in found] == [5 * 3600 + 15 * 60, 0]


def test_off_time_over_a_break_is_not_subtracted_twice() -> None:
    meeting = off(berlin(TUESDAY, 11), berlin(TUESDAY, 12), "works meeting")
    cal = calendar(exceptions=(meeting,))
    (early,) = shifts_between(cal, berlin(TUESDAY, 7), berlin(TUESDAY, 8))
    # The 11:30 break lies inside the meeting: 8 h - 15 min break - 1 h meeting.
    assert early.planned_seconds == 8 * 3600 - 15 * 60 - 3600


def test_a_log_during_a_shutdown_is_attributed_to_the_shift_it_falls_in() -> None:
    shutdown = off(berlin(FRIDAY, 12), berlin(FRIDAY, 22))
    found = shift_at(calendar(exceptions=(shutdown,)), berlin(FRIDAY, 15))
    assert found is not None
    assert (found.code, found.planned_seconds) == ("LATE", 0)


def test_working_intervals_are_the_shift_minus_breaks_and_off_time() -> None:
    shutdown = off(berlin(TUESDAY, 13), berlin(TUESDAY, 18))
    capacity = working_intervals(
        calendar(exceptions=(shutdown,)), berlin(TUESDAY, 6), berlin(TUESDAY, 22)
    )
    assert capacity == [
        (berlin(TUESDAY, 6), berlin(TUESDAY, 9)),
        (berlin(TUESDAY, 9, 15), berlin(TUESDAY, 11, 30)),
        (berlin(TUESDAY, 12), berlin(TUESDAY, 13)),
        (berlin(TUESDAY, 18, 30), berlin(TUESDAY, 22)),
    ]


def test_working_intervals_join_shift_handovers_and_are_clipped_to_the_window() -> None:
    cal = calendar(three_shifts(with_breaks=False))
    capacity = working_intervals(cal, berlin(TUESDAY, 3), berlin(WEDNESDAY, 3))
    assert capacity == [(berlin(TUESDAY, 3), berlin(WEDNESDAY, 3))]


def test_an_extra_exception_adds_an_overtime_saturday_shift() -> None:
    overtime = extra(berlin(SATURDAY, 6), berlin(SATURDAY, 12), "OT-SAT")
    cal = calendar(exceptions=(overtime,))
    found = shifts_between(cal, berlin(SATURDAY, 0), berlin(SATURDAY, 23))
    assert found == [
        ShiftInstance(
            code="OT-SAT",
            production_day=SATURDAY,
            start=utc(2026, 2, 21, 5),
            end=utc(2026, 2, 21, 11),
            planned_seconds=6 * 3600,
            extra=True,
        )
    ]
    attributed = shift_at(cal, berlin(SATURDAY, 7))
    assert attributed is not None
    assert attributed.code == "OT-SAT"
    assert working_intervals(cal, berlin(SATURDAY, 0), berlin(SATURDAY, 23)) == [
        (utc(2026, 2, 21, 5), utc(2026, 2, 21, 11))
    ]


def test_an_extra_exception_without_a_shift_code_is_called_extra() -> None:
    cal = calendar(exceptions=(extra(berlin(SATURDAY, 8), berlin(SATURDAY, 10)),))
    assert codes(shifts_between(cal, berlin(SATURDAY, 0), berlin(SATURDAY, 23))) == [
        ("EXTRA", SATURDAY)
    ]


def test_extra_time_wins_over_an_off_exception_and_a_holiday() -> None:
    next_day = LABOUR_DAY + timedelta(1)
    cal = calendar(
        holidays=(Holiday(day=LABOUR_DAY, name="Tag der Arbeit"),),
        exceptions=(
            off(berlin(LABOUR_DAY, 0), berlin(next_day, 0), "bridge day"),
            extra(berlin(LABOUR_DAY, 8), berlin(LABOUR_DAY, 12), "INVENTORY"),
        ),
    )
    capacity = working_intervals(cal, berlin(LABOUR_DAY, 0), berlin(next_day, 0))
    assert capacity == [(berlin(LABOUR_DAY, 8), berlin(LABOUR_DAY, 12))]


def test_an_overlapping_extra_does_not_take_a_log_from_the_planned_shift() -> None:
    overtime = extra(berlin(TUESDAY, 13), berlin(TUESDAY, 16), "OT")
    cal = calendar(exceptions=(overtime,))
    found = shift_at(cal, berlin(TUESDAY, 13, 30))
    assert found is not None
    assert found.code == "EARLY"
    assert working_intervals(cal, berlin(TUESDAY, 13), berlin(TUESDAY, 14, 30)) == [
        (berlin(TUESDAY, 13), berlin(TUESDAY, 14, 30))
    ]


def test_the_pattern_valid_on_a_shifts_start_date_applies() -> None:
    summer = (shift("EARLY", "07:00", "15:00"), shift("LATE", "15:00", "23:00"))
    cal = ShiftCalendar(
        timezone="Europe/Berlin",
        patterns=(
            ShiftPattern(
                valid_from=date(2026, 1, 1), valid_to=date(2026, 6, 30), shifts=three_shifts()
            ),
            ShiftPattern(valid_from=date(2026, 7, 1), shifts=summer),
        ),
    )
    found = shifts_between(cal, berlin(date(2026, 7, 1), 0), berlin(date(2026, 7, 2), 0))
    # The night shift started on 30 June runs into July; none starts on 1 July.
    assert [(i.code, i.start) for i in found] == [
        ("NIGHT", berlin(date(2026, 6, 30), 22)),
        ("EARLY", berlin(date(2026, 7, 1), 7)),
        ("LATE", berlin(date(2026, 7, 1), 15)),
    ]


def test_no_shift_runs_outside_a_patterns_validity() -> None:
    week = ShiftPattern(
        valid_from=date(2026, 3, 2), valid_to=date(2026, 3, 6), shifts=three_shifts()
    )
    cal = ShiftCalendar(timezone="Europe/Berlin", patterns=(week,))
    found = shifts_between(cal, berlin(date(2026, 2, 23), 0), berlin(date(2026, 3, 16), 0))
    assert min(i.production_day for i in found) == date(2026, 3, 2)
    assert max(i.production_day for i in found) == date(2026, 3, 6)
    # Early and late Monday to Friday; the Sunday night before lies outside the validity.
    assert len(found) == 5 + 5 + 4


def test_a_shift_whose_end_equals_its_start_runs_24_hours() -> None:
    cal = calendar((shift("DAY", "06:00", "06:00", {2}),))
    (day,) = shifts_between(cal, berlin(TUESDAY, 12), berlin(TUESDAY, 13))
    assert (day.start, day.end) == (berlin(TUESDAY, 6), berlin(WEDNESDAY, 6))


def test_an_empty_window_has_no_shifts() -> None:
    assert shifts_between(calendar(), berlin(TUESDAY, 10), berlin(TUESDAY, 10)) == []


def test_window_bounds_without_a_utc_offset_are_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        shifts_between(calendar(), datetime(2026, 2, 17), berlin(TUESDAY, 10))


def test_a_window_ending_before_it_starts_is_rejected() -> None:
    with pytest.raises(ValueError, match="before start"):
        working_intervals(calendar(), berlin(TUESDAY, 10), berlin(TUESDAY, 9))


def test_an_unknown_timezone_is_a_value_error() -> None:
    cal = msgspec.structs.replace(calendar(), timezone="Europe/Atlantis")
    with pytest.raises(ValueError, match="unknown timezone 'Europe/Atlantis'"):
        shift_at(cal, berlin(TUESDAY, 10))


def test_a_calendar_decodes_from_the_json_the_api_receives() -> None:
    body = b"""{
        "timezone": "Europe/Berlin",
        "patterns": [{"valid_from": "2026-01-01", "shifts": [{
            "code": "EARLY", "weekdays": [1, 2, 3, 4, 5], "start": "06:00:00",
            "end": "14:00:00", "breaks": [{"start": "09:00:00", "end": "09:15:00"}]}]}],
        "holidays": [{"day": "2026-05-01", "name": "Tag der Arbeit"}],
        "exceptions": [{"start": "2026-02-21T06:00:00+01:00", "end": "2026-02-21T12:00:00+01:00",
                        "kind": "extra", "name": "overtime"}]
    }"""
    cal = msgspec.json.decode(body, type=ShiftCalendar)
    found = shifts_between(cal, berlin(FRIDAY, 0), berlin(SATURDAY, 23))
    assert codes(found) == [("EARLY", FRIDAY), ("EXTRA", SATURDAY)]


def test_an_exception_without_a_utc_offset_does_not_decode() -> None:
    body = b'{"start": "2026-02-21T06:00:00", "end": "2026-02-21T12:00:00Z", "kind": "off",'
    body += b' "name": "x"}'
    with pytest.raises(msgspec.ValidationError, match="timezone"):
        msgspec.json.decode(body, type=CalendarException)


def test_a_year_of_shifts_counts_every_working_day_and_night() -> None:
    # How long it takes is the benchmark's business, not a test's.
    year = shifts_between(calendar(), berlin(date(2026, 1, 1), 0), berlin(date(2027, 1, 1), 0))
    capacity = working_intervals(
        calendar(), berlin(date(2026, 1, 1), 0), berlin(date(2027, 1, 1), 0)
    )
    # 2026 has 261 weekdays (52 weeks and Thursday 31 December) for the early and late
    # shifts; night shifts start on 52 x 5 Sunday-to-Thursday evenings plus 31 December
    # (none on 31 December 2025: the pattern starts in 2026).
    assert len(year) == 261 + 261 + 52 * 5 + 1
    assert capacity

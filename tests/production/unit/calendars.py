"""Builders for shift calendar tests: Berlin wall-clock instants and typical shift plans."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from production.shift_calendar import (
    BreakDefinition,
    CalendarException,
    Holiday,
    ShiftCalendar,
    ShiftDefinition,
    ShiftPattern,
)

BERLIN = ZoneInfo("Europe/Berlin")
MON_FRI = frozenset({1, 2, 3, 4, 5})
EVERY_DAY = frozenset(range(1, 8))
# A night shift that ends on a weekday morning starts Sunday to Thursday evening.
SUN_THU = frozenset({7, 1, 2, 3, 4})


def berlin(day: date, hour: int, minute: int = 0, *, fold: int = 0) -> datetime:
    """The UTC instant a Berlin wall clock shows ``hour:minute`` on ``day``."""
    wall = datetime(day.year, day.month, day.day, hour, minute, fold=fold, tzinfo=BERLIN)
    return wall.astimezone(UTC)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def pause(start: str, end: str) -> BreakDefinition:
    return BreakDefinition(start=time.fromisoformat(start), end=time.fromisoformat(end))


def shift(
    code: str,
    start: str,
    end: str,
    days: Iterable[int] = MON_FRI,
    breaks: tuple[BreakDefinition, ...] = (),
) -> ShiftDefinition:
    return ShiftDefinition(
        code=code,
        weekdays=frozenset(days),
        start=time.fromisoformat(start),
        end=time.fromisoformat(end),
        breaks=breaks,
    )


def three_shifts(*, with_breaks: bool = True) -> tuple[ShiftDefinition, ...]:
    """Early and late shift Monday to Friday, night shift Sunday to Thursday evening."""
    return (
        shift("EARLY", "06:00", "14:00", MON_FRI, _if(with_breaks, "09:00-09:15", "11:30-12:00")),
        shift("LATE", "14:00", "22:00", MON_FRI, _if(with_breaks, "18:00-18:30")),
        shift("NIGHT", "22:00", "06:00", SUN_THU, _if(with_breaks, "02:00-02:30")),
    )


def round_the_clock() -> tuple[ShiftDefinition, ...]:
    """Three shifts every day, no breaks: real time is all that differs across DST."""
    return (
        shift("EARLY", "06:00", "14:00", EVERY_DAY),
        shift("LATE", "14:00", "22:00", EVERY_DAY),
        shift("NIGHT", "22:00", "06:00", EVERY_DAY),
    )


def calendar(
    shifts: tuple[ShiftDefinition, ...] | None = None,
    *,
    holidays: tuple[Holiday, ...] = (),
    exceptions: tuple[CalendarException, ...] = (),
) -> ShiftCalendar:
    """A Berlin calendar with one pattern valid from 2026-01-01 without end."""
    pattern = ShiftPattern(
        valid_from=date(2026, 1, 1), shifts=three_shifts() if shifts is None else shifts
    )
    return ShiftCalendar(
        timezone="Europe/Berlin", patterns=(pattern,), holidays=holidays, exceptions=exceptions
    )


def _if(wanted: bool, *spans: str) -> tuple[BreakDefinition, ...]:
    return tuple(pause(*span.split("-")) for span in spans) if wanted else ()

"""Problems in a shift calendar as (JSON pointer, message) pairs, for a 422 response.

Pointers address the calendar as its JSON body spells it (``/patterns/0/shifts/1/breaks/0``).
Checks that need a sane part (a weekday in 1..7, a non-empty break) skip what an earlier
problem already reported, so each mistake is reported once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time, timedelta

from production.calendar.model import (
    CalendarException,
    ShiftCalendar,
    ShiftDefinition,
    ShiftPattern,
)
from production.calendar.wall import ONE_DAY, break_offset, shift_length, since_midnight, zone

Problem = tuple[str, str]

_WEEK = 7 * ONE_DAY
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAYS = "ISO weekdays are 1 (Monday) to 7 (Sunday)"


def validate(calendar: ShiftCalendar) -> list[Problem]:
    """Every problem found; an empty list means the calendar is usable."""
    problems = _timezone(calendar.timezone)
    problems += _validity(calendar.patterns)
    for i, pattern in enumerate(calendar.patterns):
        base = f"/patterns/{i}/shifts"
        for j, shift in enumerate(pattern.shifts):
            problems += _shift(f"{base}/{j}", shift)
        problems += _overlaps(base, pattern.shifts)
    for i, exception in enumerate(calendar.exceptions):
        problems += _exception(f"/exceptions/{i}", exception)
    return problems


def _timezone(name: str) -> list[Problem]:
    try:
        zone(name)
    except ValueError as exc:
        return [("/timezone", str(exc))]
    return []


def _validity(patterns: Sequence[ShiftPattern]) -> list[Problem]:
    problems: list[Problem] = []
    for i, pattern in enumerate(patterns):
        if pattern.valid_to is not None and pattern.valid_to < pattern.valid_from:
            problems.append(
                (f"/patterns/{i}/valid_to", f"is before valid_from {pattern.valid_from}")
            )
            continue
        for j, earlier in enumerate(patterns[:i]):
            if _days_overlap(earlier, pattern):
                problems.append(
                    (
                        f"/patterns/{i}/valid_from",
                        f"validity {_days(pattern)} overlaps /patterns/{j} ({_days(earlier)}):"
                        " only one pattern may apply on a day",
                    )
                )
    return problems


def _days_overlap(a: ShiftPattern, b: ShiftPattern) -> bool:
    a_to, b_to = a.valid_to or date.max, b.valid_to or date.max
    return a_to >= a.valid_from and a.valid_from <= b_to and b.valid_from <= a_to


def _days(pattern: ShiftPattern) -> str:
    return f"{pattern.valid_from} to {pattern.valid_to or 'open end'}"


def _shift(pointer: str, shift: ShiftDefinition) -> list[Problem]:
    problems: list[Problem] = []
    if not shift.code.strip():
        problems.append((f"{pointer}/code", "must not be empty"))
    if not shift.weekdays:
        problems.append((f"{pointer}/weekdays", f"names no weekday: {_WEEKDAYS}"))
    for day in sorted(set(shift.weekdays) - set(range(1, 8))):
        problems.append((f"{pointer}/weekdays", f"{day} is not a weekday: {_WEEKDAYS}"))
    for field, value in (("start", shift.start), ("end", shift.end)):
        if value.tzinfo is not None:
            problems.append((f"{pointer}/{field}", "must be local wall-clock time, no UTC offset"))
    return problems + _breaks(pointer, shift)


def _breaks(pointer: str, shift: ShiftDefinition) -> list[Problem]:
    problems: list[Problem] = []
    inside: list[tuple[timedelta, timedelta, int]] = []
    for k, pause in enumerate(shift.breaks):
        offset, length = break_offset(shift, pause)
        where = f"{pointer}/breaks/{k}"
        if not length:
            problems.append((where, f"is empty: it starts and ends at {_clock(pause.start)}"))
        elif offset + length > shift_length(shift):
            span = f"{_clock(pause.start)}-{_clock(pause.end)}"
            problems.append((where, f"{span} lies outside its shift {_span(shift)}"))
        else:
            inside.append((offset, offset + length, k))
    return problems + _break_clashes(pointer, inside)


def _break_clashes(pointer: str, inside: list[tuple[timedelta, timedelta, int]]) -> list[Problem]:
    """Breaks (offset, end offset, index) that overlap an earlier-starting one."""
    problems: list[Problem] = []
    reach: tuple[timedelta, int] | None = None  # the furthest-reaching break so far
    for start, end, k in sorted(inside):
        if reach is not None and start < reach[0]:
            problems.append((f"{pointer}/breaks/{k}", f"overlaps {pointer}/breaks/{reach[1]}"))
        if reach is None or end > reach[0]:
            reach = (end, k)
    return problems


def _overlaps(base: str, shifts: Sequence[ShiftDefinition]) -> list[Problem]:
    """Shifts of one pattern that run at the same time, midnight and week wrap included."""
    problems: list[Problem] = []
    for k, shift in enumerate(shifts):
        for j, other in enumerate(shifts[:k]):
            days = _clash_days(other, shift)
            if days:
                names = ", ".join(_DAY_NAMES[day - 1] for day in days)
                message = f"{shift.code} starting {names} overlaps {other.code} ({base}/{j})"
                problems.append((f"{base}/{k}", message))
    return problems


def _clash_days(a: ShiftDefinition, b: ShiftDefinition) -> list[int]:
    """The weekdays on which a ``b`` shift starts while an ``a`` shift runs, or the reverse.

    Both repeat weekly, so each (shift, weekday) is an arc on a one-week circle.
    """
    a_len, b_len = shift_length(a), shift_length(b)
    clashes: set[int] = set()
    for b_day in _valid_days(b):
        b_start = (b_day - 1) * ONE_DAY + since_midnight(b.start)
        for a_day in _valid_days(a):
            a_start = (a_day - 1) * ONE_DAY + since_midnight(a.start)
            if (b_start - a_start) % _WEEK < a_len or (a_start - b_start) % _WEEK < b_len:
                clashes.add(b_day)
    return sorted(clashes)


def _valid_days(shift: ShiftDefinition) -> list[int]:
    return sorted(day for day in shift.weekdays if 1 <= day <= 7)


def _exception(pointer: str, exception: CalendarException) -> list[Problem]:
    if exception.kind not in ("off", "extra"):
        return [(f"{pointer}/kind", "must be 'off' or 'extra'")]
    naive = [f for f in ("start", "end") if getattr(exception, f).tzinfo is None]
    if naive:
        return [(f"{pointer}/{f}", "needs a UTC offset (an aware datetime)") for f in naive]
    if exception.end <= exception.start:
        return [(f"{pointer}/end", f"must be after start {exception.start.isoformat()}")]
    if exception.kind == "off" and exception.shift_code is not None:
        return [(f"{pointer}/shift_code", "only an 'extra' exception makes a shift instance")]
    return []


def _clock(value: time) -> str:
    return value.strftime("%H:%M") if not (value.second or value.microsecond) else str(value)


def _span(shift: ShiftDefinition) -> str:
    return f"{_clock(shift.start)}-{_clock(shift.end)}"

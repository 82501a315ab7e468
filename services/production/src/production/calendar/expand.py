"""Shift instances and working time of a calendar over a UTC window.

Rules, in the order they apply:

* The pattern valid on a shift's local start date applies (if patterns overlap despite
  validation, the one with the latest ``valid_from`` wins); a holiday on that date cancels
  the shift.
* "off" exceptions cut working time but keep the shift instance: a log written during a
  shutdown still belongs to a shift, and the instance reports ``planned_seconds`` 0 when
  the shutdown covers it. Holidays, by contrast, drop the instance.
* "extra" exceptions make instances of their own and win over "off" exceptions, breaks and
  holidays: an explicit "work then" is the more specific statement.
* Local times go to UTC with fold=0 (see ``wall.to_utc``). A shift that lies wholly in the
  spring-forward gap has no real time and is dropped.

Cost is a few operations per day and shift, so a year takes milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from production.calendar import intervals
from production.calendar.model import (
    CalendarException,
    Interval,
    ShiftCalendar,
    ShiftDefinition,
    ShiftInstance,
    ShiftPattern,
)
from production.calendar.wall import ONE_DAY, break_offset, shift_length, to_utc, zone

_Expanded = tuple[ShiftInstance, list[Interval]]  # an instance and its working pieces
_TICK = timedelta(microseconds=1)


def shifts_between(calendar: ShiftCalendar, start: datetime, end: datetime) -> list[ShiftInstance]:
    """Every shift instance overlapping ``[start, end)`` in time order (ties: by code).

    Includes the night shift that started the previous day and is still running at
    ``start``. Instances are whole shifts, not clipped to the window.
    """
    return [instance for instance, _ in _expand(calendar, start, end)]


def working_intervals(calendar: ShiftCalendar, start: datetime, end: datetime) -> list[Interval]:
    """Capacity: merged, sorted UTC intervals of working time, clipped to ``[start, end)``.

    Working time = (shifts - breaks - "off" exceptions) + "extra" exceptions.
    """
    pieces = (piece for _, working in _expand(calendar, start, end) for piece in working)
    return intervals.clip(intervals.merge(pieces), start.astimezone(UTC), end.astimezone(UTC))


def shifts_with_working_time(
    calendar: ShiftCalendar, start: datetime, end: datetime
) -> list[tuple[ShiftInstance, list[Interval]]]:
    """Each shift overlapping ``[start, end)`` with its own working pieces (whole shift,
    unclipped): what a stop inside the shift costs it, breaks and "off" time excluded."""
    return _expand(calendar, start, end)


def shift_at(calendar: ShiftCalendar, instant: datetime) -> ShiftInstance | None:
    """The shift ``instant`` belongs to, breaks and "off" time included; None between shifts.

    Shifts are ``[start, end)``, so at 06:00 the early shift has taken over from the night
    shift. Where instances overlap, a pattern shift beats an "extra" one, then the most
    recently started wins (it has taken over).
    """
    found = shifts_between(calendar, instant, instant + _TICK)
    if not found:
        return None
    return max(found, key=lambda i: (not i.extra, i.start))


def _expand(calendar: ShiftCalendar, start: datetime, end: datetime) -> list[_Expanded]:
    start, end = _window(start, end)
    if start == end:
        return []
    tz = zone(calendar.timezone)
    window = (start, end)
    expanded = [*_pattern_shifts(calendar, tz, window), *_extra_shifts(calendar, tz, window)]
    expanded.sort(key=lambda item: (item[0].start, item[0].end, item[0].code))
    return expanded


def _window(start: datetime, end: datetime) -> Interval:
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be timezone-aware (UTC) datetimes")
    if end < start:
        raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")
    return start.astimezone(UTC), end.astimezone(UTC)


def _pattern_shifts(calendar: ShiftCalendar, tz: ZoneInfo, window: Interval) -> Iterator[_Expanded]:
    holidays = {holiday.day for holiday in calendar.holidays}
    patterns = sorted(calendar.patterns, key=lambda p: p.valid_from, reverse=True)
    # Shifts touching the window run at most 24 h plus a DST hour beyond it either side;
    # two days of "off" exceptions around it therefore cover all their cuts.
    offs = _offs(calendar.exceptions, (window[0] - 2 * ONE_DAY, window[1] + 2 * ONE_DAY))
    # A shift started the day before the window's first local day may still be running.
    day = window[0].astimezone(tz).date() - ONE_DAY
    last = window[1].astimezone(tz).date()
    while day <= last:
        pattern = None if day in holidays else _pattern_on(patterns, day)
        for shift in pattern.shifts if pattern else ():
            if day.isoweekday() in shift.weekdays:
                item = _instance(shift, day, tz, offs)
                if item and intervals.overlaps((item[0].start, item[0].end), window):
                    yield item
        day += ONE_DAY


def _pattern_on(newest_first: Sequence[ShiftPattern], day: date) -> ShiftPattern | None:
    for pattern in newest_first:
        if pattern.valid_from <= day and (pattern.valid_to is None or day <= pattern.valid_to):
            return pattern
    return None


def _offs(exceptions: Sequence[CalendarException], window: Interval) -> list[Interval]:
    spans = (
        (e.start.astimezone(UTC), e.end.astimezone(UTC)) for e in exceptions if e.kind == "off"
    )
    return intervals.merge(intervals.clip(spans, *window))


def _instance(
    shift: ShiftDefinition, day: date, tz: ZoneInfo, offs: list[Interval]
) -> _Expanded | None:
    wall_start = datetime.combine(day, shift.start).replace(tzinfo=None)
    start = to_utc(wall_start, tz)
    end = to_utc(wall_start + shift_length(shift), tz)
    if end <= start:
        return None
    breaks = intervals.clip(_breaks(shift, wall_start, tz), start, end)
    cuts = [*breaks, *(off for off in offs if intervals.overlaps(off, (start, end)))]
    working = intervals.subtract((start, end), cuts)
    instance = ShiftInstance(
        code=shift.code,
        production_day=day,
        start=start,
        end=end,
        breaks=tuple(breaks),
        planned_seconds=intervals.whole_seconds(working),
    )
    return instance, working


def _breaks(shift: ShiftDefinition, wall_start: datetime, tz: ZoneInfo) -> Iterator[Interval]:
    for pause in shift.breaks:
        offset, length = break_offset(shift, pause)
        yield to_utc(wall_start + offset, tz), to_utc(wall_start + offset + length, tz)


def _extra_shifts(calendar: ShiftCalendar, tz: ZoneInfo, window: Interval) -> Iterator[_Expanded]:
    for exception in calendar.exceptions:
        span = (exception.start.astimezone(UTC), exception.end.astimezone(UTC))
        if exception.kind != "extra" or not intervals.overlaps(span, window):
            continue
        instance = ShiftInstance(
            code=exception.shift_code or "EXTRA",
            production_day=exception.start.astimezone(tz).date(),
            start=span[0],
            end=span[1],
            planned_seconds=intervals.whole_seconds([span]),
            extra=True,
        )
        yield instance, [span]

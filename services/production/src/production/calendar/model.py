"""The shift calendar's inputs and outputs.

Times of day are local wall-clock times of the calendar's timezone; everything a calendar
produces is an aware UTC datetime. Intervals are half-open: ``[start, end)``.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

LocalTime = Annotated[time, Meta(tz=False)]
AwareDatetime = Annotated[datetime, Meta(tz=True)]
IsoWeekday = Annotated[int, Meta(ge=1, le=7)]
Interval = tuple[datetime, datetime]


class BreakDefinition(msgspec.Struct, frozen=True, kw_only=True):
    """A break in local wall time; it lies within its shift and may cross midnight with it."""

    start: LocalTime
    end: LocalTime


class ShiftDefinition(msgspec.Struct, frozen=True, kw_only=True):
    """A recurring shift. ``weekdays`` are the ISO weekdays (1 = Monday) it STARTS on.

    ``end <= start`` means the shift crosses midnight into the next day; ``end == start``
    is a 24-hour shift.
    """

    code: str
    weekdays: frozenset[IsoWeekday]
    start: LocalTime
    end: LocalTime
    breaks: tuple[BreakDefinition, ...] = ()


class ShiftPattern(msgspec.Struct, frozen=True, kw_only=True):
    """The shifts that run from ``valid_from`` to ``valid_to`` (both inclusive; None: open).

    A shift belongs to the pattern valid on the local date the shift starts.
    """

    valid_from: date
    valid_to: date | None = None
    shifts: tuple[ShiftDefinition, ...] = ()


class Holiday(msgspec.Struct, frozen=True, kw_only=True):
    """No shift STARTING on ``day`` runs (a night shift started the evening before does)."""

    day: date
    name: str


class CalendarException(msgspec.Struct, frozen=True, kw_only=True):
    """Working time added ("extra", e.g. an overtime Saturday) or removed ("off").

    ``shift_code`` names the instance an "extra" exception produces (default "EXTRA").
    """

    start: AwareDatetime
    end: AwareDatetime
    kind: Literal["off", "extra"]
    name: str
    shift_code: str | None = None


class ShiftCalendar(msgspec.Struct, frozen=True, kw_only=True):
    timezone: str
    patterns: tuple[ShiftPattern, ...] = ()
    holidays: tuple[Holiday, ...] = ()
    exceptions: tuple[CalendarException, ...] = ()


class ShiftInstance(msgspec.Struct, frozen=True, kw_only=True):
    """One shift as it actually runs, in UTC.

    ``start``/``end`` are the whole shift even where a query window cuts it. ``breaks`` are
    clipped to the shift. ``planned_seconds`` is the shift's working time: its length minus
    breaks minus "off" exceptions (each second counted once; sub-second parts truncated).
    ``extra`` marks an instance made by an "extra" exception rather than by a pattern.
    """

    code: str
    production_day: date
    start: datetime
    end: datetime
    breaks: tuple[Interval, ...] = ()
    planned_seconds: int = 0
    extra: bool = False

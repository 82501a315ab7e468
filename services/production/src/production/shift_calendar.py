"""Shift calendars: shift instances, working time and shift attribution in UTC.

A calendar plans shifts in local wall-clock time of one IANA timezone (patterns valid over
date ranges, holidays, "off"/"extra" exceptions); these functions turn it into UTC
instants. Pure: no I/O. The implementation lives in ``production.calendar``; see
``production.calendar.expand`` for the rules (DST, exceptions, precedence).
"""

from __future__ import annotations

from production.calendar.expand import (
    shift_at,
    shifts_between,
    shifts_with_working_time,
    working_intervals,
)
from production.calendar.model import (
    BreakDefinition,
    CalendarException,
    Holiday,
    Interval,
    ShiftCalendar,
    ShiftDefinition,
    ShiftInstance,
    ShiftPattern,
)
from production.calendar.validation import Problem, validate

__all__ = [
    "BreakDefinition",
    "CalendarException",
    "Holiday",
    "Interval",
    "Problem",
    "ShiftCalendar",
    "ShiftDefinition",
    "ShiftInstance",
    "ShiftPattern",
    "shift_at",
    "shifts_between",
    "shifts_with_working_time",
    "validate",
    "working_intervals",
]

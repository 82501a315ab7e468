"""Preventive maintenance due dates (pure: no I/O).

A plan has a calendar rule, a usage rule or both; whichever comes first makes the work due.

Calendar. ``fixed`` plans are due on a grid anchor + k x interval (k >= 1), whenever the
work was actually done: a completion covers the grid dates up to the later of its date and
the due date of the work order it closed, so a late completion catches up and an early one
does not make the upcoming date due again. ``floating`` plans are due one interval after
the last completion (after the anchor before the first one). Month-end rule: the anchor's
day of the month, clamped to the end of shorter months, always counted from the anchor, so
a grid anchored on Jan 31 is Feb 28 (29), Mar 31, Apr 30 (see ``maintenance.pm.dates``).

Usage. Meter readings are cumulative and may reset (see ``maintenance.pm.meters``). The
cycle counts from the reading at the last completion (the rule's anchor before one); the
date it will be used up is projected from the average daily usage over a window.

Work orders. A work order is due ``lead_time_days`` before the due date (the caller's
horizon when the plan has none). Occurrences carry an idempotency key, plan id + due date,
that the database keeps unique, so generating twice never creates a work order twice.
"""

from maintenance.pm.dates import add_months, next_calendar_due
from maintenance.pm.due import due, occurrence_key, occurrences
from maintenance.pm.meters import average_daily_usage, usage_since
from maintenance.pm.models import (
    CalendarRule,
    Completion,
    DueState,
    MeterReading,
    Occurrence,
    Plan,
    UsageDue,
    UsageRule,
)

__all__ = [
    "CalendarRule",
    "Completion",
    "DueState",
    "MeterReading",
    "Occurrence",
    "Plan",
    "UsageDue",
    "UsageRule",
    "add_months",
    "average_daily_usage",
    "due",
    "next_calendar_due",
    "occurrence_key",
    "occurrences",
    "usage_since",
]

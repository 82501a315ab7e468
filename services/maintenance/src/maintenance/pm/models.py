"""What preventive-maintenance planning reads and returns: frozen msgspec Structs.

Validation lives in ``__post_init__`` so that a plan built in code is checked the same way
as one decoded from JSON (msgspec's ``Meta`` constraints only apply while decoding).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

import msgspec

Unit = Literal["days", "weeks", "months", "years"]
Mode = Literal["fixed", "floating"]
Driver = Literal["calendar", "usage"]


class CalendarRule(msgspec.Struct, frozen=True, kw_only=True):
    interval: int
    unit: Unit
    # fixed: due dates lie on a grid anchor + k x interval whenever the work was done;
    # floating: the next due date is the last completion + interval.
    mode: Mode
    # The date the cycle counts from (commissioning, or the last service before the plan
    # existed). It is grid point 0: the first due date is one interval after it.
    anchor: date

    def __post_init__(self) -> None:
        if self.interval < 1:
            raise ValueError("a calendar interval must be at least 1")


class MeterReading(msgspec.Struct, frozen=True):
    """A cumulative counter value; ``reset`` marks a replaced or rolled-over meter."""

    at: datetime
    value: Decimal
    reset: bool = False


class UsageRule(msgspec.Struct, frozen=True, kw_only=True):
    # Which meter of the equipment (operating hours, cycles, strokes...); the caller passes
    # that meter's readings.
    meter: str
    # In the meter's own unit.
    interval: Decimal
    # The reading the first cycle counts from (when the plan started).
    anchor: MeterReading

    def __post_init__(self) -> None:
        if not self.interval > 0:
            raise ValueError("a usage interval must be greater than 0")


class Completion(msgspec.Struct, frozen=True, kw_only=True):
    """The last time the plan's work was done."""

    on: date
    # The meter at completion; usage plans count the next cycle from it.
    reading: MeterReading | None = None
    # The due date of the work order it closed. Fixed plans continue the grid after the
    # later of this and ``on``, so an early completion covers the date it was done for.
    due_date: date | None = None


class Plan(msgspec.Struct, frozen=True, kw_only=True):
    """A calendar rule and/or a usage rule: whichever comes first makes the work due."""

    id: UUID
    calendar: CalendarRule | None = None
    usage: UsageRule | None = None
    # Create the work order this many days before the due date; None: the caller's horizon.
    lead_time_days: int | None = None

    def __post_init__(self) -> None:
        if self.calendar is None and self.usage is None:
            raise ValueError("a plan needs a calendar rule, a usage rule or both")
        if self.lead_time_days is not None and self.lead_time_days < 0:
            raise ValueError("lead_time_days must not be negative")


class UsageDue(msgspec.Struct, frozen=True, kw_only=True):
    # Counted since the cycle's baseline reading (last completion, else the rule's anchor).
    used: Decimal
    # Negative once overdue.
    remaining: Decimal
    # The meter value at which the work is due: the latest value + remaining.
    due_at: Decimal
    reached: bool
    # Average over the usage window; None without enough readings or with no window.
    daily_usage: Decimal | None
    # When ``remaining`` will be used up at ``daily_usage`` (None if reached, or if the
    # meter does not move). May lie before today when the readings are stale.
    projected: date | None


class DueState(msgspec.Struct, frozen=True, kw_only=True):
    calendar_due: date | None
    usage: UsageDue | None
    # Which rule makes the work due first; None when neither gives a date yet.
    first: Driver | None
    # The earlier of calendar_due and the usage date (today once the usage is reached).
    due_date: date | None
    # due_date - lead time: the day the work order should be created.
    order_on: date | None
    # A work order should exist now: order_on is today or earlier.
    order_due: bool
    # Idempotency key for that work order (see maintenance.pm.due.due).
    key: str | None


class Occurrence(msgspec.Struct, frozen=True, kw_only=True):
    plan_id: UUID
    due_date: date
    order_on: date
    # plan id + due date: the same occurrence always gets the same key.
    key: str

"""Usage from cumulative meter readings that can reset.

A meter counts up; when it is replaced or rolls over it starts from 0 again. The usage
between readings is therefore the sum of the increments, where a reading flagged ``reset``
or lower than the one before counts its whole value (it is what was used since the reset).
A reset is invisible when the new meter already shows more than the old one did: flag it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, Decimal

from maintenance.pm.models import MeterReading

_DAY = Decimal(86400)


def _increment(previous: Decimal | None, reading: MeterReading) -> Decimal:
    if reading.reset or (previous is not None and reading.value < previous):
        return reading.value
    if previous is None:
        # Nothing is known from before: this reading is only the baseline.
        return Decimal(0)
    return reading.value - previous


def usage_since(readings: Iterable[MeterReading], since: datetime) -> Decimal:
    """The usage after ``since``, counted from the last reading at or before it.

    Without a reading at or before ``since`` the first later reading is the baseline
    (unless it is flagged ``reset``: then the meter started from 0 and its value counts).
    """
    previous: Decimal | None = None
    used = Decimal(0)
    for reading in sorted(readings, key=lambda r: r.at):
        if reading.at > since:
            used += _increment(previous, reading)
        previous = reading.value
    return used


def _seconds(span: timedelta) -> Decimal:
    # Exact: timedelta.total_seconds() is a float.
    return Decimal(span.days * 86400 + span.seconds) + Decimal(span.microseconds) / 10**6


def average_daily_usage(readings: Iterable[MeterReading], *, since: datetime) -> Decimal | None:
    """Usage per day from the last reading at or before ``since`` to the latest reading.

    Dividing by the time the readings actually span (not by the window's length) keeps a
    meter that is read rarely from looking idle. None with fewer than two distinct times.
    """
    ordered = sorted(readings, key=lambda r: r.at)
    if not ordered:
        return None
    before = [r for r in ordered if r.at <= since]
    start = before[-1] if before else ordered[0]
    elapsed = _seconds(ordered[-1].at - start.at)
    if elapsed <= 0:
        return None
    return usage_since(ordered, start.at) * _DAY / elapsed


def projected_date(remaining: Decimal, daily_usage: Decimal | None, start: date) -> date | None:
    """The day ``remaining`` is used up at ``daily_usage`` per day, counting from ``start``.

    None when the meter does not move, or when the date would be beyond the calendar.
    """
    if daily_usage is None or daily_usage <= 0:
        return None
    days = int((remaining / daily_usage).to_integral_value(rounding=ROUND_CEILING))
    try:
        return start + timedelta(days=max(days, 0))
    except OverflowError:
        return None

"""Calendar arithmetic for PM plans: month ends, the fixed grid and the floating next date.

Month-end rule: a date plus n months keeps its day of the month, clamped to the last day of
the target month (Jan 31 + 1 month = Feb 28, or Feb 29 in a leap year). Grid dates are
always computed from the anchor (anchor + k x interval), never from the previous grid
date, so clamping does not accumulate: a grid anchored on Jan 31 is Feb 28, Mar 31, Apr 30,
May 31, ... (not a drift to the 28th), and a yearly grid anchored on Feb 29 is Feb 28 in
common years and Feb 29 again in leap years. To plan on month ends, anchor on a 31st.
Floating plans add the interval to the completion date under the same clamping.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta

from maintenance.pm.models import CalendarRule, Completion


def add_months(day: date, months: int) -> date:
    """``day`` + ``months`` months, the day of the month clamped to the target month's end."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def add_intervals(rule: CalendarRule, day: date, count: int) -> date:
    """``day`` + ``count`` x the rule's interval."""
    steps = rule.interval * count
    if rule.unit == "days":
        return day + timedelta(days=steps)
    if rule.unit == "weeks":
        return day + timedelta(weeks=steps)
    if rule.unit == "months":
        return add_months(day, steps)
    return add_months(day, 12 * steps)


def grid_date(rule: CalendarRule, index: int) -> date:
    """Grid point ``index`` of a fixed plan (0 is the anchor itself)."""
    return add_intervals(rule, rule.anchor, index)


def _estimate(rule: CalendarRule, day: date) -> int:
    # Whole intervals from the anchor to ``day``, give or take one: only a starting point,
    # so that finding a grid date far from the anchor does not walk the whole grid.
    if rule.unit in ("days", "weeks"):
        span = (day - rule.anchor).days
        step = rule.interval * (7 if rule.unit == "weeks" else 1)
    else:
        span = (day.year - rule.anchor.year) * 12 + day.month - rule.anchor.month
        step = rule.interval * (12 if rule.unit == "years" else 1)
    return span // step


def first_index_after(rule: CalendarRule, day: date) -> int:
    """The smallest grid index k >= 1 whose date is strictly after ``day``."""
    index = max(1, _estimate(rule, day))
    while index > 1 and grid_date(rule, index - 1) > day:
        index -= 1
    while grid_date(rule, index) <= day:
        index += 1
    return index


def covered_until(completion: Completion) -> date:
    """The last fixed-grid date a completion takes care of.

    A late completion catches up (grid dates missed before it are not demanded again); an
    early one covers the due date of the work order it closed.
    """
    if completion.due_date is None:
        return completion.on
    return max(completion.on, completion.due_date)


def next_calendar_due(rule: CalendarRule, completion: Completion | None) -> date:
    """The next calendar due date after the last completion (or the anchor without one)."""
    if rule.mode == "fixed":
        after = rule.anchor if completion is None else covered_until(completion)
        return grid_date(rule, first_index_after(rule, after))
    # A completion recorded before the plan was (re-)anchored does not restart the cycle.
    base = rule.anchor if completion is None else max(rule.anchor, completion.on)
    return add_intervals(rule, base, 1)

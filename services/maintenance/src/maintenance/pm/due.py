"""When a plan is due next, and the occurrences to turn into work orders."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from uuid import UUID

from maintenance.pm.dates import (
    covered_until,
    first_index_after,
    grid_date,
    next_calendar_due,
)
from maintenance.pm.meters import average_daily_usage, projected_date, usage_since
from maintenance.pm.models import (
    Completion,
    Driver,
    DueState,
    MeterReading,
    Occurrence,
    Plan,
    UsageDue,
    UsageRule,
)


def occurrence_key(plan_id: UUID, due_date: date) -> str:
    """The idempotency key of a calendar occurrence: stable, so a rerun finds its row."""
    return f"{plan_id}:{due_date.isoformat()}"


def _usage_key(plan_id: UUID, baseline: MeterReading) -> str:
    # A usage due date is a projection that moves with every reading, so it cannot name the
    # work order; the cycle can: it starts at the baseline and ends with the next completion.
    return f"{plan_id}:usage:{baseline.at.isoformat()}"


def _last_on_or_before(readings: Sequence[MeterReading], day: date) -> MeterReading | None:
    earlier = [r for r in readings if r.at.date() <= day]
    return max(earlier, key=lambda r: r.at) if earlier else None


def cycle_baseline(
    rule: UsageRule, completion: Completion | None, readings: Sequence[MeterReading]
) -> MeterReading:
    """The reading the current usage cycle counts from.

    The completion's reading, else the last reading on or before its day, else the rule's
    anchor (counting from the anchor errs towards servicing early, not late); a completion
    older than the anchor does not count.
    """
    candidates = [rule.anchor]
    if completion is not None:
        at_completion = completion.reading or _last_on_or_before(readings, completion.on)
        if at_completion is not None:
            candidates.append(at_completion)
    return max(candidates, key=lambda r: r.at)


def usage_due(
    rule: UsageRule,
    baseline: MeterReading,
    readings: Sequence[MeterReading],
    window_days: int | None,
) -> UsageDue:
    # The baseline goes last: sorting is stable, so at an equal time it is the start.
    history = [*readings, baseline]
    latest = max(history, key=lambda r: r.at)
    used = usage_since(history, baseline.at)
    remaining = rule.interval - used
    reached = remaining <= 0
    daily = None
    if window_days is not None:
        daily = average_daily_usage(history, since=latest.at - timedelta(days=window_days))
    return UsageDue(
        used=used,
        remaining=remaining,
        due_at=latest.value + remaining,
        reached=reached,
        daily_usage=daily,
        projected=None if reached else projected_date(remaining, daily, latest.at.date()),
    )


def _first(calendar_due: date | None, usage_date: date | None) -> tuple[Driver | None, date | None]:
    # On a tie the calendar wins: its date is certain, the usage date an estimate.
    if usage_date is None:
        return ("calendar", calendar_due) if calendar_due is not None else (None, None)
    if calendar_due is None or usage_date < calendar_due:
        return "usage", usage_date
    return "calendar", calendar_due


def _usage_part(
    plan: Plan,
    today: date,
    readings: Sequence[MeterReading],
    completion: Completion | None,
    window_days: int | None,
) -> tuple[UsageDue | None, date | None, str | None]:
    """The usage state, the date it makes the work due (today once reached) and its key."""
    if plan.usage is None:
        return None, None, None
    baseline = cycle_baseline(plan.usage, completion, readings)
    usage = usage_due(plan.usage, baseline, readings, window_days)
    usage_date = today if usage.reached else usage.projected
    return usage, usage_date, _usage_key(plan.id, baseline)


def due(
    plan: Plan,
    *,
    today: date,
    readings: Sequence[MeterReading] = (),
    last_completion: Completion | None = None,
    horizon_days: int = 0,
    usage_window_days: int | None = 30,
) -> DueState:
    """Where the plan stands on ``today``: whichever of calendar and usage comes first.

    ``readings`` are the usage rule's meter; ``usage_window_days`` is how far back the
    average daily usage looks (None: no projection). The work order is due once today is
    within the plan's lead time (or ``horizon_days`` without one) of the due date.

    ``key`` names the work order: a calendar occurrence's key (as ``occurrences`` gives it)
    or, when the usage comes first, the usage cycle. Keys make a rerun idempotent; that a
    plan has at most one open work order is the caller's rule, since the rule that comes
    first can change between runs.
    """
    if usage_window_days is not None and usage_window_days < 1:
        raise ValueError("usage_window_days must be at least 1")
    calendar_due = None
    if plan.calendar is not None:
        calendar_due = next_calendar_due(plan.calendar, last_completion)
    usage, usage_date, usage_key = _usage_part(
        plan, today, readings, last_completion, usage_window_days
    )
    first, due_date = _first(calendar_due, usage_date)
    lead = horizon_days if plan.lead_time_days is None else plan.lead_time_days
    order_on = None if due_date is None else due_date - timedelta(days=lead)
    key = usage_key if first == "usage" else None
    if first == "calendar" and calendar_due is not None:
        key = occurrence_key(plan.id, calendar_due)
    return DueState(
        calendar_due=calendar_due,
        usage=usage,
        first=first,
        due_date=due_date,
        order_on=order_on,
        order_due=order_on is not None and order_on <= today,
        key=key,
    )


def occurrences(
    plan: Plan,
    *,
    start: date,
    horizon_end: date,
    last_completion: Completion | None = None,
    horizon_days: int = 0,
) -> list[Occurrence]:
    """The calendar due dates in [start, horizon_end], both ends inclusive.

    Fixed plans: every grid date in the range after what the last completion covered.
    Floating plans: only the next one, since later dates depend on when it gets done.
    A due date before ``start`` is not repeated, so a run should start where the previous
    one's horizon ended. A usage-only plan has no calendar occurrences (``due`` reports
    its usage).
    ``order_on`` uses the plan's lead time, else ``horizon_days``.
    """
    rule = plan.calendar
    if rule is None or start > horizon_end:
        return []
    lead = timedelta(days=horizon_days if plan.lead_time_days is None else plan.lead_time_days)
    if rule.mode == "floating":
        nxt = next_calendar_due(rule, last_completion)
        dates = [nxt] if start <= nxt <= horizon_end else []
    else:
        after = start - timedelta(days=1)
        if last_completion is not None:
            after = max(after, covered_until(last_completion))
        dates = []
        index = first_index_after(rule, after)
        while (day := grid_date(rule, index)) <= horizon_end:
            dates.append(day)
            index += 1
    return [
        Occurrence(plan_id=plan.id, due_date=d, order_on=d - lead, key=occurrence_key(plan.id, d))
        for d in dates
    ]

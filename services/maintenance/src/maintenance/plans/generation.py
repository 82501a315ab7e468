"""Turning plans into work orders: the calendar occurrences due within a plan's lead time
and the usage cycles used up (or projected to be within it), whichever comes first, at
most one open order per plan. Idempotent: an occurrence's key is unique, so running twice
creates nothing the second time."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from maintenance import pm
from maintenance.caller import Caller, system_caller
from maintenance.plans import repo
from maintenance.plans.models import GenerationResult, PmPlan
from maintenance.work_orders.repo import NewOrder
from maintenance.work_orders.service import create_in
from unison_bus import JobContext

KIND = "maintenance.pm_generation"
PAGE = 500
# A missed generation run is caught up this far back; older grid dates are not made
# again one by one (the overdue plan gets its next occurrence).
CATCH_UP = timedelta(days=7)


def _calendar_due(c: repo.Candidate, today: date) -> pm.Occurrence | None:
    plan = c.plan
    if plan.calendar is None:
        return None
    rule = pm.CalendarRule(
        interval=plan.calendar.interval,
        unit=plan.calendar.unit,
        mode=plan.calendar.mode,
        anchor=plan.calendar.anchor,
    )
    completion = (
        pm.Completion(on=plan.last_completed_on, due_date=plan.last_due_date)
        if plan.last_completed_on is not None
        else None
    )
    start = today - CATCH_UP
    if plan.last_due_date is not None:
        start = max(start, plan.last_due_date + timedelta(days=1))
    found = pm.occurrences(
        pm.Plan(id=plan.id, calendar=rule, lead_time_days=plan.lead_time_days),
        start=start,
        horizon_end=today + timedelta(days=plan.lead_time_days),
        last_completion=completion,
    )
    return found[0] if found else None


def _usage_due(c: repo.Candidate, today: date) -> tuple[date, str] | None:
    """(due date, key) of the usage cycle when used up or projected within the lead time."""
    plan = c.plan
    if plan.usage is None or c.total_usage is None or plan.usage_anchor is None:
        return None
    remaining = plan.usage.interval - (c.total_usage - plan.usage_anchor)
    anchor_at = plan.usage_anchor_at or datetime.combine(today, datetime.min.time(), UTC)
    key = f"{plan.id}:usage:{anchor_at.isoformat()}"
    if remaining <= 0:
        return today, key
    if not c.daily_usage or c.daily_usage <= 0:
        return None
    projected = today + timedelta(days=math.ceil(remaining / c.daily_usage))
    return (projected, key) if projected <= today + timedelta(days=plan.lead_time_days) else None


def due_order(c: repo.Candidate, today: date) -> NewOrder | None:
    """The order a plan needs now, if any: whichever rule comes first."""
    if c.has_open_order:
        return None
    calendar = _calendar_due(c, today)
    usage = _usage_due(c, today)
    options = []
    if calendar is not None:
        options.append((calendar.due_date, 0, calendar.key))
    if usage is not None:
        options.append((usage[0], 1, usage[1]))
    if not options:
        return None
    due_date, _, key = min(options)
    plan = c.plan
    return NewOrder(
        plant_id=plan.plant_id,
        equipment_id=plan.equipment_id,
        kind="preventive",
        title=plan.name,
        priority=3,
        plan_id=plan.id,
        occurrence_key=key,
        due_date=due_date,
        machine_down=plan.machine_down,
        estimated_minutes=plan.estimated_minutes,
        tasks=_tasks(plan),
    )


def _tasks(plan: PmPlan) -> dict[str, Any]:
    tasks: dict[str, Any] = msgspec.to_builtins(plan.tasks)
    return tasks


async def generate_in(
    conn: asyncpg.Connection, caller: Caller, today: date, meter_id: UUID | None = None
) -> GenerationResult:
    """Generate inside the caller's transaction (``meter_id``: only the plans of that
    meter, when a reading arrived)."""
    created: list[str] = []
    seen = duplicates = 0
    after: UUID | None = None
    while True:
        batch = await repo.candidates(conn, after, PAGE, meter_id)
        for candidate in batch:
            seen += 1
            new = due_order(candidate, today)
            if new is None:
                continue
            order = await create_in(conn, caller, new)
            if order is None:
                duplicates += 1
            else:
                created.append(order.number)
        if len(batch) < PAGE:
            return GenerationResult(plans=seen, created=created, already_there=duplicates)
        after = batch[-1].plan.id


async def run(ctx: JobContext) -> dict[str, Any]:
    """The daily job (pg_cron, 06:00) for one organization."""
    tenant = await ctx.organization_tenant("maintenance")
    if not tenant.plant_ids:
        return {"plans": 0, "created": 0}
    caller = system_caller(tenant, f"job:{ctx.job_id}")
    today = datetime.now(UTC).date()
    async with ctx.database.transaction(tenant) as conn:
        result = await generate_in(conn, caller, today)
    return {
        "plans": result.plans,
        "created": len(result.created),
        "already_there": result.already_there,
    }

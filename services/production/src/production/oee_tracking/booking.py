"""What counts and stops add to the OEE buckets: the rules, in one place."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from production.downtime.models import Downtime
from production.oee_tracking.context import FloorContext
from production.oee_tracking.repo import Delta


def counts(
    ctx: FloorContext,
    delta: Delta,
    work_center_id: UUID,
    at: datetime,
    quantities: tuple[Decimal, Decimal, Decimal],
    ideal_cycle: Decimal | None,
) -> None:
    """Good, scrap and rework pieces counted at ``at``; their ideal time is the
    performance basis."""
    good, scrap, rework = quantities
    center = ctx.center(work_center_id)
    ideal = (ideal_cycle or Decimal(0)) * (good + scrap + rework)
    delta.add(
        center.id,
        center.plant_id,
        ctx.slot_at(center.id, at),
        good_count=good,
        scrap_count=scrap,
        rework_count=rework,
        ideal_run_seconds=ideal,
    )


def stretch(
    ctx: FloorContext,
    delta: Delta,
    work_center_id: UUID,
    span: tuple[datetime, datetime],
    loss: str,
    sign: int = 1,
) -> None:
    """A stretch of ``loss`` (setup, a stop): its working seconds per shift (``sign`` -1
    takes a booking back)."""
    if span[1] <= span[0]:
        return
    center = ctx.center(work_center_id)
    for slot, seconds in ctx.split(work_center_id, span):
        delta.loss(center.id, center.plant_id, slot, loss, seconds * sign)


def downtime(
    ctx: FloorContext, delta: Delta, stop: Downtime, until: datetime, *, final: bool
) -> Downtime:
    """Book ``stop`` from where its booking ended up to ``until``; returns it with
    ``booked_until`` moved. A short unplanned stop, known only once it ended, is a minor
    stop (a performance loss), not a breakdown."""
    start = stop.booked_until or stop.started_at
    if until <= start:
        return stop
    loss = stop.loss
    short = (until - stop.started_at).total_seconds() < ctx.center(
        stop.work_center_id
    ).minor_stop_seconds
    if final and loss == "breakdown" and stop.booked_until is None and short:
        loss = "minor_stop"
    stretch(ctx, delta, stop.work_center_id, (start, until), loss)
    stop.booked_until = until
    return stop


def effective_loss(ctx: FloorContext, stop: Downtime) -> str:
    """The loss a closed stop was booked to."""
    if stop.loss != "breakdown" or stop.ended_at is None:
        return stop.loss
    seconds = (stop.ended_at - stop.started_at).total_seconds()
    return (
        "minor_stop"
        if seconds < ctx.center(stop.work_center_id).minor_stop_seconds
        else "breakdown"
    )


def rebook(ctx: FloorContext, delta: Delta, before: Downtime, after: Downtime) -> None:
    """A stop reclassified: what was booked moves from the old loss to the new one."""
    if before.booked_until is None:
        return
    span = (before.started_at, before.booked_until)
    stretch(ctx, delta, before.work_center_id, span, effective_loss(ctx, before), -1)
    stretch(ctx, delta, after.work_center_id, span, effective_loss(ctx, after))

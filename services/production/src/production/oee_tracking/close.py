"""The daily close (pg_cron, 06:00): every shift that ended gets its bucket (an idle
shift is a loss too), open stops are booked up to now, and every unsettled bucket of an
ended shift is published as final (``production.oee.closed``), once; a bucket changed
after its close is published again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from production import oee
from production.downtime import repo as downtime_repo
from production.oee_tracking import booking, repo
from production.oee_tracking.context import FloorContext
from production.work_centers import repo as work_centers_repo
from unison_bus import Event, JobContext, announce_many
from unison_events.production import OeeClosed

KIND = "production.oee_close"
# Shifts that ended this long before the close still get their (idle) bucket made: a
# missed close (the worker was down) is caught up the next day.
LOOK_BACK = timedelta(days=3)
PAGE = 500


def closed_event(org: Any, bucket: repo.Bucket, line: str | None) -> OeeClosed:
    try:
        result: oee.OeeResult | None = oee.calculate(bucket.inputs())
    except ValueError:
        result = None  # inconsistent inputs: published without factors, inputs as they are
    return OeeClosed(
        organization_id=org,
        plant_id=bucket.plant_id,
        work_center_id=bucket.work_center_id,
        line=line,
        production_day=bucket.production_day,
        shift_code=bucket.shift_code,
        shift_start=bucket.shift_start,
        shift_end=bucket.shift_end,
        scheduled_seconds=bucket.scheduled_seconds,
        break_seconds=bucket.break_seconds,
        planned_stop_seconds=bucket.planned_stop_seconds,
        breakdown_seconds=bucket.breakdown_seconds,
        setup_seconds=bucket.setup_seconds,
        minor_stop_seconds=bucket.minor_stop_seconds,
        ideal_run_seconds=bucket.ideal_run_seconds,
        good_count=bucket.good_count,
        scrap_count=bucket.scrap_count,
        rework_count=bucket.rework_count,
        quality_rejected_count=bucket.quality_rejected_count,
        availability=result.availability if result else None,
        performance=result.performance if result else None,
        quality=result.quality if result else None,
        oee=result.oee if result else None,
    )


async def close_in(conn: asyncpg.Connection, org: Any, now: datetime) -> int:
    """The close inside the caller's transaction; returns how many buckets it settled."""
    since = now - LOOK_BACK
    centers = [c for c in await work_centers_repo.all_active(conn)]
    ctx = await FloorContext.load(conn, {c.id for c in centers}, since, now)
    delta = repo.Delta()
    for center in centers:
        for slot in ctx.ended_slots(center.id, since, now):
            delta.add(center.id, center.plant_id, slot)
    for stop in await downtime_repo.open_all(conn):
        if stop.work_center_id in ctx.centers:
            booking.downtime(ctx, delta, stop, now, final=False)
            await downtime_repo.save(conn, stop)
    await delta.save(conn)
    settled = await repo.open_ended(conn, now)
    lines = {c.id: c.line for c in centers}
    events: list[tuple[Event, Any, Any]] = [
        (closed_event(org, b, lines.get(b.work_center_id)), b.work_center_id, None) for b in settled
    ]
    for start in range(0, len(events), PAGE):
        await announce_many(conn, events[start : start + PAGE])
    await repo.mark_closed(conn, settled)
    return len(settled)


async def run(ctx: JobContext) -> dict[str, Any]:
    tenant = await ctx.organization_tenant("production")
    if not tenant.plant_ids:
        return {"settled": 0}
    async with ctx.database.transaction(tenant) as conn:
        settled = await close_in(conn, ctx.organization_id, datetime.now(UTC))
    return {"settled": settled}

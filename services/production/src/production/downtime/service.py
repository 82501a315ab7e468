"""Downtime use cases: report a stop, end it, classify it, list them; and the stop's
consequences other use cases share (closing it when the machine runs again)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import asyncpg
import msgspec

from production.caller import SHOP_FLOOR, Caller
from production.downtime import repo
from production.downtime.models import Downtime, DowntimeEnd, DowntimeOpen, DowntimeUpdate
from production.oee_tracking import booking
from production.oee_tracking.context import FloorContext
from production.oee_tracking.repo import Delta
from production.planning import jobs as planning_jobs
from production.reasons import repo as reasons_repo
from production.reasons.models import Reason
from production.work_centers import repo as work_centers_repo
from unison_bus import announce
from unison_events.production import DowntimeEnded, DowntimeStarted
from unison_pg import Database
from unison_web import Conflict, Invalid, NotFound, paging
from unison_web.paging import Page

# A report may come a little late from a terminal, but never from the future.
CLOCK_SKEW = timedelta(minutes=1)
MAX_LIST_WINDOW = timedelta(days=93)


def now() -> datetime:
    return datetime.now(UTC)


def instant(value: datetime | None, pointer: str) -> datetime:
    at = value or now()
    if at > now() + CLOCK_SKEW:
        raise Invalid("lies in the future", pointer)
    return at.astimezone(UTC)


async def reason_for(
    conn: asyncpg.Connection, reason_id: UUID | None, pointer: str
) -> Reason | None:
    if reason_id is None:
        return None
    reason = await reasons_repo.get(conn, reason_id)
    if reason is None or reason.kind != "downtime":
        raise Invalid("no such downtime reason", pointer)
    if not reason.active:
        raise Invalid(f"downtime reason {reason.code} is no longer used", pointer)
    return reason


def _started(
    stop: Downtime, org: UUID, ctx_equipment: UUID | None, code: str | None
) -> DowntimeStarted:
    return DowntimeStarted(
        organization_id=org,
        plant_id=stop.plant_id,
        downtime_id=stop.id,
        work_center_id=stop.work_center_id,
        equipment_id=ctx_equipment,
        started_at=stop.started_at,
        expected_end=stop.expected_end,
        reason_code=code,
        planned=stop.planned,
        loss=stop.loss,
        maintenance_work_order_id=stop.maintenance_work_order_id,
    )


class StopFields(msgspec.Struct, frozen=True, kw_only=True):
    """What a new stop carries besides where and when. ``loss`` overrides the reason's
    (maintenance knows a preventive stop is planned)."""

    reason_id: UUID | None = None
    description: str | None = None
    expected_end: datetime | None = None
    source: str = "operator"
    maintenance_work_order_id: UUID | None = None
    work_order_id: UUID | None = None
    operation_no: int | None = None
    loss: str | None = None


async def open_in(
    conn: asyncpg.Connection, caller: Caller, work_center_id: UUID, at: datetime, f: StopFields
) -> Downtime:
    """Open a stop inside the caller's transaction."""
    center = await work_centers_repo.get(conn, work_center_id)
    if center is None:
        raise NotFound(f"work center {work_center_id} does not exist")
    reason = await reason_for(conn, f.reason_id, "/reason_id")
    loss = f.loss or (reason.loss if reason is not None and reason.loss else "breakdown")
    if f.expected_end is not None and f.expected_end < at:
        raise Invalid("must not be before the stop started", "/expected_end")
    stop = await repo.insert(
        conn,
        center.plant_id,
        center.id,
        (
            at,
            f.expected_end,
            f.reason_id,
            loss == "planned_stop",
            loss,
            f.description,
            f.source,
            f.maintenance_work_order_id,
            f.work_order_id,
            f.operation_no,
        ),
    )
    if stop is None:
        raise Conflict(f"work center {center.code} already has an open stop: end that one first")
    code = reason.code if reason else None
    event = _started(stop, caller.tenant.organization_id, center.equipment_id, code)
    await announce(conn, event, center.id, {"downtime_id": str(stop.id), "loss": loss})
    if f.source != "pause":
        # The plan counted on this machine: plan again around the stop. (A pause with a
        # reason is the operator's short stop; it does not move the plan.)
        await planning_jobs.enqueue_reschedule(
            conn, caller.tenant.organization_id, center.plant_id, "downtime"
        )
    return stop


async def open_stop(
    db: Database, caller: Caller, work_center_id: UUID, data: DowntimeOpen
) -> Downtime:
    caller.require(*SHOP_FLOOR)
    at = instant(data.started_at, "/started_at")
    fields = StopFields(
        reason_id=data.reason_id, description=data.description, expected_end=data.expected_end
    )
    async with db.transaction(caller.tenant) as conn:
        return await open_in(conn, caller, work_center_id, at, fields)


async def close_in(
    conn: asyncpg.Connection,
    caller: Caller,
    ctx: FloorContext,
    delta: Delta,
    stop: Downtime,
    at: datetime,
) -> Downtime:
    """End a locked open stop at ``at`` and book the rest of its time."""
    stop.ended_at = max(at, stop.started_at)
    stop.closed_by = caller.user
    booking.downtime(ctx, delta, stop, stop.ended_at, final=True)
    await repo.save(conn, stop)
    center = ctx.center(stop.work_center_id)
    reason = await reasons_repo.get(conn, stop.reason_id) if stop.reason_id else None
    event = DowntimeEnded(
        organization_id=caller.tenant.organization_id,
        plant_id=stop.plant_id,
        downtime_id=stop.id,
        work_center_id=stop.work_center_id,
        equipment_id=center.equipment_id,
        started_at=stop.started_at,
        ended_at=stop.ended_at,
        reason_code=reason.code if reason else None,
        planned=stop.planned,
        loss=booking.effective_loss(ctx, stop),
        maintenance_work_order_id=stop.maintenance_work_order_id,
    )
    await announce(conn, event, center.id, {"downtime_id": str(stop.id)})
    return stop


async def close_open_at(
    conn: asyncpg.Connection,
    caller: Caller,
    ctx: FloorContext,
    delta: Delta,
    work_centers: list[UUID],
    at: datetime,
) -> None:
    """The machines run again at ``at``: their open stops (begun before) end."""
    for stop in await repo.open_at(conn, work_centers):
        if stop.started_at <= at:
            await close_in(conn, caller, ctx, delta, stop, at)


async def end_stop(db: Database, caller: Caller, downtime_id: UUID, data: DowntimeEnd) -> Downtime:
    caller.require(*SHOP_FLOOR)
    at = instant(data.ended_at, "/ended_at")
    async with db.transaction(caller.tenant) as conn:
        stop = await repo.get(conn, downtime_id, lock=True)
        if stop is None:
            raise NotFound(f"downtime {downtime_id} does not exist")
        if stop.ended_at is not None:
            raise Conflict(f"the stop ended at {stop.ended_at.isoformat()}")
        if at < stop.started_at:
            raise Invalid("must not be before the stop started", "/ended_at")
        ctx = await FloorContext.load(conn, {stop.work_center_id}, stop.started_at, at)
        delta = Delta()
        closed = await close_in(conn, caller, ctx, delta, stop, at)
        await delta.save(conn)
    return closed


async def classify(
    db: Database, caller: Caller, downtime_id: UUID, data: DowntimeUpdate
) -> Downtime:
    caller.require(*SHOP_FLOOR)
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    async with db.transaction(caller.tenant) as conn:
        stop = await repo.get(conn, downtime_id, lock=True)
        if stop is None:
            raise NotFound(f"downtime {downtime_id} does not exist")
        updated = msgspec.structs.replace(stop, **changes)
        if "reason_id" in changes:
            reason = await reason_for(conn, updated.reason_id, "/reason_id")
            updated.loss = reason.loss if reason is not None and reason.loss else "breakdown"
            updated.planned = updated.loss == "planned_stop"
        if updated.expected_end is not None and updated.expected_end < updated.started_at:
            raise Invalid("must not be before the stop started", "/expected_end")
        if stop.booked_until is not None and updated.loss != stop.loss:
            ctx = await FloorContext.load(
                conn, {stop.work_center_id}, stop.started_at, stop.booked_until
            )
            delta = Delta()
            booking.rebook(ctx, delta, stop, updated)
            await delta.save(conn)
        await repo.save(conn, updated)
    return updated


async def get(db: Database, caller: Caller, downtime_id: UUID) -> Downtime:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        found = await repo.get(conn, downtime_id)
    if found is None:
        raise NotFound(f"downtime {downtime_id} does not exist")
    return found


async def list_page(
    db: Database,
    caller: Caller,
    work_center_id: UUID,
    window: tuple[datetime, datetime],
    cursor: str | None,
    limit: int,
) -> Page[Downtime]:
    if window[1] <= window[0] or window[1] - window[0] > MAX_LIST_WINDOW:
        raise Invalid(f"give a window of at most {MAX_LIST_WINDOW.days} days", "/to")
    key = paging.after(cursor, datetime, UUID)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        if await work_centers_repo.get(conn, work_center_id) is None:
            raise NotFound(f"work center {work_center_id} does not exist")
        rows = await repo.page(conn, work_center_id, window, key, limit + 1)
    return paging.cut(rows, limit, lambda d: (d.started_at, d.id))

"""Schedule a plant: gather its open orders, work centers, calendars and stops; run the
scheduler; write the bars onto the operations and keep the run."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from uuid import UUID, uuid5

import asyncpg
import msgspec

from production import scheduling, shift_calendar
from production.calendar import intervals
from production.calendars import repo as calendars_repo
from production.caller import PLANNERS, Caller
from production.downtime import repo as downtime_repo
from production.planning.models import ScheduleRequestBody, ScheduleRun
from production.work_centers import repo as work_centers_repo
from production.work_centers.models import WorkCenter
from production.work_orders import repo as orders_repo
from production.work_orders.models import WorkOrderOperation
from unison_bus import LiveData, LiveUpdate, notify_live
from unison_pg import Database, Queries

Q = Queries.load(Path(__file__).with_name("planning.sql"))
# A stop with no expected end blocks its work center this long from now: the planner
# sees the risk without the whole horizon going red.
OPEN_STOP_GUESS = timedelta(hours=2)
# Above this many operations the scheduler runs in a thread, so the event loop keeps
# answering health checks and other requests meanwhile.
THREAD_ABOVE = 500


def operation_key(order_id: UUID, operation_no: int) -> UUID:
    """The scheduler's id of an operation (orders number their operations)."""
    return uuid5(order_id, str(operation_no))


async def _capacity(
    conn: asyncpg.Connection, centers: list[WorkCenter], now: datetime, end: datetime
) -> list[scheduling.WorkCenterCapacity]:
    """Working time of each work center over the horizon, net of its stops."""
    stops = await downtime_repo.blocking(
        conn, [c.id for c in centers], (now, end), now + OPEN_STOP_GUESS
    )
    blocked: dict[UUID, list[tuple[datetime, datetime]]] = {}
    for center_id, start, until in stops:
        blocked.setdefault(center_id, []).append((start, until))
    found: list[scheduling.WorkCenterCapacity] = []
    working_of: dict[UUID, list[tuple[datetime, datetime]]] = {}
    for center in centers:
        if center.calendar_id not in working_of:
            document = await calendars_repo.document(conn, center.calendar_id, now, end)
            working_of[center.calendar_id] = (
                shift_calendar.working_intervals(document.rules, now, end) if document else []
            )
        working = working_of[center.calendar_id]
        net = [p for span in working for p in intervals.subtract(span, blocked.get(center.id, []))]
        found.append(
            scheduling.WorkCenterCapacity(
                id=center.id,
                units=center.capacity_units,
                available=tuple(net),
                efficiency=center.efficiency,
            )
        )
    return found


def _remaining_seconds(op: WorkOrderOperation, quantity: Decimal) -> Decimal:
    left = max(Decimal(0), quantity - op.good_quantity - op.scrap_quantity)
    return op.cycle_seconds * left


def _fixed(
    order_id: UUID, op: WorkOrderOperation, quantity: Decimal, now: datetime, center: WorkCenter
) -> scheduling.FixedBar:
    """An operation under way keeps its machine until what is left of it is done (wall
    time from now: it is running, breaks are the operator's business)."""
    seconds = _remaining_seconds(op, quantity) / center.efficiency
    if op.status == "setup":
        seconds += op.setup_seconds
    return scheduling.FixedBar(
        work_center_id=center.id,
        unit=None,
        start=now,
        end=now + timedelta(seconds=max(60, int(seconds))),
        order_id=order_id,
        operation_id=operation_key(order_id, op.operation_no),
    )


def _operations(
    order_id: UUID, ops: list[WorkOrderOperation], quantity: Decimal
) -> tuple[scheduling.OperationToSchedule, ...]:
    keys = {op.operation_no: operation_key(order_id, op.operation_no) for op in ops}
    return tuple(
        scheduling.OperationToSchedule(
            id=keys[op.operation_no],
            order_id=order_id,
            sequence=op.operation_no,
            work_center_id=op.work_center_id,
            alternative_work_center_ids=tuple(op.alternative_work_center_ids),
            setup_seconds=op.setup_seconds,
            run_seconds=_remaining_seconds(op, quantity),
            predecessors=tuple(keys[p] for p in op.predecessors if p in keys),
        )
        for op in ops
        if op.status == "pending"
    )


class _Plan(msgspec.Struct, frozen=True):
    request: scheduling.ScheduleRequest
    numbers: dict[UUID, int]  # scheduler operation id -> operation number


async def _gather(
    conn: asyncpg.Connection, plant_id: UUID, body: ScheduleRequestBody, now: datetime
) -> _Plan:
    end = now + timedelta(days=body.horizon_days)
    centers = [c for c in await work_centers_repo.all_active(conn) if c.plant_id == plant_id]
    by_id = {c.id: c for c in centers}
    orders = await conn.fetch(Q.open_orders, plant_id, body.include_drafts)
    ops = await orders_repo.operations(conn, [r["id"] for r in orders])
    fixed: list[scheduling.FixedBar] = []
    planned: list[scheduling.OrderToSchedule] = []
    numbers: dict[UUID, int] = {}
    for r in orders:
        mine = ops.get(r["id"], [])
        for op in mine:
            numbers[operation_key(r["id"], op.operation_no)] = op.operation_no
            center = by_id.get(op.active_work_center_id or op.work_center_id)
            if op.status in ("setup", "running", "paused") and center is not None:
                fixed.append(_fixed(r["id"], op, r["quantity"], now, center))
        todo = _operations(r["id"], mine, r["quantity"])
        if todo:
            release = max(now, r["release_at"] or now)
            planned.append(
                scheduling.OrderToSchedule(
                    id=r["id"],
                    priority=r["priority"],
                    due=r["due_at"],
                    release=release,
                    operations=todo,
                )
            )
    request = scheduling.ScheduleRequest(
        now=now,
        direction=body.direction,
        horizon_end=end,
        work_centers=tuple(await _capacity(conn, centers, now, end)),
        fixed=tuple(fixed),
        orders=tuple(planned),
    )
    return _Plan(request, numbers)


async def _write(
    conn: asyncpg.Connection, plant_id: UUID, plan: _Plan, result: scheduling.ScheduleResult
) -> None:
    placed = [b for b in result.bars if not b.fixed]
    orders = [b.order_id for b in placed]
    numbers = [plan.numbers[b.operation_id] for b in placed]
    await conn.execute(
        Q.write_operations,
        orders,
        numbers,
        [b.work_center_id for b in placed],
        [b.unit for b in placed],
        [b.start for b in placed],
        [b.end for b in placed],
    )
    await conn.execute(Q.clear_operations, plant_id, orders, numbers)
    spans: dict[UUID, tuple[datetime, datetime]] = {}
    for b in result.bars:
        first, last = spans.get(b.order_id, (b.start, b.end))
        spans[b.order_id] = (min(first, b.start), max(last, b.end))
    ids = sorted(spans, key=str)
    await conn.execute(Q.write_orders, ids, [spans[i][0] for i in ids], [spans[i][1] for i in ids])


def _json(value: object) -> str:
    return msgspec.json.encode(value).decode()


async def schedule_in(
    conn: asyncpg.Connection,
    caller: Caller,
    plant_id: UUID,
    body: ScheduleRequestBody,
    trigger: str,
) -> ScheduleRun:
    """Schedule the plant inside the caller's transaction."""
    now = datetime.now(UTC).replace(microsecond=0)
    plan = await _gather(conn, plant_id, body, now)
    started = time.perf_counter()
    if sum(len(o.operations) for o in plan.request.orders) > THREAD_ABOVE:
        result = await asyncio.to_thread(scheduling.schedule, plan.request)
    else:
        result = scheduling.schedule(plan.request)
    duration = (time.perf_counter() - started) * 1000
    await _write(conn, plant_id, plan, result)
    row = await conn.fetchrow(
        Q.run_insert,
        plant_id,
        body.direction,
        trigger,
        now,
        plan.request.horizon_end,
        _json(result.stats),
        _json(result.conflicts),
        _json(result.late_orders),
        round(duration, 3),
    )
    live: LiveData = {"run_id": str(row["id"]), "trigger": trigger}
    await notify_live(
        conn,
        LiveUpdate(
            type="production.schedule.updated",
            id=str(plant_id),
            organization_id=caller.tenant.organization_id,
            plant_id=plant_id,
            data=dict(live),
        ),
    )
    return ScheduleRun(
        id=row["id"],
        plant_id=plant_id,
        direction=body.direction,
        trigger=trigger,
        horizon_start=now,
        horizon_end=plan.request.horizon_end,
        stats=msgspec.to_builtins(result.stats),
        conflicts=msgspec.to_builtins(result.conflicts),
        late_orders=msgspec.to_builtins(result.late_orders),
        duration_ms=round(duration, 3),
        created_at=row["created_at"],
    )


async def schedule_plant(
    db: Database, caller: Caller, plant_id: UUID, body: ScheduleRequestBody
) -> ScheduleRun:
    caller.require(*PLANNERS)
    caller.check_plant(plant_id)
    async with db.transaction(caller.tenant) as conn:
        # One scheduling run of a plant at a time: two would overwrite each other's bars.
        await conn.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", f"schedule:{plant_id}"
        )
        return await schedule_in(conn, caller, plant_id, body, "manual")

"""Counts from machines, many rows in one call: each row is attributed to the operation
its order names, or to the one running at its work center, and the whole batch is one
transaction (all or nothing, a refusal names the row)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from uuid import UUID

import asyncpg

from production.caller import MACHINES, Caller
from production.downtime import repo as downtime_repo
from production.downtime import service as downtime
from production.oee_tracking import booking
from production.oee_tracking.context import FloorContext
from production.oee_tracking.repo import Delta
from production.reasons import repo as reasons_repo
from production.shop_floor import postings, repo
from production.shop_floor.models import MachineCount, MachineCounts, MachineCountsAccepted
from production.shop_floor.operations import Report, act_in, check_workable, operation_of
from production.work_orders import repo as orders_repo
from production.work_orders.models import WorkOrder
from unison_bus import Event, LiveData, announce_many
from unison_events.production import CountsLogged
from unison_pg import Database
from unison_web import Conflict, DomainError, Invalid, checks

Key = tuple[UUID, int]
ZERO = Decimal(0)


def _check_rows(data: MachineCounts) -> None:
    for i, row in enumerate(data.rows):
        for name in ("good", "scrap", "rework"):
            checks.decimal(getattr(row, name), f"/rows/{i}/{name}")
        if row.good + row.scrap + row.rework == 0:
            raise Invalid("a count of nothing", f"/rows/{i}/good")
        downtime.instant(row.at, f"/rows/{i}/at")
        if (row.work_order_id is None) != (row.operation_no is None):
            raise Invalid("name both the order and its operation, or neither", f"/rows/{i}")


async def _check_references(
    conn: asyncpg.Connection, data: MachineCounts, ctx: FloorContext
) -> None:
    wanted = [r.reason_id for r in data.rows if r.reason_id is not None]
    reasons = await reasons_repo.get_many(conn, wanted)
    for i, row in enumerate(data.rows):
        if row.work_center_id not in ctx.centers:
            raise Invalid("no such work center", f"/rows/{i}/work_center_id")
        if row.reason_id is not None:
            reason = reasons.get(row.reason_id)
            if reason is None or reason.kind != "scrap":
                raise Invalid("no such scrap reason", f"/rows/{i}/reason_id")


async def _attribute(conn: asyncpg.Connection, data: MachineCounts) -> list[Key | None]:
    """Each row's (order, operation): named, or running at its work center now."""
    loose = sorted({r.work_center_id for r in data.rows if r.work_order_id is None}, key=str)
    running = await repo.running_at(conn, loose) if loose else {}
    keys: list[Key | None] = []
    for row in data.rows:
        if row.work_order_id is not None and row.operation_no is not None:
            keys.append((row.work_order_id, row.operation_no))
        else:
            keys.append(running.get(row.work_center_id))
    return keys


def _row_error(exc: DomainError, index: int) -> DomainError:
    exc.errors = [{"pointer": f"/rows/{index}", "detail": exc.detail}]
    return exc


async def _lock_orders(conn: asyncpg.Connection, keys: list[Key | None]) -> dict[UUID, WorkOrder]:
    """Lock every order the batch counts for, in id order (no deadlocks between batches),
    and check each row may count there."""
    orders: dict[UUID, WorkOrder] = {}
    for order_id in sorted({k[0] for k in keys if k is not None}, key=str):
        found = await orders_repo.full(conn, order_id, lock=True)
        if found is not None:
            orders[order_id] = found
    for i, key in enumerate(keys):
        if key is None:
            continue
        order = orders.get(key[0])
        if order is None:
            raise Invalid("no such work order", f"/rows/{i}/work_order_id")
        try:
            check_workable(order)
            if operation_of(order, key[1]).status == "completed":
                raise Conflict(f"operation {key[1]} of work order {order.number} is completed")
        except DomainError as exc:
            raise _row_error(exc, i) from None
    return orders


async def _start_pending(
    conn: asyncpg.Connection,
    caller: Caller,
    orders: dict[UUID, WorkOrder],
    first: dict[Key, MachineCount],
) -> None:
    """A machine counting on a pending operation has started it, at its first count."""
    for key, row in sorted(first.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
        order = orders[key[0]]
        if operation_of(order, key[1]).status == "pending":
            report = Report(at=row.at, person=caller.user, work_center_id=row.work_center_id)
            orders[key[0]] = await act_in(conn, caller, order, key[1], "start", report)


def _log_row(
    ctx: FloorContext, row: MachineCount, key: Key | None, order: WorkOrder | None
) -> repo.LogRow:
    slot = ctx.slot_at(row.work_center_id, row.at)
    cycle = operation_of(order, key[1]).cycle_seconds if order is not None and key else None
    return repo.LogRow(
        logged_at=row.at,
        plant_id=ctx.center(row.work_center_id).plant_id,
        work_center_id=row.work_center_id,
        work_order_id=key[0] if key else None,
        operation_no=key[1] if key else None,
        kind="count",
        production_day=slot.production_day,
        shift_code=slot.shift_code,
        good=row.good,
        scrap=row.scrap,
        rework=row.rework,
        reason_id=row.reason_id,
        source="machine",
        ideal_cycle_seconds=cycle,
    )


async def _close_stops(
    conn: asyncpg.Connection, caller: Caller, ctx: FloorContext, delta: Delta, data: MachineCounts
) -> None:
    """A stop ends at the first count after it began: the machine ran then."""
    times: dict[UUID, list[MachineCount]] = defaultdict(list)
    for row in data.rows:
        times[row.work_center_id].append(row)
    for stop in await downtime_repo.open_at(conn, sorted(times, key=str)):
        after = sorted(r.at for r in times[stop.work_center_id] if r.at >= stop.started_at)
        if after:
            await downtime.close_in(conn, caller, ctx, delta, stop, after[0])


async def _per_operation(
    conn: asyncpg.Connection,
    caller: Caller,
    orders: dict[UUID, WorkOrder],
    sums: dict[Key, list[Decimal]],
    last: dict[Key, MachineCount],
    ctx: FloorContext,
) -> list[UUID]:
    """Counters and one goods posting per operation counted for."""
    posted: list[UUID] = []
    for key in sorted(sums, key=lambda k: (str(k[0]), k[1])):
        good, scrap, rework = sums[key]
        order = orders[key[0]]
        op = operation_of(order, key[1])
        await repo.operation_counts(conn, order.id, op.operation_no, (good, scrap, rework))
        await repo.order_counts(conn, order.id, good if op.reports_output else ZERO, scrap)
        day = ctx.slot_at(last[key].work_center_id, last[key].at).production_day
        posting = postings.build(caller.tenant.organization_id, order, op, (good, scrap), day)
        if posting is not None:
            posted.append(await postings.request(conn, order, posting))
    return posted


def _counted_events(
    caller: Caller, ctx: FloorContext, rows: list[repo.LogRow]
) -> list[tuple[Event, UUID | str, LiveData | None]]:
    by_center: dict[UUID, list[repo.LogRow]] = defaultdict(list)
    for row in rows:
        by_center[row.work_center_id].append(row)
    events: list[tuple[Event, UUID | str, LiveData | None]] = []
    for center_id, mine in sorted(by_center.items(), key=lambda kv: str(kv[0])):
        center = ctx.center(center_id)
        good = sum((r.good for r in mine), ZERO)
        event = CountsLogged(
            organization_id=caller.tenant.organization_id,
            plant_id=center.plant_id,
            work_center_id=center_id,
            equipment_id=center.equipment_id,
            first_at=min(r.logged_at for r in mine),
            last_at=max(r.logged_at for r in mine),
            good_quantity=good,
            scrap_quantity=sum((r.scrap for r in mine), ZERO),
            rework_quantity=sum((r.rework for r in mine), ZERO),
            ideal_run_seconds=sum(
                ((r.ideal_cycle_seconds or ZERO) * (r.good + r.scrap + r.rework) for r in mine),
                ZERO,
            ),
            source="machine",
        )
        events.append((event, center_id, {"good": str(good), "rows": len(mine)}))
    return events


async def ingest(db: Database, caller: Caller, data: MachineCounts) -> MachineCountsAccepted:
    caller.require(*MACHINES)
    _check_rows(data)
    first_at = min(r.at for r in data.rows)
    last_at = max(r.at for r in data.rows)
    async with db.transaction(caller.tenant) as conn:
        centers = {r.work_center_id for r in data.rows}
        ctx = await FloorContext.load(conn, centers, first_at, last_at)
        await _check_references(conn, data, ctx)
        keys = await _attribute(conn, data)
        orders = await _lock_orders(conn, keys)
        first: dict[Key, MachineCount] = {}
        last: dict[Key, MachineCount] = {}
        sums: dict[Key, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO])
        for row, key in sorted(zip(data.rows, keys, strict=True), key=lambda p: p[0].at):
            if key is not None:
                first.setdefault(key, row)
                last[key] = row
                amounts = sums[key]
                amounts[0] += row.good
                amounts[1] += row.scrap
                amounts[2] += row.rework
        await _start_pending(conn, caller, orders, first)
        delta = Delta()
        rows = []
        for row, key in zip(data.rows, keys, strict=True):
            order = orders.get(key[0]) if key else None
            log = _log_row(ctx, row, key, order)
            rows.append(log)
            quantities = (row.good, row.scrap, row.rework)
            booking.counts(
                ctx, delta, row.work_center_id, row.at, quantities, log.ideal_cycle_seconds
            )
        await repo.logs_insert(conn, rows)
        await _close_stops(conn, caller, ctx, delta, data)
        await delta.save(conn)
        posted = await _per_operation(conn, caller, orders, sums, last, ctx)
        await announce_many(conn, _counted_events(caller, ctx, rows))
    attributed = sum(1 for k in keys if k is not None)
    return MachineCountsAccepted(
        rows=len(data.rows),
        attributed=attributed,
        unattributed=len(data.rows) - attributed,
        postings=posted,
    )

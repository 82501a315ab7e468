"""Start (or set up), pause, resume and finish operations: the operation's state machine
with its consequences (labour, stops, setup time, the order's own state)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg
import msgspec

from production.caller import SHOP_FLOOR, Caller
from production.downtime import service as downtime
from production.oee_tracking import booking
from production.oee_tracking.context import FloorContext
from production.oee_tracking.repo import Delta
from production.shop_floor import repo
from production.shop_floor.models import Action, OperationReport
from production.work_orders import repo as orders_repo
from production.work_orders import states, transitions
from production.work_orders.models import WorkOrder, WorkOrderOperation
from production.work_orders.service import load, locked
from unison_bus import LiveData, announce
from unison_events.production import OperationStatusChanged
from unison_pg import Database
from unison_web import Conflict, Invalid, NotFound

RUNNING = frozenset({"setup", "running"})


class Report(msgspec.Struct, frozen=True, kw_only=True):
    """A report made concrete: when, who, where."""

    at: datetime
    person: str
    work_center_id: UUID | None = None
    reason_id: UUID | None = None
    note: str | None = None


def operation_of(order: WorkOrder, operation_no: int) -> WorkOrderOperation:
    for op in order.operations:
        if op.operation_no == operation_no:
            return op
    raise NotFound(f"work order {order.number} has no operation {operation_no}")


def check_workable(order: WorkOrder) -> None:
    if order.status not in states.WORKABLE:
        raise Conflict(
            f"work order {order.number} is {order.status}: the shop floor cannot report on it"
        )


def _check_predecessors(order: WorkOrder, op: WorkOrderOperation) -> None:
    waiting = [
        p.operation_no
        for p in order.operations
        if p.operation_no in op.predecessors and p.status == "pending"
    ]
    if waiting:
        raise Conflict(
            f"operation {op.operation_no} follows operation {waiting[0]}, which has not started"
        )


def _work_center(op: WorkOrderOperation, wanted: UUID | None) -> UUID:
    if op.active_work_center_id is not None:
        if wanted is not None and wanted != op.active_work_center_id:
            raise Invalid("the operation already runs at another work center", "/work_center_id")
        return op.active_work_center_id
    if wanted is None or wanted == op.work_center_id:
        return op.work_center_id
    if wanted not in op.alternative_work_center_ids:
        raise Invalid("neither the operation's work center nor an alternative", "/work_center_id")
    return wanted


async def act_in(
    conn: asyncpg.Connection,
    caller: Caller,
    order: WorkOrder,
    operation_no: int,
    action: Action,
    report: Report,
) -> WorkOrder:
    """Move a locked order's operation by ``action``; returns the order as it is now."""
    check_workable(order)
    op = operation_of(order, operation_no)
    target = states.operation_target(action, op.status, op.paused_from)
    if op.status == "pending":
        _check_predecessors(order, op)
    if op.phase_started_at is not None and report.at < op.phase_started_at:
        raise Invalid("lies before the operation's current phase began", "/at")
    center = _work_center(op, report.work_center_id)
    since = op.phase_started_at or report.at
    ctx = await FloorContext.load(conn, {center}, since, report.at)
    delta = Delta()
    if op.status == "setup":
        booking.stretch(ctx, delta, center, (since, report.at), "setup")
    await repo.operation_state(
        conn,
        order.id,
        operation_no,
        target,
        (
            center,
            report.at if target in RUNNING else None,
            op.status if target == "paused" else None,
            report.at if target == "completed" else None,
        ),
    )
    await _people_and_stops(conn, caller, ctx, delta, (order, op, center, target), report)
    await _log(conn, ctx, order, (operation_no, center, action), report)
    await delta.save(conn)
    await _announce(conn, caller, order, op, (center, target), report)
    return await _order_follows(conn, caller, order.id, target)


async def _people_and_stops(
    conn: asyncpg.Connection,
    caller: Caller,
    ctx: FloorContext,
    delta: Delta,
    what: tuple[WorkOrder, WorkOrderOperation, UUID, str],
    report: Report,
) -> None:
    order, op, center, target = what
    if target in RUNNING:
        await repo.labour_open(
            conn, (order.id, op.operation_no, center), report.person, report.at, order.plant_id
        )
        # The machine runs again: whatever stop was open there ends now.
        await downtime.close_open_at(conn, caller, ctx, delta, [center], report.at)
    else:
        await repo.labour_close(conn, order.id, op.operation_no, report.at)
    if target == "paused" and report.reason_id is not None:
        fields = downtime.StopFields(
            reason_id=report.reason_id,
            description=report.note,
            source="pause",
            work_order_id=order.id,
            operation_no=op.operation_no,
        )
        await downtime.open_in(conn, caller, center, report.at, fields)


async def _log(
    conn: asyncpg.Connection,
    ctx: FloorContext,
    order: WorkOrder,
    what: tuple[int, UUID, str],
    report: Report,
) -> None:
    operation_no, center, kind = what
    slot = ctx.slot_at(center, report.at)
    await repo.logs_insert(
        conn,
        [
            repo.LogRow(
                logged_at=report.at,
                plant_id=order.plant_id,
                work_center_id=center,
                work_order_id=order.id,
                operation_no=operation_no,
                kind=kind,
                production_day=slot.production_day,
                shift_code=slot.shift_code,
                reason_id=report.reason_id,
                person=report.person,
                note=report.note,
            )
        ],
    )


async def _announce(
    conn: asyncpg.Connection,
    caller: Caller,
    order: WorkOrder,
    op: WorkOrderOperation,
    moved: tuple[UUID, str],
    report: Report,
) -> None:
    center, target = moved
    await orders_repo.status_change(
        conn, order, op.operation_no, (op.status, target), report.note, caller.request_id
    )
    event = OperationStatusChanged(
        organization_id=caller.tenant.organization_id,
        plant_id=order.plant_id,
        work_order_id=order.id,
        number=order.number,
        operation_no=op.operation_no,
        work_center_id=center,
        status=target,
        previous=op.status,
        at=report.at,
        material_id=order.material_id,
        good_quantity=op.good_quantity,
    )
    live: LiveData = {"number": order.number, "operation_no": op.operation_no, "status": target}
    await announce(conn, event, order.id, live)


async def _order_follows(
    conn: asyncpg.Connection, caller: Caller, order_id: UUID, target: str
) -> WorkOrder:
    """The first start puts the order in progress; the last finish completes it."""
    order = await load(conn, order_id)
    if target in RUNNING:
        return await transitions.start_if_released(conn, caller, order)
    if target == "completed" and all(op.status == "completed" for op in order.operations):
        return await transitions.apply(conn, caller, order, "complete", None)
    return order


async def act(
    db: Database,
    caller: Caller,
    order_id: UUID,
    operation_no: int,
    action: Action,
    data: OperationReport,
) -> WorkOrder:
    caller.require(*SHOP_FLOOR)
    report = Report(
        at=downtime.instant(data.at, "/at"),
        person=data.person or caller.user,
        work_center_id=data.work_center_id,
        reason_id=data.reason_id if action == "pause" else None,
        note=data.note,
    )
    if data.reason_id is not None and action != "pause":
        raise Invalid("a reason goes with a pause (the machine stands)", "/reason_id")
    async with db.transaction(caller.tenant) as conn:
        order = await locked(conn, order_id, None)
        return await act_in(conn, caller, order, operation_no, action, report)

"""Confirmations: pieces reported for an operation (good, scrap and rework by reason),
with everything they move: the log, the counters, the OEE bucket, the goods postings."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import asyncpg
import msgspec

from production.caller import SHOP_FLOOR, Caller
from production.downtime import service as downtime
from production.oee_tracking import booking
from production.oee_tracking.context import FloorContext
from production.oee_tracking.repo import Delta
from production.oee_tracking.slots import Slot
from production.reasons import repo as reasons_repo
from production.shop_floor import postings, repo
from production.shop_floor.models import Confirmation
from production.shop_floor.operations import Report, act_in, check_workable, operation_of
from production.work_orders.models import WorkOrder, WorkOrderOperation
from production.work_orders.service import load, locked
from unison_bus import LiveData, announce
from unison_events.production import CountsLogged
from unison_pg import Database
from unison_web import Conflict, Invalid, checks


def _check_quantities(data: Confirmation) -> tuple[Decimal, Decimal, Decimal]:
    checks.decimal(data.good, "/good")
    for kind in ("scrap", "rework"):
        for i, part in enumerate(getattr(data, kind)):
            checks.decimal(part.quantity, f"/{kind}/{i}/quantity", positive=True)
    scrap = sum((p.quantity for p in data.scrap), Decimal(0))
    rework = sum((p.quantity for p in data.rework), Decimal(0))
    if data.good + scrap + rework == 0:
        raise Invalid("report at least one piece: good, scrap or rework", "/good")
    return data.good, scrap, rework


async def _check_reasons(conn: asyncpg.Connection, data: Confirmation) -> None:
    wanted = [p.reason_id for p in (*data.scrap, *data.rework) if p.reason_id is not None]
    found = await reasons_repo.get_many(conn, wanted)
    for kind in ("scrap", "rework"):
        for i, part in enumerate(getattr(data, kind)):
            if part.reason_id is None:
                continue
            reason = found.get(part.reason_id)
            if reason is None or reason.kind != kind:
                raise Invalid(f"no such {kind} reason", f"/{kind}/{i}/reason_id")


def _rows(
    order: WorkOrder,
    op: WorkOrderOperation,
    center: UUID,
    report: Report,
    data: Confirmation,
    slot: Slot,
) -> list[repo.LogRow]:
    base = repo.LogRow(
        logged_at=report.at,
        plant_id=order.plant_id,
        work_center_id=center,
        work_order_id=order.id,
        operation_no=op.operation_no,
        kind="count",
        production_day=slot.production_day,
        shift_code=slot.shift_code,
        person=report.person,
        ideal_cycle_seconds=op.cycle_seconds,
        note=report.note,
    )
    rows = [msgspec.structs.replace(base, good=data.good)] if data.good > 0 else []
    for part in data.scrap:
        rows.append(msgspec.structs.replace(base, scrap=part.quantity, reason_id=part.reason_id))
    for part in data.rework:
        rows.append(msgspec.structs.replace(base, rework=part.quantity, reason_id=part.reason_id))
    return rows


async def confirm_in(
    conn: asyncpg.Connection,
    caller: Caller,
    order: WorkOrder,
    operation_no: int,
    data: Confirmation,
    report: Report,
) -> WorkOrder:
    """Record a confirmation on a locked order inside the caller's transaction."""
    check_workable(order)
    good, scrap, rework = _check_quantities(data)
    await _check_reasons(conn, data)
    if operation_of(order, operation_no).status == "completed":
        raise Conflict(f"operation {operation_no} of work order {order.number} is completed")
    if operation_of(order, operation_no).status == "pending":
        order = await act_in(conn, caller, order, operation_no, "start", report)
    op = operation_of(order, operation_no)
    center = op.active_work_center_id or op.work_center_id
    ctx = await FloorContext.load(conn, {center}, report.at, report.at)
    delta = Delta()
    slot = ctx.slot_at(center, report.at)
    await repo.logs_insert(conn, _rows(order, op, center, report, data, slot))
    booking.counts(ctx, delta, center, report.at, (good, scrap, rework), op.cycle_seconds)
    await repo.operation_counts(conn, order.id, operation_no, (good, scrap, rework))
    await repo.order_counts(conn, order.id, good if op.reports_output else Decimal(0), scrap)
    await downtime.close_open_at(conn, caller, ctx, delta, [center], report.at)
    await delta.save(conn)
    org = caller.tenant.organization_id
    posting = postings.build(org, order, op, (good, scrap), slot.production_day)
    if posting is not None:
        await postings.request(conn, order, posting)
    counted = CountsLogged(
        organization_id=org,
        plant_id=order.plant_id,
        work_center_id=center,
        equipment_id=ctx.center(center).equipment_id,
        first_at=report.at,
        last_at=report.at,
        good_quantity=good,
        scrap_quantity=scrap,
        rework_quantity=rework,
        ideal_run_seconds=op.cycle_seconds * (good + scrap + rework),
        source="operator",
    )
    live: LiveData = {"number": order.number, "operation_no": operation_no, "good": str(good)}
    await announce(conn, counted, center, live)
    order = await load(conn, order.id)
    if data.finish:
        order = await act_in(conn, caller, order, operation_no, "finish", report)
    return order


async def confirm(
    db: Database, caller: Caller, order_id: UUID, operation_no: int, data: Confirmation
) -> WorkOrder:
    caller.require(*SHOP_FLOOR)
    report = Report(
        at=downtime.instant(data.at, "/at"), person=data.person or caller.user, note=data.note
    )
    async with db.transaction(caller.tenant) as conn:
        order = await locked(conn, order_id, None)
        return await confirm_in(conn, caller, order, operation_no, data, report)

"""Work order state changes: checked against the state machine (``states``), recorded
in the order's history, published with a live update, all in one transaction."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from production.caller import PLANNERS, Caller
from production.planning import jobs as planning_jobs
from production.read_models import repo as read_models
from production.work_orders import repo, snapshots, states
from production.work_orders.models import WorkOrder
from production.work_orders.service import load, locked, now
from unison_bus import Event, LiveData, announce_many
from unison_pg import Database
from unison_web import Conflict, Invalid

NEEDS_REASON = frozenset({"hold", "cancel"})


def _guard(action: str, order: WorkOrder) -> None:
    """What the state table cannot say: conditions on the order's content."""
    if action == "release" and not order.operations:
        raise Conflict(f"work order {order.number} has no operations to run")
    busy = [op.operation_no for op in order.operations if op.status in ("setup", "running")]
    if action in ("complete", "hold") and busy:
        raise Conflict(
            f"operation {busy[0]} of work order {order.number} is running: pause or finish it"
            f" before you {action} the order"
        )
    produced = order.good_quantity + order.scrap_quantity > 0 or any(
        op.status != "pending" for op in order.operations
    )
    if action == "cancel" and produced:
        raise Conflict(
            f"work order {order.number} has production recorded: complete and close it instead"
        )


async def apply(
    conn: asyncpg.Connection,
    caller: Caller,
    order: WorkOrder,
    action: str,
    reason: str | None,
) -> WorkOrder:
    """Move a locked order by ``action`` inside the caller's transaction."""
    target = states.order_target(action, order.status, order.held_from)
    _guard(action, order)
    held_from = order.status if target == "on_hold" else None
    await repo.set_status(conn, order.id, target, held_from)
    await repo.status_change(conn, order, None, (order.status, target), reason, caller.request_id)
    moved = await load(conn, order.id)
    materials = await read_models.materials_get(conn, [order.material_id])
    number = materials[order.material_id].number if order.material_id in materials else ""
    org = caller.tenant.organization_id
    changed = snapshots.status_changed(moved, number, org, order.status, reason)
    live = {"number": order.number, "status": target, "previous": order.status}
    events: list[tuple[Event, UUID | str, LiveData | None]] = [(changed, order.id, live)]
    if action == "release":
        requirement = (order.release_at or now()).date()
        events.append((snapshots.released(moved, org, requirement), order.id, None))
        if order.priority == 0:
            # A rush order: the plan of its plant makes room for it.
            await planning_jobs.enqueue_reschedule(conn, org, order.plant_id, "rush order")
    await announce_many(conn, events)
    return moved


async def transition(
    db: Database,
    caller: Caller,
    order_id: UUID,
    action: str,
    reason: str | None,
    expected: int | None,
) -> WorkOrder:
    caller.require(*PLANNERS)
    if action in NEEDS_REASON and not (reason and reason.strip()):
        raise Invalid(f"say why you {action} the order", "/reason")
    async with db.transaction(caller.tenant) as conn:
        order = await locked(conn, order_id, expected)
        return await apply(conn, caller, order, action, reason)


async def start_if_released(
    conn: asyncpg.Connection, caller: Caller, order: WorkOrder
) -> WorkOrder:
    """The first operation started on the shop floor puts the order in progress."""
    if order.status == "released":
        return await apply(conn, caller, order, "start", None)
    return order

"""Inspections made from other services' events: a receipt (a purchase, or an order's
final receipt), an operation's completion."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from uuid import UUID

import asyncpg

from quality.caller import system_caller
from quality.inspections.creation import Spec, create_in
from quality.plans import repo as plans_repo
from quality.read_models import repo as read_models
from unison_events.inventory import GoodsMovementPosted
from unison_events.production import OperationStatusChanged
from unison_pg import Tenant
from unison_pg.scope import scope_plants


async def on_goods_movement_posted(conn: asyncpg.Connection, event: GoodsMovementPosted) -> None:
    """A 101 receipt: an order's product (final inspection, when its reference is an order
    quality knows) or a delivery (goods receipt). One inspection per received line."""
    if event.movement_type != "101" or event.reversal_of is not None:
        return
    await scope_plants(conn, event.plant_id)
    order = (
        await read_models.work_order_by_number(conn, event.reference) if event.reference else None
    )
    trigger = "final_inspection" if order is not None else "goods_receipt"
    planned = await _planned(conn, event, trigger)
    if not planned:
        return
    caller = system_caller(
        Tenant(event.organization_id, (event.plant_id,) if event.plant_id else (), "inventory")
    )
    for index, line in enumerate(event.lines):
        if line.quantity <= 0 or (line.plant_id, line.material_id) not in planned:
            continue
        spec = Spec(
            plant_id=line.plant_id,
            material_id=line.material_id,
            quantity=line.quantity,
            unit=line.unit,
            trigger=trigger,
            lot=line.lot or None,
            source_key=f"receipt:{event.movement_id}:{index}",
            work_order_id=order.id if order else None,
        )
        await create_in(conn, caller, spec)


async def _planned(
    conn: asyncpg.Connection, event: GoodsMovementPosted, trigger: str
) -> set[tuple[UUID, UUID]]:
    """The (plant, material) pairs of the receipt that a released plan covers: one query per
    plant rather than a plan lookup per line, since most receipts inspect nothing."""
    by_plant: dict[UUID, set[UUID]] = defaultdict(set)
    for line in event.lines:
        if line.quantity > 0:
            by_plant[line.plant_id].add(line.material_id)
    today = datetime.now(UTC).date()
    planned: set[tuple[UUID, UUID]] = set()
    for plant_id, materials in by_plant.items():
        found = await plans_repo.planned_materials(
            conn, plant_id, sorted(materials), trigger, today
        )
        planned.update((plant_id, m) for m in found)
    return planned


async def on_operation_status_changed(
    conn: asyncpg.Connection, event: OperationStatusChanged
) -> None:
    """A finished operation whose plan asks for it is inspected (its good pieces so far)."""
    if event.status != "completed" or not event.good_quantity or event.good_quantity <= 0:
        return
    await scope_plants(conn, event.plant_id)
    order = await read_models.work_order(conn, event.work_order_id)
    if order is None:
        return
    material = await read_models.material(conn, order.material_id)
    caller = system_caller(Tenant(event.organization_id, (order.plant_id,), "production"))
    spec = Spec(
        plant_id=order.plant_id,
        material_id=order.material_id,
        quantity=event.good_quantity,
        unit=material.base_unit if material else "PC",
        trigger="operation_completion",
        lot=order.output_lot,
        source_key=f"operation:{order.id}:{event.operation_no}",
        work_order_id=order.id,
        operation_no=event.operation_no,
        work_center_id=event.work_center_id,
        # Work in progress has no lot in stock yet: it is held by the inspection itself.
        hold_lot=False,
    )
    await create_in(conn, caller, spec)

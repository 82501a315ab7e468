"""A new order's plan: its copy of the routing and its components, checked before the
order is written."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

import asyncpg

from production.read_models import repo as read_models
from production.routings import repo as routings_repo
from production.routings.models import Operation
from production.work_orders import components as bom
from production.work_orders.models import (
    ComponentCreate,
    WorkOrderComponent,
    WorkOrderCreate,
    WorkOrderOperation,
)
from unison_web import Invalid, checks


async def routing_operations(
    conn: asyncpg.Connection, data: WorkOrderCreate, on: date
) -> tuple[UUID, list[Operation]]:
    routing_id = data.routing_id or await routings_repo.valid_for(
        conn, data.material_id, data.plant_id, on
    )
    if routing_id is None:
        raise Invalid(
            f"no released routing of this material in the plant is valid on {on}: give routing_id"
            " or release one",
            "/routing_id",
        )
    routing = await routings_repo.full(conn, routing_id)
    if routing is None or routing.plant_id != data.plant_id:
        raise Invalid("no such routing in the order's plant", "/routing_id")
    if routing.material_id != data.material_id:
        raise Invalid("the routing is for another material", "/routing_id")
    if routing.status != "released":
        raise Invalid(f"the routing is {routing.status}, not released", "/routing_id")
    return routing_id, routing.operations


def order_operations(operations: list[Operation]) -> list[WorkOrderOperation]:
    return [
        WorkOrderOperation(
            operation_no=op.operation_no,
            description=op.description,
            work_center_id=op.work_center_id,
            alternative_work_center_ids=op.alternative_work_center_ids,
            setup_seconds=op.setup_seconds,
            cycle_seconds=op.cycle_seconds,
            predecessors=op.predecessors,
            inspection_required=op.inspection_required,
            consumption=op.consumption,
            reports_output=op.reports_output,
            status="pending",
            active_work_center_id=None,
            good_quantity=Decimal(0),
            scrap_quantity=Decimal(0),
            rework_quantity=Decimal(0),
            started_at=None,
            finished_at=None,
            phase_started_at=None,
            paused_from=None,
            scheduled_work_center_id=None,
            scheduled_start=None,
            scheduled_end=None,
            version=1,
        )
        for op in operations
    ]


def _backflush(operations: list[Operation], operation_no: int) -> bool:
    return next(op.consumption for op in operations if op.operation_no == operation_no) == (
        "backflush"
    )


async def from_bom(
    conn: asyncpg.Connection,
    data: WorkOrderCreate,
    base_unit: str,
    operations: list[Operation],
    on: date,
) -> list[WorkOrderComponent]:
    async def lookup(ids: list[UUID]) -> dict[UUID, read_models.BomRow]:
        return await read_models.boms_for(conn, ids, data.plant_id, on)

    wanted = await bom.explode(lookup, data.material_id, data.quantity, base_unit, on)
    lines = []
    for n, req in enumerate(wanted, start=1):
        op = bom.operation_for(req.material_id, req.operation, operations)
        lines.append(
            WorkOrderComponent(
                line_no=n,
                material_id=req.material_id,
                operation_no=op,
                quantity=req.quantity,
                unit=req.unit,
                backflush=_backflush(operations, op),
                by_product=req.by_product,
                issue_location_id=None,
                lot=None,
                issued_quantity=Decimal(0),
            )
        )
    return lines


async def given(
    conn: asyncpg.Connection, given_lines: list[ComponentCreate], operations: list[Operation]
) -> list[WorkOrderComponent]:
    known = await read_models.materials_get(conn, [c.material_id for c in given_lines])
    numbers = {op.operation_no for op in operations}
    lines = []
    for n, c in enumerate(given_lines):
        at = f"/components/{n}"
        material = known.get(c.material_id)
        if material is None or material.deleted:
            raise Invalid("no such material", f"{at}/material_id")
        checks.decimal(c.quantity, f"{at}/quantity", positive=True)
        op = c.operation_no
        if op is None:
            op = bom.operation_for(c.material_id, None, operations)
        elif op not in numbers:
            raise Invalid(f"the order has no operation {op}", f"{at}/operation_no")
        lines.append(
            WorkOrderComponent(
                line_no=n + 1,
                material_id=c.material_id,
                operation_no=op,
                quantity=c.quantity,
                unit=material.base_unit,
                backflush=_backflush(operations, op) if c.backflush is None else c.backflush,
                by_product=c.by_product,
                issue_location_id=c.issue_location_id,
                lot=c.lot,
                issued_quantity=Decimal(0),
            )
        )
    return lines

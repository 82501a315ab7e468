"""The events a work order publishes, built from its row."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from production.read_models.repo import MaterialRow
from production.work_orders.models import WorkOrder
from unison_events.production import (
    WorkOrderComponentLine,
    WorkOrderCreated,
    WorkOrderReleased,
    WorkOrderStatusChanged,
)


def _snapshot(order: WorkOrder, material_number: str) -> dict[str, Any]:
    return {
        "plant_id": order.plant_id,
        "work_order_id": order.id,
        "number": order.number,
        "material_id": order.material_id,
        "material_number": material_number,
        "quantity": order.quantity,
        "unit": order.unit,
        "status": order.status,
        "priority": order.priority,
        "due_at": order.due_at,
        "source": order.source,
        "good_quantity": order.good_quantity,
        "scrap_quantity": order.scrap_quantity,
        "version": order.version,
        "output_lot": order.output_lot or order.number,
        "created_at": order.created_at,
        "scheduled_end": order.scheduled_end,
    }


def output_work_center(order: WorkOrder) -> UUID | None:
    """Where the order's output was made: the operation that reports output (else the
    last one), at the work center it ran on (an alternative may have been chosen)."""
    if not order.operations:
        return None
    reporting = [op for op in order.operations if op.reports_output]
    op = max(reporting or order.operations, key=lambda o: o.operation_no)
    return op.active_work_center_id or op.work_center_id


def created(order: WorkOrder, material: MaterialRow, organization_id: Any) -> WorkOrderCreated:
    return WorkOrderCreated(organization_id=organization_id, **_snapshot(order, material.number))


def status_changed(
    order: WorkOrder,
    material_number: str,
    organization_id: Any,
    previous: str,
    reason: str | None,
) -> WorkOrderStatusChanged:
    return WorkOrderStatusChanged(
        organization_id=organization_id,
        previous=previous,
        reason=reason,
        actual_start=order.actual_start,
        actual_end=order.actual_end,
        work_center_id=output_work_center(order),
        **_snapshot(order, material_number),
    )


def released(order: WorkOrder, organization_id: Any, requirement: date) -> WorkOrderReleased:
    return WorkOrderReleased(
        organization_id=organization_id,
        plant_id=order.plant_id,
        work_order_id=order.id,
        number=order.number,
        material_id=order.material_id,
        quantity=order.quantity,
        unit=order.unit,
        requirement_date=requirement,
        components=tuple(
            WorkOrderComponentLine(
                line_no=c.line_no,
                material_id=c.material_id,
                quantity=c.quantity,
                unit=c.unit,
                operation_no=c.operation_no,
                backflush=c.backflush,
                by_product=c.by_product,
                location_id=c.issue_location_id,
                lot=c.lot,
            )
            for c in order.components
            if not c.by_product
        ),
    )

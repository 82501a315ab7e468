"""Production's work orders: ``production.work_order.created|status_changed``; the rebuild
reads ``GET /api/production/work-orders`` (the material number from the materials it read
first). Scoped to the order's plant."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

import asyncpg
import msgspec

from search.documents.models import DocumentIn
from search.feeds.index import words, write
from unison_events.production import WorkOrderCreated, WorkOrderStatusChanged

ENTITY = "work_order"
SOURCE = "/api/production/work-orders"


class WorkOrder(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    plant_id: UUID
    number: str
    material_id: UUID
    quantity: Decimal
    unit: str
    status: str
    source: str
    due_at: datetime
    output_lot: str | None = None


def document(order: WorkOrder, material_number: str, changed_at: datetime) -> DocumentIn:
    return DocumentIn(
        entity_type=ENTITY,
        entity_id=str(order.id),
        plant_id=order.plant_id,
        title=words("Work order", order.number, material_number),
        code=order.number,
        body=words(material_number, order.quantity, order.unit),
        # The output lot defaults to the order number: said once is enough.
        extra=words(order.source, order.output_lot if order.output_lot != order.number else None),
        status=order.status,
        doc_date=order.due_at.date(),
        link=f"/production/work-orders/{order.id}",
        changed_at=changed_at,
    )


def from_event(event: WorkOrderCreated | WorkOrderStatusChanged) -> DocumentIn:
    if event.plant_id is None:
        raise ValueError(f"work order {event.number} names no plant")
    order = WorkOrder(
        id=event.work_order_id,
        plant_id=event.plant_id,
        number=event.number,
        material_id=event.material_id,
        quantity=event.quantity,
        unit=event.unit,
        status=event.status,
        source=event.source,
        due_at=event.due_at,
        output_lot=event.output_lot,
    )
    return document(order, event.material_number, event.occurred_at)


async def on_work_order(
    conn: asyncpg.Connection, event: WorkOrderCreated | WorkOrderStatusChanged
) -> None:
    await write(conn, [from_event(event)])

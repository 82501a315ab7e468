"""Maintenance's work orders: ``maintenance.work_order.status_changed`` (sent when one is
opened too, ``previous`` None); the rebuild reads ``GET /api/maintenance/work-orders``.
Scoped to the order's plant."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import asyncpg
import msgspec

from search.documents.models import DocumentIn
from search.feeds.index import words, write
from unison_events.maintenance import MaintenanceWorkOrderStatusChanged

ENTITY = "maintenance_order"
SOURCE = "/api/maintenance/work-orders"


class MaintenanceOrder(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    plant_id: UUID
    number: str
    kind: str
    title: str
    description: str | None = None
    status: str
    priority: int
    due_date: date | None = None


def document(order: MaintenanceOrder, changed_at: datetime) -> DocumentIn:
    return DocumentIn(
        entity_type=ENTITY,
        entity_id=str(order.id),
        plant_id=order.plant_id,
        title=order.title,
        code=order.number,
        body=order.description or "",
        extra=words(order.kind, f"priority {order.priority}"),
        status=order.status,
        doc_date=order.due_date,
        link=f"/maintenance/work-orders/{order.id}",
        changed_at=changed_at,
    )


def from_event(event: MaintenanceWorkOrderStatusChanged) -> DocumentIn:
    if event.plant_id is None:
        raise ValueError(f"maintenance work order {event.number} names no plant")
    order = MaintenanceOrder(
        id=event.maintenance_work_order_id,
        plant_id=event.plant_id,
        number=event.number,
        kind=event.kind,
        title=event.title,
        description=event.description,
        status=event.status,
        priority=event.priority,
        due_date=event.due_date,
    )
    return document(order, event.occurred_at)


async def on_maintenance_order(
    conn: asyncpg.Connection, event: MaintenanceWorkOrderStatusChanged
) -> None:
    await write(conn, [from_event(event)])

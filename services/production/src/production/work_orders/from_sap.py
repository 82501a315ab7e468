"""SAP production orders (inventory passes them on as events) become work orders: a new
order number is created as a draft with SAP's components and dates; a known one follows
SAP's changes while nothing was produced on it."""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg
import structlog

from production.caller import system_caller
from production.work_orders import repo, service
from production.work_orders.models import ComponentCreate, WorkOrderCreate
from unison_events.inventory import SapProductionOrderReceived
from unison_pg import Tenant
from unison_pg.scope import scope_plants

log = structlog.get_logger("production.sap")

# SAP keeps plant-local times without an offset; the plant's calendar would know its
# zone, but an order arrives before anything ran: Unison plants of one SAP system share
# the zone the integration is configured for.
SAP_ZONE = ZoneInfo("Europe/Berlin")


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=SAP_ZONE) if value.tzinfo is None else value


def _due(event: SapProductionOrderReceived) -> datetime:
    due = _aware(event.scheduled_end)
    if due is None and event.planned_end is not None:
        due = datetime.combine(event.planned_end, time(23, 59), SAP_ZONE)
    return (due or datetime.now(UTC)).astimezone(UTC)


def _components(event: SapProductionOrderReceived) -> list[ComponentCreate]:
    lines = []
    for c in event.components:
        operation = int(c.operation) if c.operation and c.operation.strip().isdigit() else None
        lines.append(
            ComponentCreate(
                material_id=c.material_id,
                quantity=c.quantity,
                operation_no=operation,
                lot=c.batch or None,
            )
        )
    return lines


async def on_order(conn: asyncpg.Connection, event: SapProductionOrderReceived) -> None:
    if event.plant_id is None:
        log.warning("sap_order_without_plant", order=event.order_number)
        return
    await scope_plants(conn, event.plant_id)
    caller = system_caller(Tenant(event.organization_id, (event.plant_id,), "sap"))
    release_at = _aware(event.scheduled_start)
    existing = await repo.by_number(conn, event.order_number)
    if existing is not None:
        await _follow(conn, existing, event)
        return
    data = WorkOrderCreate(
        plant_id=event.plant_id,
        material_id=event.material_id,
        quantity=event.quantity,
        due_at=_due(event),
        release_at=release_at.astimezone(UTC) if release_at else None,
        number=event.order_number,
        components=_components(event),
    )
    await service.create_in(conn, caller, data, event.order_type or "SAP")


async def _follow(
    conn: asyncpg.Connection, order_id: UUID, event: SapProductionOrderReceived
) -> None:
    order = await service.load(conn, order_id, lock=True)
    produced = order.good_quantity + order.scrap_quantity > Decimal(0)
    if order.status not in ("draft", "released") or produced:
        log.info("sap_order_change_ignored", order=order.number, status=order.status)
        return
    order.due_at = _due(event)
    if order.status == "draft" and order.quantity != event.quantity:
        await repo.components_scale(conn, order.id, event.quantity, order.quantity)
        order.quantity = event.quantity
    await repo.update(conn, order)

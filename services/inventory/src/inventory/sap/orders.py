"""SAP production orders become ``SapProductionOrderReceived`` for the production service.

Whichever way an order came (LOIPRO IDoc, or the S/4 business event and a read of
A_ProductionOrder_2), it is translated to Unison's keys (plant, materials, units) and
published in the transaction that marks its message processed. The same order content
arriving again publishes nothing: what was last published is remembered per order.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

import asyncpg
import msgspec

from inventory import repo as inventory_repo
from inventory.sap import codes as sap_codes
from inventory.sap import repo
from inventory.sap.material_sync import PLANTS_URL
from inventory.sap.odata import plain
from inventory.service.caller import Caller
from unison_bus import publish
from unison_events.inventory import (
    SapProductionOrderComponent,
    SapProductionOrderOperation,
    SapProductionOrderReceived,
)
from unison_web import Invalid

REQUEST_PREFIX = "sap-message:"
# Not part of what the order says: they differ on every delivery of the same order.
_DELIVERY_FIELDS = ("id", "occurred_at", "sap_message_id", "source")


class OrderOperation(msgspec.Struct, frozen=True, kw_only=True):
    operation: str
    description: str | None = None
    work_center: str | None = None
    quantity: Decimal | None = None
    sap_unit: str | None = None
    scheduled_start: datetime | None = None
    scheduled_end: datetime | None = None


class OrderComponent(msgspec.Struct, frozen=True, kw_only=True):
    material_number: str
    quantity: Decimal
    sap_unit: str
    item: str | None = None
    operation: str | None = None
    storage_location: str | None = None
    batch: str | None = None
    requirement_date: date | None = None


class ProductionOrder(msgspec.Struct, frozen=True, kw_only=True):
    """An order as SAP describes it: SAP's codes, plant-local dates."""

    order_number: str
    order_type: str | None
    werks: str
    material_number: str
    quantity: Decimal
    sap_unit: str
    planned_start: date | None = None
    planned_end: date | None = None
    scheduled_start: datetime | None = None
    scheduled_end: datetime | None = None
    operations: tuple[OrderOperation, ...] = ()
    components: tuple[OrderComponent, ...] = ()
    source: str


def message_id_of(caller: Caller) -> UUID:
    """The message being processed: jobs name it in the caller's request id."""
    request_id = caller.request_id or ""
    if not request_id.startswith(REQUEST_PREFIX):
        raise RuntimeError("a production order is published while processing an SAP message")
    return UUID(request_id.removeprefix(REQUEST_PREFIX))


async def publish_order(conn: asyncpg.Connection, caller: Caller, order: ProductionOrder) -> str:
    """Publish the order unless its content was already published; a summary."""
    subject = f"production order {order.order_number}"
    await repo.object_lock(conn, f"order:{order.order_number}")
    mapped = {p.werks: p.plant_id for p in await repo.plants_all(conn)}
    if order.werks not in mapped:
        raise Invalid(
            f"{subject}: SAP plant {order.werks} is not mapped to a Unison plant:"
            f" PUT {PLANTS_URL}/{order.werks}, then replay"
        )
    plant_id = mapped[order.werks]
    if plant_id is None:
        return f"{subject}: plant {order.werks} skipped (not run in Unison)"
    event = await _event(conn, caller, order, plant_id)
    content = msgspec.structs.asdict(event)
    for name in _DELIVERY_FIELDS:
        content.pop(name)
    fingerprint = hashlib.sha256(msgspec.json.encode(content, order="sorted")).hexdigest()
    if await repo.production_order_fingerprint(conn, order.order_number) == fingerprint:
        return f"{subject}: unchanged since it was last published, nothing sent"
    await publish(conn, event)
    await repo.production_order_put(conn, order.order_number, fingerprint, event.sap_message_id)
    return (
        f"{subject} published ({event.material_number}, {event.quantity} {event.unit},"
        f" {len(event.operations)} operations, {len(event.components)} components)"
    )


async def _event(
    conn: asyncpg.Connection, caller: Caller, order: ProductionOrder, plant_id: UUID
) -> SapProductionOrderReceived:
    codes = await sap_codes.load(conn)
    numbers = [order.material_number, *(c.material_number for c in order.components)]
    known = await repo.materials_by_numbers(conn, numbers)
    missing = sorted({n for n in numbers if n.lower() not in known})
    if missing:
        raise Invalid(
            f"production order {order.order_number}: materials not in Unison: "
            f"{', '.join(missing)}; send their material masters first, then replay"
        )
    unit_of = {order.sap_unit: codes.unit(order.sap_unit)}
    unit_of |= {c.sap_unit: codes.unit(c.sap_unit) for c in order.components}
    unit_of |= {o.sap_unit: codes.unit(o.sap_unit) for o in order.operations if o.sap_unit}
    existing = {u.code for u in await inventory_repo.units_by_codes(conn, list(unit_of.values()))}
    unknown = sorted(sap for sap, code in unit_of.items() if code not in existing)
    if unknown:
        raise Invalid(
            f"production order {order.order_number}: SAP units without a Unison unit: "
            f"{', '.join(unknown)}; map them with PUT {sap_codes.CODES_URL}/unit/{{sap_code}}"
        )
    header = known[order.material_number.lower()]
    return SapProductionOrderReceived(
        organization_id=caller.tenant.organization_id,
        plant_id=plant_id,
        order_number=order.order_number,
        order_type=order.order_type,
        sap_plant=order.werks,
        material_id=header.id,
        material_number=header.number,
        quantity=plain(order.quantity),
        unit=unit_of[order.sap_unit],
        planned_start=order.planned_start,
        planned_end=order.planned_end,
        scheduled_start=order.scheduled_start,
        scheduled_end=order.scheduled_end,
        operations=tuple(
            SapProductionOrderOperation(
                operation=o.operation,
                description=o.description,
                work_center=o.work_center,
                quantity=None if o.quantity is None else plain(o.quantity),
                unit=unit_of[o.sap_unit] if o.sap_unit else None,
                scheduled_start=o.scheduled_start,
                scheduled_end=o.scheduled_end,
            )
            for o in order.operations
        ),
        components=tuple(
            SapProductionOrderComponent(
                material_id=known[c.material_number.lower()].id,
                material_number=known[c.material_number.lower()].number,
                quantity=plain(c.quantity),
                unit=unit_of[c.sap_unit],
                item=c.item,
                operation=c.operation,
                storage_location=c.storage_location,
                batch=c.batch,
                requirement_date=c.requirement_date,
            )
            for c in order.components
        ),
        source=order.source,
        sap_message_id=message_id_of(caller),
    )

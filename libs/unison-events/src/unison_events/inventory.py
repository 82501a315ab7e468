"""Events the inventory service publishes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar
from uuid import UUID

import msgspec

from unison_bus import Event


class MaterialSnapshot(Event, frozen=True, kw_only=True):
    """What consumers (search, reporting, production) keep of a material."""

    material_id: UUID
    number: str
    description: str
    type: str
    base_unit: str
    status: str
    material_group: str | None = None
    version: int


class MaterialCreated(MaterialSnapshot, frozen=True, kw_only=True):
    topic: ClassVar[str] = "inventory.material.created"


class MaterialChanged(MaterialSnapshot, frozen=True, kw_only=True):
    topic: ClassVar[str] = "inventory.material.changed"
    changed_fields: tuple[str, ...] = ()


class MaterialDeleted(Event, frozen=True, kw_only=True):
    topic: ClassVar[str] = "inventory.material.deleted"
    material_id: UUID
    number: str


class GoodsMovementPostedLine(msgspec.Struct, frozen=True, kw_only=True):
    """One ledger line: quantity signed (+ into the location, - out), in the base unit."""

    material_id: UUID
    plant_id: UUID
    location_id: UUID
    lot: str | None = None
    quantity: Decimal
    unit: str


class GoodsMovementPosted(Event, frozen=True, kw_only=True):
    """A goods movement document was posted (a reversal too: ``reversal_of`` is set)."""

    topic: ClassVar[str] = "inventory.goods_movement.posted"
    movement_id: UUID
    movement_type: str
    posting_date: date
    reference: str | None = None
    reversal_of: UUID | None = None
    lines: tuple[GoodsMovementPostedLine, ...]


ALL = (MaterialCreated, MaterialChanged, MaterialDeleted, GoodsMovementPosted)


# ------------------------------------------------------------------ SAP production orders


class SapProductionOrderOperation(msgspec.Struct, frozen=True, kw_only=True):
    """An operation of the order's routing, as SAP scheduled it (plant-local times)."""

    operation: str  # VORNR, e.g. "0010"
    description: str | None = None
    work_center: str | None = None
    quantity: Decimal | None = None
    unit: str | None = None
    scheduled_start: datetime | None = None
    scheduled_end: datetime | None = None


class SapProductionOrderComponent(msgspec.Struct, frozen=True, kw_only=True):
    """A component reservation of the order, in a Unison unit."""

    material_id: UUID
    material_number: str
    quantity: Decimal
    unit: str
    item: str | None = None  # reservation item (RSPOS)
    operation: str | None = None
    storage_location: str | None = None
    batch: str | None = None
    requirement_date: date | None = None


class SapProductionOrderReceived(Event, frozen=True, kw_only=True):
    """SAP created or changed a production order (LOIPRO IDoc, or the S/4 business event
    followed by a read of A_ProductionOrder_2): what the production service plans from.

    ``plant_id`` (of the base) is the Unison plant the SAP plant maps to. Dates and times
    are plant-local, as SAP keeps them (no offset). Sent again only when the order's
    content changed.
    """

    topic: ClassVar[str] = "inventory.sap.production_order.received"
    order_number: str
    order_type: str | None = None
    sap_plant: str
    material_id: UUID
    material_number: str
    quantity: Decimal
    unit: str
    planned_start: date | None = None
    planned_end: date | None = None
    scheduled_start: datetime | None = None
    scheduled_end: datetime | None = None
    operations: tuple[SapProductionOrderOperation, ...] = ()
    components: tuple[SapProductionOrderComponent, ...] = ()
    source: str  # "LOIPRO" or "API_PRODUCTION_ORDER_2"
    sap_message_id: UUID

"""Events the inventory service publishes."""

from __future__ import annotations

from datetime import date
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


# ------------------------------------------------------------------ bills of materials


class BomReleasedItem(msgspec.Struct, frozen=True, kw_only=True):
    """One item: ``quantity`` per the header's base quantity, in ``unit``; ``base_quantity``
    the same in the component's ``base_unit``. By-products are positive too."""

    item_number: int
    component_id: UUID
    category: str  # "stock" or "by_product"
    phantom: bool
    quantity: Decimal
    unit: str
    base_quantity: Decimal
    base_unit: str
    scrap_percent: Decimal
    operation: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None


class BomReleased(Event, frozen=True, kw_only=True):
    """A BOM version became effective from ``valid_from`` (``plant_id`` None: all plants).

    The version it succeeds, if any, is in ``supersedes``; its validity now ends at this
    one's ``valid_from`` (a ``BomChanged`` with change ``superseded`` says so too)."""

    topic: ClassVar[str] = "inventory.bom.released"
    bom_id: UUID
    material_id: UUID
    usage: str
    alternative: int
    revision: int
    valid_from: date
    valid_to: date | None = None
    base_quantity: Decimal
    base_unit: str
    change_number: str | None = None
    supersedes: tuple[UUID, ...] = ()
    items: tuple[BomReleasedItem, ...]
    version: int


class BomChanged(Event, frozen=True, kw_only=True):
    """Anything else that happened to a BOM version: a draft ``created``, ``updated`` or
    ``deleted``; a released version ``superseded`` (validity closed where a successor
    starts), ``ended`` (validity closed by a deletion from a date) or ``obsoleted``."""

    topic: ClassVar[str] = "inventory.bom.changed"
    bom_id: UUID
    material_id: UUID
    usage: str
    alternative: int
    revision: int
    status: str
    change: str
    valid_from: date
    valid_to: date | None = None
    version: int


# Not folded into ALL above, so this addition stays an append; (*ALL, *BOM_EVENTS) is every one.
BOM_EVENTS = (BomReleased, BomChanged)

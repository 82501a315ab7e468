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
    # Added with stock categories and valuation; older messages lack them.
    category: str = "unrestricted"
    entry_quantity: Decimal | None = None
    entry_unit: str | None = None
    value: Decimal = Decimal(0)
    reservation_id: UUID | None = None


class GoodsMovementPosted(Event, frozen=True, kw_only=True):
    """A goods movement document was posted (a reversal too: ``reversal_of`` is set)."""

    topic: ClassVar[str] = "inventory.goods_movement.posted"
    movement_id: UUID
    movement_type: str
    posting_date: date
    reference: str | None = None
    reversal_of: UUID | None = None
    lines: tuple[GoodsMovementPostedLine, ...]


class LotStatusChanged(Event, frozen=True, kw_only=True):
    """A lot was released, put in quarantine or blocked (``previous`` is None for a lot
    created held)."""

    topic: ClassVar[str] = "inventory.lot.status_changed"
    material_id: UUID
    lot: str
    status: str
    previous: str | None = None
    reason: str | None = None


ALL = (MaterialCreated, MaterialChanged, MaterialDeleted, GoodsMovementPosted, LotStatusChanged)

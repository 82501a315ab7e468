"""What the BOM API reads and writes: plain msgspec Structs.

Quantities are decimals, sent and returned as JSON strings. Item quantities are per the
header's ``base_quantity`` of the assembly; ``category`` says whether an item is consumed
(``stock``) or comes out of the process (``by_product``): quantities are never negative.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import UNSET, Meta, UnsetType

from inventory.models import UnitCode

BomUsage = Literal["production", "engineering", "universal", "maintenance", "sales", "costing"]
BomStatus = Literal["draft", "released", "obsolete"]
ItemCategory = Literal["stock", "by_product"]
ExplosionScope = Literal["full", "order"]

ItemNumber = Annotated[int, Meta(ge=1, le=9999)]
Alternative = Annotated[int, Meta(ge=1, le=99)]
BomText = Annotated[str, Meta(min_length=1, max_length=200)]
ChangeNumber = Annotated[str, Meta(min_length=1, max_length=40)]
Operation = Annotated[str, Meta(min_length=1, max_length=20)]
MAX_ITEMS = 5000


class BomItemIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    item_number: ItemNumber
    component_id: UUID
    quantity: Decimal
    # Any unit convertible for the component; its base unit when left out.
    unit: UnitCode | None = None
    category: ItemCategory = "stock"
    phantom: bool = False
    scrap_percent: Decimal = Decimal(0)
    operation: Operation | None = None
    valid_from: date | None = None
    valid_to: date | None = None


class BomCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    material_id: UUID
    # None: valid in every plant of the organization.
    plant_id: UUID | None = None
    usage: BomUsage = "production"
    alternative: Alternative = 1
    base_quantity: Decimal = Decimal(1)
    # The material's base unit when left out.
    base_unit: UnitCode | None = None
    # Today (UTC) when left out; valid_to is exclusive, None = open-ended.
    valid_from: date | None = None
    valid_to: date | None = None
    description: BomText | None = None
    change_number: ChangeNumber | None = None
    # "released": create and release in one step.
    status: Literal["draft", "released"] = "draft"
    items: Annotated[list[BomItemIn], Meta(min_length=1, max_length=MAX_ITEMS)]


class BomUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A draft's fields to change; ``items``, when sent, replaces the whole list."""

    base_quantity: Decimal | UnsetType = UNSET
    base_unit: UnitCode | UnsetType = UNSET
    valid_from: date | UnsetType = UNSET
    valid_to: date | UnsetType | None = UNSET
    description: BomText | UnsetType | None = UNSET
    change_number: ChangeNumber | UnsetType | None = UNSET
    items: Annotated[list[BomItemIn], Meta(min_length=1, max_length=MAX_ITEMS)] | UnsetType = UNSET


class BomVersionCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new draft revision copied from an existing version, valid from ``valid_from``."""

    valid_from: date
    valid_to: date | None = None
    change_number: ChangeNumber | None = None


class BomItem(msgspec.Struct, kw_only=True):
    item_number: int
    component_id: UUID
    component_number: str
    category: ItemCategory
    phantom: bool
    quantity: Decimal
    unit: str
    # ``quantity`` in the component's base unit (as it was when the version was saved).
    base_quantity: Decimal
    base_unit: str
    scrap_percent: Decimal
    operation: str | None
    valid_from: date | None
    valid_to: date | None


class BomHeader(msgspec.Struct, kw_only=True):
    id: UUID
    material_id: UUID
    material_number: str
    plant_id: UUID | None
    usage: BomUsage
    alternative: int
    revision: int
    status: BomStatus
    valid_from: date
    valid_to: date | None
    base_quantity: Decimal
    base_unit: str
    description: str | None
    change_number: str | None
    version: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    released_at: datetime | None
    released_by: str | None


class Bom(BomHeader, kw_only=True):
    items: list[BomItem] = []


# ------------------------------------------------------------------ explosion


class ExplodedItem(msgspec.Struct, kw_only=True):
    """One item of the multi-level structure, quantities for the requested quantity."""

    level: int
    # Item numbers from the top, e.g. "10/20/30".
    path: str
    bom_id: UUID
    item_number: int
    component_id: UUID
    component_number: str
    description: str
    phantom: bool
    # Exploded further below (a BOM was found for it at this date and plant).
    assembly: bool
    # In the component's base unit, scrap included, compounded through every level.
    quantity: Decimal
    unit: str
    # The same quantity in the unit the item was entered in.
    entry_quantity: Decimal
    entry_unit: str
    scrap_percent: Decimal
    operation: str | None
    children: list[ExplodedItem] = []


class ExplodedByProduct(msgspec.Struct, kw_only=True):
    level: int
    path: str
    bom_id: UUID
    item_number: int
    component_id: UUID
    component_number: str
    description: str
    quantity: Decimal
    unit: str
    entry_quantity: Decimal
    entry_unit: str
    operation: str | None


class ExplosionHeader(msgspec.Struct, kw_only=True):
    material_id: UUID
    material_number: str
    plant_id: UUID | None
    date: date
    usage: BomUsage
    scope: ExplosionScope
    bom_id: UUID
    alternative: int
    revision: int
    quantity: Decimal
    unit: str
    # E.g. a phantom assembly without a valid BOM, listed as a plain component.
    warnings: list[str] = []


class Explosion(ExplosionHeader, kw_only=True):
    items: list[ExplodedItem]
    by_products: list[ExplodedByProduct]


class SummaryLine(msgspec.Struct, kw_only=True):
    component_id: UUID
    component_number: str
    description: str
    quantity: Decimal
    unit: str
    # Has a BOM exploded below it (its components are listed too).
    assembly: bool
    # The highest level (closest to the top, 1 = direct) it occurs at, and how often.
    level: int
    occurrences: int


class ExplosionSummary(ExplosionHeader, kw_only=True):
    """Total per component over the whole structure; phantoms are not listed (their
    components are)."""

    components: list[SummaryLine]
    by_products: list[SummaryLine]


# ------------------------------------------------------------------ where-used


class WhereUsed(msgspec.Struct, kw_only=True):
    bom_id: UUID
    material_id: UUID
    material_number: str
    material_description: str
    plant_id: UUID | None
    usage: BomUsage
    alternative: int
    revision: int
    valid_from: date
    valid_to: date | None
    base_quantity: Decimal
    base_unit: str
    item_number: int
    category: ItemCategory
    phantom: bool
    quantity: Decimal
    unit: str
    scrap_percent: Decimal
    operation: str | None


class WhereUsedLevel(msgspec.Struct, kw_only=True):
    material_id: UUID
    material_number: str
    material_description: str
    # Shortest distance from the component (1 = its BOM uses the component directly).
    level: int
    # The materials right below it on the way down to the component.
    via: list[str]
    # No valid BOM uses it: an end product (for this date, plant and usage).
    top_level: bool

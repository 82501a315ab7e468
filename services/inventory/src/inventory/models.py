"""What the API reads and writes: plain msgspec Structs.

``Item`` is what the API returns, ``ItemCreate`` what a POST/PUT takes, ``ItemUpdate`` what
a PATCH takes (``UNSET`` = leave as is, ``None`` = clear). Quantities are decimals, sent
and returned as JSON strings so no float ever touches them (numbers are accepted too).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import UNSET, Meta, UnsetType

MaterialType = Literal["raw", "semi_finished", "finished", "consumable", "spare"]
MaterialStatus = Literal["active", "blocked"]
Dimension = Literal["count", "mass", "length", "area", "volume", "time", "package"]
ProcurementType = Literal["make", "buy"]
AuditAction = Literal["created", "updated", "deleted"]

UnitCode = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_%-]{1,10}$")]
MaterialNumber = Annotated[str, Meta(min_length=1, max_length=60)]
Description = Annotated[str, Meta(min_length=1, max_length=200)]
MaterialGroup = Annotated[str, Meta(min_length=1, max_length=20)]
StorageLocation = Annotated[str, Meta(min_length=1, max_length=20)]
# As SAP's GERNR, extended to 30 characters (the table's CHECK).
SerialNumber = Annotated[str, Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9_./-]{0,29}$")]
LeadTimeDays = Annotated[int, Meta(ge=0, le=3650)]


class Unit(msgspec.Struct, kw_only=True):
    code: str
    name: str
    dimension: Dimension
    # Reference units of the dimension per 1 unit; null for packaging units.
    factor_numerator: Decimal | None
    factor_denominator: Decimal | None
    version: int
    created_at: datetime
    created_by: str


class UnitCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    code: UnitCode
    name: Description
    dimension: Dimension
    factor_numerator: Decimal | None = None
    factor_denominator: Decimal | None = None


class Material(msgspec.Struct, kw_only=True):
    id: UUID
    number: str
    description: str
    type: MaterialType
    base_unit: str
    material_group: str | None
    gross_weight: Decimal | None
    net_weight: Decimal | None
    weight_unit: str | None
    length: Decimal | None
    width: Decimal | None
    height: Decimal | None
    dimension_unit: str | None
    status: MaterialStatus
    negative_stock_allowed: bool = False
    # Every posting of a lot-managed material names its lot.
    lot_managed: bool = False
    # Every posting of a serial-managed material names the serial of each piece.
    serial_managed: bool = False
    version: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


class MaterialCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    number: MaterialNumber
    description: Description
    type: MaterialType
    base_unit: UnitCode
    material_group: MaterialGroup | None = None
    gross_weight: Decimal | None = None
    net_weight: Decimal | None = None
    weight_unit: UnitCode | None = None
    length: Decimal | None = None
    width: Decimal | None = None
    height: Decimal | None = None
    dimension_unit: UnitCode | None = None
    status: MaterialStatus = "active"
    negative_stock_allowed: bool = False
    lot_managed: bool = False
    serial_managed: bool = False


class MaterialUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    number: MaterialNumber | UnsetType = UNSET
    description: Description | UnsetType = UNSET
    type: MaterialType | UnsetType = UNSET
    base_unit: UnitCode | UnsetType = UNSET
    material_group: MaterialGroup | UnsetType | None = UNSET
    gross_weight: Decimal | UnsetType | None = UNSET
    net_weight: Decimal | UnsetType | None = UNSET
    weight_unit: UnitCode | UnsetType | None = UNSET
    length: Decimal | UnsetType | None = UNSET
    width: Decimal | UnsetType | None = UNSET
    height: Decimal | UnsetType | None = UNSET
    dimension_unit: UnitCode | UnsetType | None = UNSET
    status: MaterialStatus | UnsetType = UNSET
    negative_stock_allowed: bool | UnsetType = UNSET
    lot_managed: bool | UnsetType = UNSET
    serial_managed: bool | UnsetType = UNSET


class AlternativeUnit(msgspec.Struct, kw_only=True):
    """1 ``unit`` = ``numerator`` / ``denominator`` base units of the material (SAP MARM)."""

    unit: str
    numerator: Decimal
    denominator: Decimal
    updated_at: datetime
    updated_by: str


class AlternativeUnitPut(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    numerator: Decimal
    denominator: Decimal = Decimal(1)


class PlantData(msgspec.Struct, kw_only=True):
    material_id: UUID
    plant_id: UUID
    procurement_type: ProcurementType
    reorder_point: Decimal
    safety_stock: Decimal
    lot_size: Decimal | None
    lead_time_days: int
    default_storage_location: str | None
    # Max stock level (base unit) a reorder fills up to; the reorder point is the min.
    max_stock: Decimal | None
    version: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


class PlantDataPut(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    procurement_type: ProcurementType
    reorder_point: Decimal = Decimal(0)
    safety_stock: Decimal = Decimal(0)
    lot_size: Decimal | None = None
    lead_time_days: LeadTimeDays = 0
    default_storage_location: StorageLocation | None = None
    max_stock: Decimal | None = None


class Conversion(msgspec.Struct, kw_only=True, omit_defaults=True):
    material_id: UUID
    quantity: str
    from_unit: str = msgspec.field(name="from")
    to_unit: str = msgspec.field(name="to")
    result: str
    exact: bool
    # Decimal places of ``result`` when it had to be rounded (the exact value does not end).
    scale: int | None = None


class AuditEntry(msgspec.Struct, kw_only=True):
    id: UUID
    occurred_at: datetime
    actor: str
    entity: str
    entity_id: str
    plant_id: UUID | None
    action: AuditAction
    changes: dict[str, dict[str, object]]
    request_id: str | None


# ------------------------------------------------------------------ stock ledger

LocationKind = Literal["warehouse", "area", "bin"]
MovementType = Literal[
    "101",
    "102",
    "122",
    "123",
    "261",
    "262",
    "301",
    "302",
    "311",
    "312",
    "321",
    "322",
    "343",
    "344",
    "531",
    "532",
    "551",
    "552",
    "601",
    "602",
    "701",
    "702",
]
# What a caller may post; each one's reversal (+1) comes from the reversal endpoint.
# What a request may post; the other types are reversals, posted through /reversal.
# 322 (into quality inspection) and 344 (into blocked stock) are used on their own too.
PostedMovementType = Literal[
    "101", "122", "261", "301", "311", "321", "322", "343", "344", "531", "551", "601", "701", "702"
]
StockCategory = Literal["unrestricted", "quality", "blocked"]
LocationCode = Annotated[str, Meta(pattern=r"^\s*[A-Za-z0-9_.-]{1,20}\s*$")]
Lot = Annotated[str, Meta(max_length=40)]
Reference = Annotated[str, Meta(min_length=1, max_length=100)]


class Location(msgspec.Struct, kw_only=True):
    """A storage location: a warehouse, an area in it, or a bin in an area."""

    id: UUID
    plant_id: UUID
    code: str
    name: str
    kind: LocationKind
    parent_id: UUID | None
    created_at: datetime
    created_by: str


class LocationCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    code: LocationCode
    name: Description
    kind: LocationKind
    parent_id: UUID | None = None


class LocationUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The name only: code, kind and parent are what SAP and labels know it by."""

    name: Description


class GoodsMovementLineCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    material_id: UUID
    plant_id: UUID
    location_id: UUID
    # 311 and 301: where the stock goes (301: in to_plant_id).
    to_location_id: UUID | None = None
    to_plant_id: UUID | None = None
    lot: Lot | None = None
    # Positive, in ``unit``; the movement type says whether it goes in or out.
    quantity: Decimal
    unit: UnitCode
    # The stock category a receipt (101, 531, 701) goes into, or a scrap (551, 702), a
    # return to the supplier (122) or a transfer (311) takes from; unrestricted when
    # absent. 321/322/343/344 imply theirs.
    category: StockCategory | None = None
    # Receipts (101, 531): the price per ``unit``; the line is then valued at it, not at
    # the moving average.
    price: Decimal | None = None
    # Issues to an order (261): the reservation the quantity is withdrawn from.
    reservation_id: UUID | None = None
    # Receipts creating a lot: its dates.
    manufactured_on: date | None = None
    expires_on: date | None = None
    # A serial-managed material: the serial of each piece, as many as the base quantity.
    serials: Annotated[list[SerialNumber], Meta(max_length=1000)] | None = None


class GoodsMovementCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    posting_date: date
    movement_type: PostedMovementType
    reference: Reference | None = None
    lines: Annotated[list[GoodsMovementLineCreate], Meta(min_length=1, max_length=1000)]


class GoodsMovementLine(msgspec.Struct, kw_only=True):
    """One ledger line: signed quantity (+ in, - out) in the base unit and as entered."""

    line_no: int
    material_id: UUID
    plant_id: UUID
    location_id: UUID
    lot: str | None
    category: StockCategory
    quantity: Decimal
    unit: str
    entry_quantity: Decimal
    entry_unit: str
    # Signed like the quantity, in the organization's currency; lines valued at the
    # moving average are restated when a back-dated posting changes the price before them.
    value: Decimal
    valuation: Literal["price", "average", "none"]
    reservation_id: UUID | None = None
    serials: list[str] | None = None
    entered_at: datetime
    entered_by: str


class GoodsMovement(msgspec.Struct, kw_only=True):
    id: UUID
    plant_id: UUID
    movement_type: MovementType
    posting_date: date
    reference: str | None
    reversal_of: UUID | None
    created_at: datetime
    created_by: str
    lines: list[GoodsMovementLine] = []


class StockBalance(msgspec.Struct, kw_only=True):
    """On hand of a material in a location (and lot), in its base unit."""

    material_id: UUID
    plant_id: UUID
    location_id: UUID
    lot: str | None
    category: StockCategory
    quantity: Decimal
    unit: str
    updated_at: datetime

"""API Structs of lots, reservations, availability, valuation, periods and batch postings."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import UNSET, Meta, UnsetType

from inventory.models import (
    GoodsMovementLineCreate,
    Lot,
    MovementType,
    PostedMovementType,
    Reference,
)

LotStatus = Literal["released", "quarantine", "blocked"]
LotNumber = Annotated[
    str, Meta(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_./-]*$")
]
Reason = Annotated[str, Meta(min_length=1, max_length=200)]
PeriodText = Annotated[str, Meta(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
BATCH_MAX_LINES = 10_000


class LotRecord(msgspec.Struct, kw_only=True):
    material_id: UUID
    lot: str
    status: LotStatus
    manufactured_on: date | None
    expires_on: date | None
    supplier_lot: str | None
    status_reason: str | None
    version: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


class LotCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    lot: LotNumber
    status: LotStatus = "released"
    manufactured_on: date | None = None
    expires_on: date | None = None
    supplier_lot: Lot | None = None
    status_reason: Reason | None = None


class LotUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """PATCH: only the fields present change; ``status_reason`` says why a status changed."""

    status: LotStatus | UnsetType = UNSET
    manufactured_on: date | UnsetType | None = UNSET
    expires_on: date | UnsetType | None = UNSET
    supplier_lot: Lot | UnsetType | None = UNSET
    status_reason: Reason | UnsetType | None = UNSET


ReservationStatus = Literal["open", "closed", "cancelled", "expired"]


class Reservation(msgspec.Struct, kw_only=True):
    id: UUID
    plant_id: UUID
    material_id: UUID
    location_id: UUID | None
    lot: str | None
    quantity: Decimal
    withdrawn: Decimal
    # quantity - withdrawn while open; 0 once closed, cancelled or expired.
    open_quantity: Decimal
    unit: str
    status: ReservationStatus
    reference: str
    requirement_date: date
    expires_at: datetime | None
    created_at: datetime
    created_by: str
    updated_at: datetime


class ReservationLineCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    material_id: UUID
    plant_id: UUID
    location_id: UUID | None = None
    lot: Lot | None = None
    quantity: Decimal
    unit: Annotated[str, Meta(min_length=1, max_length=8)]


class ReservationsCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """One request reserves every line or none (an order's components, say)."""

    reference: Reference
    requirement_date: date
    expires_at: datetime | None = None
    # Reserve even when less is available (the shortage shows in availability).
    allow_shortage: bool = False
    lines: Annotated[list[ReservationLineCreate], Meta(min_length=1, max_length=1000)]


class Availability(msgspec.Struct, kw_only=True):
    """What can be promised of a material in a plant (or one location or lot of it).

    on_hand = unrestricted + quality + blocked; blocked counts unrestricted stock of lots
    that are not released; available = unrestricted - reserved (negative: a shortage).
    """

    material_id: UUID
    plant_id: UUID
    location_id: UUID | None
    lot: str | None
    unit: str
    on_hand: Decimal
    unrestricted: Decimal
    quality: Decimal
    blocked: Decimal
    reserved: Decimal
    available: Decimal


class Valuation(msgspec.Struct, kw_only=True):
    material_id: UUID
    plant_id: UUID
    quantity: Decimal
    unit: str
    value: Decimal
    # value / quantity while the quantity is positive, else the last one.
    moving_average_price: Decimal
    updated_at: datetime


class Period(msgspec.Struct, kw_only=True):
    plant_id: UUID
    period: str
    closed_at: datetime
    closed_by: str


class PeriodValuation(msgspec.Struct, kw_only=True):
    material_id: UUID
    plant_id: UUID
    period: str
    quantity: Decimal
    value: Decimal


class BatchLine(GoodsMovementLineCreate, kw_only=True, forbid_unknown_fields=True):
    """A batch line carries its document's fields; lines with the same type, date,
    reference and plant become one document."""

    movement_type: PostedMovementType
    posting_date: date
    reference: Reference | None = None


class BatchCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    lines: Annotated[list[BatchLine], Meta(min_length=1, max_length=BATCH_MAX_LINES)]


class BatchDocument(msgspec.Struct, kw_only=True):
    id: UUID
    movement_type: MovementType
    posting_date: date
    reference: str | None
    plant_id: UUID
    # Indexes of the request's lines in this document.
    lines: list[int]


class BatchPosted(msgspec.Struct, kw_only=True):
    line_count: int
    documents: list[BatchDocument]

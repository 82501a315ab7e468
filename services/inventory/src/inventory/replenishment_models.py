"""API Structs of replenishment (materials below their reorder point) and cycle counts.

Quantities are decimals in the material's base unit, sent and returned as JSON strings.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import UNSET, Meta, UnsetType

from inventory.models import Lot, Reference

CycleCountStatus = Literal["open", "counted", "recount_requested", "posted", "cancelled"]
# A sheet is something people walk through; a whole warehouse is several sheets. It also
# keeps each posting within one goods movement document per direction.
MAX_LINES = 1000
LineNo = Annotated[int, Meta(ge=1, le=MAX_LINES)]


class BelowReorderPoint(msgspec.Struct, kw_only=True):
    """A material below its reorder point in a plant, with today's on hand and what to order."""

    material_id: UUID
    material_number: str
    description: str
    plant_id: UUID
    unit: str
    on_hand: Decimal
    reorder_point: Decimal
    safety_stock: Decimal
    max_stock: Decimal | None
    lot_size: Decimal | None
    lead_time_days: int
    suggested_quantity: Decimal
    below_since: datetime


class CountItem(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """One item to count even if the book has none of it there (then its book quantity is 0)."""

    material_id: UUID
    location_id: UUID
    lot: Lot | None = None


class CycleCountCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What to count in ``plant_id``: every balance in ``location_ids`` (and the locations
    under them), narrowed to ``material_ids`` when both are given; or every balance of
    ``material_ids`` in the plant; plus the explicit ``items``."""

    plant_id: UUID
    reference: Reference | None = None
    location_ids: Annotated[list[UUID], Meta(max_length=100)] = []
    material_ids: Annotated[list[UUID], Meta(max_length=MAX_LINES)] = []
    items: Annotated[list[CountItem], Meta(max_length=MAX_LINES)] = []
    # Balances at zero are skipped unless asked for (bins once used and now empty).
    include_zero: bool = False
    tolerance_percent: Decimal | None = None
    tolerance_quantity: Decimal | None = None


class CycleCountUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    reference: Reference | UnsetType | None = UNSET
    tolerance_percent: Decimal | UnsetType | None = UNSET
    tolerance_quantity: Decimal | UnsetType | None = UNSET


class CountEntry(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    line_no: LineNo
    counted_quantity: Decimal


class CountEntries(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    lines: Annotated[list[CountEntry], Meta(min_length=1, max_length=MAX_LINES)]


class RecountRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The lines to count again; none named: every line out of the sheet's tolerance."""

    line_nos: Annotated[list[LineNo], Meta(min_length=1, max_length=MAX_LINES)] | None = None


class CycleCountPosting(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    posting_date: date | None = None  # today (UTC) when not given


class CycleCountLine(msgspec.Struct, kw_only=True):
    line_no: int
    material_id: UUID
    material_number: str
    location_id: UUID
    location_code: str
    lot: str | None
    unit: str
    # Frozen when the sheet was made.
    book_quantity: Decimal
    counted_quantity: Decimal | None
    # The book when the count was entered; difference = counted - book_at_count.
    book_at_count: Decimal | None
    difference: Decimal | None
    out_of_tolerance: bool = False
    # Stock of this item moved between freezing and counting (the difference allows for it).
    moved_during_count: bool = False
    counted_at: datetime | None
    counted_by: str | None
    count_round: int
    previous_counted_quantity: Decimal | None


class CycleCount(msgspec.Struct, kw_only=True):
    id: UUID
    plant_id: UUID
    reference: str | None
    status: CycleCountStatus
    tolerance_percent: Decimal | None
    tolerance_quantity: Decimal | None
    location_ids: list[UUID]
    material_ids: list[UUID]
    line_count: int
    uncounted_lines: int
    posting_date: date | None
    surplus_movement_id: UUID | None
    deficit_movement_id: UUID | None
    version: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    posted_at: datetime | None
    posted_by: str | None
    # Only when one sheet is read; the list leaves them out.
    lines: list[CycleCountLine] = []

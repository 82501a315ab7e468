"""What the serial number API returns: where a serial is now, and its history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

import msgspec

from inventory.models import MovementType, StockCategory


class SerialNumber(msgspec.Struct, kw_only=True):
    """A serial of a serial-managed material: where it is (in stock), or the place it left."""

    material_id: UUID
    serial: str
    plant_id: UUID
    location_id: UUID
    lot: str | None
    category: StockCategory
    in_stock: bool
    last_movement_id: UUID
    updated_at: datetime


class SerialMovement(msgspec.Struct, kw_only=True):
    """A ledger line that moved the serial: in at, or out of, its place."""

    movement_id: UUID
    line_no: int
    movement_type: MovementType
    posting_date: date
    reference: str | None
    reversal_of: UUID | None
    plant_id: UUID
    location_id: UUID
    lot: str | None
    category: StockCategory
    direction: Literal["in", "out"]
    entered_at: datetime
    entered_by: str


class SerialDetail(SerialNumber, kw_only=True):
    # Newest first (as entered); ``history_complete`` is false when older lines were cut.
    history: list[SerialMovement]
    history_complete: bool

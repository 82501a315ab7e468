"""Structs of inventory's side of production: the recorded posting requests (API and rows)
and what the reading of an order's reservations and of the stock gives back."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

import msgspec

from unison_events.production import GoodsPostingRequested

PostingStatus = Literal["pending", "posted", "failed"]


class ProductionPosting(msgspec.Struct, kw_only=True):
    """A goods posting production asked for, and what came of it: ``posted`` with its
    documents, or ``failed`` with why (``pointer`` names the request's field)."""

    posting_id: UUID
    plant_id: UUID
    work_order_id: UUID
    reference: str
    operation_no: int
    posting_date: date
    status: PostingStatus
    error: str | None
    pointer: str | None
    attempts: int
    movement_ids: list[UUID]
    request: GoodsPostingRequested
    created_at: datetime
    updated_at: datetime
    updated_by: str
    posted_at: datetime | None


class OrderReservation(msgspec.Struct, frozen=True, kw_only=True):
    """A reservation of an order, any status, as the release of the order adjusts it."""

    id: UUID
    material_id: UUID
    location_id: UUID | None
    lot: str | None
    quantity: Decimal
    withdrawn: Decimal
    status: str
    requirement_date: date


class OpenReservation(msgspec.Struct, frozen=True, kw_only=True):
    """An open reservation an issue to the order may withdraw from."""

    id: UUID
    material_id: UUID
    location_id: UUID | None
    lot: str | None


class DefaultLocation(msgspec.Struct, frozen=True, kw_only=True):
    """A material's plant data default storage location: its code and the location that
    code names in the plant (None when none does)."""

    code: str
    location_id: UUID | None


class StockLocation(msgspec.Struct, frozen=True, kw_only=True):
    location_id: UUID
    code: str


class LotStock(msgspec.Struct, frozen=True, kw_only=True):
    """Unrestricted stock of a usable lot, in the order lots are taken (FEFO)."""

    lot: str
    quantity: Decimal

"""Structs of inventory's side of production: a goods posting request as the API shows it,
and an order's reservations as its release adjusts them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

import msgspec

from inventory.posting_requests.models import RequestRecord
from unison_events.production import GoodsPostingRequested


class ProductionPosting(RequestRecord, kw_only=True):
    """A goods posting production asked for, and what came of it."""

    posting_id: UUID
    work_order_id: UUID
    operation_no: int
    request: GoodsPostingRequested


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

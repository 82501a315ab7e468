"""Structs of inventory's side of quality: the recorded requests (API and rows) and where a
lot's stock lies."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

import msgspec

from inventory.models import StockCategory
from unison_events.quality import InspectionDecided, NcrDispositionDecided

QualityPostingKind = Literal["ncr_disposition", "usage_decision"]
QualityPostingStatus = Literal["pending", "posted", "failed"]


class QualityPosting(msgspec.Struct, kw_only=True):
    """A request from quality and what came of it: ``posted`` with its documents (none for
    a status change alone), or ``failed`` with why (``pointer`` names the request's field).

    ``request_id`` is the NCR disposition's ``request_id``, or the inspection's id for a
    usage decision; ``action`` is the disposition or the decision; ``request`` the event
    as it arrived."""

    request_id: UUID
    kind: QualityPostingKind
    plant_id: UUID
    reference: str
    action: str
    material_id: UUID
    status: QualityPostingStatus
    error: str | None
    pointer: str | None
    attempts: int
    movement_ids: list[UUID]
    request: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    updated_by: str
    posted_at: datetime | None


class StockPlace(msgspec.Struct, frozen=True, kw_only=True):
    """Stock of one lot in one location and category of a plant, in the base unit."""

    lot: str
    location_id: UUID
    code: str
    category: StockCategory
    quantity: Decimal


QualityRequest = NcrDispositionDecided | InspectionDecided


class Claim(msgspec.Struct, frozen=True, kw_only=True):
    """A request as it is first recorded, before it is carried out."""

    request_id: UUID
    kind: QualityPostingKind
    plant_id: UUID
    reference: str
    action: str
    material_id: UUID
    request: QualityRequest

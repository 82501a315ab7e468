"""Structs of the postings other services ask for: the request in inventory's words (a
command of document groups), its record, and what the reading of the stock gives back."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Generic, Literal, TypeVar
from uuid import UUID

import msgspec

from inventory.models import MovementType

RequestStatus = Literal["pending", "posted", "failed"]
# The services that ask; the table's CHECK lists the same.
SourceName = Literal["production", "maintenance"]

R = TypeVar("R")


class Line(msgspec.Struct, frozen=True, kw_only=True):
    """A line to post as the asking service sent it (production's ``PostingLine``,
    maintenance's ``PartLine``); ``lot`` None on an issue lets inventory choose."""

    material_id: UUID
    quantity: Decimal
    unit: str
    location_id: UUID | None = None
    lot: str | None = None


def as_line(line: object) -> Line:
    """A line of the asking service's contract (any struct with a line's fields)."""
    return msgspec.convert(line, Line, from_attributes=True)


def pointed(field: str, lines: Iterable[object]) -> tuple[tuple[str, Line], ...]:
    """The lines of a request's list ``field``, each with its pointer (``/field/0``)."""
    return tuple((f"/{field}/{i}", as_line(line)) for i, line in enumerate(lines))


class Group(msgspec.Struct, frozen=True, kw_only=True):
    """One document to post: its movement type and its lines, each with its pointer into
    the request (``/consumption/0``), so a refusal names the field the service sent."""

    movement_type: MovementType
    lines: tuple[tuple[str, Line], ...]


class Command(msgspec.Struct, frozen=True, kw_only=True):
    """What a request asks inventory to post, as one transaction, in the order's plant;
    every document has the order number as reference."""

    plant_id: UUID
    reference: str
    posting_date: date
    groups: tuple[Group, ...]
    manufactured_on: date | None = None  # of the lots a receipt creates


class Claim(msgspec.Struct, frozen=True, kw_only=True):
    """The columns a request is recorded under before it is attempted."""

    request_id: UUID
    order_id: UUID
    reference: str
    posting_date: date
    operation_no: int | None = None


class RequestRecord(msgspec.Struct, kw_only=True):
    """What inventory recorded of a request, whoever sent it: ``posted`` with its
    documents, or ``failed`` with why (``pointer`` names the request's field). The API's
    views add the request and its ids under the asking service's names."""

    plant_id: UUID
    reference: str
    posting_date: date
    status: RequestStatus
    error: str | None
    pointer: str | None
    attempts: int
    movement_ids: list[UUID]
    created_at: datetime
    updated_at: datetime
    updated_by: str
    posted_at: datetime | None


class PostingRequest(RequestRecord, Generic[R], kw_only=True):
    """A recorded request with its event as it arrived (``request``)."""

    source: SourceName
    request_id: UUID
    order_id: UUID
    operation_no: int | None
    request: R


class RequestFilter(msgspec.Struct, frozen=True, kw_only=True):
    status: RequestStatus | None = None
    plant_id: UUID | None = None
    reference: str | None = None


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

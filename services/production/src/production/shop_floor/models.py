"""Shop-floor reports as the API takes them, and log rows as it returns them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

AwareDatetime = Annotated[datetime, Meta(tz=True)]
Person = Annotated[str, Meta(min_length=1, max_length=100)]
Note = Annotated[str, Meta(max_length=500)]
Action = Literal["setup", "start", "pause", "resume", "finish"]


class OperationReport(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Start (or set up), pause, resume or finish an operation. ``at`` default now;
    ``person`` default the caller (a shared terminal names the operator);
    ``work_center_id`` an alternative work center on start; ``reason_id`` a downtime
    reason on pause: the machine stands, and the stop ends on resume."""

    at: AwareDatetime | None = None
    person: Person | None = None
    work_center_id: UUID | None = None
    reason_id: UUID | None = None
    note: Note | None = None


class ReasonedQuantity(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    quantity: Decimal
    reason_id: UUID | None = None


class Confirmation(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Pieces reported for an operation: good, and scrap and rework by reason. A pending
    operation starts with its first confirmation; ``finish`` ends it."""

    good: Decimal = Decimal(0)
    scrap: list[ReasonedQuantity] = []
    rework: list[ReasonedQuantity] = []
    at: AwareDatetime | None = None
    person: Person | None = None
    finish: bool = False
    note: Note | None = None


class MachineCount(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A count from a machine at a work center; without an order it belongs to the
    operation running there when it is processed."""

    work_center_id: UUID
    at: AwareDatetime
    good: Decimal = Decimal(0)
    scrap: Decimal = Decimal(0)
    rework: Decimal = Decimal(0)
    reason_id: UUID | None = None
    work_order_id: UUID | None = None
    operation_no: int | None = None


class MachineCounts(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    rows: Annotated[list[MachineCount], Meta(min_length=1, max_length=10_000)]


class MachineCountsAccepted(msgspec.Struct, kw_only=True):
    rows: int
    attributed: int
    unattributed: int
    postings: list[UUID]


class LogEntry(msgspec.Struct, kw_only=True):
    id: UUID
    logged_at: datetime
    plant_id: UUID
    work_center_id: UUID
    work_order_id: UUID | None
    operation_no: int | None
    kind: str
    good_quantity: Decimal
    scrap_quantity: Decimal
    rework_quantity: Decimal
    reason_id: UUID | None
    person: str | None
    source: str
    production_day: date
    shift_code: str
    note: str | None


class LabourEntry(msgspec.Struct, kw_only=True):
    id: UUID
    work_order_id: UUID
    operation_no: int
    work_center_id: UUID
    person: str
    started_at: datetime
    ended_at: datetime | None


class GoodsPosting(msgspec.Struct, kw_only=True):
    id: UUID
    work_order_id: UUID
    operation_no: int
    status: str
    movement_ids: list[UUID]
    error: str | None
    requested_at: datetime
    settled_at: datetime | None

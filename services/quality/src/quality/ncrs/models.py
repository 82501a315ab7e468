"""NCRs as the API reads and writes them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

Status = Literal["open", "investigation", "disposition", "verification", "closed", "cancelled"]
Severity = Literal["critical", "major", "minor"]
Disposition = Literal["use_as_is", "rework", "scrap", "return_to_supplier", "sort"]
DefectCode = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_.-]{1,20}$")]
Lot = Annotated[str, Meta(min_length=1, max_length=40)]


class NcrLot(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    lot: Lot
    quantity: Decimal


class Step(msgspec.Struct, kw_only=True):
    """One step of the workflow: where it went, when, by whom, and why."""

    status: str
    at: datetime
    by: str
    note: str | None = None


class Ncr(msgspec.Struct, kw_only=True):
    id: UUID
    plant_id: UUID
    number: str
    status: Status
    title: str
    description: str | None
    severity: Severity
    material_id: UUID
    quantity: Decimal
    unit: str
    work_order_id: UUID | None
    operation_no: int | None
    work_center_id: UUID | None
    supplier: str | None
    customer: str | None
    inspection_id: UUID | None
    defect_codes: list[str]
    lots: list[NcrLot]
    disposition: Disposition | None
    disposition_note: str | None
    # requested: sent to inventory; posted: carried out there; failed: refused (the
    # error says why; decide again); done: nothing in stock to move (no lots).
    disposition_status: Literal["requested", "posted", "failed", "done"] | None
    disposition_error: str | None
    steps: list[Step]
    version: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


class NcrCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A non-conformance: of ``quantity`` of a material (in ``lots`` when it is in stock),
    found at a work order's operation, from a supplier or at a customer."""

    plant_id: UUID
    title: Annotated[str, Meta(min_length=1, max_length=200)]
    description: Annotated[str, Meta(max_length=8000)] | None = None
    severity: Severity = "major"
    material_id: UUID
    quantity: Decimal
    lots: Annotated[list[NcrLot], Meta(max_length=200)] = []
    work_order_id: UUID | None = None
    operation_no: Annotated[int, Meta(ge=1, le=9999)] | None = None
    work_center_id: UUID | None = None
    supplier: Annotated[str, Meta(min_length=1, max_length=100)] | None = None
    customer: Annotated[str, Meta(min_length=1, max_length=100)] | None = None
    defect_codes: Annotated[list[DefectCode], Meta(max_length=50)] = []


class NcrFromInspection(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An NCR of a failed inspection: everything else comes from the inspection (its
    material, lot, rejected quantity, order, operation, work center, supplier and the
    defects its results name)."""

    title: Annotated[str, Meta(min_length=1, max_length=200)] | None = None
    description: Annotated[str, Meta(max_length=8000)] | None = None
    severity: Severity | None = None


class NcrUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What may still change before the disposition."""

    title: Annotated[str, Meta(min_length=1, max_length=200)] | None = None
    description: Annotated[str, Meta(max_length=8000)] | None = None
    severity: Severity | None = None
    supplier: Annotated[str, Meta(min_length=1, max_length=100)] | None = None
    customer: Annotated[str, Meta(min_length=1, max_length=100)] | None = None
    defect_codes: Annotated[list[DefectCode], Meta(max_length=50)] | None = None


class StepTaken(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Move the NCR to ``to``: investigation (from open), verification (once its
    disposition is carried out), closed (from verification), cancelled (before the
    disposition)."""

    to: Literal["investigation", "verification", "closed", "cancelled"]
    note: Annotated[str, Meta(max_length=2000)] | None = None


class DispositionDecided(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What is done with the non-conforming stock; inventory carries it out: use_as_is
    releases the lots, scrap scraps them (551), return_to_supplier returns them (122),
    rework and sort keep them blocked until done."""

    disposition: Disposition
    note: Annotated[str, Meta(max_length=2000)] | None = None


class NcrFile(msgspec.Struct, kw_only=True):
    id: UUID
    ncr_id: UUID
    filename: str
    content_type: str
    size_bytes: int
    uploaded_at: datetime
    uploaded_by: str

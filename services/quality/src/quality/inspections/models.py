"""Inspection lots and results as the API reads and writes them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

from quality.aql import SwitchingState
from quality.plans.models import Characteristic

Trigger = Literal["goods_receipt", "operation_completion", "final_inspection", "periodic", "manual"]
Decision = Literal["accepted", "rejected", "partially_accepted"]
AwareDatetime = Annotated[datetime, Meta(tz=True)]


class Inspection(msgspec.Struct, kw_only=True):
    id: UUID
    plant_id: UUID
    number: str
    plan_id: UUID | None
    material_id: UUID
    lot: str | None
    quantity: Decimal
    unit: str
    trigger: Trigger
    work_order_id: UUID | None
    operation_no: int | None
    work_center_id: UUID | None
    supplier: str | None
    severity: str
    sample_size: int
    acceptance_number: int | None
    rejection_number: int | None
    characteristics: list[Characteristic]
    status: Literal["open", "results_recorded", "decided", "cancelled"]
    proposal: Literal["accept", "reject", "needs_review"] | None
    proposal_rule: str | None
    decision: Decision | None
    accepted_quantity: Decimal | None
    rejected_quantity: Decimal | None
    decided_at: datetime | None
    decided_by: str | None
    decision_note: str | None
    lot_held: bool
    version: int
    created_at: datetime
    created_by: str


class InspectionCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An inspection by hand: of a material's lot, by its plan for ``trigger`` (a
    ``manual`` one needs ``plan_id``)."""

    plant_id: UUID
    material_id: UUID
    quantity: Decimal
    lot: Annotated[str, Meta(min_length=1, max_length=40)] | None = None
    trigger: Trigger = "manual"
    plan_id: UUID | None = None
    supplier: Annotated[str, Meta(min_length=1, max_length=100)] | None = None
    hold_lot: bool = True


class ResultIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """One sample's result for one characteristic: a measured ``value``, or ``passed``
    (and a ``defect_code`` when it failed) for an attribute."""

    characteristic: Annotated[str, Meta(min_length=1, max_length=20)]
    sample_no: Annotated[int, Meta(ge=1)]
    value: Decimal | None = None
    passed: bool | None = None
    defect_code: Annotated[str, Meta(min_length=1, max_length=20)] | None = None
    measured_at: AwareDatetime | None = None


class Results(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    rows: Annotated[list[ResultIn], Meta(min_length=1, max_length=20_000)]


class ResultRow(msgspec.Struct, kw_only=True):
    characteristic: str
    sample_no: int
    value: Decimal | None
    passed: bool
    defect_code: str | None
    measured_at: datetime
    recorded_by: str


class ResultsAccepted(msgspec.Struct, kw_only=True):
    rows: int
    status: str
    proposal: str | None
    proposal_rule: str | None


class UsageDecision(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Accept, reject, or accept part: ``accepted_quantity`` + ``rejected_quantity`` =
    the lot's quantity."""

    decision: Decision
    accepted_quantity: Decimal | None = None
    rejected_quantity: Decimal | None = None
    note: Annotated[str, Meta(max_length=2000)] | None = None


class Cancel(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    note: Annotated[str, Meta(min_length=1, max_length=2000)]


class Stream(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A sampling stream: one material (from one supplier) in one plant."""

    plant_id: UUID
    material_id: UUID
    supplier: Annotated[str, Meta(min_length=1, max_length=100)] | None = None


class StreamState(msgspec.Struct, kw_only=True):
    """Where a stream stands in ISO 2859-1's switching: its severity, the counters the
    next switch depends on, and why it is where it is."""

    plant_id: UUID
    material_id: UUID
    supplier: str | None
    state: SwitchingState

"""Maintenance work orders as the API reads and writes them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from msgspec import UNSET, Meta, UnsetType

Kind = Literal["preventive", "corrective", "predictive"]
Status = Literal["requested", "approved", "scheduled", "in_progress", "done", "closed", "cancelled"]
Title = Annotated[str, Meta(min_length=1, max_length=200)]
Text = Annotated[str, Meta(max_length=4000)]
Priority = Annotated[int, Meta(ge=1, le=5)]
AwareDatetime = Annotated[datetime, Meta(tz=True)]
Code = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_.-]{1,20}$")]


class WorkOrder(msgspec.Struct, kw_only=True):
    id: UUID
    plant_id: UUID
    number: str
    equipment_id: UUID
    kind: Kind
    status: Status
    priority: int
    title: str
    description: str | None
    plan_id: UUID | None
    occurrence_key: str | None
    due_date: date | None
    machine_down: bool
    down_since: datetime | None
    downtime_id: UUID | None
    meter_id: UUID | None
    scheduled_start: datetime | None
    scheduled_end: datetime | None
    started_at: datetime | None
    done_at: datetime | None
    closed_at: datetime | None
    estimated_minutes: int | None
    tasks: dict[str, Any]
    checklist_results: list[dict[str, Any]]
    problem_code: str | None
    cause_code: str | None
    remedy_code: str | None
    requested_by: str
    version: int
    created_at: datetime
    updated_at: datetime
    updated_by: str


class WorkOrderCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A work order by hand. ``machine_down``: the machine stands from ``down_since``
    (default now); production records the stop against its work center."""

    equipment_id: UUID
    kind: Kind = "corrective"
    title: Title
    description: Text | None = None
    priority: Priority = 3
    due_date: date | None = None
    machine_down: bool = False
    down_since: AwareDatetime | None = None
    estimated_minutes: Annotated[int, Meta(ge=1, le=100000)] | None = None


class WorkOrderUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    title: Title | UnsetType = UNSET
    description: Text | UnsetType | None = UNSET
    priority: Priority | UnsetType = UNSET
    due_date: date | UnsetType | None = UNSET
    scheduled_start: AwareDatetime | UnsetType | None = UNSET
    scheduled_end: AwareDatetime | UnsetType | None = UNSET


class Transition(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """``at``: when it happened (start and done; default now). ``reason``: kept in the
    history (required to cancel)."""

    reason: Annotated[str, Meta(min_length=1, max_length=500)] | None = None
    at: AwareDatetime | None = None


class LabourCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    technician: Annotated[str, Meta(min_length=1, max_length=100)]
    started_at: AwareDatetime
    ended_at: AwareDatetime
    hourly_rate: Decimal = Decimal(0)
    note: Annotated[str, Meta(max_length=500)] | None = None


class Labour(msgspec.Struct, kw_only=True):
    id: UUID
    work_order_id: UUID
    technician: str
    started_at: datetime
    ended_at: datetime
    hourly_rate: Decimal
    note: str | None


class ChecklistResult(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The result of one checklist item of the order's task list."""

    item: Annotated[int, Meta(ge=0)]
    ok: bool
    value: Annotated[str, Meta(max_length=200)] | None = None
    note: Annotated[str, Meta(max_length=500)] | None = None


class Findings(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Checklist results and the failure codes: what broke, why, what was done."""

    checklist: list[ChecklistResult] | None = None
    problem_code: Code | None = None
    cause_code: Code | None = None
    remedy_code: Code | None = None


class PartRequestLine(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    material_id: UUID
    quantity: Decimal
    unit: Annotated[str, Meta(min_length=1, max_length=10)]
    location_id: UUID | None = None
    lot: Annotated[str, Meta(min_length=1, max_length=40)] | None = None


class PartRequestCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    lines: Annotated[list[PartRequestLine], Meta(min_length=1, max_length=200)]


class PartRequest(msgspec.Struct, kw_only=True):
    id: UUID
    work_order_id: UUID
    status: str
    value: Decimal | None
    movement_ids: list[UUID]
    error: str | None
    requested_at: datetime
    settled_at: datetime | None
    lines: list[PartRequestLine] = []


class StatusChange(msgspec.Struct, kw_only=True):
    id: UUID
    from_status: str | None
    to_status: str
    reason: str | None
    changed_at: datetime
    changed_by: str

"""Work orders as the API reads and writes them. Quantities in the material's base unit."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import UNSET, Meta, UnsetType

OrderStatus = Literal[
    "draft", "released", "in_progress", "completed", "closed", "on_hold", "cancelled"
]
OperationStatus = Literal["pending", "setup", "running", "paused", "completed"]
Source = Literal["manual", "plan", "sap"]
Number = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_.-]{1,40}$")]
Lot = Annotated[str, Meta(min_length=1, max_length=40)]
Priority = Annotated[int, Meta(ge=0, le=99)]
Note = Annotated[str, Meta(max_length=2000)]
AwareDatetime = Annotated[datetime, Meta(tz=True)]


class WorkOrderOperation(msgspec.Struct, kw_only=True):
    operation_no: int
    description: str
    work_center_id: UUID
    alternative_work_center_ids: list[UUID]
    setup_seconds: int
    cycle_seconds: Decimal
    predecessors: list[int]
    inspection_required: bool
    consumption: str
    reports_output: bool
    status: OperationStatus
    active_work_center_id: UUID | None
    good_quantity: Decimal
    scrap_quantity: Decimal
    rework_quantity: Decimal
    started_at: datetime | None
    finished_at: datetime | None
    phase_started_at: datetime | None
    paused_from: str | None
    scheduled_work_center_id: UUID | None
    scheduled_start: datetime | None
    scheduled_end: datetime | None
    version: int


class WorkOrderComponent(msgspec.Struct, kw_only=True):
    line_no: int
    material_id: UUID
    operation_no: int
    quantity: Decimal
    unit: str
    backflush: bool
    by_product: bool
    issue_location_id: UUID | None
    lot: str | None
    issued_quantity: Decimal


class WorkOrder(msgspec.Struct, kw_only=True):
    id: UUID
    plant_id: UUID
    number: str
    material_id: UUID
    quantity: Decimal
    unit: str
    routing_id: UUID | None
    source: Source
    status: OrderStatus
    held_from: str | None
    priority: int
    release_at: datetime | None
    due_at: datetime
    output_location_id: UUID | None
    output_lot: str | None
    good_quantity: Decimal
    scrap_quantity: Decimal
    scheduled_start: datetime | None
    scheduled_end: datetime | None
    actual_start: datetime | None
    actual_end: datetime | None
    note: str | None
    version: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    operations: list[WorkOrderOperation] = []
    components: list[WorkOrderComponent] = []


class ComponentCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A component given by hand, in the component's base unit. ``operation_no`` null:
    the operation the routing assigns it to, else the first."""

    material_id: UUID
    quantity: Decimal
    operation_no: int | None = None
    backflush: bool | None = None
    by_product: bool = False
    issue_location_id: UUID | None = None
    lot: Lot | None = None


class WorkOrderCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """``routing_id`` null: the released routing valid on the release date (or today).
    ``components`` null: the released production BOM, exploded through phantoms.
    ``number`` null: the organization's next number."""

    plant_id: UUID
    material_id: UUID
    quantity: Decimal
    due_at: AwareDatetime
    release_at: AwareDatetime | None = None
    priority: Priority = 50
    routing_id: UUID | None = None
    number: Number | None = None
    source: Literal["manual", "plan"] = "manual"
    output_location_id: UUID | None = None
    output_lot: Lot | None = None
    components: list[ComponentCreate] | None = None
    note: Note | None = None


class WorkOrderUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """PATCH; quantity and components change only in draft."""

    quantity: Decimal | UnsetType = UNSET
    due_at: AwareDatetime | UnsetType = UNSET
    release_at: AwareDatetime | UnsetType | None = UNSET
    priority: Priority | UnsetType = UNSET
    output_location_id: UUID | UnsetType | None = UNSET
    output_lot: Lot | UnsetType | None = UNSET
    note: Note | UnsetType | None = UNSET


class Transition(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A state change; ``reason`` is kept in the order's history (required to hold or
    cancel)."""

    reason: Annotated[str, Meta(min_length=1, max_length=500)] | None = None


class StatusChange(msgspec.Struct, kw_only=True):
    id: UUID
    operation_no: int | None
    from_status: str | None
    to_status: str
    reason: str | None
    changed_at: datetime
    changed_by: str

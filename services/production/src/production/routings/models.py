"""Routings as the API reads and writes them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

RoutingStatus = Literal["draft", "released", "obsolete"]
Consumption = Literal["backflush", "manual"]
OperationNo = Annotated[int, Meta(ge=1, le=9999)]
Text = Annotated[str, Meta(min_length=1, max_length=200)]


class Operation(msgspec.Struct, kw_only=True):
    operation_no: int
    description: str
    work_center_id: UUID
    alternative_work_center_ids: list[UUID]
    setup_seconds: int
    cycle_seconds: Decimal
    predecessors: list[int]
    inspection_required: bool
    consumption: Consumption
    components: list[UUID]
    reports_output: bool


class OperationCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """``predecessors`` null: the previous operation by number (a chain). ``components``:
    the BOM components this operation consumes (the rest go to the first operation).
    ``reports_output``: its confirmation receives the product (default: the last one)."""

    operation_no: OperationNo
    description: Text
    work_center_id: UUID
    alternative_work_center_ids: list[UUID] = []
    setup_seconds: Annotated[int, Meta(ge=0, le=7 * 86400)] = 0
    cycle_seconds: Decimal
    predecessors: list[OperationNo] | None = None
    inspection_required: bool = False
    consumption: Consumption = "backflush"
    components: list[UUID] = []
    reports_output: bool = False


class Routing(msgspec.Struct, kw_only=True):
    id: UUID
    plant_id: UUID
    material_id: UUID
    revision: int
    status: RoutingStatus
    valid_from: date
    valid_to: date | None
    description: str | None
    operations: list[Operation]
    version: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


class RoutingCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    plant_id: UUID
    material_id: UUID
    valid_from: date | None = None
    valid_to: date | None = None
    description: Text | None = None
    status: Literal["draft", "released"] = "draft"
    operations: Annotated[list[OperationCreate], Meta(min_length=1, max_length=200)]


class RoutingPut(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A draft's whole content (``If-Match`` required)."""

    valid_from: date
    valid_to: date | None = None
    description: Text | None = None
    operations: Annotated[list[OperationCreate], Meta(min_length=1, max_length=200)]


class RevisionCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    valid_from: date
    valid_to: date | None = None

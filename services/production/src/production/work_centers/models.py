"""Work centers as the API reads and writes them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import UNSET, Meta, UnsetType

Code = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_.-]{1,20}$")]
Name = Annotated[str, Meta(min_length=1, max_length=100)]
Line = Annotated[str, Meta(min_length=1, max_length=40)]
Units = Annotated[int, Meta(ge=1, le=100)]
MinorStop = Annotated[int, Meta(ge=0, le=3600)]
Status = Literal["active", "inactive"]


class WorkCenter(msgspec.Struct, kw_only=True):
    id: UUID
    plant_id: UUID
    code: str
    name: str
    line: str | None
    calendar_id: UUID
    capacity_units: int
    efficiency: Decimal
    cost_rate: Decimal
    minor_stop_seconds: int
    equipment_id: UUID | None
    status: Status
    version: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


class WorkCenterCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    plant_id: UUID
    code: Code
    name: Name
    calendar_id: UUID
    line: Line | None = None
    capacity_units: Units = 1
    efficiency: Decimal = Decimal(1)
    cost_rate: Decimal = Decimal(0)
    minor_stop_seconds: MinorStop = 300
    equipment_id: UUID | None = None
    status: Status = "active"


class WorkCenterUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """PATCH: absent fields stay; ``null`` clears line and equipment."""

    name: Name | UnsetType = UNSET
    line: Line | UnsetType | None = UNSET
    calendar_id: UUID | UnsetType = UNSET
    capacity_units: Units | UnsetType = UNSET
    efficiency: Decimal | UnsetType = UNSET
    cost_rate: Decimal | UnsetType = UNSET
    minor_stop_seconds: MinorStop | UnsetType = UNSET
    equipment_id: UUID | UnsetType | None = UNSET
    status: Status | UnsetType = UNSET

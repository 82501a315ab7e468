"""Equipment as the API reads and writes it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import UNSET, Meta, UnsetType

Level = Literal["line", "machine", "component"]
Criticality = Literal["A", "B", "C"]
Status = Literal["active", "inactive", "scrapped"]
Code = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_.-]{1,30}$")]
Name = Annotated[str, Meta(min_length=1, max_length=200)]
Short = Annotated[str, Meta(min_length=1, max_length=100)]
Year = Annotated[int, Meta(ge=1900, le=2200)]


class Equipment(msgspec.Struct, kw_only=True):
    id: UUID
    plant_id: UUID
    parent_id: UUID | None
    level: Level
    code: str
    name: str
    criticality: Criticality
    work_center_id: UUID | None
    manufacturer: str | None
    model: str | None
    serial_number: str | None
    year_built: int | None
    installed_on: date | None
    status: Status
    version: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


class EquipmentCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A line hangs under the plant; a machine under a line (or the plant); a component
    under a machine or another component."""

    plant_id: UUID
    level: Level
    code: Code
    name: Name
    parent_id: UUID | None = None
    criticality: Criticality = "B"
    work_center_id: UUID | None = None
    manufacturer: Short | None = None
    model: Short | None = None
    serial_number: Short | None = None
    year_built: Year | None = None
    installed_on: date | None = None
    status: Status = "active"


class EquipmentUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Name | UnsetType = UNSET
    criticality: Criticality | UnsetType = UNSET
    work_center_id: UUID | UnsetType | None = UNSET
    manufacturer: Short | UnsetType | None = UNSET
    model: Short | UnsetType | None = UNSET
    serial_number: Short | UnsetType | None = UNSET
    year_built: Year | UnsetType | None = UNSET
    installed_on: date | UnsetType | None = UNSET
    status: Status | UnsetType = UNSET


class Document(msgspec.Struct, kw_only=True):
    id: UUID
    equipment_id: UUID
    filename: str
    content_type: str
    size_bytes: int
    uploaded_at: datetime
    uploaded_by: str

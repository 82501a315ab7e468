"""Shift calendars as the API reads and writes them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

from production.calendar.model import (
    Holiday,
    ShiftInstance,
    ShiftPattern,
)

Code = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_.-]{1,20}$")]
Name = Annotated[str, Meta(min_length=1, max_length=100)]
Timezone = Annotated[str, Meta(min_length=1, max_length=64)]


class Calendar(msgspec.Struct, kw_only=True):
    id: UUID
    plant_id: UUID
    code: str
    name: str
    timezone: str
    patterns: list[ShiftPattern]
    holidays: list[Holiday]
    version: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


class CalendarCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    plant_id: UUID
    code: Code
    name: Name
    timezone: Timezone
    patterns: list[ShiftPattern] = []
    holidays: list[Holiday] = []


class CalendarPut(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The whole calendar but its plant and code (``If-Match`` required)."""

    name: Name
    timezone: Timezone
    patterns: list[ShiftPattern] = []
    holidays: list[Holiday] = []


class CalendarExceptionItem(msgspec.Struct, kw_only=True):
    id: UUID
    calendar_id: UUID
    starts_at: datetime
    ends_at: datetime
    kind: str
    name: str
    shift_code: str | None


class ExceptionCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    starts_at: Annotated[datetime, Meta(tz=True)]
    ends_at: Annotated[datetime, Meta(tz=True)]
    kind: Literal["off", "extra"]
    name: Name
    shift_code: Code | None = None


class ShiftList(msgspec.Struct, kw_only=True):
    calendar_id: UUID
    timezone: str
    start: datetime
    end: datetime
    shifts: list[ShiftInstance]
    planned_seconds: int

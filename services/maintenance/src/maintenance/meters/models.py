"""Meters and readings as the API reads and writes them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import UNSET, Meta, UnsetType

MeterKind = Literal["operating_hours", "cycles", "strokes", "counter", "condition"]
AwareDatetime = Annotated[datetime, Meta(tz=True)]


class Meter(msgspec.Struct, kw_only=True):
    id: UUID
    plant_id: UUID
    equipment_id: UUID
    code: str
    kind: MeterKind
    unit: str
    from_production: bool
    alarm_above: Decimal | None
    alarm_below: Decimal | None
    last_value: Decimal | None
    last_read_at: datetime | None
    total_usage: Decimal
    version: int


class MeterCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """``from_production``: production's counts feed it (cycles and strokes from pieces,
    operating hours from the machine time they stand for). Alarm limits: condition gauges
    only."""

    equipment_id: UUID
    code: Annotated[str, Meta(pattern=r"^[A-Za-z0-9_.-]{1,30}$")]
    kind: MeterKind
    unit: Annotated[str, Meta(min_length=1, max_length=10)]
    from_production: bool = False
    alarm_above: Decimal | None = None
    alarm_below: Decimal | None = None


class MeterUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    from_production: bool | UnsetType = UNSET
    alarm_above: Decimal | UnsetType | None = UNSET
    alarm_below: Decimal | UnsetType | None = UNSET


class ReadingCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A counter's value as the meter shows it (cumulative; ``reset``: it was replaced or
    rolled over, counting starts again), or a gauge's value."""

    value: Decimal
    at: AwareDatetime | None = None
    reset: bool = False


class BatchReading(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    meter_id: UUID
    value: Decimal
    at: AwareDatetime
    reset: bool = False


class BatchReadings(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    rows: Annotated[list[BatchReading], Meta(min_length=1, max_length=10_000)]


class Reading(msgspec.Struct, kw_only=True):
    id: UUID
    meter_id: UUID
    read_at: datetime
    value: Decimal
    usage: Decimal
    reset: bool
    source: str
    entered_by: str


class ReadingsAccepted(msgspec.Struct, kw_only=True):
    rows: int
    meters: int
    work_orders: list[str]

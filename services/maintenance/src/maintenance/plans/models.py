"""PM plans as the API reads and writes them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

Name = Annotated[str, Meta(min_length=1, max_length=200)]
Line = Annotated[str, Meta(min_length=1, max_length=500)]


class CalendarPart(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Every ``interval`` ``unit``: on a ``fixed`` grid from ``anchor``, or ``floating``
    from the last completion."""

    interval: Annotated[int, Meta(ge=1, le=1000)]
    unit: Literal["days", "weeks", "months", "years"]
    mode: Literal["fixed", "floating"] = "fixed"
    anchor: date


class UsagePart(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Every ``interval`` units of the meter (hours, cycles, strokes)."""

    meter_id: UUID
    interval: Decimal


class SparePart(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    material_id: UUID
    quantity: Decimal
    unit: Annotated[str, Meta(min_length=1, max_length=10)]


class TaskList(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    steps: Annotated[list[Line], Meta(max_length=200)] = []
    checklist: Annotated[list[Line], Meta(max_length=200)] = []
    skills: Annotated[
        list[Annotated[str, Meta(min_length=1, max_length=50)]], Meta(max_length=20)
    ] = []
    spare_parts: Annotated[list[SparePart], Meta(max_length=100)] = []


class PmPlan(msgspec.Struct, kw_only=True):
    id: UUID
    plant_id: UUID
    equipment_id: UUID
    name: str
    calendar: CalendarPart | None
    usage: UsagePart | None
    usage_anchor: Decimal | None
    usage_anchor_at: datetime | None
    lead_time_days: int
    machine_down: bool
    tasks: TaskList
    estimated_minutes: int
    last_completed_on: date | None
    last_due_date: date | None
    active: bool
    version: int
    created_at: datetime
    updated_at: datetime


class PmPlanPut(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A plan: a calendar rule, a usage rule or both (whichever comes first). Its work
    orders are made ``lead_time_days`` before they are due; ``machine_down``: the work
    stops the machine (production records a planned stop)."""

    equipment_id: UUID
    name: Name
    calendar: CalendarPart | None = None
    usage: UsagePart | None = None
    lead_time_days: Annotated[int, Meta(ge=0, le=365)] = 7
    machine_down: bool = True
    tasks: TaskList = msgspec.field(default_factory=TaskList)
    estimated_minutes: Annotated[int, Meta(ge=1, le=100000)] = 60
    active: bool = True


class GenerationResult(msgspec.Struct, kw_only=True):
    plans: int
    created: list[str]
    already_there: int

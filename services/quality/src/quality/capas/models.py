"""CAPAs as the API reads and writes them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

Status = Literal["open", "in_progress", "effectiveness_check", "closed", "cancelled"]
Owner = Annotated[str, Meta(min_length=1, max_length=200)]
Cause = Annotated[str, Meta(min_length=1, max_length=500)]
Causes = Annotated[list[Cause], Meta(max_length=20)]


class Ishikawa(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    """The fishbone's six categories (6M), each with the causes considered."""

    man: Causes = []
    machine: Causes = []
    method: Causes = []
    material: Causes = []
    measurement: Causes = []
    environment: Causes = []


class RootCause(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """5 Why (each answer the cause of the one before), the Ishikawa diagram, and the root
    cause the team concluded."""

    five_whys: Annotated[list[Cause], Meta(max_length=10)] = []
    ishikawa: Ishikawa = msgspec.field(default_factory=Ishikawa)
    statement: Annotated[str, Meta(max_length=2000)] | None = None


class Action(msgspec.Struct, kw_only=True):
    id: UUID
    description: str
    owner: str
    due_date: date
    done_at: datetime | None
    overdue: bool


class Capa(msgspec.Struct, kw_only=True):
    id: UUID
    plant_id: UUID
    number: str
    kind: Literal["corrective", "preventive"]
    title: str
    status: Status
    owner: str
    due_date: date
    overdue: bool
    root_cause: RootCause
    ncr_ids: list[UUID]
    actions: list[Action]
    effectiveness_due: date | None
    effective: bool | None
    effectiveness_note: str | None
    closed_at: datetime | None
    version: int
    created_at: datetime
    created_by: str
    updated_at: datetime


class ActionIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    description: Annotated[str, Meta(min_length=1, max_length=1000)]
    owner: Owner
    due_date: date


class ActionsAdd(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    actions: Annotated[list[ActionIn], Meta(min_length=1, max_length=100)]


class CapaCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    plant_id: UUID
    kind: Literal["corrective", "preventive"] = "corrective"
    title: Annotated[str, Meta(min_length=1, max_length=200)]
    owner: Owner
    due_date: date
    ncr_ids: Annotated[list[UUID], Meta(max_length=100)] = []
    root_cause: RootCause = msgspec.field(default_factory=RootCause)
    actions: Annotated[list[ActionIn], Meta(max_length=100)] = []
    effectiveness_due: date | None = None


class CapaUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    title: Annotated[str, Meta(min_length=1, max_length=200)] | None = None
    owner: Owner | None = None
    due_date: date | None = None
    ncr_ids: Annotated[list[UUID], Meta(max_length=100)] | None = None
    root_cause: RootCause | None = None
    effectiveness_due: date | None = None


class CapaStep(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """``in_progress`` (the root cause is found), ``effectiveness_check`` (every action is
    done), ``cancelled`` (with a note)."""

    to: Literal["in_progress", "effectiveness_check", "cancelled"]
    note: Annotated[str, Meta(max_length=2000)] | None = None


class Effectiveness(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The verdict of the effectiveness check: effective closes the CAPA; not effective
    sends it back to work (new actions)."""

    effective: bool
    note: Annotated[str, Meta(min_length=1, max_length=2000)]

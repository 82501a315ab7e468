"""Reasons as the API reads and writes them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import UNSET, Meta, UnsetType

ReasonKind = Literal["scrap", "rework", "downtime"]
Loss = Literal["planned_stop", "breakdown", "setup", "minor_stop"]
Code = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_.-]{1,20}$")]
Name = Annotated[str, Meta(min_length=1, max_length=100)]


class Reason(msgspec.Struct, kw_only=True):
    id: UUID
    kind: ReasonKind
    code: str
    name: str
    parent_id: UUID | None
    planned: bool | None
    loss: Loss | None
    active: bool
    created_at: datetime


class ReasonCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Downtime reasons say which OEE loss they book to (``loss``); a child inherits its
    parent's loss when it gives none. Scrap and rework reasons have no loss."""

    kind: ReasonKind
    code: Code
    name: Name
    parent_id: UUID | None = None
    loss: Loss | None = None


class ReasonUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Name | UnsetType = UNSET
    active: bool | UnsetType = UNSET

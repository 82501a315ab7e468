"""Subscriptions and notifications as the API reads and writes them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

Kind = Literal["ncr_created", "ncr_step", "spc_violation", "capa_overdue", "plan_expiring"]
Status = Literal["queued", "sent", "failed"]
Email = Annotated[str, Meta(pattern=r"^[^@\s]+@[^@\s]+$", max_length=254)]
Role = Annotated[str, Meta(min_length=1, max_length=50)]


class SubscriptionCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An e-mail address or a role (every active person having it), never both; the kinds
    of notice; ``plant_ids``: only notices about these plants (none: every plant)."""

    email: Email | None = None
    role: Role | None = None
    kinds: Annotated[list[Kind], Meta(min_length=1, max_length=5)]
    plant_ids: Annotated[list[UUID], Meta(min_length=1, max_length=100)] | None = None


class Subscription(msgspec.Struct, kw_only=True):
    id: UUID
    email: str | None
    role: str | None
    kinds: list[str]
    plant_ids: list[UUID] | None
    created_at: datetime
    created_by: str


class Notification(msgspec.Struct, kw_only=True):
    """One e-mail: ``attempts`` counts every delivery attempt, resends included; ``error``
    is the last failure's, or once sent the addresses the relay refused (if any)."""

    id: UUID
    plant_id: UUID | None
    kind: str
    recipients: list[str]
    subject: str
    body: str
    status: Status
    attempts: int
    error: str | None
    created_at: datetime
    sent_at: datetime | None

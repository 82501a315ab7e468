"""Downtime as the API reads and writes it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import UNSET, Meta, UnsetType

AwareDatetime = Annotated[datetime, Meta(tz=True)]
Description = Annotated[str, Meta(max_length=1000)]
Loss = Literal["planned_stop", "breakdown", "setup", "minor_stop"]


class Downtime(msgspec.Struct, kw_only=True):
    id: UUID
    plant_id: UUID
    work_center_id: UUID
    started_at: datetime
    ended_at: datetime | None
    expected_end: datetime | None
    reason_id: UUID | None
    planned: bool
    loss: Loss
    description: str | None
    source: str
    maintenance_work_order_id: UUID | None
    work_order_id: UUID | None
    operation_no: int | None
    reported_by: str
    closed_by: str | None
    booked_until: datetime | None


class DowntimeOpen(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A stop reported at a work center (``started_at`` default: now). Without a reason
    it books as a breakdown until someone classifies it."""

    started_at: AwareDatetime | None = None
    expected_end: AwareDatetime | None = None
    reason_id: UUID | None = None
    description: Description | None = None


class DowntimeEnd(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    ended_at: AwareDatetime | None = None


class DowntimeUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Classify a stop after the fact (the reason moves its time to the reason's loss
    when it ends) or tell when it will be over."""

    reason_id: UUID | UnsetType | None = UNSET
    description: Description | UnsetType | None = UNSET
    expected_end: AwareDatetime | UnsetType | None = UNSET

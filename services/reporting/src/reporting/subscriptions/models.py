"""Scheduled-report subscriptions as the API speaks them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import UNSET, Meta, UnsetType

from reporting.exports.models import Filters, Format

Name = Annotated[str, Meta(min_length=1, max_length=200)]
Email = Annotated[str, Meta(pattern=r"^[^@\s,<>]+@[^@\s,<>]+\.[^@\s,<>]+$", max_length=254)]
Recipients = Annotated[list[Email], Meta(min_length=1, max_length=50)]
Weekday = Annotated[int, Meta(ge=1, le=7, description="ISO: 1 Monday to 7 Sunday")]
Hour = Annotated[int, Meta(ge=0, le=23)]
Zone = Annotated[str, Meta(min_length=1, max_length=64, description="IANA, e.g. Europe/Berlin")]
Frequency = Literal["daily", "weekly"]
DeliveryBy = Literal["attachment", "link"]


class SubscriptionCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Send dashboard ``source`` with ``filters`` every day, or every week on
    ``weekday``, at ``hour`` in ``time_zone`` (the organization's), covering the days
    before (yesterday, or the last seven): as an XLSX attachment, or as an expiring link
    to a file in ``format``."""

    name: Name
    source: str
    filters: Filters = Filters()
    frequency: Frequency
    weekday: Weekday | None = None
    hour: Hour
    time_zone: Zone
    format: Format = "xlsx"
    delivery: DeliveryBy = "attachment"
    recipients: Recipients


class SubscriptionUpdate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Fields to change; the rest stay. ``active: false`` pauses it."""

    name: Name | UnsetType = UNSET
    filters: Filters | UnsetType = UNSET
    frequency: Frequency | UnsetType = UNSET
    weekday: Weekday | UnsetType | None = UNSET
    hour: Hour | UnsetType = UNSET
    time_zone: Zone | UnsetType = UNSET
    format: Format | UnsetType = UNSET
    delivery: DeliveryBy | UnsetType = UNSET
    recipients: Recipients | UnsetType = UNSET
    active: bool | UnsetType = UNSET


class Subscription(msgspec.Struct, kw_only=True):
    id: UUID
    name: str
    source: str
    filters: Filters
    frequency: str
    weekday: int | None
    hour: int
    time_zone: str
    format: str
    delivery: str
    recipients: list[str]
    plant_ids: list[UUID]
    active: bool
    next_run_at: datetime
    version: int
    created_by: str
    created_at: datetime
    updated_at: datetime


class Delivery(msgspec.Struct, kw_only=True):
    """One period's report: ``pending`` (being sent or to be retried, ``error`` says why
    the last attempt failed), ``sent`` (``file_id`` the export file it sent) or
    ``failed`` (given up)."""

    id: UUID
    scheduled_for: datetime
    first_day: date
    last_day: date
    status: str
    attempts: int
    error: str | None
    file_id: UUID | None
    created_at: datetime
    sent_at: datetime | None

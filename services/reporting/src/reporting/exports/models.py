"""Exports as the API speaks them: the request, the queued job, the file's link."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

Format = Literal["csv", "xlsx", "parquet"]
# A week by default; a link lives at most 30 days.
ExpiresIn = Annotated[int, Meta(ge=1, le=720)]


class Filters(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What a dashboard or fact range is narrowed by; each source takes some of them."""

    granularity: str | None = None
    plant_id: UUID | None = None
    work_center_id: UUID | None = None
    material_id: UUID | None = None
    equipment_id: UUID | None = None


class ExportRequest(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Export ``source`` (a dashboard such as ``production.oee`` or a fact range such as
    ``facts.counts``) of days ``from`` to ``to`` (inclusive, UTC) as ``format``."""

    source: str
    format: Format
    first: date = msgspec.field(name="from")
    last: date = msgspec.field(name="to")
    filters: Filters = Filters()
    expires_in_hours: ExpiresIn = 168


class ExportQueued(msgspec.Struct, frozen=True):
    job_id: UUID
    status: str
    href: str


class Column(msgspec.Struct, frozen=True):
    """A file column: its name and kind (text, uuid, timestamp, date, number, integer,
    boolean), which sets its Excel format and Parquet type."""

    name: str
    kind: str

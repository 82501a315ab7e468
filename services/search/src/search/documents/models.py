"""What the other services' events become: a searchable document, and its removal."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import Meta

EntityType = Annotated[str, Meta(pattern=r"^[a-z][a-z_]{1,39}$")]


class DocumentIn(msgspec.Struct, frozen=True, kw_only=True):
    """One thing of another service as search shows it. ``changed_at`` is the source's
    time of the change: an older one than indexed is ignored (late or replayed events)."""

    entity_type: EntityType
    entity_id: str
    title: str
    link: str
    changed_at: datetime
    plant_id: UUID | None = None  # None: the whole organization's
    code: str | None = None  # part or document number: an exact match ranks first
    body: str = ""
    extra: str = ""  # weighted lowest: supplier names, reason codes, notes
    status: str | None = None
    material_group: str | None = None
    doc_date: date | None = None


class DocumentGone(msgspec.Struct, frozen=True, kw_only=True):
    entity_type: EntityType
    entity_id: str
    changed_at: datetime

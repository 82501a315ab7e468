"""Quality's non-conformance reports: ``quality.ncr.changed`` (raised and every step);
the rebuild reads ``GET /api/quality/ncrs``. Scoped to the NCR's plant."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg
import msgspec

from search.documents.models import DocumentIn
from search.feeds.index import words, write
from unison_events.quality import NcrChanged

ENTITY = "ncr"
SOURCE = "/api/quality/ncrs"


class Ncr(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    plant_id: UUID
    number: str
    title: str
    description: str | None = None
    status: str
    severity: str
    defect_codes: tuple[str, ...] = ()
    supplier: str | None = None
    disposition: str | None = None
    created_at: datetime


def document(ncr: Ncr, changed_at: datetime) -> DocumentIn:
    return DocumentIn(
        entity_type=ENTITY,
        entity_id=str(ncr.id),
        plant_id=ncr.plant_id,
        title=ncr.title,
        code=ncr.number,
        body=words(ncr.description, ncr.defect_codes),
        extra=words(ncr.severity, ncr.supplier, ncr.disposition),
        status=ncr.status,
        doc_date=ncr.created_at.date(),
        link=f"/quality/ncrs/{ncr.id}",
        changed_at=changed_at,
    )


def from_event(event: NcrChanged) -> DocumentIn:
    if event.plant_id is None:
        raise ValueError(f"NCR {event.number} names no plant")
    ncr = Ncr(
        id=event.ncr_id,
        plant_id=event.plant_id,
        number=event.number,
        title=event.title,
        description=event.description,
        status=event.status,
        severity=event.severity,
        defect_codes=event.defect_codes,
        supplier=event.supplier,
        disposition=event.disposition,
        created_at=event.created_at,
    )
    return document(ncr, event.occurred_at)


async def on_ncr(conn: asyncpg.Connection, event: NcrChanged) -> None:
    await write(conn, [from_event(event)])

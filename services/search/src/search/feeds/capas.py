"""Quality's corrective and preventive actions: ``quality.capa.changed``; the rebuild reads
``GET /api/quality/capas``. Scoped to the CAPA's plant."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import asyncpg
import msgspec

from search.documents.models import DocumentIn
from search.feeds.index import words, write
from unison_events.quality import CapaChanged

ENTITY = "capa"
SOURCE = "/api/quality/capas"


class Capa(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    plant_id: UUID
    number: str
    kind: str
    title: str
    status: str
    owner: str
    due_date: date


def document(capa: Capa, changed_at: datetime) -> DocumentIn:
    return DocumentIn(
        entity_type=ENTITY,
        entity_id=str(capa.id),
        plant_id=capa.plant_id,
        title=capa.title,
        code=capa.number,
        extra=words(capa.kind, capa.owner),
        status=capa.status,
        doc_date=capa.due_date,
        link=f"/quality/capas/{capa.id}",
        changed_at=changed_at,
    )


def from_event(event: CapaChanged) -> DocumentIn:
    if event.plant_id is None:
        raise ValueError(f"CAPA {event.number} names no plant")
    capa = Capa(
        id=event.capa_id,
        plant_id=event.plant_id,
        number=event.number,
        kind=event.kind,
        title=event.title,
        status=event.status,
        owner=event.owner,
        due_date=event.due_date,
    )
    return document(capa, event.occurred_at)


async def on_capa(conn: asyncpg.Connection, event: CapaChanged) -> None:
    await write(conn, [from_event(event)])

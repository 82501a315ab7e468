"""Maintenance's equipment documents (manuals, drawings, certificates: files with names):
``maintenance.equipment_document.added|deleted``; the rebuild reads
``GET /api/maintenance/equipment/{id}/documents`` of every equipment it read. Scoped to
the equipment's plant; found by the file's name and the equipment's code."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg
import msgspec

from search.documents.models import DocumentGone, DocumentIn
from search.feeds.index import words, write
from unison_events.maintenance import EquipmentDocumentAdded, EquipmentDocumentDeleted

ENTITY = "equipment_document"


def source(equipment_id: UUID) -> str:
    return f"/api/maintenance/equipment/{equipment_id}/documents"


class EquipmentDocument(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    equipment_id: UUID
    filename: str
    content_type: str
    uploaded_at: datetime


def document(
    file: EquipmentDocument, plant_id: UUID, equipment_code: str, changed_at: datetime
) -> DocumentIn:
    stem = file.filename.rsplit(".", 1)[0].replace("_", " ").replace("-", " ")
    return DocumentIn(
        entity_type=ENTITY,
        entity_id=str(file.id),
        plant_id=plant_id,
        title=file.filename,
        body=words(stem, equipment_code),
        extra=file.content_type,
        doc_date=file.uploaded_at.date(),
        link=f"/maintenance/equipment/{file.equipment_id}/documents/{file.id}",
        changed_at=changed_at,
    )


def from_event(event: EquipmentDocumentAdded) -> DocumentIn:
    if event.plant_id is None:
        raise ValueError(f"document {event.document_id} names no plant")
    file = EquipmentDocument(
        id=event.document_id,
        equipment_id=event.equipment_id,
        filename=event.filename,
        content_type=event.content_type,
        uploaded_at=event.uploaded_at,
    )
    return document(file, event.plant_id, event.equipment_code, event.occurred_at)


def gone(event: EquipmentDocumentDeleted) -> DocumentGone:
    return DocumentGone(
        entity_type=ENTITY, entity_id=str(event.document_id), changed_at=event.occurred_at
    )


async def on_added(conn: asyncpg.Connection, event: EquipmentDocumentAdded) -> None:
    await write(conn, [from_event(event)])


async def on_deleted(conn: asyncpg.Connection, event: EquipmentDocumentDeleted) -> None:
    await write(conn, gone=[gone(event)], plants=[event.plant_id])

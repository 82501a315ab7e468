"""Inventory's materials: ``inventory.material.created|changed|deleted``; the rebuild reads
``GET /api/inventory/materials``. Organization-wide (materials have no plant)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg
import msgspec

from search.documents.models import DocumentGone, DocumentIn
from search.feeds.index import words, write
from unison_events.inventory import MaterialChanged, MaterialCreated, MaterialDeleted

ENTITY = "material"
SOURCE = "/api/inventory/materials"


class Material(msgspec.Struct, frozen=True, kw_only=True):
    """What a material's document is made of: the event's snapshot or an API row."""

    id: UUID
    number: str
    description: str
    type: str
    base_unit: str
    status: str
    material_group: str | None = None


def document(material: Material, changed_at: datetime) -> DocumentIn:
    return DocumentIn(
        entity_type=ENTITY,
        entity_id=str(material.id),
        title=material.description,
        code=material.number,
        extra=words(material.type, material.base_unit, material.material_group),
        status=material.status,
        material_group=material.material_group,
        link=f"/inventory/materials/{material.id}",
        changed_at=changed_at,
    )


def from_event(event: MaterialCreated | MaterialChanged) -> DocumentIn:
    material = Material(
        id=event.material_id,
        number=event.number,
        description=event.description,
        type=event.type,
        base_unit=event.base_unit,
        status=event.status,
        material_group=event.material_group,
    )
    return document(material, event.occurred_at)


def gone(event: MaterialDeleted) -> DocumentGone:
    return DocumentGone(
        entity_type=ENTITY, entity_id=str(event.material_id), changed_at=event.occurred_at
    )


async def on_material(conn: asyncpg.Connection, event: MaterialCreated | MaterialChanged) -> None:
    await write(conn, [from_event(event)])


async def on_material_deleted(conn: asyncpg.Connection, event: MaterialDeleted) -> None:
    await write(conn, gone=[gone(event)])

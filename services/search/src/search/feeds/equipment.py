"""Maintenance's equipment (plants' lines, machines, components):
``maintenance.equipment.changed`` (``deleted`` when removed); the rebuild reads
``GET /api/maintenance/equipment``. Scoped to the equipment's plant."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg
import msgspec

from search.documents.models import DocumentGone, DocumentIn
from search.feeds.index import words, write
from unison_events.maintenance import EquipmentChanged

ENTITY = "equipment"
SOURCE = "/api/maintenance/equipment"


class Equipment(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    plant_id: UUID
    code: str
    name: str
    level: str
    criticality: str
    status: str
    manufacturer: str | None = None
    model: str | None = None


def document(equipment: Equipment, changed_at: datetime) -> DocumentIn:
    return DocumentIn(
        entity_type=ENTITY,
        entity_id=str(equipment.id),
        plant_id=equipment.plant_id,
        title=equipment.name,
        code=equipment.code,
        body=words(equipment.manufacturer, equipment.model),
        extra=words(equipment.level, f"criticality {equipment.criticality}"),
        status=equipment.status,
        link=f"/maintenance/equipment/{equipment.id}",
        changed_at=changed_at,
    )


def from_event(event: EquipmentChanged) -> DocumentIn | DocumentGone:
    if event.deleted:
        return DocumentGone(
            entity_type=ENTITY, entity_id=str(event.equipment_id), changed_at=event.occurred_at
        )
    if event.plant_id is None:
        raise ValueError(f"equipment {event.code} names no plant")
    equipment = Equipment(
        id=event.equipment_id,
        plant_id=event.plant_id,
        code=event.code,
        name=event.name,
        level=event.level,
        criticality=event.criticality,
        status=event.status,
        manufacturer=event.manufacturer,
        model=event.model,
    )
    return document(equipment, event.occurred_at)


async def on_equipment(conn: asyncpg.Connection, event: EquipmentChanged) -> None:
    made = from_event(event)
    if isinstance(made, DocumentGone):
        await write(conn, gone=[made], plants=[event.plant_id])
    else:
        await write(conn, [made])

"""Documents of equipment (manuals, drawings, certificates), kept in the object store under
the organization's prefix (``org/<organization>/maintenance/equipment-documents/<uuid7>``)
with a row in ``maintenance.equipment_documents``.

The object is written first under a fresh key, then the row and its event in the
transaction; if the transaction fails the object is an orphan that the sweep job removes.
Deleting the row (or the equipment: the cascade) queues the object for the sweep.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg
from litestar import Response

from maintenance.caller import MAINTAINERS, Caller
from maintenance.equipment import repo
from maintenance.equipment.models import Document, Equipment
from unison_bus import announce
from unison_events.maintenance import EquipmentDocumentAdded, EquipmentDocumentDeleted
from unison_objects import DownloadLink, ObjectStore, StoredFile, Upload, new_key, presigned, send
from unison_objects.sweep import SweepPlan, delete_now
from unison_pg import Database
from unison_web import NotFound

KIND = "equipment-documents"
SWEEP = SweepPlan(service="maintenance", kinds=(KIND,), legacy=True)


async def _equipment(conn: asyncpg.Connection, equipment_id: UUID) -> Equipment:
    equipment = await repo.get(conn, equipment_id)
    if equipment is None:
        raise NotFound(f"equipment {equipment_id} does not exist")
    return equipment


async def add(
    db: Database, store: ObjectStore, caller: Caller, equipment_id: UUID, upload: Upload
) -> Document:
    caller.require(*MAINTAINERS)
    # Checked before the upload too, so a refused request stores nothing.
    async with db.transaction(caller.tenant, readonly=True) as conn:
        await _equipment(conn, equipment_id)
    key = new_key(caller.tenant.organization_id, "maintenance", KIND)
    await store.put(key, upload.content, upload.content_type)
    async with db.transaction(caller.tenant) as conn:
        equipment = await _equipment(conn, equipment_id)
        saved = await repo.document_insert(
            conn, equipment, upload.filename, upload.content_type, upload.size_bytes, key
        )
        added = EquipmentDocumentAdded(
            organization_id=caller.tenant.organization_id,
            plant_id=equipment.plant_id,
            document_id=saved.id,
            equipment_id=equipment.id,
            equipment_code=equipment.code,
            filename=saved.filename,
            content_type=saved.content_type,
            uploaded_at=saved.uploaded_at,
        )
        await announce(conn, added, equipment.id)
        return saved


async def listed(db: Database, caller: Caller, equipment_id: UUID) -> list[Document]:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        await _equipment(conn, equipment_id)
        return await repo.documents(conn, equipment_id)


async def _stored(
    db: Database, caller: Caller, equipment_id: UUID, document_id: UUID
) -> StoredFile:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        found = await repo.document_get(conn, equipment_id, document_id)
    if found is None:
        raise NotFound(f"document {document_id} does not exist")
    return found


async def download(
    db: Database, store: ObjectStore, caller: Caller, equipment_id: UUID, document_id: UUID
) -> Response[Any]:
    stored = await _stored(db, caller, equipment_id, document_id)
    return await send(store, stored, caller.tenant.organization_id)


async def link(
    db: Database, store: ObjectStore, caller: Caller, equipment_id: UUID, document_id: UUID
) -> DownloadLink:
    stored = await _stored(db, caller, equipment_id, document_id)
    return presigned(store, stored, caller.tenant.organization_id)


async def delete(
    db: Database, store: ObjectStore, caller: Caller, equipment_id: UUID, document_id: UUID
) -> None:
    caller.require(*MAINTAINERS)
    async with db.transaction(caller.tenant) as conn:
        equipment = await repo.get(conn, equipment_id)
        if equipment is None:
            raise NotFound(f"document {document_id} does not exist")
        found, key = await repo.document_delete(conn, equipment_id, document_id)
        if not found:
            raise NotFound(f"document {document_id} does not exist")
        deleted = EquipmentDocumentDeleted(
            organization_id=caller.tenant.organization_id,
            plant_id=equipment.plant_id,
            document_id=document_id,
            equipment_id=equipment_id,
        )
        await announce(conn, deleted, equipment_id)
    if key is not None:
        await delete_now(db, caller.tenant, store, SWEEP, [key])

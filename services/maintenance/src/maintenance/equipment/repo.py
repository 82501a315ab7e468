"""Typed functions for ``equipment.sql``. The caller owns the transaction."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import asyncpg

from maintenance.equipment.models import Document, Equipment
from unison_objects import StoredFile
from unison_pg import Queries
from unison_pg.rows import many, one

Q = Queries.load(Path(__file__).with_name("equipment.sql"))


class Node(Equipment, kw_only=True):
    depth: int


async def insert(
    conn: asyncpg.Connection, plant_id: UUID, fields: tuple[object, ...]
) -> Equipment | None:
    """``fields``: parent, level, code, name, criticality, work center, manufacturer,
    model, serial number, year built, installed on, status."""
    return one(await conn.fetchrow(Q.insert, plant_id, *fields), Equipment)


async def get(
    conn: asyncpg.Connection, equipment_id: UUID, *, lock: bool = False
) -> Equipment | None:
    return one(await conn.fetchrow(Q.lock if lock else Q.get, equipment_id), Equipment)


async def get_many(conn: asyncpg.Connection, ids: list[UUID]) -> dict[UUID, Equipment]:
    return {e.id: e for e in many(await conn.fetch(Q.get_many, ids), Equipment)}


async def update(
    conn: asyncpg.Connection, equipment_id: UUID, fields: tuple[object, ...]
) -> Equipment:
    found = one(await conn.fetchrow(Q.update, equipment_id, *fields), Equipment)
    assert found is not None  # locked by the caller
    return found


async def delete(conn: asyncpg.Connection, equipment_id: UUID) -> bool:
    return await conn.fetchval(Q.delete, equipment_id) is not None


async def page(
    conn: asyncpg.Connection,
    filters: tuple[UUID | None, UUID | None, bool, str | None],
    after: tuple[object, ...] | None,
    limit: int,
) -> list[Equipment]:
    key = after if after is not None else (None, None)
    return many(await conn.fetch(Q.page, *filters, *key, limit), Equipment)


async def subtree(conn: asyncpg.Connection, equipment_id: UUID) -> list[Node]:
    return many(await conn.fetch(Q.subtree, equipment_id), Node)


async def by_work_center(conn: asyncpg.Connection, work_center_id: UUID) -> list[Equipment]:
    return many(await conn.fetch(Q.by_work_center, work_center_id), Equipment)


async def document_insert(
    conn: asyncpg.Connection,
    equipment: Equipment,
    filename: str,
    content_type: str,
    size_bytes: int,
    object_key: str,
) -> Document:
    found = one(
        await conn.fetchrow(
            Q.document_insert,
            equipment.id,
            equipment.plant_id,
            filename,
            content_type,
            size_bytes,
            object_key,
        ),
        Document,
    )
    assert found is not None
    return found


async def documents(conn: asyncpg.Connection, equipment_id: UUID) -> list[Document]:
    return many(await conn.fetch(Q.documents, equipment_id), Document)


async def document_get(
    conn: asyncpg.Connection, equipment_id: UUID, document_id: UUID
) -> StoredFile | None:
    r = await conn.fetchrow(Q.document_get, equipment_id, document_id)
    return None if r is None else StoredFile.of(r)


async def document_delete(
    conn: asyncpg.Connection, equipment_id: UUID, document_id: UUID
) -> tuple[bool, str | None]:
    """(deleted, the object's key)."""
    row = await conn.fetchrow(Q.document_delete, equipment_id, document_id)
    return (False, None) if row is None else (True, row["object_key"])

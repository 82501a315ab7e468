"""Typed functions for ``work_centers.sql``. The caller owns the transaction."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import asyncpg

from production.work_centers.models import WorkCenter
from unison_pg import Queries
from unison_pg.rows import many, one

Q = Queries.load(Path(__file__).with_name("work_centers.sql"))

Fields = tuple[object, ...]


async def insert(conn: asyncpg.Connection, plant_id: UUID, fields: Fields) -> WorkCenter | None:
    """``fields``: code, name, line, calendar, capacity_units, efficiency, cost_rate,
    minor_stop_seconds, equipment_id, status."""
    return one(await conn.fetchrow(Q.insert, plant_id, *fields), WorkCenter)


async def get(conn: asyncpg.Connection, work_center_id: UUID) -> WorkCenter | None:
    return one(await conn.fetchrow(Q.get, work_center_id), WorkCenter)


async def get_many(conn: asyncpg.Connection, ids: list[UUID]) -> dict[UUID, WorkCenter]:
    return {w.id: w for w in many(await conn.fetch(Q.get_many, ids), WorkCenter)}


async def lock(conn: asyncpg.Connection, work_center_id: UUID) -> WorkCenter | None:
    return one(await conn.fetchrow(Q.lock, work_center_id), WorkCenter)


async def update(conn: asyncpg.Connection, work_center_id: UUID, fields: Fields) -> WorkCenter:
    """``fields``: name, line, calendar, capacity_units, efficiency, cost_rate,
    minor_stop_seconds, equipment_id, status."""
    found = one(await conn.fetchrow(Q.update, work_center_id, *fields), WorkCenter)
    assert found is not None  # locked by the caller
    return found


async def delete(conn: asyncpg.Connection, work_center_id: UUID) -> bool:
    return await conn.fetchval(Q.delete, work_center_id) is not None


async def page(
    conn: asyncpg.Connection,
    plant_id: UUID | None,
    line: str | None,
    status: str | None,
    after: tuple[object, ...] | None,
    limit: int,
) -> list[WorkCenter]:
    key = after if after is not None else (None, None)
    return many(await conn.fetch(Q.page, plant_id, line, status, *key, limit), WorkCenter)


async def by_equipment(conn: asyncpg.Connection, equipment_id: UUID) -> list[WorkCenter]:
    return many(await conn.fetch(Q.by_equipment, equipment_id), WorkCenter)


async def all_active(conn: asyncpg.Connection) -> list[WorkCenter]:
    return many(await conn.fetch(Q.all_active), WorkCenter)

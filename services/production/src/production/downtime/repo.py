"""Typed functions for ``downtime.sql``. The caller owns the transaction."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from uuid import UUID

import asyncpg

from production.downtime.models import Downtime
from unison_pg import Queries
from unison_pg.rows import many, one

Q = Queries.load(Path(__file__).with_name("downtime.sql"))


async def insert(
    conn: asyncpg.Connection, plant_id: UUID, work_center_id: UUID, fields: tuple[object, ...]
) -> Downtime | None:
    """``fields``: started_at, expected_end, reason, planned, loss, description, source,
    maintenance order, work order, operation."""
    return one(await conn.fetchrow(Q.insert, plant_id, work_center_id, *fields), Downtime)


async def get(
    conn: asyncpg.Connection, downtime_id: UUID, *, lock: bool = False
) -> Downtime | None:
    return one(await conn.fetchrow(Q.lock if lock else Q.get, downtime_id), Downtime)


async def open_at(conn: asyncpg.Connection, work_centers: list[UUID]) -> list[Downtime]:
    return many(await conn.fetch(Q.open_at, work_centers), Downtime)


async def open_all(conn: asyncpg.Connection) -> list[Downtime]:
    return many(await conn.fetch(Q.open_all), Downtime)


async def by_maintenance(conn: asyncpg.Connection, order_id: UUID) -> list[Downtime]:
    return many(await conn.fetch(Q.by_maintenance, order_id), Downtime)


async def save(conn: asyncpg.Connection, d: Downtime) -> None:
    await conn.execute(
        Q.save,
        d.id,
        d.ended_at,
        d.expected_end,
        d.reason_id,
        d.planned,
        d.loss,
        d.description,
        d.maintenance_work_order_id,
        d.closed_by,
        d.booked_until,
    )


async def page(
    conn: asyncpg.Connection,
    work_center_id: UUID,
    window: tuple[datetime, datetime],
    before: tuple[object, ...] | None,
    limit: int,
) -> list[Downtime]:
    key = before if before is not None else (None, None)
    return many(await conn.fetch(Q.page, work_center_id, *window, *key, limit), Downtime)


async def blocking(
    conn: asyncpg.Connection,
    work_centers: list[UUID],
    window: tuple[datetime, datetime],
    open_until: datetime,
) -> list[tuple[UUID, datetime, datetime]]:
    records = await conn.fetch(Q.blocking, work_centers, *window, open_until)
    return [(r["work_center_id"], r["started_at"], r["until"]) for r in records]

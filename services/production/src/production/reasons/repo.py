"""Typed functions for ``reasons.sql``. The caller owns the transaction."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import asyncpg

from production.reasons.models import Reason
from unison_pg import Queries
from unison_pg.rows import many, one

Q = Queries.load(Path(__file__).with_name("reasons.sql"))


async def insert(conn: asyncpg.Connection, fields: tuple[object, ...]) -> Reason | None:
    """``fields``: kind, code, name, parent, planned, loss."""
    return one(await conn.fetchrow(Q.insert, *fields), Reason)


async def get(conn: asyncpg.Connection, reason_id: UUID) -> Reason | None:
    return one(await conn.fetchrow(Q.get, reason_id), Reason)


async def get_many(conn: asyncpg.Connection, ids: list[UUID]) -> dict[UUID, Reason]:
    return {r.id: r for r in many(await conn.fetch(Q.get_many, ids), Reason)}


async def update(
    conn: asyncpg.Connection, reason_id: UUID, name: str, active: bool
) -> Reason | None:
    return one(await conn.fetchrow(Q.update, reason_id, name, active), Reason)


async def page(
    conn: asyncpg.Connection,
    kind: str | None,
    active_only: bool,
    after: tuple[object, ...] | None,
    limit: int,
) -> list[Reason]:
    key = after if after is not None else (None, None)
    return many(await conn.fetch(Q.page, kind, active_only, *key, limit), Reason)

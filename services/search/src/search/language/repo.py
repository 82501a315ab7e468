"""Typed functions for ``language.sql``. The caller owns the transaction."""

from __future__ import annotations

from pathlib import Path

import asyncpg

from unison_pg import Queries

Q = Queries.load(Path(__file__).with_name("language.sql"))


async def get(conn: asyncpg.Connection) -> asyncpg.Record | None:
    return await conn.fetchrow(Q.get)


async def lock(conn: asyncpg.Connection) -> None:
    await conn.execute(Q.lock)


async def set_language(
    conn: asyncpg.Connection, language: str, version: int
) -> asyncpg.Record | None:
    return await conn.fetchrow(Q.set_language, language, version)


async def document_count(conn: asyncpg.Connection) -> int:
    row = await get(conn)
    return int(row["doc_count"]) if row else 0


async def restem_words(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval(Q.restem_words))


async def reindex_batch(conn: asyncpg.Connection, after: int, limit: int) -> int | None:
    last: int | None = await conn.fetchval(Q.reindex_batch, after, limit)
    return last

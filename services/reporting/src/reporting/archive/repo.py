"""Typed functions for the archive's records (``archive.sql``). The caller owns the
transaction."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg
import msgspec

from reporting.archive.store import SQL
from unison_pg.rows import many


class Candidate(msgspec.Struct, frozen=True, kw_only=True):
    """The organization's rows in one fact partition past the retention."""

    fact_table: str
    partition_name: str
    range_start: datetime
    range_end: datetime
    org_rows: int
    plant_ids: list[UUID]
    partition_bytes: int
    archived_rows: int | None


class Record(msgspec.Struct, frozen=True, kw_only=True):
    fact_table: str
    range_start: datetime
    range_end: datetime
    object_key: str


class Exported(msgspec.Struct, frozen=True, kw_only=True):
    """What one export wrote."""

    candidate: Candidate
    object_key: str
    rows: int
    parquet_bytes: int


async def candidates(conn: asyncpg.Connection, before: datetime) -> list[Candidate]:
    return many(await conn.fetch(SQL.candidates, before), Candidate)


async def overlapping(conn: asyncpg.Connection, span: tuple[datetime, datetime]) -> list[Record]:
    return many(await conn.fetch(SQL.overlapping, *span), Record)


async def record(conn: asyncpg.Connection, done: Exported) -> str | None:
    """Record an export; returns the key of the file it replaces, if any."""
    c = done.candidate
    previous: str | None = await conn.fetchval(SQL.previous_key, c.fact_table, c.range_start)
    await conn.execute(
        SQL.record,
        c.fact_table,
        c.range_start,
        c.range_end,
        c.partition_name,
        done.object_key,
        done.rows,
        done.parquet_bytes,
        c.partition_bytes,
    )
    return previous


async def drop_partition(conn: asyncpg.Connection, partition: str) -> bool:
    dropped: bool = await conn.fetchval(SQL.drop_partition, partition)
    return dropped

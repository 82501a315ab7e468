"""Typed functions for ``charts.sql``. The caller owns the transaction."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from uuid import UUID

import asyncpg
import msgspec

from quality.plans.models import Characteristic
from unison_pg import Queries

Q = Queries.load(Path(__file__).with_name("charts.sql"))


class Series(msgspec.Struct, frozen=True, kw_only=True):
    """Measurements in time order, as columns (a chart reads 100,000 of them)."""

    values: list[float]
    times: list[datetime]
    inspections: list[UUID]


async def series(
    conn: asyncpg.Connection,
    stream: tuple[UUID, str, UUID],
    limit: int,
    since: datetime,
) -> Series:
    """``stream``: material, characteristic, plant."""
    records = await conn.fetch(Q.series, *stream, limit, since)
    return Series(
        values=[float(r[0]) for r in records],
        times=[r[1] for r in records],
        inspections=[r[2] for r in records],
    )


async def specification(
    conn: asyncpg.Connection, inspection_id: UUID, code: str
) -> Characteristic | None:
    raw = await conn.fetchval(Q.specification, inspection_id, code)
    return None if raw is None else msgspec.json.decode(raw, type=Characteristic)

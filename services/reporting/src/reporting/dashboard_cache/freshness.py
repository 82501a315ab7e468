"""When facts change a dashboard's days: the freshness counters, and the live update.

Why counters in the key rather than deleting cache entries: a fact cannot know which
cached dashboards cover it (any period, granularity and filter may), and the cache has
no prefix delete. Instead each (organization, plant, day) has a counter bumped in the
fact's transaction, and a dashboard's key carries the sum of its range's counters. The
write is one upsert; the read is one index range scan of at most days x plants rows; a
fact outside a dashboard's days or plants leaves its key, and its cached answer, alone.
Stale entries are never read again and expire by TTL (pg_cron sweeps them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import UUID

import asyncpg

from unison_bus import LiveUpdate, notify_live
from unison_pg import Queries

QUERIES = Queries.load(Path(__file__).with_name("generations.sql"))
# What subscribed OEE tiles listen for: ``id`` is the plant, ``data`` the days that changed.
OEE_TOPIC = "reporting.production.oee"


def utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def utc_days(start: datetime, end: datetime) -> list[date]:
    """Every UTC day from the one of ``start`` to the one of ``end``, both included."""
    first, last = utc_day(start), utc_day(end)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


async def facts_changed(
    conn: asyncpg.Connection, organization_id: UUID, plant_id: UUID, days: Iterable[date]
) -> None:
    """In the fact's transaction: the days' dashboards are stale, their tiles refetch."""
    changed = sorted(set(days))
    await conn.execute(QUERIES.bump_days, plant_id, changed)
    await _tell(conn, organization_id, plant_id, changed[0], changed[-1])


async def rebuilt(
    conn: asyncpg.Connection,
    organization_id: UUID,
    plant_ids: Sequence[UUID],
    span: tuple[date, date],
) -> None:
    """In a rebuild's transaction: every day of ``span`` of those plants may have changed."""
    await conn.execute(QUERIES.bump_span, list(plant_ids), *span)
    for plant_id in plant_ids:
        await _tell(conn, organization_id, plant_id, *span)


async def range_generation(
    conn: asyncpg.Connection, plant_ids: Sequence[UUID], first: date, last: date
) -> int:
    generation: int = await conn.fetchval(QUERIES.range_generation, list(plant_ids), first, last)
    return generation


async def _tell(
    conn: asyncpg.Connection, organization_id: UUID, plant_id: UUID, first: date, last: date
) -> None:
    # Ids and days, never figures: the tile refetches through its own token and cache.
    await notify_live(
        conn,
        LiveUpdate(
            type=OEE_TOPIC,
            id=str(plant_id),
            organization_id=organization_id,
            plant_id=plant_id,
            data={"from": first.isoformat(), "to": last.isoformat()},
        ),
    )

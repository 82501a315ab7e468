"""When facts change a dashboard's days: the freshness counters, and the live update.

Why counters in the key rather than deleting cache entries: a fact cannot know which
cached dashboards cover it (any period, granularity and filter may), and the cache has
no prefix delete. Instead each (organization, plant, day) has a counter bumped in the
fact's transaction, and a dashboard's key carries the sum of its range's counters. The
write is one upsert; the read is one index range scan of at most days x plants rows; a
fact outside a dashboard's days or plants leaves its key, and its cached answer, alone.
Stale entries are never read again and expire by TTL (pg_cron sweeps them).

Counters are kept per *scope*, the family of facts a dashboard is read from (production's
shifts, counts and stops; work orders; quality's figures and decisions; NCRs; CAPAs;
measured values; maintenance's day inputs; the work centers' lines), so a production count
leaves the cached quality dashboards of its day alone. Facts that change every period at
once (an NCR's state shows in today's ageing, a work center moving to another line
regroups its whole history) bump the plant's *state day* counter of their scope instead,
which the dashboards depending on it add to their key.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import UUID

import asyncpg

from unison_bus import LiveUpdate, notify_live
from unison_pg import Database, Queries, Tenant

QUERIES = Queries.load(Path(__file__).with_name("generations.sql"))
# What subscribed OEE tiles listen for: ``id`` is the plant, ``data`` the days that changed.
OEE_TOPIC = "reporting.production.oee"

# Scopes (what the counters are kept per) and the live topic each one's tiles listen to.
PRODUCTION = "production"
WORK_ORDERS = "work_orders"
WORK_CENTERS = "work_centers"
QUALITY = "quality"
NCRS = "ncrs"
CAPAS = "capas"
MEASUREMENTS = "measurements"
MAINTENANCE = "maintenance"
TOPICS = {
    PRODUCTION: OEE_TOPIC,
    WORK_ORDERS: "reporting.production.schedule",
    WORK_CENTERS: OEE_TOPIC,
    QUALITY: "reporting.quality.figures",
    NCRS: "reporting.quality.ncrs",
    CAPAS: "reporting.quality.capas",
    MEASUREMENTS: "reporting.quality.capability",
    MAINTENANCE: "reporting.maintenance.kpis",
}
# The scopes of daily rollups a rebuild recomputes.
REBUILT = (PRODUCTION, WORK_ORDERS, QUALITY, MEASUREMENTS, MAINTENANCE)
# The counter of a plant's state rather than of a day (no fact lands on 1970-01-01).
STATE_DAY = date(1970, 1, 1)


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
    await scope_changed(conn, organization_id, plant_id, PRODUCTION, days)


async def scope_changed(
    conn: asyncpg.Connection,
    organization_id: UUID,
    plant_id: UUID,
    scope: str,
    days: Iterable[date],
    topic: str | None = None,
) -> None:
    """In the fact's transaction: the days (or the state day) of ``scope`` changed at the
    plant; its cached dashboards of those days are stale and its tiles (``topic``, by
    default the scope's, ``reporting.<scope>`` for a scope not listed) refetch."""
    changed = sorted(set(days))
    await conn.execute(QUERIES.bump_days, plant_id, changed, scope)
    told = topic or TOPICS.get(scope, f"reporting.{scope}")
    await _tell(conn, organization_id, plant_id, changed[0], changed[-1], told)


async def rebuilt(
    conn: asyncpg.Connection,
    organization_id: UUID,
    plant_ids: Sequence[UUID],
    span: tuple[date, date],
) -> None:
    """In a rebuild's transaction: every day of ``span`` of those plants may have changed."""
    await conn.execute(QUERIES.bump_span, list(plant_ids), *span, list(REBUILT))
    for plant_id in plant_ids:
        for topic in sorted({TOPICS[s] for s in REBUILT}):
            await _tell(conn, organization_id, plant_id, *span, topic)


async def scoped_generation(
    db: Database,
    tenant: Tenant,
    plant_ids: Sequence[UUID],
    scopes: Sequence[str],
    days: tuple[date, date],
    *,
    state: bool = False,
) -> int:
    """The counters of ``scopes`` over the plants and days, plus their state day's, as
    ``tenant`` in one round trip outside a transaction: a cache hit needs nothing else
    from the database (``reporting.dashboard_generation``)."""
    async with db.connection() as conn:
        found: int = await conn.fetchval(
            QUERIES.scoped_generation,
            *[value for _, value in tenant.settings()],
            list(plant_ids),
            list(scopes),
            *days,
            STATE_DAY if state else None,
        )
    return found


async def _tell(
    conn: asyncpg.Connection,
    organization_id: UUID,
    plant_id: UUID,
    first: date,
    last: date,
    topic: str = OEE_TOPIC,
) -> None:
    # Ids and days, never figures: the tile refetches through its own token and cache.
    await notify_live(
        conn,
        LiveUpdate(
            type=topic,
            id=str(plant_id),
            organization_id=organization_id,
            plant_id=plant_id,
            data={"from": first.isoformat(), "to": last.isoformat()},
        ),
    )

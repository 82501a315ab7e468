"""Typed functions for ``facts.sql``, ``rebuild.sql`` and ``oee.sql``. The caller owns the
transaction."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import asyncpg
import msgspec

from reporting.archive import repo as archive
from unison_events.production import CountsLogged, DowntimeEnded, OeeClosed
from unison_pg import Queries
from unison_pg.rows import many

FACTS = Queries.load(Path(__file__).with_name("facts.sql"))
REBUILD = Queries.load(Path(__file__).with_name("rebuild.sql"))
READS = Queries.load(Path(__file__).with_name("oee.sql"))


class BucketSums(msgspec.Struct, frozen=True, kw_only=True):
    """One bucket's additive measures, summed over the filtered work centers."""

    bucket: datetime
    shifts: int
    scheduled_seconds: Decimal
    break_seconds: Decimal
    planned_stop_seconds: Decimal
    breakdown_seconds: Decimal
    setup_seconds: Decimal
    minor_stop_seconds: Decimal
    ideal_run_seconds: Decimal
    good_count: Decimal
    scrap_count: Decimal
    rework_count: Decimal
    quality_rejected_count: Decimal
    logged_good: Decimal
    logged_scrap: Decimal
    logged_rework: Decimal
    downtime_planned_seconds: Decimal
    downtime_unplanned_seconds: Decimal


class GroupSums(BucketSums, frozen=True, kw_only=True):
    """A bucket's sums of one group (work center, line or shift)."""

    group_key: str


async def hold_organization(conn: asyncpg.Connection, organization_id: UUID) -> None:
    """Shared with other handlers, exclusive of a rebuild of the same organization."""
    await conn.execute(FACTS.lock_organization_shared, organization_id)


async def add_counts(conn: asyncpg.Connection, e: CountsLogged) -> bool:
    added: int = await conn.fetchval(
        FACTS.add_counts,
        e.last_at,
        e.id,
        e.plant_id,
        e.work_center_id,
        e.first_at,
        e.good_quantity,
        e.scrap_quantity,
        e.rework_quantity,
        e.ideal_run_seconds,
        e.source,
    )
    return added > 0


async def add_downtime(conn: asyncpg.Connection, e: DowntimeEnded) -> bool:
    added: int = await conn.fetchval(
        FACTS.add_downtime,
        e.started_at,
        e.downtime_id,
        e.id,
        e.plant_id,
        e.work_center_id,
        e.ended_at,
        e.planned,
        e.loss,
        e.reason_code,
    )
    return added > 0


async def close_shift(conn: asyncpg.Connection, e: OeeClosed) -> bool:
    await conn.execute(FACTS.lock_shift, e.work_center_id, e.production_day, e.shift_code)
    changed: int = await conn.fetchval(
        FACTS.close_shift,
        e.shift_start,
        e.work_center_id,
        e.production_day,
        e.shift_code,
        e.plant_id,
        e.line,
        e.shift_end,
        e.scheduled_seconds,
        e.break_seconds,
        e.planned_stop_seconds,
        e.breakdown_seconds,
        e.setup_seconds,
        e.minor_stop_seconds,
        e.ideal_run_seconds,
        e.good_count,
        e.scrap_count,
        e.rework_count,
        e.quality_rejected_count,
        e.id,
        e.occurred_at,
    )
    return changed > 0


async def rebuild(
    conn: asyncpg.Connection, organization_id: UUID, first: date, last: date
) -> tuple[int, int]:
    """Hourly and daily rows of days [first, last] recomputed; returns how many of each."""
    await conn.execute(FACTS.lock_organization, organization_id)
    start, end = _utc_bounds(first, last)
    await conn.execute(REBUILD.delete_hourly, start, end)
    hourly: int = await conn.fetchval(REBUILD.rebuild_hourly, start, end)
    await conn.execute(REBUILD.delete_daily, first, last)
    daily: int = await conn.fetchval(REBUILD.rebuild_daily, first, last)
    # From the daily rows just written: the plants' days are their sums.
    await conn.execute(REBUILD.delete_plant_daily, first, last)
    await conn.execute(REBUILD.rebuild_plant_daily, first, last)
    return hourly, daily


async def archived_months(conn: asyncpg.Connection, first: date, last: date) -> list[str]:
    """The months (YYYY-MM) overlapping days [first, last] whose facts of any table were
    archived and dropped: a rebuild there would replace the rollups with nothing."""
    found = await archive.overlapping(conn, _utc_bounds(first, last))
    return sorted({r.range_start.astimezone(UTC).strftime("%Y-%m") for r in found})


def _utc_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(first, time(), UTC),
        datetime.combine(last + timedelta(days=1), time(), UTC),
    )


async def hourly(
    conn: asyncpg.Connection,
    span: tuple[datetime, datetime],
    plant_id: UUID | None,
    work_center_id: UUID | None,
) -> list[BucketSums]:
    return many(await conn.fetch(READS.hourly, *span, plant_id, work_center_id), BucketSums)


async def daily(
    conn: asyncpg.Connection,
    days: tuple[date, date],
    plant_id: UUID | None,
    work_center_id: UUID | None,
    granularity: str,
) -> list[BucketSums]:
    if work_center_id is None:
        # A plant or all of them: the plants' rollup has the same sums in ~1/(work
        # centers x shifts) of the rows.
        rows = await conn.fetch(READS.plant_daily, *days, plant_id, granularity)
    else:
        rows = await conn.fetch(READS.daily, *days, plant_id, work_center_id, granularity)
    return many(rows, BucketSums)


async def grouped(
    conn: asyncpg.Connection,
    days: tuple[date, date],
    granularity: str,
    where: tuple[UUID | None, UUID | None, str | None],
    group_by: str,
) -> list[GroupSums]:
    """Sums per group and bucket, ``where`` = (plant, work center, line)."""
    plant_id, work_center_id, line = where
    if granularity == "hour":
        span = _utc_bounds(*days)
        rows = await conn.fetch(
            READS.grouped_hourly, *span, plant_id, work_center_id, group_by, line
        )
    else:
        rows = await conn.fetch(
            READS.grouped_daily, *days, plant_id, work_center_id, group_by, line, granularity
        )
    return many(rows, GroupSums)

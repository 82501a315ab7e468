"""Typed functions for ``work_orders.sql``: work orders' states and completion facts,
the work centers' lines, and the schedule reads. The caller owns the transaction."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import asyncpg
import msgspec

from unison_events.production import (
    OeeClosed,
    WorkCenterChanged,
    WorkOrderCreated,
    WorkOrderStatusChanged,
)
from unison_pg import Queries
from unison_pg.rows import many

SQL = Queries.load(Path(__file__).with_name("work_orders.sql"))
NO_WORK_CENTER = UUID(int=0)
COMPLETE = frozenset({"completed", "closed"})


class ScheduleSums(msgspec.Struct, frozen=True, kw_only=True):
    """A bucket's (None: the period's) additive schedule measures."""

    bucket: datetime | None
    completed: int
    on_time: int
    scheduled: int
    on_schedule: int
    quantity_met: int
    planned_quantity: Decimal
    good_quantity: Decimal
    released: int
    release_seconds: Decimal
    created: int
    create_seconds: Decimal


class LeadPercentiles(msgspec.Struct, frozen=True, kw_only=True):
    bucket: datetime | None
    release_p50: float | None
    release_p90: float | None
    create_p50: float | None
    create_p90: float | None


async def order_created(conn: asyncpg.Connection, e: WorkOrderCreated) -> None:
    created = e.created_at or e.occurred_at
    await conn.execute(SQL.lock_order, e.work_order_id)
    await conn.execute(
        SQL.order_seen, e.work_order_id, e.plant_id, e.number, e.status, created, None, e.version
    )


async def order_changed(conn: asyncpg.Connection, e: WorkOrderStatusChanged) -> date | None:
    """Keep the order's state; when it completed (first seen completed or closed), its
    fact and rollup. Returns the UTC day the completion landed in, if it was counted."""
    await conn.execute(SQL.lock_order, e.work_order_id)
    # Released: the time of the event that moved it there from draft (a resume from a
    # hold also lands in released; the earliest time is kept).
    released = e.occurred_at if e.status == "released" else None
    await conn.execute(
        SQL.order_seen,
        e.work_order_id,
        e.plant_id,
        e.number,
        e.status,
        e.created_at,
        released,
        e.version,
    )
    if e.status not in COMPLETE or e.actual_end is None:
        return None
    counted: int = await conn.fetchval(
        SQL.complete,
        e.actual_end,
        e.work_order_id,
        e.plant_id,
        e.work_center_id or NO_WORK_CENTER,
        e.number,
        e.material_id,
        e.quantity,
        e.good_quantity,
        e.scrap_quantity,
        e.due_at,
        e.scheduled_end,
        e.created_at,
        e.actual_start,
        e.id,
    )
    return e.actual_end.astimezone(UTC).date() if counted else None


async def work_center_changed(conn: asyncpg.Connection, e: WorkCenterChanged) -> bool:
    """Keep the work center's line; True when its line changed."""
    changed: bool = await conn.fetchval(
        SQL.work_center_seen,
        e.work_center_id,
        e.plant_id,
        e.code,
        e.name,
        e.line,
        e.deleted,
        e.occurred_at,
        e.id,
    )
    return changed


async def line_of_shift(conn: asyncpg.Connection, e: OeeClosed) -> bool:
    """A closed shift names its work center's line: a work center reporting knew nothing
    of (created before reporting subscribed) gets its line this way."""
    changed: bool = await conn.fetchval(
        SQL.work_center_seen,
        e.work_center_id,
        e.plant_id,
        None,
        None,
        e.line,
        False,
        e.occurred_at,
        e.id,
    )
    return changed


async def adherence(
    conn: asyncpg.Connection,
    days: tuple[date, date],
    granularity: str,
    where: tuple[UUID | None, UUID | None],
) -> list[ScheduleSums]:
    return many(await conn.fetch(SQL.adherence, *days, granularity, *where), ScheduleSums)


async def lead_percentiles(
    conn: asyncpg.Connection,
    days: tuple[date, date],
    granularity: str,
    where: tuple[UUID | None, UUID | None],
) -> list[LeadPercentiles]:
    start = datetime.combine(days[0], time(), UTC)
    end = datetime.combine(days[1] + timedelta(days=1), time(), UTC)
    rows = await conn.fetch(SQL.lead_percentiles, start, end, granularity, *where)
    return many(rows, LeadPercentiles)


async def rebuild(conn: asyncpg.Connection, first: date, last: date) -> int:
    """work_order_daily of days [first, last] from the facts (the caller holds the
    organization exclusively)."""
    await conn.execute(SQL.rebuild_delete, first, last)
    written: int = await conn.fetchval(SQL.rebuild, first, last)
    return written

"""Typed functions for ``facts.sql`` and ``kpis.sql``. The caller owns the transaction."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import asyncpg
import msgspec

from unison_events.maintenance import EquipmentKpis
from unison_pg import Queries
from unison_pg.rows import many

FACTS = Queries.load(Path(__file__).with_name("facts.sql"))
READS = Queries.load(Path(__file__).with_name("kpis.sql"))
REBUILD = Queries.load(Path(__file__).with_name("rebuild.sql"))
ZERO = Decimal(0)


class KpiSums(msgspec.Struct, frozen=True, kw_only=True):
    bucket: date
    last_day: date
    planned_operating_hours: Decimal
    downtime_hours: Decimal
    failures: int
    repairs: int
    repair_hours: Decimal
    maintenance_hours: Decimal
    planned_maintenance_hours: Decimal
    pm_due: int
    pm_on_time: int
    backlog_count: int
    backlog_hours: Decimal
    labour_cost: Decimal
    parts_cost: Decimal


async def add_day(conn: asyncpg.Connection, e: EquipmentKpis) -> bool:
    """An equipment's day of KPI inputs (``period_start``; the caller checks it is one
    day). PMP and PM compliance inputs missing from an older publisher count as 0."""
    assert e.plant_id is not None
    await conn.execute(FACTS.lock_day, e.period_start, e.equipment_id)
    changed: int = await conn.fetchval(
        FACTS.add_day,
        e.period_start,
        e.plant_id,
        e.equipment_id,
        e.planned_operating_hours,
        e.downtime_hours,
        e.failures,
        e.repairs,
        e.repair_hours,
        e.maintenance_hours or ZERO,
        e.planned_maintenance_hours or ZERO,
        e.pm_due or 0,
        e.pm_on_time or 0,
        e.backlog_count,
        e.backlog_hours,
        e.labour_cost,
        e.parts_cost,
        e.id,
        e.occurred_at,
    )
    return changed > 0


async def rebuild(conn: asyncpg.Connection, first: date, last: date) -> int:
    """Rollup rows of days [first, last] recomputed from the facts; returns how many. The
    caller holds the organization exclusively (the production rebuild's lock, which
    maintenance's handler shares)."""
    await conn.execute(REBUILD.delete_maintenance_daily, first, last)
    written: int = await conn.fetchval(REBUILD.rebuild_maintenance_daily, first, last)
    return written


async def kpis(
    conn: asyncpg.Connection,
    days: tuple[date, date],
    granularity: str,
    where: tuple[UUID | None, UUID | None],
) -> list[KpiSums]:
    return many(await conn.fetch(READS.kpis, *days, granularity, *where), KpiSums)

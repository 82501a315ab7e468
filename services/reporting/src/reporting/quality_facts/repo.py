"""Typed functions for ``facts.sql`` and ``kpis.sql``. The caller owns the transaction."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import asyncpg
import msgspec

from unison_events.quality import CapaChanged, InspectionDecided, NcrChanged, QualityFigures
from unison_pg import Queries
from unison_pg.rows import many, one

FACTS = Queries.load(Path(__file__).with_name("facts.sql"))
READS = Queries.load(Path(__file__).with_name("kpis.sql"))
REBUILD = Queries.load(Path(__file__).with_name("rebuild.sql"))
NO_WORK_CENTER = UUID(int=0)


class YieldSums(msgspec.Struct, frozen=True, kw_only=True):
    bucket: date
    inspected: Decimal
    passed_first_time: Decimal
    lots: int
    lots_passed: int


class DefectSum(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    count: int


class NcrFlow(msgspec.Struct, frozen=True, kw_only=True):
    bucket: date
    opened: int
    closed: int


class NcrAgeing(msgspec.Struct, frozen=True, kw_only=True):
    days_0_7: int
    days_8_30: int
    days_31_90: int
    over_90: int


class CapaCounts(msgspec.Struct, frozen=True, kw_only=True):
    closed: int
    on_time: int


async def add_day_figures(conn: asyncpg.Connection, e: QualityFigures) -> bool:
    work_center = e.work_center_id or NO_WORK_CENTER
    await conn.execute(FACTS.lock_day_figures, e.day, e.material_id, work_center)
    changed: int = await conn.fetchval(
        FACTS.add_day_figures,
        e.day,
        e.plant_id,
        e.material_id,
        work_center,
        e.inspected,
        e.passed_first_time,
        [code for code, _ in e.defects],
        [count for _, count in e.defects],
        e.id,
        e.occurred_at,
    )
    return changed > 0


async def add_decision(conn: asyncpg.Connection, e: InspectionDecided) -> bool:
    added: int = await conn.fetchval(
        FACTS.add_decision,
        e.decided_at,
        e.inspection_id,
        e.plant_id,
        e.material_id,
        e.work_center_id or NO_WORK_CENTER,
        e.lot,
        e.decision,
        e.accepted_quantity,
        e.rejected_quantity,
        e.id,
    )
    return added > 0


async def ncr_changed(conn: asyncpg.Connection, e: NcrChanged) -> bool:
    changed: int = await conn.fetchval(
        FACTS.ncr_changed,
        e.ncr_id,
        e.plant_id,
        e.number,
        e.status,
        e.severity,
        e.material_id,
        e.created_at,
        e.version,
        e.id,
        e.occurred_at,
    )
    return changed > 0


async def capa_changed(conn: asyncpg.Connection, e: CapaChanged) -> bool:
    changed: int = await conn.fetchval(
        FACTS.capa_changed,
        e.capa_id,
        e.plant_id,
        e.number,
        e.status,
        e.due_date,
        e.closed_at,
        e.version,
        e.id,
        e.occurred_at,
    )
    return changed > 0


async def rebuild(conn: asyncpg.Connection, first: date, last: date) -> tuple[int, int, int]:
    """FPY, defect and decision rows of days [first, last] recomputed from the facts;
    returns how many of each. The caller holds the organization exclusively (the production
    rebuild's lock, which quality's handlers share)."""
    await conn.execute(REBUILD.delete_quality_daily, first, last)
    yields: int = await conn.fetchval(REBUILD.rebuild_quality_daily, first, last)
    await conn.execute(REBUILD.delete_defect_daily, first, last)
    defects: int = await conn.fetchval(REBUILD.rebuild_defect_daily, first, last)
    await conn.execute(REBUILD.delete_inspection_daily, first, last)
    decisions: int = await conn.fetchval(REBUILD.rebuild_inspection_daily, first, last)
    return yields, defects, decisions


async def fpy(
    conn: asyncpg.Connection,
    days: tuple[date, date],
    granularity: str,
    where: tuple[UUID | None, UUID | None],
) -> list[YieldSums]:
    return many(await conn.fetch(READS.fpy, *days, granularity, *where), YieldSums)


async def defects(
    conn: asyncpg.Connection, days: tuple[date, date], plant_id: UUID | None
) -> list[DefectSum]:
    return many(await conn.fetch(READS.defects, *days, plant_id), DefectSum)


async def ncr_flow(
    conn: asyncpg.Connection, days: tuple[date, date], granularity: str, plant_id: UUID | None
) -> list[NcrFlow]:
    return many(await conn.fetch(READS.ncr_flow, *days, granularity, plant_id), NcrFlow)


async def ncr_ageing(conn: asyncpg.Connection, today: date, plant_id: UUID | None) -> NcrAgeing:
    found = one(await conn.fetchrow(READS.ncr_ageing, today, plant_id), NcrAgeing)
    assert found is not None  # an aggregate always returns its row
    return found


async def capa_on_time(
    conn: asyncpg.Connection, days: tuple[date, date], plant_id: UUID | None
) -> CapaCounts:
    found = one(await conn.fetchrow(READS.capa_on_time, *days, plant_id), CapaCounts)
    assert found is not None  # an aggregate always returns its row
    return found

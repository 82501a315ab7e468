"""Typed functions for ``figures.sql``. The caller owns the transaction."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import asyncpg
import msgspec

from unison_pg import Queries
from unison_pg.rows import many

Q = Queries.load(Path(__file__).with_name("figures.sql"))

Scope = tuple[datetime, datetime, UUID | None, UUID | None, UUID | None]


class YieldCount(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    lots: int
    lots_passed: int
    inspected: Decimal
    passed_first_time: Decimal
    rejected: Decimal


class DefectCount(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    count: int
    name: str | None


class DayYield(msgspec.Struct, frozen=True, kw_only=True):
    plant_id: UUID
    material_id: UUID
    work_center_id: UUID | None
    inspected: Decimal
    passed_first_time: Decimal


class DayDefect(msgspec.Struct, frozen=True, kw_only=True):
    plant_id: UUID
    material_id: UUID
    work_center_id: UUID | None
    code: str
    count: int


async def fpy(conn: asyncpg.Connection, scope: Scope, by: str) -> list[YieldCount]:
    return many(await conn.fetch(Q.fpy, *scope, by), YieldCount)


async def pareto(conn: asyncpg.Connection, scope: Scope) -> list[DefectCount]:
    return many(await conn.fetch(Q.pareto, *scope), DefectCount)


async def day(conn: asyncpg.Connection, day: date) -> tuple[list[DayYield], list[DayDefect]]:
    return (
        many(await conn.fetch(Q.day_yield, day), DayYield),
        many(await conn.fetch(Q.day_defects, day), DayDefect),
    )

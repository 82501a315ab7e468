"""Typed functions for ``plans.sql``. The caller owns the transaction."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from quality.plans.models import DefectCode, Plan, PlanContent
from unison_pg import Queries
from unison_pg.rows import many, one

Q = Queries.load(Path(__file__).with_name("plans.sql"))


def _plan(record: asyncpg.Record | None) -> Plan | None:
    if record is None:
        return None
    row = dict(record)
    row["characteristics"] = msgspec.json.decode(row["characteristics"])
    return msgspec.convert(row, Plan)


def _content(c: PlanContent) -> tuple[object, ...]:
    return (
        c.valid_from,
        c.valid_to,
        c.sampling,
        c.aql,
        c.inspection_level,
        c.sample_size,
        c.period_days,
        msgspec.json.encode(c.characteristics).decode(),
        c.description,
    )


async def next_revision(conn: asyncpg.Connection, scope: tuple[object, ...]) -> int:
    """``scope``: material, plant, trigger, operation, supplier."""
    return int(await conn.fetchval(Q.next_revision, *scope))


async def insert(
    conn: asyncpg.Connection, scope: tuple[object, ...], revision: int, c: PlanContent
) -> Plan:
    """``scope``: plant, material, trigger, operation, supplier."""
    found = _plan(await conn.fetchrow(Q.insert, *scope, revision, *_content(c)))
    assert found is not None
    return found


async def get(conn: asyncpg.Connection, plan_id: UUID, *, lock: bool = False) -> Plan | None:
    return _plan(await conn.fetchrow(Q.lock if lock else Q.get, plan_id))


async def save(conn: asyncpg.Connection, plan_id: UUID, status: str, c: PlanContent) -> Plan:
    found = _plan(await conn.fetchrow(Q.save, plan_id, status, *_content(c)))
    assert found is not None
    return found


async def released_of_scope(
    conn: asyncpg.Connection, plan_id: UUID
) -> list[tuple[UUID, date, date | None]]:
    return [
        (r["id"], r["valid_from"], r["valid_to"])
        for r in await conn.fetch(Q.released_of_scope, plan_id)
    ]


async def end_validity(conn: asyncpg.Connection, plan_id: UUID, until: date) -> None:
    await conn.execute(Q.end_validity, plan_id, until)


async def applicable(conn: asyncpg.Connection, scope: tuple[Any, ...]) -> Plan | None:
    """``scope``: material, plant, trigger, day, operation, supplier."""
    return _plan(await conn.fetchrow(Q.applicable, *scope))


async def planned_materials(
    conn: asyncpg.Connection, plant_id: UUID, material_ids: list[UUID], trigger: str, day: date
) -> set[UUID]:
    """The materials of ``material_ids`` that a released plan for ``trigger`` covers."""
    rows = await conn.fetch(Q.planned_materials, plant_id, material_ids, trigger, day)
    return {r["material_id"] for r in rows}


async def page(
    conn: asyncpg.Connection,
    filters: tuple[UUID | None, UUID | None, str | None],
    after: UUID | None,
    limit: int,
) -> list[Plan]:
    return [p for p in (_plan(r) for r in await conn.fetch(Q.page, *filters, after, limit)) if p]


async def expiring(conn: asyncpg.Connection, first: date, last: date) -> list[Plan]:
    return [p for p in (_plan(r) for r in await conn.fetch(Q.expiring, first, last)) if p]


async def expiry_warned(conn: asyncpg.Connection, plan_ids: list[UUID]) -> None:
    await conn.execute(Q.expiry_warned, plan_ids)


async def periodic(
    conn: asyncpg.Connection, today: date, after: UUID | None, limit: int
) -> list[Plan]:
    return [p for p in (_plan(r) for r in await conn.fetch(Q.periodic, today, after, limit)) if p]


async def defect_upsert(
    conn: asyncpg.Connection, code: str, fields: tuple[object, ...]
) -> DefectCode:
    found = one(await conn.fetchrow(Q.defect_upsert, code, *fields), DefectCode)
    assert found is not None
    return found


async def defects(conn: asyncpg.Connection) -> list[DefectCode]:
    return many(await conn.fetch(Q.defects), DefectCode)

"""Typed functions for ``plans.sql``. The caller owns the transaction."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from maintenance.plans.models import CalendarPart, PmPlan, TaskList, UsagePart
from unison_pg import Queries

Q = Queries.load(Path(__file__).with_name("plans.sql"))


class Candidate(msgspec.Struct, frozen=True, kw_only=True):
    """An active plan with what generation needs of its meter."""

    plan: PmPlan
    total_usage: Decimal | None
    last_read_at: datetime | None
    daily_usage: Decimal | None
    has_open_order: bool


def _plan(row: dict[str, Any]) -> PmPlan:
    calendar = None
    if row["calendar_interval"] is not None:
        calendar = CalendarPart(
            interval=row["calendar_interval"],
            unit=row["calendar_unit"],
            mode=row["calendar_mode"],
            anchor=row["calendar_anchor"],
        )
    usage = None
    if row["meter_id"] is not None:
        usage = UsagePart(meter_id=row["meter_id"], interval=row["usage_interval"])
    fields = {k: v for k, v in row.items() if k in PmPlan.__struct_fields__}
    fields.update(
        calendar=calendar, usage=usage, tasks=msgspec.json.decode(row["tasks"], type=TaskList)
    )
    return msgspec.convert(fields, PmPlan)


def _fields(data: Any, anchor: tuple[Decimal | None, datetime | None]) -> tuple[object, ...]:
    c, u = data.calendar, data.usage
    return (
        data.name.strip(),
        c.interval if c else None,
        c.unit if c else None,
        c.mode if c else None,
        c.anchor if c else None,
        u.meter_id if u else None,
        u.interval if u else None,
        *anchor,
        data.lead_time_days,
        data.machine_down,
        msgspec.json.encode(data.tasks).decode(),
        data.estimated_minutes,
        data.active,
    )


async def insert(
    conn: asyncpg.Connection,
    plant_id: UUID,
    data: Any,
    anchor: tuple[Decimal | None, datetime | None],
) -> PmPlan:
    record = await conn.fetchrow(Q.insert, plant_id, data.equipment_id, *_fields(data, anchor))
    return _plan(dict(record))


async def get(conn: asyncpg.Connection, plan_id: UUID, *, lock: bool = False) -> PmPlan | None:
    record = await conn.fetchrow(Q.lock if lock else Q.get, plan_id)
    return None if record is None else _plan(dict(record))


async def replace(
    conn: asyncpg.Connection,
    plan_id: UUID,
    data: Any,
    anchor: tuple[Decimal | None, datetime | None],
) -> PmPlan:
    record = await conn.fetchrow(Q.replace, plan_id, *_fields(data, anchor))
    return _plan(dict(record))


async def delete(conn: asyncpg.Connection, plan_id: UUID) -> bool:
    return await conn.fetchval(Q.delete, plan_id) is not None


async def complete(
    conn: asyncpg.Connection, plan_id: UUID, done_at: datetime, due: date | None
) -> None:
    await conn.execute(Q.complete, plan_id, done_at, due)


async def page(
    conn: asyncpg.Connection,
    filters: tuple[UUID | None, UUID | None],
    after: UUID | None,
    limit: int,
) -> list[PmPlan]:
    return [_plan(dict(r)) for r in await conn.fetch(Q.page, *filters, after, limit)]


async def candidates(
    conn: asyncpg.Connection, after: UUID | None, limit: int, meter_id: UUID | None = None
) -> list[Candidate]:
    found = []
    for r in await conn.fetch(Q.active_page, after, limit, meter_id):
        row = dict(r)
        found.append(
            Candidate(
                plan=_plan(row),
                total_usage=row["total_usage"],
                last_read_at=row["last_read_at"],
                daily_usage=row["daily_usage"],
                has_open_order=row["has_open_order"],
            )
        )
    return found

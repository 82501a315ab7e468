"""Typed functions for ``meters.sql``. The caller owns the transaction."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import asyncpg
import msgspec

from maintenance.meters.models import Meter, Reading
from unison_pg import Queries
from unison_pg.rows import many, one

Q = Queries.load(Path(__file__).with_name("meters.sql"))


class NewReading(msgspec.Struct, frozen=True, kw_only=True):
    meter: Meter
    read_at: datetime
    value: Decimal
    usage: Decimal
    reset: bool
    source: str


async def insert(
    conn: asyncpg.Connection, plant_id: UUID, fields: tuple[object, ...]
) -> Meter | None:
    """``fields``: equipment, code, kind, unit, from_production, alarm_above, alarm_below."""
    return one(await conn.fetchrow(Q.insert, plant_id, *fields), Meter)


async def get(conn: asyncpg.Connection, meter_id: UUID) -> Meter | None:
    return one(await conn.fetchrow(Q.get, meter_id), Meter)


async def lock_many(conn: asyncpg.Connection, ids: list[UUID]) -> dict[UUID, Meter]:
    return {m.id: m for m in many(await conn.fetch(Q.lock_many, ids), Meter)}


async def of_equipment(conn: asyncpg.Connection, equipment_id: UUID) -> list[Meter]:
    return many(await conn.fetch(Q.of_equipment, equipment_id), Meter)


async def production_fed(conn: asyncpg.Connection, equipment_id: UUID) -> list[Meter]:
    return many(await conn.fetch(Q.production_fed, equipment_id), Meter)


async def update_settings(
    conn: asyncpg.Connection, meter_id: UUID, fields: tuple[object, ...]
) -> Meter | None:
    return one(await conn.fetchrow(Q.update_settings, meter_id, *fields), Meter)


async def record(conn: asyncpg.Connection, readings: list[NewReading]) -> None:
    """Write readings and move their meters on (the last reading of each meter wins)."""
    if not readings:
        return
    await conn.execute(
        Q.readings_insert,
        [r.read_at for r in readings],
        [r.meter.plant_id for r in readings],
        [r.meter.id for r in readings],
        [r.value for r in readings],
        [r.usage for r in readings],
        [r.reset for r in readings],
        [r.source for r in readings],
    )
    last: dict[UUID, NewReading] = {}
    added: dict[UUID, Decimal] = {}
    for r in readings:
        last[r.meter.id] = r
        added[r.meter.id] = added.get(r.meter.id, Decimal(0)) + r.usage
    ids = sorted(last, key=str)
    await conn.execute(
        Q.advance,
        ids,
        [last[i].value for i in ids],
        [last[i].read_at for i in ids],
        [added[i] for i in ids],
    )


async def readings_page(
    conn: asyncpg.Connection, meter_id: UUID, before: tuple[object, ...] | None, limit: int
) -> list[Reading]:
    key = before if before is not None else (None, None)
    return many(await conn.fetch(Q.readings_page, meter_id, *key, limit), Reading)

"""Typed functions for ``stock.sql``: lots, reservations, availability, valuation, periods.
The caller owns the transaction."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

import asyncpg
import msgspec

from inventory.stock_models import (
    Availability,
    LotRecord,
    Period,
    PeriodValuation,
    Reservation,
    Valuation,
)
from unison_pg import Queries

S = Queries.load(Path(__file__).with_name("stock.sql"))
T = TypeVar("T")


def _one(record: asyncpg.Record | None, kind: type[T]) -> T | None:
    return None if record is None else msgspec.convert(dict(record), kind)


def _all(records: list[asyncpg.Record], kind: type[T]) -> list[T]:
    return [msgspec.convert(dict(r), kind) for r in records]


def _period(row: dict[str, Any]) -> dict[str, Any]:
    day: date = row["period"]
    return row | {"period": f"{day.year:04d}-{day.month:02d}"}


# ------------------------------------------------------------------ lots


async def lot_insert(
    conn: asyncpg.Connection, material_id: UUID, *fields: object
) -> LotRecord | None:
    return _one(await conn.fetchrow(S.lot_insert, material_id, *fields), LotRecord)


async def lot_get(conn: asyncpg.Connection, material_id: UUID, lot: str) -> LotRecord | None:
    return _one(await conn.fetchrow(S.lot_get, material_id, lot), LotRecord)


async def lot_lock(conn: asyncpg.Connection, material_id: UUID, lot: str) -> LotRecord | None:
    return _one(await conn.fetchrow(S.lot_lock, material_id, lot), LotRecord)


async def lot_update(conn: asyncpg.Connection, lot: LotRecord) -> LotRecord:
    record = await conn.fetchrow(
        S.lot_update,
        lot.material_id,
        lot.lot,
        lot.status,
        lot.manufactured_on,
        lot.expires_on,
        lot.supplier_lot,
        lot.status_reason,
    )
    return msgspec.convert(dict(record), LotRecord)


async def lots_page(
    conn: asyncpg.Connection, material_id: UUID, status: str | None, after: str | None, limit: int
) -> list[LotRecord]:
    return _all(await conn.fetch(S.lots_page, material_id, status, after, limit), LotRecord)


async def lots_expiring(
    conn: asyncpg.Connection,
    until: date,
    after: tuple[date, UUID, str] | None,
    limit: int,
) -> list[LotRecord]:
    key = after if after is not None else (None, None, None)
    return _all(await conn.fetch(S.lots_expiring, until, *key, limit), LotRecord)


# ------------------------------------------------------------------ availability, valuation


async def availability(
    conn: asyncpg.Connection,
    material_id: UUID,
    plant_id: UUID,
    location_id: UUID | None,
    lot: str | None,
) -> Availability | None:
    """None when the material does not exist (in this organization)."""
    record = await conn.fetchrow(S.availability, material_id, plant_id, location_id, lot)
    if record is None or record["unit"] is None:
        return None
    row = dict(record) | {
        "material_id": material_id,
        "plant_id": plant_id,
        "location_id": location_id,
        "lot": lot or None,
    }
    return msgspec.convert(row, Availability)


async def valuations_page(
    conn: asyncpg.Connection,
    material_id: UUID | None,
    plant_id: UUID | None,
    after: tuple[UUID, UUID] | None,
    limit: int,
) -> list[Valuation]:
    key = after if after is not None else (None, None)
    return _all(await conn.fetch(S.valuations_page, material_id, plant_id, *key, limit), Valuation)


# ------------------------------------------------------------------ reservations


async def reservations_insert(
    conn: asyncpg.Connection,
    rows: list[tuple[UUID, UUID, UUID, UUID | None, str | None, Decimal]],
    reference: str,
    requirement_date: date,
    expires_at: datetime | None,
) -> None:
    columns = [[row[i] for row in rows] for i in range(6)]
    await conn.execute(S.reservations_insert, *columns, reference, requirement_date, expires_at)


async def reservations_get(conn: asyncpg.Connection, ids: list[UUID]) -> list[Reservation]:
    return _all(await conn.fetch(S.reservations_get, ids), Reservation)


async def reservations_page(
    conn: asyncpg.Connection,
    reference: str | None,
    material_id: UUID | None,
    plant_id: UUID | None,
    open_only: bool,
    after: UUID | None,
    limit: int,
) -> list[Reservation]:
    records = await conn.fetch(
        S.reservations_page, reference, material_id, plant_id, open_only, after, limit
    )
    return _all(records, Reservation)


async def reservations_cancel(conn: asyncpg.Connection, ids: list[UUID]) -> list[UUID]:
    return [r["id"] for r in await conn.fetch(S.reservations_cancel, ids)]


async def reservations_of_reference_open(conn: asyncpg.Connection, reference: str) -> list[UUID]:
    return [r["id"] for r in await conn.fetch(S.reservations_of_reference_open, reference)]


# ------------------------------------------------------------------ periods


async def period_lock_exclusive(conn: asyncpg.Connection, plant_id: UUID) -> None:
    await conn.fetchval(S.period_lock_exclusive, plant_id)


async def period_latest(conn: asyncpg.Connection, plant_id: UUID) -> date | None:
    value = await conn.fetchval(S.period_latest, plant_id)
    return value if isinstance(value, date) else None


async def period_first_posting(conn: asyncpg.Connection, plant_id: UUID) -> date | None:
    value = await conn.fetchval(S.period_first_posting, plant_id)
    return value if isinstance(value, date) else None


async def period_insert(conn: asyncpg.Connection, plant_id: UUID, period: date) -> Period:
    record = await conn.fetchrow(S.period_insert, plant_id, period)
    return msgspec.convert(_period(dict(record)), Period)


async def period_snapshot(
    conn: asyncpg.Connection, plant_id: UUID, period: date, next_month: date
) -> None:
    await conn.execute(S.period_snapshot, plant_id, period, next_month)


async def period_delete(conn: asyncpg.Connection, plant_id: UUID, period: date) -> Period | None:
    record = await conn.fetchrow(S.period_delete, plant_id, period)
    return None if record is None else msgspec.convert(_period(dict(record)), Period)


async def periods_of_plant(
    conn: asyncpg.Connection, plant_id: UUID, before: date | None, limit: int
) -> list[Period]:
    records = await conn.fetch(S.periods_of_plant, plant_id, before, limit)
    return [msgspec.convert(_period(dict(r)), Period) for r in records]


async def period_valuations_page(
    conn: asyncpg.Connection, plant_id: UUID, period: date, after: UUID | None, limit: int
) -> list[PeriodValuation]:
    records = await conn.fetch(S.period_valuations_page, plant_id, period, after, limit)
    return [msgspec.convert(_period(dict(r)), PeriodValuation) for r in records]

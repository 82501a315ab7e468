"""Typed functions for the named queries of ``cycle_counts.sql``; the caller owns the
transaction."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import asyncpg
import msgspec

from inventory.replenishment_models import CycleCount, CycleCountCreate, CycleCountLine
from unison_pg import Queries

Q = Queries.load(Path(__file__).with_name("cycle_counts.sql"))

NO_LOT = ""  # as the ledger keeps "no lot"


class Candidate(msgspec.Struct, frozen=True, kw_only=True):
    """An item a new sheet would count, its book quantity, and another open sheet that
    already counts it, if any."""

    material_id: UUID
    location_id: UUID
    lot: str
    book_quantity: Decimal
    active_sheet_id: UUID | None


class LineState(msgspec.Struct, frozen=True, kw_only=True):
    line_no: int
    counted: bool


def _sheet(record: asyncpg.Record | None) -> CycleCount | None:
    return None if record is None else msgspec.convert(dict(record), CycleCount)


def _one_sheet(record: asyncpg.Record | None) -> CycleCount:
    sheet = _sheet(record)
    if sheet is None:
        raise LookupError("the sheet was locked by this transaction and must exist")
    return sheet


async def materials_existing(conn: asyncpg.Connection, material_ids: list[UUID]) -> set[UUID]:
    return {r["id"] for r in await conn.fetch(Q.materials_existing, material_ids)}


async def candidates(
    conn: asyncpg.Connection, data: CycleCountCreate, limit: int
) -> list[Candidate]:
    records = await conn.fetch(
        Q.cycle_count_candidates,
        data.plant_id,
        data.location_ids,
        data.material_ids,
        data.include_zero,
        [item.material_id for item in data.items],
        [item.location_id for item in data.items],
        [(item.lot or "").strip() or NO_LOT for item in data.items],
        limit,
    )
    return [msgspec.convert(dict(r), Candidate) for r in records]


async def insert(conn: asyncpg.Connection, data: CycleCountCreate, line_count: int) -> CycleCount:
    record = await conn.fetchrow(
        Q.cycle_count_insert,
        data.plant_id,
        data.reference,
        data.tolerance_percent,
        data.tolerance_quantity,
        data.location_ids,
        data.material_ids,
        line_count,
    )
    return _one_sheet(record)


async def lines_insert(conn: asyncpg.Connection, sheet: CycleCount, items: list[Candidate]) -> None:
    await conn.execute(
        Q.cycle_count_lines_insert,
        sheet.id,
        sheet.plant_id,
        list(range(1, len(items) + 1)),
        [item.material_id for item in items],
        [item.location_id for item in items],
        [item.lot for item in items],
        [item.book_quantity for item in items],
    )


async def get(conn: asyncpg.Connection, sheet_id: UUID) -> CycleCount | None:
    return _sheet(await conn.fetchrow(Q.cycle_count_get, sheet_id))


async def lock(conn: asyncpg.Connection, sheet_id: UUID) -> CycleCount | None:
    return _sheet(await conn.fetchrow(Q.cycle_count_lock, sheet_id))


async def page(
    conn: asyncpg.Connection,
    plant_id: UUID | None,
    status: str | None,
    before: UUID | None,
    limit: int,
) -> list[CycleCount]:
    records = await conn.fetch(Q.cycle_counts_page, plant_id, status, before, limit)
    return [msgspec.convert(dict(r), CycleCount) for r in records]


async def lines_of(conn: asyncpg.Connection, sheet_id: UUID) -> list[CycleCountLine]:
    records = await conn.fetch(Q.cycle_count_lines_of, sheet_id)
    return [msgspec.convert(dict(r), CycleCountLine) for r in records]


async def lines_state(
    conn: asyncpg.Connection, sheet_id: UUID, line_nos: list[int]
) -> dict[int, LineState]:
    records = await conn.fetch(Q.cycle_count_lines_state, sheet_id, line_nos)
    return {r["line_no"]: msgspec.convert(dict(r), LineState) for r in records}


async def lines_enter(
    conn: asyncpg.Connection, sheet_id: UUID, line_nos: list[int], counted: list[Decimal]
) -> None:
    await conn.execute(Q.cycle_count_lines_enter, sheet_id, line_nos, counted)


async def lines_recount(conn: asyncpg.Connection, sheet_id: UUID, line_nos: list[int]) -> None:
    await conn.execute(Q.cycle_count_lines_recount, sheet_id, line_nos)


async def lines_close(conn: asyncpg.Connection, sheet_id: UUID) -> None:
    await conn.execute(Q.cycle_count_lines_close, sheet_id)


async def set_status(
    conn: asyncpg.Connection, sheet_id: UUID, status: str, uncounted_lines: int
) -> CycleCount:
    return _one_sheet(
        await conn.fetchrow(Q.cycle_count_set_status, sheet_id, status, uncounted_lines)
    )


async def update(
    conn: asyncpg.Connection,
    sheet_id: UUID,
    reference: str | None,
    tolerance_percent: Decimal | None,
    tolerance_quantity: Decimal | None,
) -> CycleCount:
    record = await conn.fetchrow(
        Q.cycle_count_update, sheet_id, reference, tolerance_percent, tolerance_quantity
    )
    return _one_sheet(record)


async def posted(
    conn: asyncpg.Connection,
    sheet_id: UUID,
    posting_date: date,
    surplus_movement_id: UUID | None,
    deficit_movement_id: UUID | None,
) -> CycleCount:
    record = await conn.fetchrow(
        Q.cycle_count_posted, sheet_id, posting_date, surplus_movement_id, deficit_movement_id
    )
    return _one_sheet(record)

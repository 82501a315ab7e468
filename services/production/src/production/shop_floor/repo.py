"""Typed functions for ``shop_floor.sql``. The caller owns the transaction."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import asyncpg
import msgspec

from production.shop_floor.models import GoodsPosting, LabourEntry, LogEntry
from unison_pg import Queries
from unison_pg.rows import many

Q = Queries.load(Path(__file__).with_name("shop_floor.sql"))


class LogRow(msgspec.Struct, frozen=True, kw_only=True):
    """A row to write; the shift comes from the work center's calendar."""

    logged_at: datetime
    plant_id: UUID
    work_center_id: UUID
    work_order_id: UUID | None
    operation_no: int | None
    kind: str
    production_day: date
    shift_code: str
    good: Decimal = Decimal(0)
    scrap: Decimal = Decimal(0)
    rework: Decimal = Decimal(0)
    reason_id: UUID | None = None
    person: str | None = None
    source: str = "operator"
    ideal_cycle_seconds: Decimal | None = None
    note: str | None = None


async def operation_state(
    conn: asyncpg.Connection,
    order_id: UUID,
    operation_no: int,
    status: str,
    fields: tuple[UUID | None, datetime | None, str | None, datetime | None],
) -> None:
    """``fields``: active work center, phase start, paused_from, finished_at."""
    await conn.execute(Q.operation_state, order_id, operation_no, status, *fields)


async def operation_counts(
    conn: asyncpg.Connection, order_id: UUID, operation_no: int, amounts: tuple[Decimal, ...]
) -> None:
    await conn.execute(Q.operation_counts, order_id, operation_no, *amounts)


async def order_counts(
    conn: asyncpg.Connection, order_id: UUID, good: Decimal, scrap: Decimal
) -> None:
    await conn.execute(Q.order_counts, order_id, good, scrap)


async def logs_insert(conn: asyncpg.Connection, rows: list[LogRow]) -> None:
    if not rows:
        return
    await conn.execute(
        Q.logs_insert,
        [r.logged_at for r in rows],
        [r.plant_id for r in rows],
        [r.work_center_id for r in rows],
        [r.work_order_id for r in rows],
        [r.operation_no for r in rows],
        [r.kind for r in rows],
        [r.good for r in rows],
        [r.scrap for r in rows],
        [r.rework for r in rows],
        [r.reason_id for r in rows],
        [r.person for r in rows],
        [r.source for r in rows],
        [r.production_day for r in rows],
        [r.shift_code for r in rows],
        [r.ideal_cycle_seconds for r in rows],
        [r.note for r in rows],
    )


async def logs_by_order(
    conn: asyncpg.Connection, order_id: UUID, before: tuple[object, ...] | None, limit: int
) -> list[LogEntry]:
    key = before if before is not None else (None, None)
    return many(await conn.fetch(Q.logs_by_order, order_id, *key, limit), LogEntry)


async def logs_by_work_center(
    conn: asyncpg.Connection,
    work_center_id: UUID,
    window: tuple[datetime, datetime],
    before: tuple[object, ...] | None,
    limit: int,
) -> list[LogEntry]:
    key = before if before is not None else (None, None)
    records = await conn.fetch(Q.logs_by_work_center, work_center_id, *window, *key, limit)
    return many(records, LogEntry)


async def labour_open(
    conn: asyncpg.Connection,
    order: tuple[UUID, int, UUID],
    person: str,
    at: datetime,
    plant_id: UUID,
) -> None:
    """``order``: order id, operation number, work center."""
    await conn.execute(Q.labour_open, *order, person, at, plant_id)


async def labour_close(
    conn: asyncpg.Connection, order_id: UUID, operation_no: int, at: datetime
) -> None:
    await conn.execute(Q.labour_close, order_id, operation_no, at)


async def labour_page(
    conn: asyncpg.Connection, order_id: UUID, after: tuple[object, ...] | None, limit: int
) -> list[LabourEntry]:
    key = after if after is not None else (None, None)
    return many(await conn.fetch(Q.labour_page, order_id, *key, limit), LabourEntry)


async def running_at(
    conn: asyncpg.Connection, work_centers: list[UUID]
) -> dict[UUID, tuple[UUID, int]]:
    """Work center -> (order, operation) of its most recently started running operation."""
    found: dict[UUID, tuple[UUID, int]] = {}
    for r in await conn.fetch(Q.running_at, work_centers):
        found.setdefault(r["work_center_id"], (r["work_order_id"], r["operation_no"]))
    return found


async def posting_insert(
    conn: asyncpg.Connection, posting_id: UUID, plant_id: UUID, op: tuple[UUID, int], request: bytes
) -> None:
    await conn.execute(Q.posting_insert, posting_id, plant_id, *op, request.decode())


async def posting_settle(
    conn: asyncpg.Connection,
    posting_id: UUID,
    status: str,
    movement_ids: list[UUID],
    error: str | None,
) -> tuple[UUID, UUID] | None:
    r = await conn.fetchrow(Q.posting_settle, posting_id, status, movement_ids, error)
    return None if r is None else (r["work_order_id"], r["plant_id"])


async def components_issued(
    conn: asyncpg.Connection, order_id: UUID, issued: list[tuple[UUID, Decimal]]
) -> None:
    if issued:
        await conn.execute(
            Q.components_issued, order_id, [m for m, _ in issued], [q for _, q in issued]
        )


async def postings_page(
    conn: asyncpg.Connection, order_id: UUID, status: str | None, after: UUID | None, limit: int
) -> list[GoodsPosting]:
    return many(await conn.fetch(Q.postings_page, order_id, status, after, limit), GoodsPosting)


async def postings_failed(
    conn: asyncpg.Connection, plant_id: UUID | None, after: UUID | None, limit: int
) -> list[GoodsPosting]:
    return many(await conn.fetch(Q.postings_failed, plant_id, after, limit), GoodsPosting)

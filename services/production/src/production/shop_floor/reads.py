"""Reading the shop floor: an order's log, labour and goods postings, a work center's
log, the failed postings of a plant."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import asyncpg

from production.caller import Caller
from production.shop_floor import repo
from production.shop_floor.models import GoodsPosting, LabourEntry, LogEntry
from production.work_centers import repo as work_centers_repo
from production.work_orders import repo as orders_repo
from unison_pg import Database
from unison_web import Invalid, NotFound, paging
from unison_web.paging import Page

MAX_LOG_WINDOW = timedelta(days=93)


async def _order_exists(conn: asyncpg.Connection, order_id: UUID) -> None:
    if await orders_repo.header(conn, order_id) is None:
        raise NotFound(f"work order {order_id} does not exist")


async def order_log(
    db: Database, caller: Caller, order_id: UUID, cursor: str | None, limit: int
) -> Page[LogEntry]:
    key = paging.after(cursor, datetime, UUID)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        await _order_exists(conn, order_id)
        rows = await repo.logs_by_order(conn, order_id, key, limit + 1)
    return paging.cut(rows, limit, lambda r: (r.logged_at, r.id))


async def work_center_log(
    db: Database,
    caller: Caller,
    work_center_id: UUID,
    window: tuple[datetime, datetime],
    cursor: str | None,
    limit: int,
) -> Page[LogEntry]:
    if window[1] <= window[0] or window[1] - window[0] > MAX_LOG_WINDOW:
        raise Invalid(f"give a window of at most {MAX_LOG_WINDOW.days} days", "/to")
    key = paging.after(cursor, datetime, UUID)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        if await work_centers_repo.get(conn, work_center_id) is None:
            raise NotFound(f"work center {work_center_id} does not exist")
        rows = await repo.logs_by_work_center(conn, work_center_id, window, key, limit + 1)
    return paging.cut(rows, limit, lambda r: (r.logged_at, r.id))


async def labour(
    db: Database, caller: Caller, order_id: UUID, cursor: str | None, limit: int
) -> Page[LabourEntry]:
    key = paging.after(cursor, datetime, UUID)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        await _order_exists(conn, order_id)
        rows = await repo.labour_page(conn, order_id, key, limit + 1)
    return paging.cut(rows, limit, lambda r: (r.started_at, r.id))


async def order_postings(
    db: Database, caller: Caller, order_id: UUID, status: str | None, cursor: str | None, limit: int
) -> Page[GoodsPosting]:
    key = paging.after(cursor, UUID)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        await _order_exists(conn, order_id)
        rows = await repo.postings_page(conn, order_id, status, key[0] if key else None, limit + 1)
    return paging.cut(rows, limit, lambda r: (r.id,))


async def failed_postings(
    db: Database, caller: Caller, plant_id: UUID | None, cursor: str | None, limit: int
) -> Page[GoodsPosting]:
    if plant_id is not None:
        caller.check_plant(plant_id)
    key = paging.after(cursor, UUID)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await repo.postings_failed(conn, plant_id, key[0] if key else None, limit + 1)
    return paging.cut(rows, limit, lambda r: (r.id,))

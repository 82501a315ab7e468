"""Period close per plant: a closed month takes no more postings, and its stock quantity
and value per material are kept as they were at its end.

Months close in sequence. Closing takes the plant's period lock exclusively, which every
posting holds shared, so a posting into the month either committed before the close or
is refused after it; never half.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from inventory import stock_store
from inventory.service import posting
from inventory.service.caller import Caller
from inventory.stock_models import Period, PeriodValuation
from unison_pg import Database
from unison_web import Conflict, Invalid, NotFound
from unison_web.paging import Page, decode_cursor, encode_cursor


def parse(text: str, pointer: str = "/period") -> date:
    try:
        year, month = text.split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        raise Invalid("must be a month as YYYY-MM", pointer) from None


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _text(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _check_plant(caller: Caller, plant_id: UUID) -> None:
    if plant_id not in caller.tenant.plant_ids:
        raise NotFound(f"plant {plant_id} does not exist")


async def close(db: Database, caller: Caller, plant_id: UUID, text: str) -> Period:
    _check_plant(caller, plant_id)
    period = parse(text)
    if _next_month(period) > posting.today():
        raise Conflict(f"period {text} has not ended yet")
    async with db.transaction(caller.tenant) as conn:
        await stock_store.period_lock_exclusive(conn, plant_id)
        latest = await stock_store.period_latest(conn, plant_id)
        if latest is not None and period <= latest:
            raise Conflict(f"period {text} is already closed (closed through {_text(latest)})")
        if latest is not None and period != _next_month(latest):
            raise Conflict(
                f"close {_text(_next_month(latest))} first: periods close in sequence"
                f" (closed through {_text(latest)})"
            )
        closed = await stock_store.period_insert(conn, plant_id, period)
        await stock_store.period_snapshot(conn, plant_id, period, _next_month(period))
    return closed


async def reopen(db: Database, caller: Caller, plant_id: UUID, text: str) -> Period:
    """Reopen the latest closed month (only that one: the ones before stay frozen)."""
    _check_plant(caller, plant_id)
    period = parse(text)
    async with db.transaction(caller.tenant) as conn:
        await stock_store.period_lock_exclusive(conn, plant_id)
        latest = await stock_store.period_latest(conn, plant_id)
        if latest is None or period > latest:
            raise Conflict(f"period {text} is not closed")
        if period != latest:
            raise Conflict(f"only the latest closed period ({_text(latest)}) can be reopened")
        reopened = await stock_store.period_delete(conn, plant_id, period)
    assert reopened is not None
    return reopened


async def list_periods(
    db: Database, caller: Caller, plant_id: UUID, cursor: str | None, limit: int
) -> Page[Period]:
    _check_plant(caller, plant_id)
    before = parse(str(decode_cursor(cursor, 1)[0]), "/cursor") if cursor is not None else None
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await stock_store.periods_of_plant(conn, plant_id, before, limit + 1)
    items = rows[:limit]
    next_cursor = encode_cursor([items[-1].period]) if len(rows) > limit else None
    return Page(items=items, next_cursor=next_cursor)


async def valuation_at_close(
    db: Database, caller: Caller, plant_id: UUID, text: str, cursor: str | None, limit: int
) -> Page[PeriodValuation]:
    _check_plant(caller, plant_id)
    period = parse(text)
    after = None
    if cursor is not None:
        try:
            after = UUID(str(decode_cursor(cursor, 1)[0]))
        except ValueError as exc:
            raise Invalid("cursor is not valid", "/cursor") from exc
    async with db.transaction(caller.tenant, readonly=True) as conn:
        latest = await stock_store.period_latest(conn, plant_id)
        if latest is None or period > latest:
            raise NotFound(f"period {text} of plant {plant_id} is not closed")
        rows = await stock_store.period_valuations_page(conn, plant_id, period, after, limit + 1)
    items = rows[:limit]
    next_cursor = encode_cursor([str(items[-1].material_id)]) if len(rows) > limit else None
    return Page(items=items, next_cursor=next_cursor)

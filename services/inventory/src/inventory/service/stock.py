"""On-hand reads: straight from the balances, never by scanning the ledger."""

from __future__ import annotations

from uuid import UUID

from inventory import stock_repo
from inventory.models import StockBalance
from inventory.service.caller import Caller
from unison_pg import Database
from unison_web import Invalid
from unison_web.paging import Page, decode_cursor, encode_cursor


def _after(cursor: str | None) -> tuple[UUID, UUID, UUID, str] | None:
    if cursor is None:
        return None
    material_id, plant_id, location_id, lot = decode_cursor(cursor, 4)
    try:
        return UUID(str(material_id)), UUID(str(plant_id)), UUID(str(location_id)), str(lot)
    except ValueError as exc:
        raise Invalid("cursor is not valid", "/cursor") from exc


async def on_hand(
    db: Database,
    caller: Caller,
    where: stock_repo.StockFilter,
    cursor: str | None,
    limit: int,
) -> Page[StockBalance]:
    """On hand per material, plant, location and lot, in that key order."""
    after = _after(cursor)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await stock_repo.stock_page(conn, where, after, limit + 1)
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        next_cursor = encode_cursor(
            [str(last.material_id), str(last.plant_id), str(last.location_id), last.lot or ""]
        )
    return Page(items=items, next_cursor=next_cursor)

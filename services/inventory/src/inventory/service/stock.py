"""On-hand reads: straight from the balances, never by scanning the ledger."""

from __future__ import annotations

from uuid import UUID

from inventory import stock_repo, stock_store
from inventory.models import StockBalance
from inventory.service.caller import Caller
from inventory.stock_models import Valuation
from unison_pg import Database
from unison_web import Invalid
from unison_web.paging import Page, decode_cursor, encode_cursor


def _after(cursor: str | None) -> tuple[UUID, UUID, UUID, str, str] | None:
    if cursor is None:
        return None
    material_id, plant_id, location_id, lot, category = decode_cursor(cursor, 5)
    try:
        return (
            UUID(str(material_id)),
            UUID(str(plant_id)),
            UUID(str(location_id)),
            str(lot),
            str(category),
        )
    except ValueError as exc:
        raise Invalid("cursor is not valid", "/cursor") from exc


async def on_hand(
    db: Database,
    caller: Caller,
    where: stock_repo.StockFilter,
    cursor: str | None,
    limit: int,
) -> Page[StockBalance]:
    """On hand per material, plant, location, lot and category, in that key order."""
    after = _after(cursor)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await stock_repo.stock_page(conn, where, after, limit + 1)
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        next_cursor = encode_cursor(
            [
                str(last.material_id),
                str(last.plant_id),
                str(last.location_id),
                last.lot or "",
                last.category,
            ]
        )
    return Page(items=items, next_cursor=next_cursor)


async def valuations(
    db: Database,
    caller: Caller,
    material_id: UUID | None,
    plant_id: UUID | None,
    cursor: str | None,
    limit: int,
) -> Page[Valuation]:
    """Quantity, value and moving average price per material and plant."""
    after = None
    if cursor is not None:
        material, plant = decode_cursor(cursor, 2)
        try:
            after = (UUID(str(material)), UUID(str(plant)))
        except ValueError as exc:
            raise Invalid("cursor is not valid", "/cursor") from exc
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await stock_store.valuations_page(conn, material_id, plant_id, after, limit + 1)
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        next_cursor = encode_cursor([str(items[-1].material_id), str(items[-1].plant_id)])
    return Page(items=items, next_cursor=next_cursor)

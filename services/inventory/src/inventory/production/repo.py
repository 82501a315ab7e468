"""One typed function per named query in ``production/queries.sql``; the caller owns the
transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import asyncpg
import msgspec

from inventory.production.models import (
    DefaultLocation,
    LotStock,
    OpenReservation,
    OrderReservation,
    PostingStatus,
    ProductionPosting,
    StockLocation,
)
from unison_events.production import GoodsPostingRequested
from unison_pg import Queries

Q_PATH = Path(__file__).with_name("queries.sql")
Q = Queries.load(Q_PATH)

# ------------------------------------------------------------------ transaction scope


async def scope_current(conn: asyncpg.Connection) -> tuple[str, str]:
    """The plants (comma-separated) and user the transaction is scoped to."""
    record = await conn.fetchrow(Q.scope_current)
    return record["plant_ids"] or "", record["user_id"] or ""


async def scope_plants(conn: asyncpg.Connection, plant_ids: str) -> None:
    await conn.fetchval(Q.scope_plants, plant_ids)


# ------------------------------------------------------------------ order reservations


async def order_lock(conn: asyncpg.Connection, reference: str) -> None:
    await conn.fetchval(Q.order_lock, reference)


async def order_reservations(
    conn: asyncpg.Connection, reference: str, plant_id: UUID
) -> list[OrderReservation]:
    records = await conn.fetch(Q.order_reservations, reference, plant_id)
    return [msgspec.convert(dict(r), OrderReservation) for r in records]


async def order_reservations_resize(
    conn: asyncpg.Connection, sizes: Sequence[tuple[UUID, Decimal]], requirement_date: date
) -> None:
    await conn.execute(
        Q.order_reservations_resize, [s[0] for s in sizes], [s[1] for s in sizes], requirement_date
    )


async def reservations_close(conn: asyncpg.Connection, ids: Sequence[UUID]) -> list[UUID]:
    return [r["id"] for r in await conn.fetch(Q.reservations_close, list(ids))]


async def order_reservations_open(
    conn: asyncpg.Connection, reference: str, plant_id: UUID, material_ids: Sequence[UUID]
) -> list[OpenReservation]:
    records = await conn.fetch(Q.order_reservations_open, reference, plant_id, list(material_ids))
    return [msgspec.convert(dict(r), OpenReservation) for r in records]


# ------------------------------------------------------------------ where stock is


async def default_locations(
    conn: asyncpg.Connection, plant_id: UUID, material_ids: Sequence[UUID]
) -> dict[UUID, DefaultLocation]:
    records = await conn.fetch(Q.default_locations, plant_id, sorted(set(material_ids)))
    return {
        r["material_id"]: DefaultLocation(code=r["code"], location_id=r["location_id"])
        for r in records
    }


async def stock_locations(
    conn: asyncpg.Connection, plant_id: UUID, wanted: Sequence[tuple[UUID, str]]
) -> dict[tuple[UUID, str], list[StockLocation]]:
    """Per (material, lot; '' = any lot), the locations holding unrestricted stock."""
    keys = sorted(set(wanted))
    records = await conn.fetch(
        Q.stock_locations, plant_id, [k[0] for k in keys], [k[1] for k in keys]
    )
    found: dict[tuple[UUID, str], list[StockLocation]] = {k: [] for k in keys}
    for r in records:
        found[(r["material_id"], r["lot"])].append(
            StockLocation(location_id=r["location_id"], code=r["code"])
        )
    return found


async def location_codes(conn: asyncpg.Connection, ids: Sequence[UUID]) -> dict[UUID, str]:
    return {r["id"]: r["code"] for r in await conn.fetch(Q.location_codes, sorted(set(ids)))}


async def fefo_lots(
    conn: asyncpg.Connection,
    plant_id: UUID,
    wanted: Sequence[tuple[UUID, UUID]],
    posting_date: date,
) -> dict[tuple[UUID, UUID], list[LotStock]]:
    """Per (material, location), the usable lots in the order they are taken."""
    keys = sorted(set(wanted))
    records = await conn.fetch(
        Q.fefo_lots, plant_id, [k[0] for k in keys], [k[1] for k in keys], posting_date
    )
    found: dict[tuple[UUID, UUID], list[LotStock]] = {k: [] for k in keys}
    for r in records:
        found[(r["material_id"], r["location_id"])].append(
            LotStock(lot=r["lot"], quantity=r["quantity"])
        )
    return found


# ------------------------------------------------------------------ production postings


def _posting(record: asyncpg.Record | None) -> ProductionPosting | None:
    if record is None:
        return None
    row = dict(record)
    row["request"] = msgspec.json.decode(row["request"], type=GoodsPostingRequested)
    return msgspec.convert(row, ProductionPosting)


async def posting_claim(
    conn: asyncpg.Connection, plant_id: UUID, request: GoodsPostingRequested
) -> None:
    """Record the request as pending unless its posting_id is recorded already."""
    await conn.execute(
        Q.posting_claim,
        request.posting_id,
        plant_id,
        request.work_order_id,
        request.reference,
        request.operation_no,
        request.posting_date,
        msgspec.json.encode(request).decode(),
    )


async def posting_lock(conn: asyncpg.Connection, posting_id: UUID) -> ProductionPosting | None:
    return _posting(await conn.fetchrow(Q.posting_lock, posting_id))


async def posting_get(conn: asyncpg.Connection, posting_id: UUID) -> ProductionPosting | None:
    return _posting(await conn.fetchrow(Q.posting_get, posting_id))


async def posting_posted(
    conn: asyncpg.Connection, posting_id: UUID, movement_ids: Sequence[UUID]
) -> None:
    await conn.execute(Q.posting_posted, posting_id, list(movement_ids))


async def posting_failed(
    conn: asyncpg.Connection, posting_id: UUID, error: str, pointer: str | None
) -> None:
    await conn.execute(Q.posting_failed, posting_id, error, pointer)


class PostingFilter(msgspec.Struct, frozen=True, kw_only=True):
    status: PostingStatus | None = None
    plant_id: UUID | None = None
    reference: str | None = None


async def postings_page(
    conn: asyncpg.Connection,
    where: PostingFilter,
    after: tuple[datetime, UUID] | None,
    limit: int,
) -> list[ProductionPosting]:
    key = after if after is not None else (None, None)
    args = [where.plant_id, where.reference, *key, limit]
    if where.status is None:
        records = await conn.fetch(Q.postings_page, *args)
    else:
        records = await conn.fetch(Q.postings_page_by_status, *args, where.status)
    return [p for p in map(_posting, records) if p is not None]

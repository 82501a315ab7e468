"""One typed function per named query in ``posting_requests/queries.sql``; the caller owns
the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar
from uuid import UUID

import asyncpg
import msgspec

from inventory.posting_requests.models import (
    Claim,
    DefaultLocation,
    LotStock,
    OpenReservation,
    PostingRequest,
    RequestFilter,
    SourceName,
    StockLocation,
)
from unison_pg import Queries

R = TypeVar("R")

Q_PATH = Path(__file__).with_name("queries.sql")
Q = Queries.load(Q_PATH)

# ------------------------------------------------------------------ transaction scope


async def scope_current(conn: asyncpg.Connection) -> tuple[str, str]:
    """The plants (comma-separated) and user the transaction is scoped to."""
    record = await conn.fetchrow(Q.scope_current)
    return record["plant_ids"] or "", record["user_id"] or ""


async def scope_plants(conn: asyncpg.Connection, plant_ids: str) -> None:
    await conn.fetchval(Q.scope_plants, plant_ids)


# ------------------------------------------------------------------ what an issue withdraws from


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


# ------------------------------------------------------------------ the requests' records


def _request(record: asyncpg.Record | None, request_type: type[R]) -> PostingRequest[R] | None:
    if record is None:
        return None
    row = dict(record)
    row["request"] = msgspec.json.decode(row["request"], type=request_type)
    return msgspec.convert(row, PostingRequest[request_type])  # type: ignore[valid-type]


async def request_claim(
    conn: asyncpg.Connection, source: SourceName, plant_id: UUID, claim: Claim, request: object
) -> None:
    """Record the request as pending unless it is recorded already."""
    await conn.execute(
        Q.request_claim,
        source,
        claim.request_id,
        plant_id,
        claim.order_id,
        claim.reference,
        claim.operation_no,
        claim.posting_date,
        msgspec.json.encode(request).decode(),
    )


async def request_lock(
    conn: asyncpg.Connection, source: SourceName, request_id: UUID, request_type: type[R]
) -> PostingRequest[R] | None:
    return _request(await conn.fetchrow(Q.request_lock, source, request_id), request_type)


async def request_get(
    conn: asyncpg.Connection, source: SourceName, request_id: UUID, request_type: type[R]
) -> PostingRequest[R] | None:
    return _request(await conn.fetchrow(Q.request_get, source, request_id), request_type)


async def request_posted(
    conn: asyncpg.Connection, source: SourceName, request_id: UUID, movement_ids: Sequence[UUID]
) -> None:
    await conn.execute(Q.request_posted, source, request_id, list(movement_ids))


async def request_failed(
    conn: asyncpg.Connection, source: SourceName, request_id: UUID, error: str, pointer: str | None
) -> None:
    await conn.execute(Q.request_failed, source, request_id, error, pointer)


async def requests_page(
    conn: asyncpg.Connection,
    source: SourceName,
    where: RequestFilter,
    after: tuple[datetime, UUID] | None,
    limit: int,
    request_type: type[R],
) -> list[PostingRequest[R]]:
    key = after if after is not None else (None, None)
    args = [source, where.plant_id, where.reference, *key, limit]
    if where.status is None:
        records = await conn.fetch(Q.requests_page, *args)
    else:
        records = await conn.fetch(Q.requests_page_by_status, *args, where.status)
    return [r for r in (_request(x, request_type) for x in records) if r is not None]

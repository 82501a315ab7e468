"""One typed function per named query in ``quality/queries.sql``; the caller owns the
transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from uuid import UUID

import asyncpg
import msgspec

from inventory.quality.models import (
    Claim,
    QualityPosting,
    QualityPostingKind,
    QualityPostingStatus,
    QualityRequest,
    StockPlace,
)
from unison_events.quality import InspectionDecided, NcrDispositionDecided
from unison_pg import Queries

Q = Queries.load(Path(__file__).with_name("queries.sql"))


async def lot_places(
    conn: asyncpg.Connection, plant_id: UUID, material_id: UUID, lots: Sequence[str]
) -> list[StockPlace]:
    records = await conn.fetch(Q.lot_places, plant_id, material_id, sorted(set(lots)))
    return [msgspec.convert(dict(r), StockPlace) for r in records]


# ------------------------------------------------------------------ quality postings


def _posting(record: asyncpg.Record | None) -> QualityPosting | None:
    if record is None:
        return None
    row = dict(record)
    row["request"] = msgspec.json.decode(row["request"])
    return msgspec.convert(row, QualityPosting)


def request_of(posting: QualityPosting) -> QualityRequest:
    """The recorded request as the event it arrived as."""
    if posting.kind == "ncr_disposition":
        return msgspec.convert(posting.request, NcrDispositionDecided)
    return msgspec.convert(posting.request, InspectionDecided)


async def claim(conn: asyncpg.Connection, request: Claim) -> None:
    """Record the request as pending unless its request_id is recorded already."""
    await conn.execute(
        Q.quality_posting_claim,
        request.request_id,
        request.kind,
        request.plant_id,
        request.reference,
        request.action,
        request.material_id,
        msgspec.json.encode(request.request).decode(),
    )


async def lock(conn: asyncpg.Connection, request_id: UUID) -> QualityPosting | None:
    return _posting(await conn.fetchrow(Q.quality_posting_lock, request_id))


async def get(conn: asyncpg.Connection, request_id: UUID) -> QualityPosting | None:
    return _posting(await conn.fetchrow(Q.quality_posting_get, request_id))


async def posted(conn: asyncpg.Connection, request_id: UUID, movement_ids: Sequence[UUID]) -> None:
    await conn.execute(Q.quality_posting_posted, request_id, list(movement_ids))


async def failed(
    conn: asyncpg.Connection, request_id: UUID, error: str, pointer: str | None
) -> None:
    await conn.execute(Q.quality_posting_failed, request_id, error, pointer)


class PostingFilter(msgspec.Struct, frozen=True, kw_only=True):
    status: QualityPostingStatus | None = None
    plant_id: UUID | None = None
    reference: str | None = None
    kind: QualityPostingKind | None = None


async def page(
    conn: asyncpg.Connection,
    where: PostingFilter,
    after: tuple[datetime, UUID] | None,
    limit: int,
) -> list[QualityPosting]:
    key = after if after is not None else (None, None)
    args = [where.plant_id, where.reference, where.kind, *key, limit]
    if where.status is None:
        records = await conn.fetch(Q.quality_postings_page, *args)
    else:
        records = await conn.fetch(Q.quality_postings_page_by_status, *args, where.status)
    return [p for p in map(_posting, records) if p is not None]

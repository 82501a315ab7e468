"""One typed function per named query in ``production/queries.sql`` (an order's
reservations); the caller owns the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import asyncpg
import msgspec

from inventory.production.models import OrderReservation
from unison_pg import Queries

Q_PATH = Path(__file__).with_name("queries.sql")
Q = Queries.load(Q_PATH)


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

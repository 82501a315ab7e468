"""Typed functions for ``routings.sql``. The caller owns the transaction."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from uuid import UUID

import asyncpg
import msgspec

from production.routings.models import Operation, Routing
from unison_pg import Queries
from unison_pg.rows import many, one

Q = Queries.load(Path(__file__).with_name("routings.sql"))


class Header(msgspec.Struct, kw_only=True):
    id: UUID
    plant_id: UUID
    material_id: UUID
    revision: int
    status: str
    valid_from: date
    valid_to: date | None
    description: str | None
    version: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


class Released(msgspec.Struct, frozen=True):
    id: UUID
    valid_from: date
    valid_to: date | None


def _ids(values: list[UUID] | list[int]) -> str:
    return msgspec.json.encode([str(v) for v in values]).decode()


async def next_revision(conn: asyncpg.Connection, material_id: UUID, plant_id: UUID) -> int:
    return int(await conn.fetchval(Q.next_revision, material_id, plant_id))


async def insert(conn: asyncpg.Connection, fields: tuple[object, ...]) -> UUID:
    """``fields``: plant, material, revision, valid_from, valid_to, description."""
    routing_id: UUID = await conn.fetchval(Q.insert, *fields)
    return routing_id


async def replace_operations(
    conn: asyncpg.Connection, routing_id: UUID, operations: list[Operation]
) -> None:
    ops = operations
    await conn.execute(Q.operations_delete, routing_id)
    await conn.execute(
        Q.operations_insert,
        routing_id,
        [o.operation_no for o in ops],
        [o.description for o in ops],
        [o.work_center_id for o in ops],
        [_ids(o.alternative_work_center_ids) for o in ops],
        [o.setup_seconds for o in ops],
        [o.cycle_seconds for o in ops],
        [_ids(o.predecessors) for o in ops],
        [o.inspection_required for o in ops],
        [o.consumption for o in ops],
        [_ids(o.components) for o in ops],
        [o.reports_output for o in ops],
    )


async def header(
    conn: asyncpg.Connection, routing_id: UUID, *, lock: bool = False
) -> Header | None:
    return one(await conn.fetchrow(Q.header_lock if lock else Q.header, routing_id), Header)


async def operations(conn: asyncpg.Connection, ids: list[UUID]) -> dict[UUID, list[Operation]]:
    found: dict[UUID, list[Operation]] = defaultdict(list)
    for r in await conn.fetch(Q.operations, ids):
        row = dict(r)
        found[row.pop("routing_id")].append(msgspec.convert(row, Operation))
    return found


async def full(conn: asyncpg.Connection, routing_id: UUID) -> Routing | None:
    head = await header(conn, routing_id)
    if head is None:
        return None
    ops = (await operations(conn, [routing_id]))[routing_id]
    return Routing(**msgspec.structs.asdict(head), operations=ops)


async def update_header(
    conn: asyncpg.Connection,
    routing_id: UUID,
    status: str,
    validity: tuple[date, date | None],
    description: str | None,
) -> None:
    await conn.execute(Q.header_update, routing_id, status, *validity, description)


async def released_lock(
    conn: asyncpg.Connection, material_id: UUID, plant_id: UUID
) -> list[Released]:
    return many(await conn.fetch(Q.released_lock, material_id, plant_id), Released)


async def end_validity(conn: asyncpg.Connection, routing_id: UUID, until: date) -> None:
    await conn.execute(Q.end_validity, routing_id, until)


async def delete(conn: asyncpg.Connection, routing_id: UUID) -> bool:
    return await conn.fetchval(Q.delete, routing_id) is not None


async def valid_for(
    conn: asyncpg.Connection, material_id: UUID, plant_id: UUID, on: date
) -> UUID | None:
    found: UUID | None = await conn.fetchval(Q.valid_for, material_id, plant_id, on)
    return found


async def page(
    conn: asyncpg.Connection,
    filters: tuple[UUID | None, UUID | None, str | None],
    after: UUID | None,
    limit: int,
) -> list[Header]:
    return many(await conn.fetch(Q.page, *filters, after, limit), Header)

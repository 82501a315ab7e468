"""Typed functions for ``work_orders.sql``. The caller owns the transaction."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from maintenance.work_orders.models import (
    Labour,
    PartRequest,
    PartRequestLine,
    StatusChange,
    WorkOrder,
)
from unison_pg import Queries
from unison_pg.rows import many

Q = Queries.load(Path(__file__).with_name("work_orders.sql"))


class NewOrder(msgspec.Struct, frozen=True, kw_only=True):
    plant_id: UUID
    equipment_id: UUID
    kind: str
    title: str
    description: str | None = None
    priority: int = 3
    plan_id: UUID | None = None
    occurrence_key: str | None = None
    due_date: date | None = None
    machine_down: bool = False
    down_since: datetime | None = None
    downtime_id: UUID | None = None
    meter_id: UUID | None = None
    estimated_minutes: int | None = None
    tasks: dict[str, Any] = {}


def _order(record: asyncpg.Record | None) -> WorkOrder | None:
    if record is None:
        return None
    row = dict(record)
    row["tasks"] = msgspec.json.decode(row["tasks"])
    row["checklist_results"] = msgspec.json.decode(row["checklist_results"])
    return msgspec.convert(row, WorkOrder)


async def next_number(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval(Q.next_number))


async def insert(conn: asyncpg.Connection, number: str, new: NewOrder) -> WorkOrder | None:
    """None: the occurrence (or the stop) has an order already."""
    return _order(
        await conn.fetchrow(
            Q.insert,
            new.plant_id,
            number,
            new.equipment_id,
            new.kind,
            new.priority,
            new.title,
            new.description,
            new.plan_id,
            new.occurrence_key,
            new.due_date,
            new.machine_down,
            new.down_since,
            new.downtime_id,
            new.meter_id,
            new.estimated_minutes,
            msgspec.json.encode(new.tasks).decode(),
        )
    )


async def get(conn: asyncpg.Connection, order_id: UUID, *, lock: bool = False) -> WorkOrder | None:
    return _order(await conn.fetchrow(Q.lock if lock else Q.get, order_id))


async def save(conn: asyncpg.Connection, o: WorkOrder) -> WorkOrder:
    saved = _order(
        await conn.fetchrow(
            Q.save,
            o.id,
            o.status,
            o.priority,
            o.title,
            o.description,
            o.due_date,
            o.scheduled_start,
            o.scheduled_end,
            o.started_at,
            o.done_at,
            o.closed_at,
            msgspec.json.encode(o.checklist_results).decode(),
            o.problem_code,
            o.cause_code,
            o.remedy_code,
            o.down_since,
            o.downtime_id,
        )
    )
    assert saved is not None  # locked by the caller
    return saved


async def open_for_meter(conn: asyncpg.Connection, meter_id: UUID) -> UUID | None:
    found: UUID | None = await conn.fetchval(Q.open_for_meter, meter_id)
    return found


async def by_downtime(conn: asyncpg.Connection, downtime_id: UUID) -> WorkOrder | None:
    return _order(await conn.fetchrow(Q.by_downtime, downtime_id))


async def page(
    conn: asyncpg.Connection,
    filters: tuple[UUID | None, UUID | None, str | None, str | None, bool],
    before: UUID | None,
    limit: int,
) -> list[WorkOrder]:
    records = await conn.fetch(Q.page, *filters, before, limit)
    return [o for o in (_order(r) for r in records) if o is not None]


async def status_change(
    conn: asyncpg.Connection, order: WorkOrder, change: tuple[str | None, str], reason: str | None
) -> None:
    await conn.execute(Q.status_change, order.id, order.plant_id, *change, reason)


async def history(conn: asyncpg.Connection, order_id: UUID) -> list[StatusChange]:
    return many(await conn.fetch(Q.history, order_id), StatusChange)


async def labour_insert(
    conn: asyncpg.Connection, order: WorkOrder, fields: tuple[object, ...]
) -> Labour:
    """``fields``: technician, started, ended, rate, note."""
    record = await conn.fetchrow(Q.labour_insert, order.id, order.plant_id, *fields)
    return msgspec.convert(dict(record), Labour)


async def labour(conn: asyncpg.Connection, order_id: UUID) -> list[Labour]:
    return many(await conn.fetch(Q.labour, order_id), Labour)


async def labour_delete(conn: asyncpg.Connection, order_id: UUID, entry: UUID) -> bool:
    return await conn.fetchval(Q.labour_delete, order_id, entry) is not None


async def part_request_insert(
    conn: asyncpg.Connection, request_id: UUID, order: WorkOrder, lines: list[PartRequestLine]
) -> PartRequest:
    record = await conn.fetchrow(Q.part_request_insert, request_id, order.id, order.plant_id)
    await conn.execute(
        Q.part_lines_insert,
        request_id,
        order.plant_id,
        [x.material_id for x in lines],
        [x.quantity for x in lines],
        [x.unit for x in lines],
        [x.location_id for x in lines],
        [x.lot for x in lines],
    )
    request = msgspec.convert(dict(record), PartRequest)
    request.lines = list(lines)
    return request


_lines = msgspec.json.Decoder(list[PartRequestLine])


async def part_requests(conn: asyncpg.Connection, order_id: UUID) -> list[PartRequest]:
    found = []
    for r in await conn.fetch(Q.part_requests, order_id):
        row = dict(r)
        lines = _lines.decode(row.pop("lines"))
        request = msgspec.convert(row, PartRequest)
        request.lines = lines
        found.append(request)
    return found


async def part_request_settle(
    conn: asyncpg.Connection,
    request_id: UUID,
    status: str,
    answer: tuple[object, list[UUID], str | None],
) -> UUID | None:
    """``answer``: value, movement ids, error. Returns the order, or None when the request
    is unknown or issued already."""
    found: UUID | None = await conn.fetchval(Q.part_request_settle, request_id, status, *answer)
    return found

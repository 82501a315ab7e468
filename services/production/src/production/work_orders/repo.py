"""Typed functions for ``work_orders.sql``. The caller owns the transaction."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import asyncpg
import msgspec

from production.work_orders.models import (
    StatusChange,
    WorkOrder,
    WorkOrderComponent,
    WorkOrderOperation,
)
from unison_pg import Queries
from unison_pg.rows import many, one

Q = Queries.load(Path(__file__).with_name("work_orders.sql"))


def _json(values: list[UUID] | list[int]) -> str:
    return msgspec.json.encode([str(v) for v in values]).decode()


async def next_number(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval(Q.next_number))


async def insert(conn: asyncpg.Connection, fields: tuple[object, ...]) -> UUID | None:
    """``fields``: plant, number, material, quantity, unit, routing, source, priority,
    release_at, due_at, output_location_id, output_lot, note, sap_order_type."""
    found: UUID | None = await conn.fetchval(Q.insert, *fields)
    return found


async def operations_insert(
    conn: asyncpg.Connection, order_id: UUID, plant_id: UUID, ops: list[WorkOrderOperation]
) -> None:
    await conn.execute(
        Q.operations_insert,
        order_id,
        plant_id,
        [o.operation_no for o in ops],
        [o.description for o in ops],
        [o.work_center_id for o in ops],
        [_json(o.alternative_work_center_ids) for o in ops],
        [o.setup_seconds for o in ops],
        [o.cycle_seconds for o in ops],
        [_json(o.predecessors) for o in ops],
        [o.inspection_required for o in ops],
        [o.consumption for o in ops],
        [o.reports_output for o in ops],
    )


async def components_replace(
    conn: asyncpg.Connection, order_id: UUID, plant_id: UUID, lines: list[WorkOrderComponent]
) -> None:
    await conn.execute(Q.components_delete, order_id)
    await conn.execute(
        Q.components_insert,
        order_id,
        plant_id,
        [c.line_no for c in lines],
        [c.material_id for c in lines],
        [c.operation_no for c in lines],
        [c.quantity for c in lines],
        [c.unit for c in lines],
        [c.backflush for c in lines],
        [c.by_product for c in lines],
        [c.issue_location_id for c in lines],
        [c.lot for c in lines],
    )


async def header(
    conn: asyncpg.Connection, order_id: UUID, *, lock: bool = False
) -> WorkOrder | None:
    return one(await conn.fetchrow(Q.header_lock if lock else Q.header, order_id), WorkOrder)


async def headers(conn: asyncpg.Connection, ids: list[UUID]) -> dict[UUID, WorkOrder]:
    return {o.id: o for o in many(await conn.fetch(Q.headers_many, ids), WorkOrder)}


async def by_number(conn: asyncpg.Connection, number: str) -> UUID | None:
    found: UUID | None = await conn.fetchval(Q.by_number, number)
    return found


async def operations(
    conn: asyncpg.Connection, ids: list[UUID]
) -> dict[UUID, list[WorkOrderOperation]]:
    found: dict[UUID, list[WorkOrderOperation]] = defaultdict(list)
    for r in await conn.fetch(Q.operations, ids):
        row = dict(r)
        found[row.pop("work_order_id")].append(msgspec.convert(row, WorkOrderOperation))
    return found


async def components(
    conn: asyncpg.Connection, ids: list[UUID]
) -> dict[UUID, list[WorkOrderComponent]]:
    found: dict[UUID, list[WorkOrderComponent]] = defaultdict(list)
    for r in await conn.fetch(Q.components, ids):
        row = dict(r)
        found[row.pop("work_order_id")].append(msgspec.convert(row, WorkOrderComponent))
    return found


_operations = msgspec.json.Decoder(list[WorkOrderOperation])
_components = msgspec.json.Decoder(list[WorkOrderComponent])


async def full(conn: asyncpg.Connection, order_id: UUID, *, lock: bool = False) -> WorkOrder | None:
    """The order with its operations and components, in one round trip (``lock``: the
    order locked, which every change of it and its operations takes first)."""
    record = await conn.fetchrow(Q.full_lock if lock else Q.full, order_id)
    if record is None:
        return None
    row = dict(record)
    operations_json, components_json = row.pop("operations"), row.pop("components")
    order = msgspec.convert(row, WorkOrder)
    order.operations = _operations.decode(operations_json)
    order.components = _components.decode(components_json)
    return order


async def update(conn: asyncpg.Connection, order: WorkOrder) -> None:
    await conn.execute(
        Q.update,
        order.id,
        order.quantity,
        order.due_at,
        order.release_at,
        order.priority,
        order.output_location_id,
        order.output_lot,
        order.note,
    )


async def components_scale(
    conn: asyncpg.Connection, order_id: UUID, new: Decimal, old: Decimal
) -> None:
    await conn.execute(Q.components_scale, order_id, new, old)


async def set_status(
    conn: asyncpg.Connection, order_id: UUID, status: str, held_from: str | None
) -> None:
    await conn.execute(Q.set_status, order_id, status, held_from)


async def status_change(
    conn: asyncpg.Connection,
    order: WorkOrder,
    operation_no: int | None,
    change: tuple[str | None, str],
    reason: str | None,
    request_id: str | None,
) -> None:
    await conn.execute(
        Q.status_change_insert,
        order.id,
        order.plant_id,
        operation_no,
        change[0],
        change[1],
        reason,
        request_id,
    )


async def history(
    conn: asyncpg.Connection, order_id: UUID, after: UUID | None, limit: int
) -> list[StatusChange]:
    return many(await conn.fetch(Q.history, order_id, after, limit), StatusChange)


async def page(
    conn: asyncpg.Connection,
    filters: tuple[UUID | None, str | None, UUID | None],
    after: UUID | None,
    limit: int,
) -> list[WorkOrder]:
    return many(await conn.fetch(Q.page, *filters, after, limit), WorkOrder)


async def page_by_due(
    conn: asyncpg.Connection, plant_id: UUID, after: tuple[object, ...] | None, limit: int
) -> list[WorkOrder]:
    key = after if after is not None else (None, None)
    return many(await conn.fetch(Q.page_by_due, plant_id, *key, limit), WorkOrder)

"""Typed functions for ``inspections.sql``. The caller owns the transaction."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import asyncpg
import msgspec

from quality.aql import SwitchingState
from quality.inspections.models import Inspection, ResultRow
from quality.plans.models import Characteristic
from unison_pg import Queries
from unison_pg.rows import many

Q = Queries.load(Path(__file__).with_name("inspections.sql"))


class NewInspection(msgspec.Struct, frozen=True, kw_only=True):
    plant_id: UUID
    plan_id: UUID | None
    material_id: UUID
    lot: str | None
    quantity: Decimal
    unit: str
    trigger: str
    source_key: str | None = None
    work_order_id: UUID | None = None
    operation_no: int | None = None
    work_center_id: UUID | None = None
    supplier: str | None = None
    severity: str
    sample_size: int
    acceptance_number: int | None
    rejection_number: int | None
    characteristics: list[Characteristic]
    lot_held: bool


class NewResult(msgspec.Struct, frozen=True, kw_only=True):
    measured_at: datetime
    characteristic: str
    sample_no: int
    value: Decimal | None
    passed: bool
    defect_code: str | None


class LotInStock(msgspec.Struct, frozen=True, kw_only=True):
    lot: str
    quantity: Decimal
    unit: str


def _inspection(record: asyncpg.Record | None) -> Inspection | None:
    if record is None:
        return None
    row = dict(record)
    row["characteristics"] = msgspec.json.decode(row["characteristics"])
    return msgspec.convert(row, Inspection)


async def next_number(conn: asyncpg.Connection, kind: str) -> int:
    return int(await conn.fetchval(Q.next_number, kind))


async def insert(conn: asyncpg.Connection, number: str, n: NewInspection) -> Inspection | None:
    """None: its source made one already."""
    return _inspection(
        await conn.fetchrow(
            Q.insert,
            n.plant_id,
            number,
            n.plan_id,
            n.material_id,
            n.lot,
            n.quantity,
            n.unit,
            n.trigger,
            n.source_key,
            n.work_order_id,
            n.operation_no,
            n.work_center_id,
            n.supplier,
            n.severity,
            n.sample_size,
            n.acceptance_number,
            n.rejection_number,
            msgspec.json.encode(n.characteristics).decode(),
            n.lot_held,
        )
    )


async def get(
    conn: asyncpg.Connection, inspection_id: UUID, *, lock: bool = False
) -> Inspection | None:
    return _inspection(await conn.fetchrow(Q.lock if lock else Q.get, inspection_id))


async def verdict(
    conn: asyncpg.Connection,
    inspection_id: UUID,
    status: str,
    proposal: tuple[str | None, str | None],
) -> None:
    await conn.execute(Q.verdict, inspection_id, status, *proposal)


async def decide(
    conn: asyncpg.Connection, inspection_id: UUID, fields: tuple[object, ...]
) -> Inspection:
    """``fields``: decision, accepted, rejected, note."""
    found = _inspection(await conn.fetchrow(Q.decide, inspection_id, *fields))
    assert found is not None
    return found


async def cancel(conn: asyncpg.Connection, inspection_id: UUID, note: str | None) -> Inspection:
    found = _inspection(await conn.fetchrow(Q.cancel, inspection_id, note))
    assert found is not None
    return found


async def page(
    conn: asyncpg.Connection,
    filters: tuple[UUID | None, UUID | None, str | None],
    before: UUID | None,
    limit: int,
) -> list[Inspection]:
    return [
        i for i in (_inspection(r) for r in await conn.fetch(Q.page, *filters, before, limit)) if i
    ]


async def results_insert(
    conn: asyncpg.Connection, inspection: Inspection, rows: list[NewResult]
) -> None:
    count = len(rows)
    await conn.execute(
        Q.results_insert,
        [r.measured_at for r in rows],
        [inspection.plant_id] * count,
        [inspection.id] * count,
        [inspection.material_id] * count,
        [r.characteristic for r in rows],
        [r.sample_no for r in rows],
        [r.value for r in rows],
        [r.passed for r in rows],
        [r.defect_code for r in rows],
        [inspection.work_center_id] * count,
    )


async def tally(conn: asyncpg.Connection, inspection_id: UUID) -> tuple[int, int]:
    """(pairs recorded, nonconforming samples) by the latest result of each pair."""
    r = await conn.fetchrow(Q.results_tally, inspection_id)
    return int(r["recorded"]), int(r["nonconforming"])


async def results_of(conn: asyncpg.Connection, inspection_id: UUID) -> list[ResultRow]:
    return many(await conn.fetch(Q.results_of, inspection_id), ResultRow)


_state = msgspec.json.Decoder(SwitchingState)


async def state(
    conn: asyncpg.Connection, stream: tuple[UUID, UUID, str], *, lock: bool = True
) -> SwitchingState:
    """The stream's state, locked by default (the caller is about to move it on)."""
    raw = await conn.fetchval(Q.state_get if lock else Q.state_read, *stream)
    return SwitchingState() if raw is None else _state.decode(raw)


async def put_state(
    conn: asyncpg.Connection, stream: tuple[UUID, UUID, str], value: SwitchingState
) -> None:
    await conn.execute(Q.state_put, *stream, msgspec.json.encode(value).decode())


async def lots_due(
    conn: asyncpg.Connection, stream: tuple[UUID, UUID], since: datetime, limit: int
) -> list[LotInStock]:
    """Lots of (material, plant) in stock not inspected since ``since``."""
    return many(await conn.fetch(Q.lots_due, *stream, since, limit), LotInStock)

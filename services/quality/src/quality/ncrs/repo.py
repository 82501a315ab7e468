"""Typed functions for ``ncrs.sql``. The caller owns the transaction."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from uuid import UUID

import asyncpg
import msgspec

from quality.ncrs.models import Ncr, NcrFile, NcrLot, Step
from unison_objects import StoredFile
from unison_pg import Queries
from unison_pg.rows import many, one

Q = Queries.load(Path(__file__).with_name("ncrs.sql"))


class NewNcr(msgspec.Struct, frozen=True, kw_only=True):
    plant_id: UUID
    title: str
    description: str | None
    severity: str
    material_id: UUID
    quantity: Decimal
    unit: str
    work_order_id: UUID | None = None
    operation_no: int | None = None
    work_center_id: UUID | None = None
    supplier: str | None = None
    customer: str | None = None
    inspection_id: UUID | None = None
    defect_codes: list[str]
    lots: list[NcrLot]


def _ncr(record: asyncpg.Record | None) -> Ncr | None:
    if record is None:
        return None
    row = dict(record)
    row["steps"] = msgspec.json.decode(row["steps"])
    row["lots"] = msgspec.json.decode(row["lots"])
    return msgspec.convert(row, Ncr)


def step_json(step: Step) -> str:
    return msgspec.json.encode(step).decode()


async def insert(conn: asyncpg.Connection, number: str, n: NewNcr, first: Step) -> UUID:
    ncr_id: UUID = await conn.fetchval(
        Q.insert,
        n.plant_id,
        number,
        n.title,
        n.description,
        n.severity,
        n.material_id,
        n.quantity,
        n.unit,
        n.work_order_id,
        n.operation_no,
        n.work_center_id,
        n.supplier,
        n.customer,
        n.inspection_id,
        n.defect_codes,
        f"[{step_json(first)}]",
    )
    if n.lots:
        await conn.execute(
            Q.lots_insert,
            ncr_id,
            n.plant_id,
            [lot.lot for lot in n.lots],
            [lot.quantity for lot in n.lots],
        )
    return ncr_id


async def get(conn: asyncpg.Connection, ncr_id: UUID) -> Ncr | None:
    return _ncr(await conn.fetchrow(Q.get, ncr_id))


async def lock(conn: asyncpg.Connection, ncr_id: UUID) -> int | None:
    """The NCR's version, its row locked; None when it does not exist."""
    version: int | None = await conn.fetchval(Q.lock, ncr_id)
    return version


async def page(
    conn: asyncpg.Connection,
    filters: tuple[UUID | None, UUID | None, str | None, bool | None],
    before: UUID | None,
    limit: int,
) -> list[Ncr]:
    return [n for n in (_ncr(r) for r in await conn.fetch(Q.page, *filters, before, limit)) if n]


async def update_fields(conn: asyncpg.Connection, ncr: Ncr) -> None:
    await conn.execute(
        Q.update_fields,
        ncr.id,
        ncr.title,
        ncr.description,
        ncr.severity,
        ncr.supplier,
        ncr.customer,
        ncr.defect_codes,
    )


async def step(conn: asyncpg.Connection, ncr_id: UUID, status: str, taken: Step) -> None:
    await conn.execute(Q.step, ncr_id, status, step_json(taken))


async def disposition(
    conn: asyncpg.Connection,
    ncr_id: UUID,
    decided: tuple[str, str | None, str, UUID | None],
    taken: Step,
) -> None:
    """``decided``: disposition, note, status (requested or done), request id."""
    await conn.execute(Q.disposition, ncr_id, *decided, step_json(taken))


async def answered(
    conn: asyncpg.Connection, request_id: UUID, status: str, error: str | None, taken: Step
) -> UUID | None:
    ncr_id: UUID | None = await conn.fetchval(
        Q.answered, request_id, status, error, step_json(taken)
    )
    return ncr_id


async def failed_results(conn: asyncpg.Connection, inspection_id: UUID) -> list[str]:
    return [r["code"] for r in await conn.fetch(Q.failed_results, inspection_id)]


async def of_inspection(conn: asyncpg.Connection, inspection_id: UUID) -> UUID | None:
    found: UUID | None = await conn.fetchval(Q.of_inspection, inspection_id)
    return found


async def file_insert(
    conn: asyncpg.Connection,
    ncr: Ncr,
    filename: str,
    content_type: str,
    size_bytes: int,
    object_key: str,
) -> NcrFile:
    found = one(
        await conn.fetchrow(
            Q.file_insert, ncr.id, ncr.plant_id, filename, content_type, size_bytes, object_key
        ),
        NcrFile,
    )
    assert found is not None
    return found


async def files(conn: asyncpg.Connection, ncr_id: UUID) -> list[NcrFile]:
    return many(await conn.fetch(Q.files, ncr_id), NcrFile)


async def file_get(conn: asyncpg.Connection, ncr_id: UUID, file_id: UUID) -> StoredFile | None:
    r = await conn.fetchrow(Q.file_get, ncr_id, file_id)
    return None if r is None else StoredFile.of(r)


async def file_delete(
    conn: asyncpg.Connection, ncr_id: UUID, file_id: UUID
) -> tuple[bool, str | None]:
    """(deleted, the object's key)."""
    row = await conn.fetchrow(Q.file_delete, ncr_id, file_id)
    return (False, None) if row is None else (True, row["object_key"])

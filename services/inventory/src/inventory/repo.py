"""One typed function per named query in ``queries.sql``; the caller owns the transaction."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Literal, TypeVar
from uuid import UUID

import asyncpg
import msgspec

from inventory.models import (
    AlternativeUnit,
    AuditEntry,
    Material,
    MaterialCreate,
    PlantData,
    PlantDataPut,
    Unit,
    UnitCreate,
)
from unison_objects import StoredFile, StoredObject
from unison_pg import Queries, Tenant

QUERIES_PATH = Path(__file__).with_name("queries.sql")
Q = Queries.load(QUERIES_PATH)

T = TypeVar("T")
Sort = Literal["number", "-number", "created_at", "-created_at", "updated_at", "-updated_at"]
_LIST_QUERY: dict[str, str] = {
    "number": Q.materials_by_number,
    "-number": Q.materials_by_number_desc,
    "created_at": Q.materials_by_created_at,
    "-created_at": Q.materials_by_created_at_desc,
    "updated_at": Q.materials_by_updated_at,
    "-updated_at": Q.materials_by_updated_at_desc,
}


def _one(record: asyncpg.Record | None, kind: type[T]) -> T | None:
    return None if record is None else msgspec.convert(dict(record), kind)


def _all(records: list[asyncpg.Record], kind: type[T]) -> list[T]:
    return [msgspec.convert(dict(r), kind) for r in records]


async def tenant_scope(conn: asyncpg.Connection, tenant: Tenant) -> None:
    """Scope the connection's current transaction to ``tenant`` (owner connections)."""
    await conn.execute(Q.tenant_scope, *[value for _, value in tenant.settings()])


# ------------------------------------------------------------------ units of measure


async def units_page(conn: asyncpg.Connection, after: str | None, limit: int) -> list[Unit]:
    return _all(await conn.fetch(Q.units_page, after, limit), Unit)


async def units_by_codes(conn: asyncpg.Connection, codes: list[str]) -> list[Unit]:
    return _all(await conn.fetch(Q.units_by_codes, codes), Unit)


async def unit_insert(conn: asyncpg.Connection, unit: UnitCreate) -> Unit | None:
    record = await conn.fetchrow(
        Q.unit_insert,
        unit.code,
        unit.name,
        unit.dimension,
        unit.factor_numerator,
        unit.factor_denominator,
    )
    return _one(record, Unit)


# ------------------------------------------------------------------ materials


def _material_args(fields: MaterialCreate) -> tuple[Any, ...]:
    return (
        fields.number,
        fields.description,
        fields.type,
        fields.base_unit,
        fields.material_group,
        fields.gross_weight,
        fields.net_weight,
        fields.weight_unit,
        fields.length,
        fields.width,
        fields.height,
        fields.dimension_unit,
        fields.status,
        fields.negative_stock_allowed,
        fields.lot_managed,
        fields.serial_managed,
    )


async def material_get(conn: asyncpg.Connection, material_id: UUID) -> Material | None:
    return _one(await conn.fetchrow(Q.material_get, material_id), Material)


async def material_lock(conn: asyncpg.Connection, material_id: UUID) -> Material | None:
    return _one(await conn.fetchrow(Q.material_lock, material_id), Material)


async def material_id_by_number(conn: asyncpg.Connection, number: str) -> UUID | None:
    value = await conn.fetchval(Q.material_id_by_number, number)
    return value if isinstance(value, UUID) else None


async def material_insert(conn: asyncpg.Connection, fields: MaterialCreate) -> Material | None:
    record = await conn.fetchrow(Q.material_insert, *_material_args(fields))
    return _one(record, Material)


async def material_update(
    conn: asyncpg.Connection, material_id: UUID, fields: MaterialCreate
) -> Material:
    record = await conn.fetchrow(Q.material_update, material_id, *_material_args(fields))
    return msgspec.convert(dict(record), Material)


async def material_touch(conn: asyncpg.Connection, material_id: UUID) -> int:
    version = await conn.fetchval(Q.material_touch, material_id)
    return int(version)


async def material_delete(conn: asyncpg.Connection, material_id: UUID) -> None:
    await conn.execute(Q.material_delete, material_id)


class MaterialFilter(msgspec.Struct, frozen=True, kw_only=True):
    """List filters as the query takes them; None means "any"."""

    type: str | None = None
    status: str | None = None
    base_unit: str | None = None
    material_group: str | None = None
    search: str | None = None  # lower case
    search_patterns: list[str] | None = None  # one ILIKE pattern per word, escaped
    search_words: list[str] | None = None
    plant_id: UUID | None = None


async def materials_page(
    conn: asyncpg.Connection,
    sort: Sort,
    where: MaterialFilter,
    after: tuple[str | datetime, UUID] | None,
    limit: int,
) -> list[Material]:
    after_value, after_id = after if after is not None else (None, None)
    records = await conn.fetch(
        _LIST_QUERY[sort],
        where.type,
        where.status,
        where.base_unit,
        where.material_group,
        where.search,
        where.search_patterns,
        where.search_words,
        where.plant_id,
        after_value,
        after_id,
        limit,
    )
    return _all(records, Material)


# ------------------------------------------------------------------ alternative units


async def material_units_of(conn: asyncpg.Connection, material_id: UUID) -> list[AlternativeUnit]:
    return _all(await conn.fetch(Q.material_units_of, material_id), AlternativeUnit)


async def material_unit_get(
    conn: asyncpg.Connection, material_id: UUID, unit: str
) -> AlternativeUnit | None:
    return _one(await conn.fetchrow(Q.material_unit_get, material_id, unit), AlternativeUnit)


async def material_unit_upsert(
    conn: asyncpg.Connection, material_id: UUID, unit: str, numerator: Any, denominator: Any
) -> AlternativeUnit:
    record = await conn.fetchrow(Q.material_unit_upsert, material_id, unit, numerator, denominator)
    return msgspec.convert(dict(record), AlternativeUnit)


async def material_unit_delete(
    conn: asyncpg.Connection, material_id: UUID, unit: str
) -> AlternativeUnit | None:
    return _one(await conn.fetchrow(Q.material_unit_delete, material_id, unit), AlternativeUnit)


# ------------------------------------------------------------------ plant data


def _plant_args(data: PlantDataPut) -> tuple[Any, ...]:
    return (
        data.procurement_type,
        data.reorder_point,
        data.safety_stock,
        data.lot_size,
        data.lead_time_days,
        data.default_storage_location,
        data.max_stock,
    )


async def material_plants_of(conn: asyncpg.Connection, material_id: UUID) -> list[PlantData]:
    return _all(await conn.fetch(Q.material_plants_of, material_id), PlantData)


async def material_plant_get(
    conn: asyncpg.Connection, material_id: UUID, plant_id: UUID
) -> PlantData | None:
    return _one(await conn.fetchrow(Q.material_plant_get, material_id, plant_id), PlantData)


async def material_plant_lock(
    conn: asyncpg.Connection, material_id: UUID, plant_id: UUID
) -> PlantData | None:
    return _one(await conn.fetchrow(Q.material_plant_lock, material_id, plant_id), PlantData)


async def material_plant_insert(
    conn: asyncpg.Connection, material_id: UUID, plant_id: UUID, data: PlantDataPut
) -> PlantData | None:
    record = await conn.fetchrow(Q.material_plant_insert, material_id, plant_id, *_plant_args(data))
    return _one(record, PlantData)


async def material_plant_update(
    conn: asyncpg.Connection, material_id: UUID, plant_id: UUID, data: PlantDataPut
) -> PlantData:
    record = await conn.fetchrow(Q.material_plant_update, material_id, plant_id, *_plant_args(data))
    return msgspec.convert(dict(record), PlantData)


async def material_plant_delete(
    conn: asyncpg.Connection, material_id: UUID, plant_id: UUID
) -> None:
    await conn.execute(Q.material_plant_delete, material_id, plant_id)


# ------------------------------------------------------------------ audit log


class AuditRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One change to write; the actor and organization come from the transaction."""

    entity: str
    entity_id: str
    action: str
    changes: dict[str, dict[str, Any]]
    material_id: UUID | None = None
    plant_id: UUID | None = None
    request_id: str | None = None


async def audit_insert(conn: asyncpg.Connection, record: AuditRecord) -> None:
    await conn.execute(
        Q.audit_insert,
        record.entity,
        record.entity_id,
        record.material_id,
        record.plant_id,
        record.action,
        msgspec.json.encode(record.changes).decode(),
        record.request_id,
    )


async def material_history_page(
    conn: asyncpg.Connection,
    material_id: UUID,
    before: tuple[datetime, UUID] | None,
    limit: int,
) -> list[AuditEntry]:
    before_at, before_id = before if before is not None else (None, None)
    records = await conn.fetch(Q.material_history_page, material_id, before_at, before_id, limit)
    return [
        msgspec.convert(dict(r) | {"changes": msgspec.json.decode(r["changes"])}, AuditEntry)
        for r in records
    ]


# ------------------------------------------------------------------ idempotency keys


class StoredResponse(msgspec.Struct, frozen=True):
    request_fingerprint: str
    response_status: int | None
    response_body: str | None  # JSON text


async def idempotency_claim(conn: asyncpg.Connection, key: str, fingerprint: str) -> bool:
    return await conn.fetchval(Q.idempotency_claim, key, fingerprint) is not None


async def idempotency_get(conn: asyncpg.Connection, key: str) -> StoredResponse | None:
    return _one(await conn.fetchrow(Q.idempotency_get, key), StoredResponse)


async def idempotency_complete(
    conn: asyncpg.Connection, key: str, status: int, body: bytes
) -> None:
    await conn.execute(Q.idempotency_complete, key, status, body.decode())


# ------------------------------------------------------------------ exports


async def export_insert(
    conn: asyncpg.Connection,
    job_id: UUID,
    filename: str,
    content_type: str,
    row_count: int,
    stored: StoredObject,
) -> UUID:
    export_id: UUID = await conn.fetchval(
        Q.export_insert, job_id, filename, content_type, row_count, stored.size_bytes, stored.key
    )
    return export_id


async def export_get(conn: asyncpg.Connection, export_id: UUID) -> StoredFile | None:
    record = await conn.fetchrow(Q.export_get, export_id)
    return None if record is None else StoredFile.of(record)

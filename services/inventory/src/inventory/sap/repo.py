"""One typed function per named query in ``queries.sql``; the caller owns the transaction."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

import asyncpg
import msgspec

from inventory.sap.models import SapCode, SapMessage, SapMessageDetail, SapPlant
from unison_pg import Queries

Q_PATH = Path(__file__).with_name("queries.sql")
Q = Queries.load(Q_PATH)

T = TypeVar("T")


def _one(record: asyncpg.Record | None, kind: type[T]) -> T | None:
    return None if record is None else msgspec.convert(dict(record), kind)


def _all(records: list[asyncpg.Record], kind: type[T]) -> list[T]:
    return [msgspec.convert(dict(r), kind) for r in records]


# ------------------------------------------------------------------ messages


class NewMessage(msgspec.Struct, frozen=True, kw_only=True):
    direction: str
    kind: str
    external_id: str
    content_type: str
    payload: bytes
    fingerprint: str


class Existing(msgspec.Struct, frozen=True):
    message: SapMessage
    fingerprint: str


class Started(msgspec.Struct, frozen=True, kw_only=True):
    """A message a job has just taken: what it needs to process it."""

    id: UUID
    direction: str
    kind: str
    external_id: str
    content_type: str
    payload: bytes
    attempts: int


async def message_insert(conn: asyncpg.Connection, new: NewMessage) -> SapMessage | None:
    record = await conn.fetchrow(
        Q.message_insert,
        new.direction,
        new.kind,
        new.external_id,
        new.content_type,
        new.payload,
        new.fingerprint,
    )
    return _one(record, SapMessage)


async def message_by_external_id(
    conn: asyncpg.Connection, direction: str, kind: str, external_id: str
) -> Existing | None:
    record = await conn.fetchrow(Q.message_by_external_id, direction, kind, external_id)
    if record is None:
        return None
    values = dict(record)
    fingerprint = values.pop("fingerprint")
    return Existing(msgspec.convert(values, SapMessage), fingerprint)


async def message_get(conn: asyncpg.Connection, message_id: UUID) -> SapMessageDetail | None:
    return _one(await conn.fetchrow(Q.message_get, message_id), SapMessageDetail)


async def message_payload(conn: asyncpg.Connection, message_id: UUID) -> tuple[str, bytes] | None:
    record = await conn.fetchrow(Q.message_payload, message_id)
    return None if record is None else (record["content_type"], bytes(record["payload"]))


async def message_set_job(conn: asyncpg.Connection, message_id: UUID, job_id: UUID) -> None:
    await conn.execute(Q.message_set_job, message_id, job_id)


async def message_start(conn: asyncpg.Connection, message_id: UUID, job_id: UUID) -> Started | None:
    record = await conn.fetchrow(Q.message_start, message_id, job_id)
    if record is None:
        return None
    return msgspec.convert(dict(record) | {"payload": bytes(record["payload"])}, Started)


async def message_processed(conn: asyncpg.Connection, message_id: UUID, summary: str) -> None:
    await conn.execute(Q.message_processed, message_id, summary)


async def message_failed(conn: asyncpg.Connection, message_id: UUID, reason: str) -> None:
    await conn.execute(Q.message_failed, message_id, reason)


async def message_retrying(conn: asyncpg.Connection, message_id: UUID, reason: str) -> None:
    await conn.execute(Q.message_retrying, message_id, reason)


async def outbound_pending_before(conn: asyncpg.Connection, message_id: UUID) -> UUID | None:
    value = await conn.fetchval(Q.outbound_pending_before, message_id)
    return value if isinstance(value, UUID) else None


async def message_sent_payload(
    conn: asyncpg.Connection, message_id: UUID, body: dict[str, Any]
) -> None:
    await conn.execute(Q.message_sent_payload, message_id, msgspec.json.encode(body).decode())


async def message_replay(conn: asyncpg.Connection, message_id: UUID) -> int | None:
    value = await conn.fetchval(Q.message_replay, message_id)
    return None if value is None else int(value)


async def message_status(conn: asyncpg.Connection, message_id: UUID) -> str | None:
    value = await conn.fetchval(Q.message_status, message_id)
    return None if value is None else str(value)


class MessageFilter(msgspec.Struct, frozen=True, kw_only=True):
    direction: str | None = None
    kind: str | None = None
    status: str | None = None


async def messages_page(
    conn: asyncpg.Connection, where: MessageFilter, before: UUID | None, limit: int
) -> list[SapMessage]:
    args = (where.direction, where.kind, before, limit)
    if where.status is None:
        return _all(await conn.fetch(Q.messages_page, *args), SapMessage)
    return _all(await conn.fetch(Q.messages_page_by_status, *args, where.status), SapMessage)


# ------------------------------------------------------------------ plant mapping


async def plants_all(conn: asyncpg.Connection) -> list[SapPlant]:
    return _all(await conn.fetch(Q.plants_all), SapPlant)


async def plant_put(conn: asyncpg.Connection, werks: str, plant_id: UUID | None) -> SapPlant:
    return msgspec.convert(dict(await conn.fetchrow(Q.plant_put, werks, plant_id)), SapPlant)


async def plant_delete(conn: asyncpg.Connection, werks: str) -> bool:
    return await conn.fetchval(Q.plant_delete, werks) is not None


async def werks_of_plant(conn: asyncpg.Connection, plant_id: UUID) -> str | None:
    value = await conn.fetchval(Q.werks_of_plant, plant_id)
    return None if value is None else str(value)


# ------------------------------------------------------------------ code translations


async def codes_all(conn: asyncpg.Connection) -> list[SapCode]:
    return _all(await conn.fetch(Q.codes_all), SapCode)


async def code_put(conn: asyncpg.Connection, kind: str, sap_code: str, code: str) -> SapCode:
    record = await conn.fetchrow(Q.code_put, kind, sap_code, code)
    return msgspec.convert(dict(record), SapCode)


async def code_delete(conn: asyncpg.Connection, kind: str, sap_code: str) -> bool:
    return await conn.fetchval(Q.code_delete, kind, sap_code) is not None


# ------------------------------------------------------------------ connection


class ConnectionRow(msgspec.Struct, frozen=True, kw_only=True):
    """The stored connection, secrets included: for the client, never for the API."""

    base_url: str
    sap_client: str | None
    auth_kind: str
    username: str | None
    password: str | None
    token_url: str | None
    client_id: str | None
    client_secret: str | None
    scrap_cost_center: str | None
    timeout_seconds: int
    enabled: bool
    version: int
    updated_at: datetime
    updated_by: str


async def connection_get(conn: asyncpg.Connection) -> ConnectionRow | None:
    return _one(await conn.fetchrow(Q.connection_get), ConnectionRow)


async def connection_put(
    conn: asyncpg.Connection, values: dict[str, Any]
) -> tuple[ConnectionRow, bool]:
    record = await conn.fetchrow(
        Q.connection_put,
        values["base_url"],
        values["sap_client"],
        values["auth_kind"],
        values["username"],
        values["password"],
        values["token_url"],
        values["client_id"],
        values["client_secret"],
        values["scrap_cost_center"],
        values["timeout_seconds"],
        values["enabled"],
    )
    row = dict(record)
    created = bool(row.pop("created"))
    return msgspec.convert(row, ConnectionRow), created


async def connection_delete(conn: asyncpg.Connection) -> bool:
    return await conn.fetchval(Q.connection_delete) is not None


# ------------------------------------------------------------------ materials and locations


async def object_lock(conn: asyncpg.Connection, key: str) -> None:
    await conn.execute(Q.object_lock, key)


class MaterialKey(msgspec.Struct, frozen=True):
    id: UUID
    number: str
    base_unit: str


async def material_numbers(conn: asyncpg.Connection, ids: list[UUID]) -> dict[UUID, MaterialKey]:
    rows = _all(await conn.fetch(Q.material_numbers, ids), MaterialKey)
    return {row.id: row for row in rows}


async def materials_by_numbers(
    conn: asyncpg.Connection, numbers: list[str]
) -> dict[str, MaterialKey]:
    """By number in lower case (numbers ignore case)."""
    rows = _all(await conn.fetch(Q.materials_by_numbers, numbers), MaterialKey)
    return {row.number.lower(): row for row in rows}


async def location_warehouse_codes(
    conn: asyncpg.Connection, plant_id: UUID, location_ids: list[UUID]
) -> dict[UUID, str]:
    rows = await conn.fetch(Q.location_warehouse_codes, plant_id, location_ids)
    return {r["location_id"]: r["code"] for r in rows}


# ------------------------------------------------------------------ production orders


async def production_order_fingerprint(conn: asyncpg.Connection, order_number: str) -> str | None:
    value = await conn.fetchval(Q.production_order_fingerprint, order_number)
    return None if value is None else str(value)


async def production_order_put(
    conn: asyncpg.Connection, order_number: str, fingerprint: str, message_id: UUID
) -> None:
    await conn.execute(Q.production_order_put, order_number, fingerprint, message_id)

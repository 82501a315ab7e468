"""Typed functions for ``serials.sql``: the serials a posting moves, and their reads."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from uuid import UUID

import asyncpg
import msgspec

from inventory.ledger_repo import show_lot
from inventory.serial_models import SerialMovement, SerialNumber
from unison_pg import Queries

S = Queries.load(Path(__file__).with_name("serials.sql"))

SerialKey = tuple[UUID, str]  # material, serial
# plant, location, lot ('' = none), category: the same stock as a balance row.
Place = tuple[UUID, UUID, str, str]


class SerialState(msgspec.Struct, frozen=True, kw_only=True):
    place: Place
    in_stock: bool
    last_movement_id: UUID


class SerialWrite(msgspec.Struct, frozen=True, kw_only=True):
    key: SerialKey
    place: Place
    in_stock: bool
    last_movement_id: UUID
    existed: bool


async def lock(conn: asyncpg.Connection, keys: Sequence[SerialKey]) -> dict[SerialKey, SerialState]:
    """The serials ``keys`` that exist, locked in key order."""
    ordered = sorted(set(keys), key=lambda k: (str(k[0]), k[1]))
    records = await conn.fetch(S.serials_lock, [k[0] for k in ordered], [k[1] for k in ordered])
    return {
        (r["material_id"], r["serial"]): SerialState(
            place=(r["plant_id"], r["location_id"], r["lot"], r["category"]),
            in_stock=r["in_stock"],
            last_movement_id=r["last_movement_id"],
        )
        for r in records
    }


async def apply(conn: asyncpg.Connection, writes: Sequence[SerialWrite]) -> set[SerialKey]:
    """Write where the serials are now; returns those written (a new serial that another
    posting created meanwhile is not)."""
    records = await conn.fetch(
        S.serials_apply,
        [w.key[0] for w in writes],
        [w.key[1] for w in writes],
        [w.place[0] for w in writes],
        [w.place[1] for w in writes],
        [w.place[2] for w in writes],
        [w.place[3] for w in writes],
        [w.in_stock for w in writes],
        [w.last_movement_id for w in writes],
        [w.existed for w in writes],
    )
    return {(r["material_id"], r["serial"]) for r in records}


async def location_codes(conn: asyncpg.Connection, ids: Sequence[UUID]) -> dict[UUID, str]:
    return {r["id"]: r["code"] for r in await conn.fetch(S.location_codes, list(ids))}


def _serial(record: asyncpg.Record) -> SerialNumber:
    row = dict(record)
    row["lot"] = show_lot(row["lot"])
    return msgspec.convert(row, SerialNumber)


async def page(
    conn: asyncpg.Connection,
    material_id: UUID,
    in_stock: bool | None,
    plant_id: UUID | None,
    location_id: UUID | None,
    after: str | None,
    limit: int,
) -> list[SerialNumber]:
    if in_stock:
        records = await conn.fetch(
            S.serials_in_stock_page, material_id, plant_id, location_id, after, limit
        )
    else:
        records = await conn.fetch(
            S.serials_page, material_id, in_stock, plant_id, location_id, after, limit
        )
    return [_serial(r) for r in records]


async def get(conn: asyncpg.Connection, material_id: UUID, serial: str) -> SerialNumber | None:
    record = await conn.fetchrow(S.serial_get, material_id, serial)
    return None if record is None else _serial(record)


async def history(
    conn: asyncpg.Connection, material_id: UUID, serial: str, limit: int
) -> list[SerialMovement]:
    out = []
    for r in await conn.fetch(S.serial_history, material_id, serial, limit):
        row = dict(r)
        row["lot"] = show_lot(row["lot"])
        out.append(msgspec.convert(row, SerialMovement))
    return out

"""Typed functions for ``read_models.sql``. The caller owns the transaction."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Literal
from uuid import UUID

import asyncpg
import msgspec

from unison_pg import Queries
from unison_pg.rows import many

Q = Queries.load(Path(__file__).with_name("read_models.sql"))


class MaterialRow(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    number: str
    description: str
    type: str
    base_unit: str
    status: str
    deleted: bool


class BomItem(msgspec.Struct, frozen=True, kw_only=True):
    """An item as inventory released it (``base_quantity`` in the component's base unit
    per the header's base quantity)."""

    item_number: int
    component_id: UUID
    category: Literal["stock", "by_product"] = "stock"
    phantom: bool = False
    base_quantity: Decimal
    base_unit: str
    scrap_percent: Decimal = Decimal(0)
    operation: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None


class BomRow(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    material_id: UUID
    base_quantity: Decimal
    base_unit: str
    items: list[BomItem]


async def material_upsert(
    conn: asyncpg.Connection,
    material_id: UUID,
    number: str,
    description: str,
    type_: str,
    base_unit: str,
    status: str,
    version: int,
    deleted: bool = False,
) -> None:
    await conn.execute(
        Q.material_upsert,
        material_id,
        number,
        description,
        type_,
        base_unit,
        status,
        version,
        deleted,
    )


async def material_mark_deleted(conn: asyncpg.Connection, material_id: UUID) -> None:
    await conn.execute(Q.material_mark_deleted, material_id)


async def materials_get(conn: asyncpg.Connection, ids: list[UUID]) -> dict[UUID, MaterialRow]:
    rows = many(await conn.fetch(Q.materials_get, ids), MaterialRow)
    return {m.id: m for m in rows}


async def bom_upsert(
    conn: asyncpg.Connection,
    bom_id: UUID,
    material_id: UUID,
    plant_id: UUID | None,
    header: tuple[str, int, str, date, date | None, Decimal, str],
    items: bytes,
    version: int,
) -> None:
    """``header``: usage, alternative, status, valid_from, valid_to, base_quantity,
    base_unit; ``items`` the JSON item list."""
    await conn.execute(
        Q.bom_upsert, bom_id, material_id, plant_id, *header, items.decode(), version
    )


async def bom_status(
    conn: asyncpg.Connection,
    bom_id: UUID,
    status: str,
    valid_from: date,
    valid_to: date | None,
    version: int,
) -> None:
    await conn.execute(Q.bom_status, bom_id, status, valid_from, valid_to, version)


_bom_row = msgspec.json.Decoder(list[BomItem])


async def boms_for(
    conn: asyncpg.Connection, material_ids: list[UUID], plant_id: UUID, on: date
) -> dict[UUID, BomRow]:
    records = await conn.fetch(Q.bom_for, material_ids, plant_id, on)
    found: dict[UUID, BomRow] = {}
    for r in records:
        items = r["items"]
        parsed = (
            _bom_row.decode(items)
            if isinstance(items, str | bytes)
            else msgspec.convert(items, list[BomItem])
        )
        found[r["material_id"]] = BomRow(
            id=r["id"],
            material_id=r["material_id"],
            base_quantity=r["base_quantity"],
            base_unit=r["base_unit"],
            items=parsed,
        )
    return found

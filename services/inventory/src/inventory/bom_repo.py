"""One typed function per named query in ``bom_queries.sql``; the caller owns the transaction."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from inventory.bom_models import BomHeader, WhereUsed, WhereUsedLevel
from unison_pg import Queries

Q = Queries.load(Path(__file__).with_name("bom_queries.sql"))


class BomRow(BomHeader, kw_only=True):
    """A header as stored: its base quantity also exactly in the material's base unit."""

    base_num: Decimal
    base_den: Decimal
    material_base_unit: str


class ItemRow(msgspec.Struct, kw_only=True):
    """An item as stored (``base_num / base_den`` = quantity in the component's base unit)."""

    item_number: int
    component_id: UUID
    component_number: str = ""
    category: str
    phantom: bool
    quantity: Decimal
    unit: str
    base_num: Decimal
    base_den: Decimal
    component_base_unit: str
    scrap_percent: Decimal
    operation: str | None
    valid_from: date | None
    valid_to: date | None


class HeaderValues(msgspec.Struct, frozen=True, kw_only=True):
    """A header's fields as written."""

    valid_from: date
    valid_to: date | None
    base_quantity: Decimal
    base_unit: str
    base_num: Decimal
    base_den: Decimal
    material_base_unit: str
    description: str | None
    change_number: str | None


class BomKey(msgspec.Struct, frozen=True, kw_only=True):
    """What versions share: at most one released version of a key is valid on a day."""

    material_id: UUID
    plant_id: UUID | None
    usage: str
    alternative: int

    def args(self) -> tuple[Any, ...]:
        return (self.material_id, self.plant_id, self.usage, self.alternative)


class MaterialRef(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    number: str
    description: str
    base_unit: str
    status: str


class UnitRatio(msgspec.Struct, frozen=True, kw_only=True):
    material_id: UUID
    unit: str
    numerator: Decimal
    denominator: Decimal


def _row(record: asyncpg.Record | None) -> BomRow | None:
    return None if record is None else msgspec.convert(dict(record), BomRow)


async def lock_graph(conn: asyncpg.Connection) -> None:
    await conn.execute(Q.bom_graph_lock)


async def materials(conn: asyncpg.Connection, ids: list[UUID]) -> dict[UUID, MaterialRef]:
    records = await conn.fetch(Q.bom_materials, ids)
    return {r["id"]: msgspec.convert(dict(r), MaterialRef) for r in records}


async def materials_by_number(
    conn: asyncpg.Connection, numbers: list[str]
) -> dict[str, MaterialRef]:
    """By number in lower case (numbers are unique ignoring case)."""
    records = await conn.fetch(Q.bom_materials_by_number, [n.lower() for n in numbers])
    return {r["number"].lower(): msgspec.convert(dict(r), MaterialRef) for r in records}


async def material_units(conn: asyncpg.Connection, ids: list[UUID]) -> list[UnitRatio]:
    records = await conn.fetch(Q.bom_material_units, ids)
    return [msgspec.convert(dict(r), UnitRatio) for r in records]


async def get(conn: asyncpg.Connection, bom_id: UUID) -> BomRow | None:
    return _row(await conn.fetchrow(Q.bom_get, bom_id))


async def lock(conn: asyncpg.Connection, bom_id: UUID) -> BomRow | None:
    return _row(await conn.fetchrow(Q.bom_lock, bom_id))


async def next_revision(conn: asyncpg.Connection, key: BomKey) -> int:
    return int(await conn.fetchval(Q.bom_next_revision, *key.args()))


async def insert(
    conn: asyncpg.Connection, key: BomKey, revision: int, header: HeaderValues
) -> UUID:
    bom_id: UUID = await conn.fetchval(
        Q.bom_insert,
        *key.args()[:4],
        revision,
        header.valid_from,
        header.valid_to,
        header.base_quantity,
        header.base_unit,
        header.base_num,
        header.base_den,
        header.material_base_unit,
        header.description,
        header.change_number,
    )
    return bom_id


async def update_draft(conn: asyncpg.Connection, bom_id: UUID, header: HeaderValues) -> None:
    await conn.execute(
        Q.bom_update_draft,
        bom_id,
        header.valid_from,
        header.valid_to,
        header.base_quantity,
        header.base_unit,
        header.base_num,
        header.base_den,
        header.material_base_unit,
        header.description,
        header.change_number,
    )


async def delete(conn: asyncpg.Connection, bom_id: UUID) -> None:
    await conn.execute(Q.bom_delete, bom_id)


async def set_released(conn: asyncpg.Connection, bom_id: UUID) -> None:
    await conn.execute(Q.bom_set_released, bom_id)


async def set_obsolete(conn: asyncpg.Connection, bom_id: UUID) -> None:
    await conn.execute(Q.bom_set_obsolete, bom_id)


async def close_validity(conn: asyncpg.Connection, bom_id: UUID, valid_to: date) -> None:
    await conn.execute(Q.bom_close_validity, bom_id, valid_to)


async def released_overlapping(
    conn: asyncpg.Connection, key: BomKey, valid_from: date, valid_to: date | None
) -> list[BomRow]:
    records = await conn.fetch(Q.bom_released_overlapping, *key.args(), valid_from, valid_to)
    return [msgspec.convert(dict(r), BomRow) for r in records]


async def versions_exist(conn: asyncpg.Connection, key: BomKey) -> bool:
    return bool(await conn.fetchval(Q.bom_versions_exist, *key.args()))


class BomFilter(msgspec.Struct, frozen=True, kw_only=True):
    material_id: UUID | None = None
    plant_id: UUID | None = None
    all_plants_only: bool = False
    usage: str | None = None
    status: str | None = None


async def page(
    conn: asyncpg.Connection, where: BomFilter, after: UUID | None, limit: int
) -> list[BomRow]:
    records = await conn.fetch(
        Q.boms_page,
        where.material_id,
        where.plant_id,
        where.usage,
        where.status,
        after,
        limit,
        where.all_plants_only,
    )
    return [msgspec.convert(dict(r), BomRow) for r in records]


async def insert_items(
    conn: asyncpg.Connection, bom_id: UUID, plant_key: UUID, items: list[ItemRow]
) -> None:
    await conn.execute(
        Q.bom_items_insert,
        bom_id,
        plant_key,
        [i.item_number for i in items],
        [i.component_id for i in items],
        [i.category for i in items],
        [i.phantom for i in items],
        [i.quantity for i in items],
        [i.unit for i in items],
        [i.base_num for i in items],
        [i.base_den for i in items],
        [i.component_base_unit for i in items],
        [i.scrap_percent for i in items],
        [i.operation for i in items],
        [i.valid_from for i in items],
        [i.valid_to for i in items],
    )


async def delete_items(conn: asyncpg.Connection, bom_id: UUID) -> None:
    await conn.execute(Q.bom_items_delete, bom_id)


async def items_of(conn: asyncpg.Connection, bom_ids: list[UUID]) -> dict[UUID, list[ItemRow]]:
    found: dict[UUID, list[ItemRow]] = {bom_id: [] for bom_id in bom_ids}
    for record in await conn.fetch(Q.bom_items_of, bom_ids):
        found[record["bom_id"]].append(msgspec.convert(dict(record), ItemRow))
    return found


async def cycle_path(
    conn: asyncpg.Connection, material_id: UUID, component_ids: list[UUID]
) -> list[str] | None:
    numbers = await conn.fetchval(Q.bom_cycle_path, material_id, component_ids)
    return None if numbers is None else list(numbers)


class ExplosionParams(msgspec.Struct, frozen=True, kw_only=True):
    material_id: UUID
    plant_id: UUID | None
    on: date
    usage: str
    alternative: int | None
    quantity_num: Decimal
    quantity_den: Decimal
    max_depth: int
    through_assemblies: bool


async def explosion(conn: asyncpg.Connection, params: ExplosionParams) -> list[asyncpg.Record]:
    """The flat rows of the explosion, depth-first in item order (see the query)."""
    records: list[asyncpg.Record] = await conn.fetch(
        Q.bom_explosion,
        params.material_id,
        params.plant_id,
        params.on,
        params.usage,
        params.alternative,
        params.quantity_num,
        params.quantity_den,
        params.max_depth,
        params.through_assemblies,
    )
    return records


async def trail_numbers(conn: asyncpg.Connection, material_ids: list[UUID]) -> list[str]:
    numbers = await conn.fetchval(Q.bom_trail_numbers, material_ids)
    return list(numbers or [])


class WhereUsedParams(msgspec.Struct, frozen=True, kw_only=True):
    component_id: UUID
    on: date
    plant_id: UUID | None
    usage: str | None


async def where_used(
    conn: asyncpg.Connection,
    params: WhereUsedParams,
    after: tuple[UUID, int] | None,
    limit: int,
) -> list[WhereUsed]:
    after_bom, after_item = after if after is not None else (None, None)
    records = await conn.fetch(
        Q.bom_where_used,
        params.component_id,
        params.on,
        params.plant_id,
        params.usage,
        after_bom,
        after_item,
        limit,
    )
    return [msgspec.convert(dict(r), WhereUsed) for r in records]


async def where_used_levels(
    conn: asyncpg.Connection, params: WhereUsedParams, max_depth: int
) -> list[WhereUsedLevel]:
    records = await conn.fetch(
        Q.bom_where_used_levels,
        params.component_id,
        params.on,
        params.plant_id,
        params.usage,
        max_depth,
    )
    return [
        msgspec.convert(dict(r) | {"via": list(r["via_numbers"])}, WhereUsedLevel) for r in records
    ]

"""Reading BOM structures: explosion (down) and where-used (up), each one recursive query.

Only released versions count, each the one valid on the date asked (today by default). A
plant's own BOM wins over the BOM for all plants; then the lowest alternative, unless the
top level's alternative is asked for.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from uuid import UUID

import asyncpg
import msgspec

from inventory import bom_repo, bom_tree, conversions, repo
from inventory.bom_models import (
    BomUsage,
    Explosion,
    ExplosionHeader,
    ExplosionScope,
    ExplosionSummary,
    WhereUsed,
    WhereUsedLevel,
)
from inventory.bom_repo import ExplosionParams, WhereUsedParams
from inventory.service import checks
from inventory.service.bom_input import check_plant, today
from inventory.service.caller import Caller
from inventory.service.materials import not_found
from inventory.service.units import conversion_inputs
from unison_pg import Database
from unison_web import Conflict, Invalid, NotFound
from unison_web.paging import Page, decode_cursor, encode_cursor

MAX_DEPTH = 99
DEFAULT_DEPTH = 40


class ExplosionQuery(msgspec.Struct, frozen=True, kw_only=True):
    """The explosion's query parameters as the route received them."""

    plant_id: UUID | None = None
    on: date | None = None
    quantity: str | None = None  # default 1
    unit: str | None = None  # default the material's base unit
    usage: BomUsage = "production"
    alternative: int | None = None
    max_depth: int = DEFAULT_DEPTH
    scope: ExplosionScope = "full"


def _quantity(text: str | None) -> Fraction:
    if text is None:
        return Fraction(1)
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise Invalid("must be a decimal number such as 12.5", "/quantity") from None
    return Fraction(checks.decimal(value, "/quantity", positive=True))


async def _in_base_unit(
    conn: asyncpg.Connection, material_id: UUID, quantity: Fraction, unit: str | None
) -> tuple[Fraction, str]:
    code = checks.optional_unit_code(unit)
    material = await repo.material_get(conn, material_id)
    if material is None:
        raise not_found(material_id)
    if code is None or code == material.base_unit:
        return quantity, material.base_unit
    own, units = await conversion_inputs(conn, material_id, (code, code))
    if code not in units:
        raise Invalid(f"unit {code} does not exist", "/unit")
    try:
        return conversions.convert(
            quantity, code, material.base_unit, own, units
        ), material.base_unit
    except conversions.NotConvertibleError as exc:
        raise Invalid(str(exc), "/unit") from None


async def _too_deep(conn: asyncpg.Connection, row: bom_tree.Row, max_depth: int) -> Invalid:
    path = " → ".join(await bom_repo.trail_numbers(conn, list(row.trail or ())))
    return Invalid(
        f"the BOM is deeper than {max_depth} levels: {path}; ask for more with max_depth"
        f" (up to {MAX_DEPTH})",
        "/max_depth",
    )


async def _rows(
    db: Database, caller: Caller, material_id: UUID, query: ExplosionQuery
) -> tuple[ExplosionHeader, list[bom_tree.Row]]:
    check_plant(caller, query.plant_id)
    if not 1 <= query.max_depth <= MAX_DEPTH:
        raise Invalid(f"must be between 1 and {MAX_DEPTH}", "/max_depth")
    on = query.on or today()
    wanted = _quantity(query.quantity)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        quantity, base_unit = await _in_base_unit(conn, material_id, wanted, query.unit)
        params = ExplosionParams(
            material_id=material_id,
            plant_id=query.plant_id,
            on=on,
            usage=query.usage,
            alternative=query.alternative,
            quantity_num=Decimal(quantity.numerator),
            quantity_den=Decimal(quantity.denominator),
            max_depth=query.max_depth,
            through_assemblies=query.scope == "full",
        )
        rows = [bom_tree.Row.of(r) for r in await bom_repo.explosion(conn, params)]
        if not rows:
            where = f" in plant {query.plant_id}" if query.plant_id else ""
            raise NotFound(
                f"no released {query.usage} BOM of material {material_id} is valid on {on}{where}"
            )
        deepest = max(rows, key=lambda r: r.depth)
        if deepest.depth > query.max_depth:
            raise await _too_deep(conn, deepest, query.max_depth)
    root = rows[0]
    if root.component_base_unit != base_unit:
        raise Conflict(
            f"the BOM was saved when the base unit of {root.component_number} was"
            f" {root.component_base_unit}, now {base_unit}: save a new revision"
        )
    assert root.sub_bom_id is not None
    assert root.sub_alternative is not None
    header = ExplosionHeader(
        material_id=material_id,
        material_number=root.component_number,
        plant_id=query.plant_id,
        date=on,
        usage=query.usage,
        scope=query.scope,
        bom_id=root.sub_bom_id,
        alternative=root.sub_alternative,
        revision=root.sub_revision or 0,
        quantity=bom_tree.decimal(quantity),
        unit=base_unit,
        warnings=bom_tree.phantom_warnings(rows, on),
    )
    return header, rows


async def explode(
    db: Database, caller: Caller, material_id: UUID, query: ExplosionQuery
) -> Explosion:
    """The multi-level structure for the quantity asked, by-products apart."""
    header, rows = await _rows(db, caller, material_id, query)
    items, by_products = bom_tree.tree(rows)
    return Explosion(**msgspec.structs.asdict(header), items=items, by_products=by_products)


async def summarize(
    db: Database, caller: Caller, material_id: UUID, query: ExplosionQuery
) -> ExplosionSummary:
    """Totals per component over the whole structure (phantoms passed through)."""
    header, rows = await _rows(db, caller, material_id, query)
    components, by_products = bom_tree.summary(rows)
    return ExplosionSummary(
        **msgspec.structs.asdict(header), components=components, by_products=by_products
    )


class WhereUsedQuery(msgspec.Struct, frozen=True, kw_only=True):
    plant_id: UUID | None = None
    on: date | None = None
    usage: BomUsage | None = None


def _where(caller: Caller, component_id: UUID, query: WhereUsedQuery) -> WhereUsedParams:
    check_plant(caller, query.plant_id)
    return WhereUsedParams(
        component_id=component_id,
        on=query.on or today(),
        plant_id=query.plant_id,
        usage=query.usage,
    )


async def _known(conn: asyncpg.Connection, material_id: UUID) -> None:
    if await repo.material_get(conn, material_id) is None:
        raise not_found(material_id)


def _after(cursor: str | None) -> tuple[UUID, int] | None:
    if cursor is None:
        return None
    bom_id, item_number = decode_cursor(cursor, 2)
    try:
        return UUID(str(bom_id)), int(item_number)
    except (TypeError, ValueError) as exc:
        raise Invalid("cursor is not valid", "/cursor") from exc


async def where_used(
    db: Database,
    caller: Caller,
    component_id: UUID,
    query: WhereUsedQuery,
    cursor: str | None,
    limit: int,
) -> Page[WhereUsed]:
    """The BOM items that use the component directly, keyset by BOM version and item."""
    params = _where(caller, component_id, query)
    after = _after(cursor)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await bom_repo.where_used(conn, params, after, limit + 1)
        if not rows and after is None:
            await _known(conn, component_id)
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        next_cursor = encode_cursor([str(items[-1].bom_id), items[-1].item_number])
    return Page(items=items, next_cursor=next_cursor)


async def where_used_levels(
    db: Database, caller: Caller, component_id: UUID, query: WhereUsedQuery, *, top_only: bool
) -> list[WhereUsedLevel]:
    """Every material that uses the component at any depth, nearest first."""
    params = _where(caller, component_id, query)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        await _known(conn, component_id)
        rows = await bom_repo.where_used_levels(conn, params, MAX_DEPTH)
    if any(r.level > MAX_DEPTH for r in rows):
        raise Invalid(f"the component is used more than {MAX_DEPTH} levels deep")
    return [r for r in rows if r.top_level or not top_only]

"""Stored BOM rows as the API shows them."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from uuid import UUID

import asyncpg
import msgspec

from inventory import bom_repo, conversions
from inventory.bom_models import Bom, BomHeader, BomItem
from inventory.bom_repo import BomRow, ItemRow
from inventory.service import checks
from unison_web import NotFound


def not_found(bom_id: UUID) -> NotFound:
    return NotFound(f"BOM {bom_id} does not exist")


def shown(numerator: Decimal, denominator: Decimal) -> Decimal:
    """An exact ratio as a decimal: exact when it ends, else half-even to 9 places."""
    value = Fraction(numerator) / Fraction(denominator)
    return Decimal(conversions.show(value, checks.MAX_FRACTION_DIGITS).value)


def item(row: ItemRow) -> BomItem:
    return BomItem(
        item_number=row.item_number,
        component_id=row.component_id,
        component_number=row.component_number,
        category="by_product" if row.category == "by_product" else "stock",
        phantom=row.phantom,
        quantity=row.quantity,
        unit=row.unit,
        base_quantity=shown(row.base_num, row.base_den),
        base_unit=row.component_base_unit,
        scrap_percent=row.scrap_percent,
        operation=row.operation,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
    )


def header(row: BomRow) -> BomHeader:
    fields = {f: getattr(row, f) for f in BomHeader.__struct_fields__}
    return BomHeader(**fields)


def present(row: BomRow, items: list[ItemRow]) -> Bom:
    fields = {f: getattr(row, f) for f in BomHeader.__struct_fields__}
    return Bom(**fields, items=[item(i) for i in items])


async def load(conn: asyncpg.Connection, bom_id: UUID) -> tuple[BomRow, list[ItemRow]]:
    row = await bom_repo.get(conn, bom_id)
    if row is None:
        raise not_found(bom_id)
    items = await bom_repo.items_of(conn, [bom_id])
    return row, items[bom_id]


def same_content(
    row: BomRow, items: list[ItemRow], header: bom_repo.HeaderValues, wanted: list[ItemRow]
) -> bool:
    """Whether a stored version already says what ``header`` and ``wanted`` say (numbers
    compare by value: 1.50 is 1.5)."""
    ours = (row.base_quantity, row.base_unit, row.description)
    theirs = (header.base_quantity, header.base_unit, header.description)
    if ours != theirs:
        return False
    return sorted(map(_content, items)) == sorted(map(_content, wanted))


def _content(row: ItemRow) -> tuple[str, ...]:
    # As text of normalized values, so rows sort and compare whatever their types.
    values = msgspec.structs.asdict(row)
    return tuple(
        str(v.normalize() if isinstance(v, Decimal) else v)
        for k, v in sorted(values.items())
        if k != "component_number"
    )

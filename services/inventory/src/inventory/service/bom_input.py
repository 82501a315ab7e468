"""A BOM version as written: checked, normalized, quantities converted exactly.

Every quantity is also kept in the base unit of its material as an exact ratio
(``base_num / base_den``) through the same conversions as the rest of the service (the
material's alternative units, then global factors). Three queries whatever the number of
items: the materials, their alternative units and the units.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction
from uuid import UUID

import asyncpg
import msgspec

from inventory import bom_repo, conversions, repo
from inventory.bom_models import BomItemIn
from inventory.bom_repo import BomKey, HeaderValues, ItemRow, MaterialRef
from inventory.service import checks
from inventory.service.caller import Caller
from unison_web import Invalid, NotFound

NO_PLANT = UUID(int=0)  # plant_key of a BOM valid in every plant
MAX_SCRAP = Decimal(1000)


class HeaderIn(msgspec.Struct, frozen=True, kw_only=True):
    base_quantity: Decimal
    base_unit: str | None
    valid_from: date | None
    valid_to: date | None
    description: str | None
    change_number: str | None


class Prepared(msgspec.Struct, frozen=True, kw_only=True):
    key: BomKey
    header: HeaderValues
    items: list[ItemRow]

    @property
    def plant_key(self) -> UUID:
        return self.key.plant_id or NO_PLANT


def today() -> date:
    return datetime.now(UTC).date()


def check_plant(caller: Caller, plant_id: UUID | None) -> None:
    # A plant outside the token is as invisible as another organization's.
    if plant_id is not None and plant_id not in caller.tenant.plant_ids:
        raise NotFound(f"plant {plant_id} does not exist")


def _validity(valid_from: date, valid_to: date | None, at: str) -> None:
    if valid_to is not None and valid_to <= valid_from:
        raise Invalid("must be after valid_from (valid_to is exclusive)", f"{at}/valid_to")


def _checked_item(item: BomItemIn, at: str) -> BomItemIn:
    checks.decimal(item.quantity, f"{at}/quantity", positive=True)
    checks.decimal(item.scrap_percent, f"{at}/scrap_percent")
    if item.scrap_percent >= MAX_SCRAP:
        raise Invalid(f"must be below {MAX_SCRAP}", f"{at}/scrap_percent")
    if item.category == "by_product" and item.phantom:
        raise Invalid("a by-product cannot be a phantom assembly", f"{at}/phantom")
    if item.category == "by_product" and item.scrap_percent != 0:
        raise Invalid("a by-product has no component scrap", f"{at}/scrap_percent")
    if item.valid_from is not None and item.valid_to is not None:
        _validity(item.valid_from, item.valid_to, at)
    return msgspec.structs.replace(
        item,
        unit=checks.optional_unit_code(item.unit),
        operation=checks.optional_text(item.operation, f"{at}/operation", 20),
    )


def _checked_items(items: list[BomItemIn]) -> list[BomItemIn]:
    seen: set[int] = set()
    checked = []
    for index, item in enumerate(items):
        at = f"/items/{index}"
        if item.item_number in seen:
            raise Invalid(f"item number {item.item_number} is used twice", f"{at}/item_number")
        seen.add(item.item_number)
        checked.append(_checked_item(item, at))
    return checked


class _Units(msgspec.Struct, frozen=True):
    by_material: dict[UUID, conversions.MaterialUnits]
    factors: dict[str, conversions.UnitFactor]


async def _units(
    conn: asyncpg.Connection, found: dict[UUID, MaterialRef], codes: set[str]
) -> _Units:
    ratios = await bom_repo.material_units(conn, sorted(found))
    alternatives: dict[UUID, dict[str, Fraction]] = {m: {} for m in found}
    for ratio in ratios:
        alternatives[ratio.material_id][ratio.unit] = conversions.ratio(
            ratio.numerator, ratio.denominator
        )
    wanted = codes | {m.base_unit for m in found.values()} | {r.unit for r in ratios}
    factors = {
        u.code: conversions.UnitFactor(
            u.code,
            u.dimension,
            conversions.ratio(u.factor_numerator, u.factor_denominator)
            if u.factor_numerator is not None and u.factor_denominator is not None
            else None,
        )
        for u in await repo.units_by_codes(conn, sorted(wanted))
    }
    by_material = {
        m.id: conversions.MaterialUnits(m.base_unit, alternatives[m.id]) for m in found.values()
    }
    return _Units(by_material, factors)


def _in_base_units(
    quantity: Decimal, unit: str, material: MaterialRef, units: _Units, pointer: str
) -> tuple[Decimal, Decimal]:
    """``quantity`` of ``unit`` in the material's base unit, as (numerator, denominator)."""
    if unit not in units.factors:
        raise Invalid(f"unit {unit} does not exist", pointer)
    try:
        factor = conversions.base_units_per(unit, units.by_material[material.id], units.factors)
    except conversions.NotConvertibleError as exc:
        raise Invalid(f"{material.number}: {exc}", pointer) from None
    exact = Fraction(quantity) * factor
    return Decimal(exact.numerator), Decimal(exact.denominator)


async def _materials(
    conn: asyncpg.Connection, key: BomKey, items: list[BomItemIn]
) -> dict[UUID, MaterialRef]:
    found = await bom_repo.materials(
        conn, sorted({key.material_id, *(i.component_id for i in items)})
    )
    if key.material_id not in found:
        raise Invalid(f"material {key.material_id} does not exist", "/material_id")
    for index, item in enumerate(items):
        at = f"/items/{index}/component_id"
        if item.component_id not in found:
            raise Invalid(f"material {item.component_id} does not exist", at)
        if item.category == "by_product" and item.component_id == key.material_id:
            raise Invalid("an assembly cannot be its own by-product", at)
    return found


def _header(header: HeaderIn, material: MaterialRef, units: _Units) -> HeaderValues:
    checks.decimal(header.base_quantity, "/base_quantity", positive=True)
    valid_from = header.valid_from or today()
    if header.valid_to is not None:
        _validity(valid_from, header.valid_to, "")
    base_unit = checks.optional_unit_code(header.base_unit) or material.base_unit
    num, den = _in_base_units(header.base_quantity, base_unit, material, units, "/base_unit")
    return HeaderValues(
        valid_from=valid_from,
        valid_to=header.valid_to,
        base_quantity=header.base_quantity,
        base_unit=base_unit,
        base_num=num,
        base_den=den,
        material_base_unit=material.base_unit,
        description=checks.optional_text(header.description, "/description", 200),
        change_number=checks.optional_text(header.change_number, "/change_number", 40),
    )


def _item(item: BomItemIn, component: MaterialRef, units: _Units, at: str) -> ItemRow:
    unit = item.unit or component.base_unit
    num, den = _in_base_units(item.quantity, unit, component, units, f"{at}/unit")
    return ItemRow(
        item_number=item.item_number,
        component_id=item.component_id,
        component_number=component.number,
        category=item.category,
        phantom=item.phantom,
        quantity=item.quantity,
        unit=unit,
        base_num=num,
        base_den=den,
        component_base_unit=component.base_unit,
        scrap_percent=item.scrap_percent,
        operation=item.operation,
        valid_from=item.valid_from,
        valid_to=item.valid_to,
    )


async def prepare(
    conn: asyncpg.Connection,
    caller: Caller,
    key: BomKey,
    header: HeaderIn,
    items: list[BomItemIn],
) -> Prepared:
    """The version to write, or Invalid naming the field; nothing is written here."""
    check_plant(caller, key.plant_id)
    checked = _checked_items(items)
    found = await _materials(conn, key, checked)
    codes = {c for c in [checks.optional_unit_code(header.base_unit)] if c is not None}
    codes |= {i.unit for i in checked if i.unit is not None}
    units = await _units(conn, found, codes)
    values = _header(header, found[key.material_id], units)
    rows = [
        _item(item, found[item.component_id], units, f"/items/{index}")
        for index, item in enumerate(checked)
    ]
    return Prepared(key=key, header=values, items=rows)


def as_input(item: ItemRow) -> BomItemIn:
    """A stored item as it would be entered again (a new revision is saved afresh)."""
    return BomItemIn(
        item_number=item.item_number,
        component_id=item.component_id,
        quantity=item.quantity,
        unit=item.unit,
        category="by_product" if item.category == "by_product" else "stock",
        phantom=item.phantom,
        scrap_percent=item.scrap_percent,
        operation=item.operation,
        valid_from=item.valid_from,
        valid_to=item.valid_to,
    )

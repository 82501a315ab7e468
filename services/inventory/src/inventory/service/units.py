"""Units of measure, a material's alternative units, and quantity conversion."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction
from uuid import UUID

import asyncpg
import msgspec

from inventory import conversions, repo
from inventory.models import (
    AlternativeUnit,
    AlternativeUnitPut,
    Conversion,
    Material,
    Unit,
    UnitCreate,
)
from inventory.service import audit, checks
from inventory.service.caller import Caller
from inventory.service.materials import lock_version, not_found
from unison_pg import Database
from unison_web import Conflict, Invalid, NotFound
from unison_web.paging import Page, decode_cursor, encode_cursor


def _validated_unit(unit: UnitCreate) -> UnitCreate:
    has_factor = unit.factor_numerator is not None or unit.factor_denominator is not None
    if unit.dimension == "package" and has_factor:
        raise Invalid(
            "packaging units have no global factor: give it per material", "/factor_numerator"
        )
    if unit.dimension != "package":
        if unit.factor_numerator is None:
            raise Invalid("required for this dimension", "/factor_numerator")
        if unit.factor_denominator is None:
            raise Invalid("required for this dimension", "/factor_denominator")
        checks.decimal(unit.factor_numerator, "/factor_numerator", positive=True)
        checks.decimal(unit.factor_denominator, "/factor_denominator", positive=True)
    return msgspec.structs.replace(
        unit, code=checks.unit_code(unit.code), name=checks.text(unit.name, "/name", 100)
    )


async def create_unit(db: Database, caller: Caller, unit: UnitCreate) -> Unit:
    fields = _validated_unit(unit)
    async with db.transaction(caller.tenant) as conn:
        created = await repo.unit_insert(conn, fields)
        if created is None:
            raise Conflict(
                f"unit {fields.code} already exists",
                errors=[{"pointer": "/code", "detail": "already exists"}],
            )
        await audit.record(
            conn,
            caller,
            entity="unit",
            entity_id=created.code,
            action="created",
            changes=audit.diff({}, audit.snapshot(created)),
        )
    return created


async def get_unit(db: Database, caller: Caller, code: str) -> Unit:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        found = await repo.units_by_codes(conn, [checks.unit_code(code)])
    if not found:
        raise NotFound(f"unit {code} does not exist")
    return found[0]


async def list_units(db: Database, caller: Caller, cursor: str | None, limit: int) -> Page[Unit]:
    after = str(decode_cursor(cursor, 1)[0]) if cursor is not None else None
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await repo.units_page(conn, after, limit + 1)
    items = rows[:limit]
    next_cursor = encode_cursor([items[-1].code]) if len(rows) > limit else None
    return Page(items=items, next_cursor=next_cursor)


async def alternative_units(
    db: Database, caller: Caller, material_id: UUID
) -> list[AlternativeUnit]:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        if await repo.material_get(conn, material_id) is None:
            raise not_found(material_id)
        return await repo.material_units_of(conn, material_id)


async def _usable_alternative(conn: asyncpg.Connection, base_unit: str, code: str) -> None:
    if code == base_unit:
        raise Invalid(f"{code} is the base unit of this material", "/unit")
    if not await repo.units_by_codes(conn, [code]):
        raise Invalid(f"unit {code} does not exist", "/unit")


async def put_alternative_unit(
    db: Database,
    caller: Caller,
    material_id: UUID,
    code: str,
    ratio: AlternativeUnitPut,
    expected_version: int | None,
) -> tuple[AlternativeUnit, int]:
    """Set 1 ``code`` = numerator/denominator base units; returns it and the new version."""
    unit = checks.unit_code(code)
    async with db.transaction(caller.tenant) as conn:
        material = await lock_version(conn, material_id, expected_version)
        return await put_alternative_in(conn, caller, material, unit, ratio)


async def put_alternative_in(
    conn: asyncpg.Connection,
    caller: Caller,
    material: Material,
    unit: str,
    ratio: AlternativeUnitPut,
) -> tuple[AlternativeUnit, int]:
    """Set the unit of the locked ``material`` inside the caller's transaction; the same
    ratio again writes nothing. Returns it and the material's version."""
    checks.decimal(ratio.numerator, "/numerator", positive=True)
    checks.decimal(ratio.denominator, "/denominator", positive=True)
    material_id = material.id
    await _usable_alternative(conn, material.base_unit, unit)
    before = await repo.material_unit_get(conn, material_id, unit)
    wanted = {"unit": unit, "numerator": ratio.numerator, "denominator": ratio.denominator}
    changes = audit.diff(audit.snapshot(before), wanted)
    if before is not None and not changes:
        return before, material.version
    after = await repo.material_unit_upsert(
        conn, material_id, unit, ratio.numerator, ratio.denominator
    )
    await audit.record(
        conn,
        caller,
        entity="material_unit",
        entity_id=f"{material_id}/{unit}",
        material_id=material_id,
        action="created" if before is None else "updated",
        changes=changes,
    )
    version = await repo.material_touch(conn, material_id)
    return after, version


async def delete_alternative_unit(
    db: Database, caller: Caller, material_id: UUID, code: str, expected_version: int | None
) -> int:
    """Remove an alternative unit; returns the material's new version."""
    unit = checks.unit_code(code)
    async with db.transaction(caller.tenant) as conn:
        await lock_version(conn, material_id, expected_version)
        return await delete_alternative_in(conn, caller, material_id, unit)


async def delete_alternative_in(
    conn: asyncpg.Connection, caller: Caller, material_id: UUID, unit: str
) -> int:
    """Remove it inside the caller's transaction (the material locked); the new version."""
    removed = await repo.material_unit_delete(conn, material_id, unit)
    if removed is None:
        raise NotFound(f"material {material_id} has no alternative unit {unit}")
    await audit.record(
        conn,
        caller,
        entity="material_unit",
        entity_id=f"{material_id}/{unit}",
        material_id=material_id,
        action="deleted",
        changes=audit.diff(audit.snapshot(removed), {}),
    )
    return await repo.material_touch(conn, material_id)


def _quantity(text: str) -> Fraction:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise Invalid("must be a decimal number such as 12.5", "/quantity") from None
    if not value.is_finite():
        raise Invalid("must be a finite number", "/quantity")
    checks.decimal(abs(value), "/quantity")
    return Fraction(value)


async def conversion_inputs(
    conn: asyncpg.Connection, material_id: UUID, codes: tuple[str, str]
) -> tuple[conversions.MaterialUnits, dict[str, conversions.UnitFactor]]:
    material = await repo.material_get(conn, material_id)
    if material is None:
        raise not_found(material_id)
    alternatives = await repo.material_units_of(conn, material_id)
    wanted = {material.base_unit, *codes, *(a.unit for a in alternatives)}
    units = {
        u.code: conversions.UnitFactor(
            u.code,
            u.dimension,
            conversions.ratio(u.factor_numerator, u.factor_denominator)
            if u.factor_numerator is not None and u.factor_denominator is not None
            else None,
        )
        for u in await repo.units_by_codes(conn, sorted(wanted))
    }
    own = conversions.MaterialUnits(
        material.base_unit,
        {a.unit: conversions.ratio(a.numerator, a.denominator) for a in alternatives},
    )
    return own, units


async def convert(
    db: Database, caller: Caller, material_id: UUID, quantity: str, source: str, target: str
) -> Conversion:
    amount = _quantity(quantity)
    codes = (checks.unit_code(source), checks.unit_code(target))
    async with db.transaction(caller.tenant, readonly=True) as conn:
        material, units = await conversion_inputs(conn, material_id, codes)
    for code, pointer in zip(codes, ("/from", "/to"), strict=True):
        if code not in units:
            raise Invalid(f"unit {code} does not exist", pointer)
    try:
        result = conversions.convert(amount, codes[0], codes[1], material, units)
    except conversions.NotConvertibleError as exc:
        raise Invalid(str(exc), "/to") from None
    shown = conversions.show(result)
    return Conversion(
        material_id=material_id,
        quantity=quantity.strip(),
        from_unit=codes[0],
        to_unit=codes[1],
        result=shown.value,
        exact=shown.exact,
        scale=shown.scale,
    )

"""Material master use cases: create, read, change, delete."""

from __future__ import annotations

from uuid import UUID

import asyncpg
import msgspec

from inventory import repo
from inventory.models import Material, MaterialCreate, MaterialUpdate
from inventory.service import audit, checks, idempotency, outbound
from inventory.service.caller import Caller
from unison_pg import Database
from unison_web import Conflict, Invalid, NotFound, PreconditionFailed

NUMBER_MAX = 40


class Created(msgspec.Struct, frozen=True):
    """The response to a create: 201 and the material's JSON, possibly a replay."""

    status: int
    body: bytes
    material_id: UUID
    version: int
    replayed: bool = False


def not_found(material_id: UUID) -> NotFound:
    return NotFound(f"material {material_id} does not exist")


async def _check_units(conn: asyncpg.Connection, fields: MaterialCreate) -> None:
    wanted = {
        "/base_unit": (fields.base_unit, None),
        "/weight_unit": (fields.weight_unit, "mass"),
        "/dimension_unit": (fields.dimension_unit, "length"),
    }
    codes = [code for code, _ in wanted.values() if code is not None]
    units = {u.code: u for u in await repo.units_by_codes(conn, codes)}
    for pointer, (code, dimension) in wanted.items():
        if code is None:
            continue
        unit = units.get(code)
        if unit is None:
            raise Invalid(f"unit {code} does not exist", pointer)
        if dimension is not None and unit.dimension != dimension:
            raise Invalid(f"unit {code} measures {unit.dimension}, not {dimension}", pointer)


def _normalized(fields: MaterialCreate) -> MaterialCreate:
    """Trimmed text, upper-case unit codes, and decimals within range, else Invalid."""
    normalized = msgspec.structs.replace(
        fields,
        number=checks.text(fields.number, "/number", NUMBER_MAX),
        description=checks.text(fields.description, "/description", 200),
        base_unit=checks.unit_code(fields.base_unit),
        material_group=checks.optional_text(fields.material_group, "/material_group", 20),
        weight_unit=checks.optional_unit_code(fields.weight_unit),
        dimension_unit=checks.optional_unit_code(fields.dimension_unit),
    )
    for name in ("gross_weight", "net_weight", "length", "width", "height"):
        checks.optional_decimal(getattr(normalized, name), f"/{name}")
    has_weight = normalized.gross_weight is not None or normalized.net_weight is not None
    if has_weight and normalized.weight_unit is None:
        raise Invalid("a weight needs a weight_unit", "/weight_unit")
    gross, net = normalized.gross_weight, normalized.net_weight
    if gross is not None and net is not None and net > gross:
        raise Invalid("net weight must not exceed gross weight", "/net_weight")
    sizes = (normalized.length, normalized.width, normalized.height)
    if any(v is not None for v in sizes) and normalized.dimension_unit is None:
        raise Invalid("dimensions need a dimension_unit", "/dimension_unit")
    return normalized


async def validated(conn: asyncpg.Connection, fields: MaterialCreate) -> MaterialCreate:
    normalized = _normalized(fields)
    await _check_units(conn, normalized)
    return normalized


def _number_taken(number: str) -> Conflict:
    return Conflict(
        f"material number {number} is already used",
        errors=[{"pointer": "/number", "detail": "already used (numbers ignore case)"}],
    )


async def create_in(conn: asyncpg.Connection, caller: Caller, fields: MaterialCreate) -> Material:
    """Create inside the caller's transaction (an SAP material master, say)."""
    material = await repo.material_insert(conn, await validated(conn, fields))
    if material is None:
        raise _number_taken(fields.number.strip())
    await audit.record(
        conn,
        caller,
        entity="material",
        entity_id=str(material.id),
        material_id=material.id,
        action="created",
        changes=audit.diff({}, audit.snapshot(material)),
    )
    await outbound.material_created(conn, caller, material)
    return material


async def create(
    db: Database,
    caller: Caller,
    fields: MaterialCreate,
    idempotency_key: str | None = None,
) -> Created:
    """Create a material; with a key, a repeat of the same request replays the first answer."""
    request_fingerprint = idempotency.fingerprint("POST", "/materials", fields)
    async with db.transaction(caller.tenant) as conn:
        if idempotency_key is not None:
            replay = await idempotency.claim(conn, idempotency_key, request_fingerprint)
            if replay is not None:
                first = msgspec.json.decode(replay.body, type=Material)
                return Created(replay.status, replay.body, first.id, first.version, replayed=True)
        material = await create_in(conn, caller, fields)
        body = msgspec.json.encode(material)
        if idempotency_key is not None:
            await idempotency.complete(conn, idempotency_key, 201, body)
    return Created(201, body, material.id, material.version)


async def get(db: Database, caller: Caller, material_id: UUID) -> Material:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        material = await repo.material_get(conn, material_id)
    if material is None:
        raise not_found(material_id)
    return material


async def lock_version(
    conn: asyncpg.Connection, material_id: UUID, expected_version: int | None
) -> Material:
    """Lock the material for this transaction; refuse if the caller saw an older version."""
    material = await repo.material_lock(conn, material_id)
    if material is None:
        raise not_found(material_id)
    if expected_version is not None and material.version != expected_version:
        raise PreconditionFailed(
            f"material {material_id} is at version {material.version}, not {expected_version};"
            " read it again and retry"
        )
    return material


def _merged(current: Material, patch: MaterialUpdate) -> MaterialCreate:
    values = {
        f: getattr(current, f)
        for f in msgspec.structs.asdict(current)
        if f in MaterialCreate.__struct_fields__
    }
    for name, value in msgspec.structs.asdict(patch).items():
        if value is not msgspec.UNSET:
            values[name] = value
    return MaterialCreate(**values)


async def update(
    db: Database, caller: Caller, material_id: UUID, patch: MaterialUpdate, expected_version: int
) -> Material:
    """Apply the fields present in ``patch``; a patch that changes nothing writes nothing."""
    async with db.transaction(caller.tenant) as conn:
        current = await lock_version(conn, material_id, expected_version)
        return await update_in(conn, caller, current, _merged(current, patch))


async def update_in(
    conn: asyncpg.Connection, caller: Caller, current: Material, wanted: MaterialCreate
) -> Material:
    """Make the locked ``current`` look like ``wanted`` inside the caller's transaction;
    no change writes nothing (no version, audit row or event)."""
    material_id = current.id
    fields = await validated(conn, wanted)
    changes = audit.diff(audit.snapshot(current), audit.snapshot(fields))
    if not changes:
        return current
    if "base_unit" in changes and await repo.material_units_of(conn, material_id):
        raise Conflict(
            "the base unit cannot change while alternative units refer to it",
            errors=[{"pointer": "/base_unit", "detail": "remove the alternative units first"}],
        )
    try:
        updated = await repo.material_update(conn, material_id, fields)
    except asyncpg.UniqueViolationError:
        raise _number_taken(fields.number) from None
    await audit.record(
        conn,
        caller,
        entity="material",
        entity_id=str(material_id),
        material_id=material_id,
        action="updated",
        changes=changes,
    )
    await outbound.material_changed(conn, caller, updated, sorted(changes))
    return updated


async def _delete_visible_plant_data(
    conn: asyncpg.Connection, caller: Caller, material_id: UUID
) -> None:
    for plant in await repo.material_plants_of(conn, material_id):
        await repo.material_plant_delete(conn, material_id, plant.plant_id)
        await audit.record(
            conn,
            caller,
            entity="material_plant",
            entity_id=f"{material_id}/{plant.plant_id}",
            material_id=material_id,
            plant_id=plant.plant_id,
            action="deleted",
            changes=audit.diff(audit.snapshot(plant), {}),
        )


async def delete(db: Database, caller: Caller, material_id: UUID, expected_version: int) -> None:
    """Delete a material with its alternative units and the plant data the caller can see.

    Plant data in plants outside the caller's token is not the caller's to remove: then the
    delete is refused as a whole.
    """
    async with db.transaction(caller.tenant) as conn:
        current = await lock_version(conn, material_id, expected_version)
        await delete_in(conn, caller, current)


async def delete_in(conn: asyncpg.Connection, caller: Caller, current: Material) -> None:
    """Delete the locked ``current`` inside the caller's transaction, as :func:`delete`."""
    material_id = current.id
    await _delete_visible_plant_data(conn, caller, material_id)
    before = audit.snapshot(current)
    before["alternative_units"] = [
        audit.snapshot(u) for u in await repo.material_units_of(conn, material_id)
    ]
    try:
        await repo.material_delete(conn, material_id)
    except asyncpg.ForeignKeyViolationError as exc:
        if (exc.table_name or "").startswith("bom"):
            raise Conflict(
                f"material {material_id} is in bills of materials (their versions are"
                " kept as history); it cannot be deleted: block it instead"
            ) from None
        if (exc.table_name or "").startswith("material_plants"):
            raise Conflict(
                f"material {material_id} has plant data in plants outside your access;"
                " it cannot be deleted by you"
            ) from None
        raise Conflict(
            f"material {material_id} has goods movements or stock; it cannot be deleted"
        ) from None
    await audit.record(
        conn,
        caller,
        entity="material",
        entity_id=str(material_id),
        material_id=material_id,
        action="deleted",
        changes=audit.diff(before, {}),
    )
    await outbound.material_deleted(conn, caller, current)

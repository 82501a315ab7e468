"""Plant data of a material (SAP MARC): only in the plants the caller's token names.

A plant outside the token is answered like a plant that does not exist (404): RLS hides
its rows anyway, and the answer must not tell one case from the other.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg
import msgspec

from inventory import repo
from inventory.models import PlantData, PlantDataPut
from inventory.service import audit, checks
from inventory.service.caller import Caller
from inventory.service.materials import not_found
from unison_pg import Database
from unison_web import Conflict, Invalid, NotFound, PreconditionFailed


class Saved(msgspec.Struct, frozen=True):
    plant_data: PlantData
    created: bool


def _no_plant_data(material_id: UUID, plant_id: UUID) -> NotFound:
    return NotFound(f"material {material_id} has no data for plant {plant_id}")


def _check_plant(caller: Caller, material_id: UUID, plant_id: UUID) -> None:
    if plant_id not in caller.tenant.plant_ids:
        raise _no_plant_data(material_id, plant_id)


def _validated(data: PlantDataPut) -> PlantDataPut:
    checks.decimal(data.reorder_point, "/reorder_point")
    checks.decimal(data.safety_stock, "/safety_stock")
    checks.optional_decimal(data.lot_size, "/lot_size", positive=True)
    checks.optional_decimal(data.max_stock, "/max_stock", positive=True)
    if data.max_stock is not None and data.max_stock < data.reorder_point:
        raise Invalid("must not be below the reorder point", "/max_stock")
    return msgspec.structs.replace(
        data,
        default_storage_location=checks.optional_text(
            data.default_storage_location, "/default_storage_location", 20
        ),
    )


async def list_for_material(db: Database, caller: Caller, material_id: UUID) -> list[PlantData]:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        if await repo.material_get(conn, material_id) is None:
            raise not_found(material_id)
        return await repo.material_plants_of(conn, material_id)


async def get(db: Database, caller: Caller, material_id: UUID, plant_id: UUID) -> PlantData:
    _check_plant(caller, material_id, plant_id)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        found = await repo.material_plant_get(conn, material_id, plant_id)
    if found is None:
        raise _no_plant_data(material_id, plant_id)
    return found


async def _locked(
    conn: asyncpg.Connection, material_id: UUID, plant_id: UUID, expected_version: int | None
) -> PlantData | None:
    current = await repo.material_plant_lock(conn, material_id, plant_id)
    if expected_version is not None and (current is None or current.version != expected_version):
        raise PreconditionFailed(
            f"plant data of material {material_id} in plant {plant_id} is not at version"
            f" {expected_version}; read it again and retry"
        )
    return current


async def put(
    db: Database,
    caller: Caller,
    material_id: UUID,
    plant_id: UUID,
    data: PlantDataPut,
    expected_version: int | None,
) -> Saved:
    """Create or replace; ``If-Match`` is optional here and honoured when sent."""
    _check_plant(caller, material_id, plant_id)
    fields = _validated(data)
    async with db.transaction(caller.tenant) as conn:
        if await repo.material_get(conn, material_id) is None:
            raise not_found(material_id)
        return await _write(conn, caller, material_id, plant_id, fields, expected_version)


async def put_in(
    conn: asyncpg.Connection, caller: Caller, material_id: UUID, plant_id: UUID, data: PlantDataPut
) -> Saved:
    """Create or replace inside the caller's transaction, of a material known to exist;
    data equal to what is stored writes nothing."""
    _check_plant(caller, material_id, plant_id)
    return await _write(conn, caller, material_id, plant_id, _validated(data), None)


async def _write(
    conn: asyncpg.Connection,
    caller: Caller,
    material_id: UUID,
    plant_id: UUID,
    fields: PlantDataPut,
    expected_version: int | None,
) -> Saved:
    current = await _locked(conn, material_id, plant_id, expected_version)
    changes = audit.diff(
        audit.snapshot(current),
        audit.snapshot(fields) | {"material_id": material_id, "plant_id": plant_id},
    )
    if current is not None and not changes:
        return Saved(current, created=False)
    if current is None:
        saved = await repo.material_plant_insert(conn, material_id, plant_id, fields)
        if saved is None:
            raise Conflict("the plant data was created at the same time; retry")
    else:
        saved = await repo.material_plant_update(conn, material_id, plant_id, fields)
    await audit.record(
        conn,
        caller,
        entity="material_plant",
        entity_id=f"{material_id}/{plant_id}",
        material_id=material_id,
        plant_id=plant_id,
        action="created" if current is None else "updated",
        changes=changes,
    )
    return Saved(saved, created=current is None)


async def delete(
    db: Database, caller: Caller, material_id: UUID, plant_id: UUID, expected_version: int | None
) -> None:
    _check_plant(caller, material_id, plant_id)
    async with db.transaction(caller.tenant) as conn:
        current = await _locked(conn, material_id, plant_id, expected_version)
        if current is None:
            raise _no_plant_data(material_id, plant_id)
        await delete_in(conn, caller, current)


async def delete_in(conn: asyncpg.Connection, caller: Caller, current: PlantData) -> None:
    """Delete the locked ``current`` inside the caller's transaction."""
    material_id, plant_id = current.material_id, current.plant_id
    await repo.material_plant_delete(conn, material_id, plant_id)
    await audit.record(
        conn,
        caller,
        entity="material_plant",
        entity_id=f"{material_id}/{plant_id}",
        material_id=material_id,
        plant_id=plant_id,
        action="deleted",
        changes=audit.diff(audit.snapshot(current), {}),
    )

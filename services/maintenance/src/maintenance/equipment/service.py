"""Equipment use cases: each owns its transaction and publishes in it."""

from __future__ import annotations

from uuid import UUID

import asyncpg
import msgspec

from maintenance.caller import MAINTAINERS, Caller
from maintenance.equipment import repo
from maintenance.equipment.models import Equipment, EquipmentCreate, EquipmentUpdate
from unison_bus import announce
from unison_events.maintenance import EquipmentChanged
from unison_pg import Database
from unison_web import Conflict, Invalid, NotFound, PreconditionFailed, checks, paging
from unison_web.paging import Page

# What each level may hang under (None: the plant itself).
PARENTS: dict[str, tuple[str | None, ...]] = {
    "line": (None,),
    "machine": (None, "line"),
    "component": ("machine", "component"),
}


def _event(caller: Caller, e: Equipment, deleted: bool = False) -> EquipmentChanged:
    return EquipmentChanged(
        organization_id=caller.tenant.organization_id,
        plant_id=e.plant_id,
        equipment_id=e.id,
        code=e.code,
        name=e.name,
        level=e.level,
        parent_id=e.parent_id,
        work_center_id=e.work_center_id,
        criticality=e.criticality,
        status=e.status,
        manufacturer=e.manufacturer,
        model=e.model,
        deleted=deleted,
    )


async def _check_parent(conn: asyncpg.Connection, data: EquipmentCreate) -> None:
    allowed = PARENTS[data.level]
    if data.parent_id is None:
        if None not in allowed:
            raise Invalid(
                f"a {data.level} hangs under a {' or '.join(str(a) for a in allowed)}", "/parent_id"
            )
        return
    parent = await repo.get(conn, data.parent_id)
    if parent is None or parent.plant_id != data.plant_id:
        raise Invalid("no such equipment in this plant", "/parent_id")
    if parent.level not in allowed:
        raise Invalid(f"a {data.level} cannot hang under a {parent.level}", "/parent_id")


async def create(db: Database, caller: Caller, data: EquipmentCreate) -> Equipment:
    caller.require(*MAINTAINERS)
    caller.check_plant(data.plant_id)
    name = checks.text(data.name, "/name", 200)
    fields = (
        data.parent_id,
        data.level,
        checks.code(data.code),
        name,
        data.criticality,
        data.work_center_id,
        data.manufacturer,
        data.model,
        data.serial_number,
        data.year_built,
        data.installed_on,
        data.status,
    )
    async with db.transaction(caller.tenant) as conn:
        await _check_parent(conn, data)
        created = await repo.insert(conn, data.plant_id, fields)
        if created is None:
            raise Conflict(
                f"equipment {fields[2]} already exists in this plant",
                errors=[{"pointer": "/code", "detail": "already used in this plant"}],
            )
        await announce(conn, _event(caller, created), created.id)
    return created


async def get(db: Database, caller: Caller, equipment_id: UUID) -> Equipment:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        found = await repo.get(conn, equipment_id)
    if found is None:
        raise NotFound(f"equipment {equipment_id} does not exist")
    return found


async def _locked(conn: asyncpg.Connection, equipment_id: UUID, expected: int) -> Equipment:
    current = await repo.get(conn, equipment_id, lock=True)
    if current is None:
        raise NotFound(f"equipment {equipment_id} does not exist")
    if current.version != expected:
        raise PreconditionFailed(
            f"equipment {current.code} is at version {current.version}, not {expected}"
        )
    return current


async def update(
    db: Database, caller: Caller, equipment_id: UUID, data: EquipmentUpdate, expected: int
) -> Equipment:
    caller.require(*MAINTAINERS)
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    if "name" in changes:
        changes["name"] = checks.text(changes["name"], "/name", 200)
    async with db.transaction(caller.tenant) as conn:
        current = await _locked(conn, equipment_id, expected)
        merged = msgspec.structs.replace(current, **changes)
        if merged == current:
            return current
        updated = await repo.update(
            conn,
            equipment_id,
            (
                merged.name,
                merged.criticality,
                merged.work_center_id,
                merged.manufacturer,
                merged.model,
                merged.serial_number,
                merged.year_built,
                merged.installed_on,
                merged.status,
            ),
        )
        await announce(conn, _event(caller, updated), updated.id)
    return updated


async def delete(db: Database, caller: Caller, equipment_id: UUID, expected: int) -> None:
    caller.require(*MAINTAINERS)
    try:
        async with db.transaction(caller.tenant) as conn:
            current = await _locked(conn, equipment_id, expected)
            await repo.delete(conn, equipment_id)
            await announce(conn, _event(caller, current, deleted=True), current.id)
    except asyncpg.ForeignKeyViolationError:
        raise Conflict(
            f"equipment {equipment_id} has parts, meters, plans or orders: scrap it instead"
        ) from None


async def list_page(
    db: Database,
    caller: Caller,
    filters: tuple[UUID | None, UUID | None, bool, str | None],
    cursor: str | None,
    limit: int,
) -> Page[Equipment]:
    if filters[0] is not None:
        caller.check_plant(filters[0])
    key = paging.after(cursor, UUID, str)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await repo.page(conn, filters, key, limit + 1)
    return paging.cut(rows, limit, lambda e: (e.plant_id, e.code))


async def tree(db: Database, caller: Caller, equipment_id: UUID) -> list[repo.Node]:
    """The equipment and everything under it, by depth."""
    async with db.transaction(caller.tenant, readonly=True) as conn:
        nodes = await repo.subtree(conn, equipment_id)
    if not nodes:
        raise NotFound(f"equipment {equipment_id} does not exist")
    return nodes

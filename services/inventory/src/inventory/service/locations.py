"""Storage locations: a tree per plant, warehouse -> area -> bin."""

from __future__ import annotations

from uuid import UUID

import asyncpg
import msgspec

from inventory import stock_repo
from inventory.models import Location, LocationCreate, LocationUpdate
from inventory.service import checks
from inventory.service.caller import Caller
from unison_pg import Database
from unison_web import Conflict, Invalid, NotFound
from unison_web.paging import Page, decode_cursor, encode_cursor

# The kind a location's parent must be; a warehouse is a root.
PARENT_KIND = {"area": "warehouse", "bin": "area"}


def _plant_not_found(plant_id: UUID) -> NotFound:
    return NotFound(f"plant {plant_id} does not exist")


def _check_plant(caller: Caller, plant_id: UUID) -> None:
    # A plant outside the token is as invisible as another organization's.
    if plant_id not in caller.tenant.plant_ids:
        raise _plant_not_found(plant_id)


async def create(db: Database, caller: Caller, plant_id: UUID, data: LocationCreate) -> Location:
    _check_plant(caller, plant_id)
    fields = msgspec.structs.replace(
        data, code=data.code.strip().upper(), name=checks.text(data.name, "/name", 100)
    )
    wanted_parent = PARENT_KIND.get(fields.kind)
    if wanted_parent is None and fields.parent_id is not None:
        raise Invalid("a warehouse has no parent", "/parent_id")
    if wanted_parent is not None and fields.parent_id is None:
        raise Invalid(f"a {fields.kind} needs a parent {wanted_parent}", "/parent_id")
    async with db.transaction(caller.tenant) as conn:
        if fields.parent_id is not None:
            parent = await stock_repo.location_get(conn, plant_id, fields.parent_id)
            if parent is None:
                raise Invalid("no such storage location in this plant", "/parent_id")
            if parent.kind != wanted_parent:
                raise Invalid(
                    f"a {fields.kind} belongs in a {wanted_parent}, not a {parent.kind}",
                    "/parent_id",
                )
        created = await stock_repo.location_insert(
            conn, plant_id, fields.code, fields.name, fields.kind, fields.parent_id
        )
    if created is None:
        raise Conflict(
            f"storage location {fields.code} already exists in this plant",
            errors=[{"pointer": "/code", "detail": "already used in this plant"}],
        )
    return created


async def get(db: Database, caller: Caller, plant_id: UUID, location_id: UUID) -> Location:
    _check_plant(caller, plant_id)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        found = await stock_repo.location_get(conn, plant_id, location_id)
    if found is None:
        raise NotFound(f"storage location {location_id} does not exist")
    return found


async def rename(
    db: Database, caller: Caller, plant_id: UUID, location_id: UUID, data: LocationUpdate
) -> Location:
    _check_plant(caller, plant_id)
    name = checks.text(data.name, "/name", 100)
    async with db.transaction(caller.tenant) as conn:
        renamed = await stock_repo.location_rename(conn, plant_id, location_id, name)
    if renamed is None:
        raise NotFound(f"storage location {location_id} does not exist")
    return renamed


async def delete(db: Database, caller: Caller, plant_id: UUID, location_id: UUID) -> None:
    """Only a location nothing ever referred to: stock history keeps it (SAP keeps
    storage locations with history too; block it by moving its stock instead)."""
    _check_plant(caller, plant_id)
    try:
        async with db.transaction(caller.tenant) as conn:
            deleted = await stock_repo.location_delete(conn, plant_id, location_id)
    except asyncpg.ForeignKeyViolationError as exc:
        what = "sub-locations" if exc.table_name == "storage_locations" else "stock history"
        raise Conflict(f"storage location {location_id} has {what}; it cannot be deleted") from None
    if not deleted:
        raise NotFound(f"storage location {location_id} does not exist")


async def list_locations(
    db: Database, caller: Caller, plant_id: UUID, cursor: str | None, limit: int
) -> Page[Location]:
    """The plant's locations in code order."""
    _check_plant(caller, plant_id)
    after = str(decode_cursor(cursor, 1)[0]) if cursor is not None else None
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await stock_repo.locations_page(conn, plant_id, after, limit + 1)
    items = rows[:limit]
    next_cursor = encode_cursor([items[-1].code]) if len(rows) > limit else None
    return Page(items=items, next_cursor=next_cursor)

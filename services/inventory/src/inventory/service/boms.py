"""BOM use cases: create, read, list, change a draft, release, obsolete, new revision.

A version is a draft until released; a released version is never edited (like a posted
document): a change is a new revision (``new_version``) released from a later date.
Optimistic concurrency as for materials: every change needs the ETag read last.
"""

from __future__ import annotations

from typing import TypeVar
from uuid import UUID

import asyncpg
import msgspec

from inventory import bom_repo
from inventory.bom_models import Bom, BomCreate, BomHeader, BomUpdate, BomVersionCreate
from inventory.bom_repo import BomFilter, BomKey, BomRow, ItemRow
from inventory.service import bom_input, bom_outbound, bom_release, bom_views
from inventory.service.bom_input import HeaderIn, Prepared
from inventory.service.caller import Caller
from unison_pg import Database
from unison_web import Conflict, Invalid, PreconditionFailed
from unison_web.paging import Page, decode_cursor, encode_cursor

T = TypeVar("T")


async def _write_new(
    conn: asyncpg.Connection, prepared: Prepared, *, check_cycle: bool = True
) -> BomRow:
    """Insert a draft with the next revision of its key; the cycle check comes after the
    items are in, so it sees exactly what was saved (a release checks again anyway)."""
    await bom_repo.lock_graph(conn)
    revision = await bom_repo.next_revision(conn, prepared.key)
    bom_id = await bom_repo.insert(conn, prepared.key, revision, prepared.header)
    await bom_repo.insert_items(conn, bom_id, prepared.plant_key, prepared.items)
    if check_cycle:
        await bom_release.refuse_cycle(conn, prepared.key.material_id, prepared.items)
    row = await bom_repo.get(conn, bom_id)
    assert row is not None  # written by this transaction
    return row


def key_and_header(data: BomCreate) -> tuple[BomKey, HeaderIn]:
    key = BomKey(
        material_id=data.material_id,
        plant_id=data.plant_id,
        usage=data.usage,
        alternative=data.alternative,
    )
    header = HeaderIn(
        base_quantity=data.base_quantity,
        base_unit=data.base_unit,
        valid_from=data.valid_from,
        valid_to=data.valid_to,
        description=data.description,
        change_number=data.change_number,
    )
    return key, header


async def save_in(
    conn: asyncpg.Connection,
    caller: Caller,
    prepared: Prepared,
    *,
    release: bool,
    replace: bool = False,
) -> BomRow:
    """Write a prepared version inside the caller's transaction, released at once if asked;
    ``replace`` withdraws released versions starting on the same day or later (SAP's
    "replace" message) instead of refusing."""
    row = await _write_new(conn, prepared, check_cycle=not release)
    if release:
        return await bom_release.release_in(conn, caller, row, replace=replace)
    await bom_outbound.changed(conn, caller, row, "created")
    return row


async def create_in(conn: asyncpg.Connection, caller: Caller, data: BomCreate) -> BomRow:
    """Save a new version inside the caller's transaction (released at once when asked)."""
    key, header = key_and_header(data)
    prepared = await bom_input.prepare(conn, caller, key, header, data.items)
    return await save_in(conn, caller, prepared, release=data.status == "released")


async def create(db: Database, caller: Caller, data: BomCreate) -> Bom:
    async with db.transaction(caller.tenant) as conn:
        row = await create_in(conn, caller, data)
        return bom_views.present(*await bom_views.load(conn, row.id))


async def get(db: Database, caller: Caller, bom_id: UUID) -> Bom:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        return bom_views.present(*await bom_views.load(conn, bom_id))


async def list_boms(
    db: Database, caller: Caller, where: BomFilter, cursor: str | None, limit: int
) -> Page[BomHeader]:
    after = None
    if cursor is not None:
        try:
            after = UUID(str(decode_cursor(cursor, 1)[0]))
        except ValueError as exc:
            raise Invalid("cursor is not valid", "/cursor") from exc
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await bom_repo.page(conn, where, after, limit + 1)
    items = [bom_views.header(r) for r in rows[:limit]]
    next_cursor = encode_cursor([str(items[-1].id)]) if len(rows) > limit else None
    return Page(items=items, next_cursor=next_cursor)


async def _locked(conn: asyncpg.Connection, bom_id: UUID, expected_version: int | None) -> BomRow:
    row = await bom_repo.lock(conn, bom_id)
    if row is None:
        raise bom_views.not_found(bom_id)
    if expected_version is not None and row.version != expected_version:
        raise PreconditionFailed(
            f"BOM {bom_id} is at version {row.version}, not {expected_version};"
            " read it again and retry"
        )
    return row


def _draft_only(row: BomRow, action: str) -> None:
    if row.status != "draft":
        hint = (
            "start a new revision (POST .../versions) and release it"
            if row.status == "released"
            else "it is withdrawn"
        )
        raise Conflict(f"BOM {row.id} is {row.status} and cannot be {action}: {hint}")


def _or(value: T | msgspec.UnsetType, current: T) -> T:
    return current if isinstance(value, msgspec.UnsetType) else value


def _merged_header(row: BomRow, patch: BomUpdate) -> HeaderIn:
    return HeaderIn(
        base_quantity=_or(patch.base_quantity, row.base_quantity),
        base_unit=_or(patch.base_unit, row.base_unit),
        valid_from=_or(patch.valid_from, row.valid_from),
        valid_to=_or(patch.valid_to, row.valid_to),
        description=_or(patch.description, row.description),
        change_number=_or(patch.change_number, row.change_number),
    )


def _unchanged(row: BomRow, items: list[ItemRow], prepared: Prepared) -> bool:
    header = prepared.header
    dates = (row.valid_from, row.valid_to, row.change_number)
    wanted = (header.valid_from, header.valid_to, header.change_number)
    return dates == wanted and bom_views.same_content(row, items, header, prepared.items)


async def update(
    db: Database, caller: Caller, bom_id: UUID, patch: BomUpdate, expected_version: int
) -> Bom:
    """Change a draft; ``items`` replaces the whole list."""
    async with db.transaction(caller.tenant) as conn:
        row = await _locked(conn, bom_id, expected_version)
        _draft_only(row, "changed")
        current = (await bom_repo.items_of(conn, [bom_id]))[bom_id]
        wanted = (
            [bom_input.as_input(i) for i in current]
            if isinstance(patch.items, msgspec.UnsetType)
            else patch.items
        )
        header = _merged_header(row, patch)
        prepared = await bom_input.prepare(conn, caller, bom_release.key_of(row), header, wanted)
        if _unchanged(row, current, prepared):
            return bom_views.present(row, current)
        await bom_repo.update_draft(conn, bom_id, prepared.header)
        if not isinstance(patch.items, msgspec.UnsetType):
            await bom_repo.delete_items(conn, bom_id)
            await bom_repo.insert_items(conn, bom_id, prepared.plant_key, prepared.items)
            await bom_release.refuse_cycle(conn, row.material_id, prepared.items)
        saved, items = await bom_views.load(conn, bom_id)
        await bom_outbound.changed(conn, caller, saved, "updated")
        return bom_views.present(saved, items)


async def delete(db: Database, caller: Caller, bom_id: UUID, expected_version: int) -> None:
    """Delete a draft; a released version is made obsolete instead, never deleted."""
    async with db.transaction(caller.tenant) as conn:
        row = await _locked(conn, bom_id, expected_version)
        _draft_only(row, "deleted")
        await bom_repo.delete(conn, bom_id)
        await bom_outbound.changed(conn, caller, row, "deleted")


async def release(db: Database, caller: Caller, bom_id: UUID, expected_version: int) -> Bom:
    async with db.transaction(caller.tenant) as conn:
        # The graph lock before the row lock, as every other writer takes them.
        await bom_repo.lock_graph(conn)
        row = await _locked(conn, bom_id, expected_version)
        if row.status != "draft":
            raise Conflict(f"BOM {bom_id} is {row.status}; only a draft can be released")
        released = await bom_release.release_in(conn, caller, row)
        return bom_views.present(*await bom_views.load(conn, released.id))


async def obsolete(db: Database, caller: Caller, bom_id: UUID, expected_version: int) -> Bom:
    async with db.transaction(caller.tenant) as conn:
        row = await _locked(conn, bom_id, expected_version)
        withdrawn = await bom_release.obsolete_in(conn, caller, row)
        return bom_views.present(*await bom_views.load(conn, withdrawn.id))


async def new_version(db: Database, caller: Caller, bom_id: UUID, data: BomVersionCreate) -> Bom:
    """A new draft revision with the items of ``bom_id``, saved afresh (units converted
    with today's factors), valid from ``data.valid_from``."""
    async with db.transaction(caller.tenant) as conn:
        source, items = await bom_views.load(conn, bom_id)
        header = HeaderIn(
            base_quantity=source.base_quantity,
            base_unit=source.base_unit,
            valid_from=data.valid_from,
            valid_to=data.valid_to,
            description=source.description,
            change_number=data.change_number,
        )
        wanted = [bom_input.as_input(i) for i in items]
        key = bom_release.key_of(source)
        prepared = await bom_input.prepare(conn, caller, key, header, wanted)
        row = await _write_new(conn, prepared)
        await bom_outbound.changed(conn, caller, row, "created")
        return bom_views.present(*await bom_views.load(conn, row.id))

"""Routing use cases: drafts change, released versions never do (a new revision does)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import asyncpg

from production.caller import PLANNERS, Caller
from production.read_models import repo as materials_repo
from production.routings import repo, rules
from production.routings.models import (
    Operation,
    OperationCreate,
    RevisionCreate,
    Routing,
    RoutingCreate,
    RoutingPut,
)
from production.work_centers import repo as work_centers_repo
from unison_pg import Database
from unison_web import Conflict, Invalid, NotFound, PreconditionFailed, checks, paging
from unison_web.paging import Page


def today() -> datetime:
    return datetime.now(UTC)


def _check_cycles(operations: list[OperationCreate]) -> list[Operation]:
    for i, op in enumerate(operations):
        checks.decimal(op.cycle_seconds, f"/operations/{i}/cycle_seconds", positive=True)
    return rules.resolve(operations)


async def _check_work_centers(
    conn: asyncpg.Connection, plant_id: UUID, operations: list[OperationCreate]
) -> None:
    wanted = {w for op in operations for w in (op.work_center_id, *op.alternative_work_center_ids)}
    found = await work_centers_repo.get_many(conn, list(wanted))
    for i, op in enumerate(operations):
        for j, wc in enumerate((op.work_center_id, *op.alternative_work_center_ids)):
            pointer = (
                f"/operations/{i}/work_center_id"
                if j == 0
                else f"/operations/{i}/alternative_work_center_ids/{j - 1}"
            )
            center = found.get(wc)
            if center is None or center.plant_id != plant_id:
                raise Invalid("no such work center in the routing's plant", pointer)
            if center.status != "active":
                raise Invalid(f"work center {center.code} is inactive", pointer)


async def _check_material(conn: asyncpg.Connection, material_id: UUID) -> None:
    found = (await materials_repo.materials_get(conn, [material_id])).get(material_id)
    if found is None or found.deleted:
        raise Invalid("no such material", "/material_id")


async def create(db: Database, caller: Caller, data: RoutingCreate) -> Routing:
    caller.require(*PLANNERS)
    caller.check_plant(data.plant_id)
    operations = _check_cycles(data.operations)
    valid_from = data.valid_from or today().date()
    if data.valid_to is not None and data.valid_to < valid_from:
        raise Invalid("must not be before valid_from", "/valid_to")
    async with db.transaction(caller.tenant) as conn:
        await _check_material(conn, data.material_id)
        await _check_work_centers(conn, data.plant_id, data.operations)
        revision = await repo.next_revision(conn, data.material_id, data.plant_id)
        routing_id = await repo.insert(
            conn,
            (
                data.plant_id,
                data.material_id,
                revision,
                valid_from,
                data.valid_to,
                data.description,
            ),
        )
        await repo.replace_operations(conn, routing_id, operations)
        if data.status == "released":
            await _release(conn, routing_id)
        return await _full(conn, routing_id)


async def _full(conn: asyncpg.Connection, routing_id: UUID) -> Routing:
    found = await repo.full(conn, routing_id)
    if found is None:
        raise NotFound(f"routing {routing_id} does not exist")
    return found


async def get(db: Database, caller: Caller, routing_id: UUID) -> Routing:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        return await _full(conn, routing_id)


async def _locked(conn: asyncpg.Connection, routing_id: UUID, expected: int) -> repo.Header:
    head = await repo.header(conn, routing_id, lock=True)
    if head is None:
        raise NotFound(f"routing {routing_id} does not exist")
    if head.version != expected:
        raise PreconditionFailed(
            f"routing {routing_id} is at version {head.version}, not {expected}"
        )
    return head


def _draft_only(head: repo.Header, what: str) -> None:
    if head.status != "draft":
        raise Conflict(
            f"routing revision {head.revision} is {head.status}: {what} a new revision instead"
        )


async def replace(
    db: Database, caller: Caller, routing_id: UUID, data: RoutingPut, expected: int
) -> Routing:
    caller.require(*PLANNERS)
    operations = _check_cycles(data.operations)
    if data.valid_to is not None and data.valid_to < data.valid_from:
        raise Invalid("must not be before valid_from", "/valid_to")
    async with db.transaction(caller.tenant) as conn:
        head = await _locked(conn, routing_id, expected)
        _draft_only(head, "change")
        await _check_work_centers(conn, head.plant_id, data.operations)
        await repo.replace_operations(conn, routing_id, operations)
        await repo.update_header(
            conn, routing_id, "draft", (data.valid_from, data.valid_to), data.description
        )
        return await _full(conn, routing_id)


async def _release(conn: asyncpg.Connection, routing_id: UUID) -> None:
    """Released versions never overlap: the one it succeeds ends the day before it
    starts; one starting on or after it is a conflict."""
    head = await repo.header(conn, routing_id)
    assert head is not None
    for other in await repo.released_lock(conn, head.material_id, head.plant_id):
        if other.valid_to is not None and other.valid_to < head.valid_from:
            continue
        if other.valid_from >= head.valid_from:
            raise Conflict(
                f"a released routing of this material is valid from {other.valid_from};"
                f" this one starts {head.valid_from}"
            )
        await repo.end_validity(conn, other.id, head.valid_from - timedelta(days=1))
    try:
        async with conn.transaction():
            await repo.update_header(
                conn, routing_id, "released", (head.valid_from, head.valid_to), head.description
            )
    except asyncpg.ExclusionViolationError:
        raise Conflict("its validity overlaps another released routing") from None


async def release(db: Database, caller: Caller, routing_id: UUID, expected: int) -> Routing:
    caller.require(*PLANNERS)
    async with db.transaction(caller.tenant) as conn:
        head = await _locked(conn, routing_id, expected)
        _draft_only(head, "release")
        await _release(conn, routing_id)
        return await _full(conn, routing_id)


async def obsolete(db: Database, caller: Caller, routing_id: UUID, expected: int) -> Routing:
    """No new order uses it; orders that have it keep their copy."""
    caller.require(*PLANNERS)
    async with db.transaction(caller.tenant) as conn:
        head = await _locked(conn, routing_id, expected)
        if head.status != "released":
            raise Conflict(f"only a released routing becomes obsolete; this one is {head.status}")
        await repo.update_header(
            conn, routing_id, "obsolete", (head.valid_from, head.valid_to), head.description
        )
        return await _full(conn, routing_id)


async def new_revision(
    db: Database, caller: Caller, routing_id: UUID, data: RevisionCreate
) -> Routing:
    caller.require(*PLANNERS)
    if data.valid_to is not None and data.valid_to < data.valid_from:
        raise Invalid("must not be before valid_from", "/valid_to")
    async with db.transaction(caller.tenant) as conn:
        source = await _full(conn, routing_id)
        revision = await repo.next_revision(conn, source.material_id, source.plant_id)
        created = await repo.insert(
            conn,
            (
                source.plant_id,
                source.material_id,
                revision,
                data.valid_from,
                data.valid_to,
                source.description,
            ),
        )
        await repo.replace_operations(conn, created, source.operations)
        return await _full(conn, created)


async def delete(db: Database, caller: Caller, routing_id: UUID, expected: int) -> None:
    caller.require(*PLANNERS)
    try:
        async with db.transaction(caller.tenant) as conn:
            head = await _locked(conn, routing_id, expected)
            _draft_only(head, "obsolete it or make")
            await repo.delete(conn, routing_id)
    except asyncpg.ForeignKeyViolationError:
        raise Conflict(f"routing {routing_id} is used by work orders") from None


async def list_page(
    db: Database,
    caller: Caller,
    filters: tuple[UUID | None, UUID | None, str | None],
    cursor: str | None,
    limit: int,
) -> Page[repo.Header]:
    if filters[1] is not None:
        caller.check_plant(filters[1])
    key = paging.after(cursor, UUID)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await repo.page(conn, filters, key[0] if key else None, limit + 1)
    return paging.cut(rows, limit, lambda r: (r.id,))

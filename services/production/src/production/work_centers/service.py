"""Work center use cases: each owns its transaction and publishes in it."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import asyncpg
import msgspec

from production.calendars import repo as calendars_repo
from production.caller import PLANNERS, Caller
from production.work_centers import repo
from production.work_centers.models import WorkCenter, WorkCenterCreate, WorkCenterUpdate
from unison_bus import announce
from unison_events.production import WorkCenterChanged
from unison_pg import Database
from unison_web import Conflict, Invalid, NotFound, PreconditionFailed, checks, paging
from unison_web.paging import Page


def _check_numbers(efficiency: Decimal, cost_rate: Decimal) -> None:
    checks.within(efficiency, "/efficiency", Decimal(0), Decimal(2))
    checks.decimal(cost_rate, "/cost_rate")


def _event(caller: Caller, wc: WorkCenter, deleted: bool = False) -> WorkCenterChanged:
    return WorkCenterChanged(
        organization_id=caller.tenant.organization_id,
        plant_id=wc.plant_id,
        work_center_id=wc.id,
        code=wc.code,
        name=wc.name,
        line=wc.line,
        equipment_id=wc.equipment_id,
        status=wc.status,
        deleted=deleted,
    )


async def _check_calendar(conn: asyncpg.Connection, plant_id: UUID, calendar_id: UUID) -> None:
    calendar = await calendars_repo.get(conn, calendar_id)
    if calendar is None or calendar.plant_id != plant_id:
        raise Invalid("no such shift calendar in the work center's plant", "/calendar_id")


async def create(db: Database, caller: Caller, data: WorkCenterCreate) -> WorkCenter:
    caller.require(*PLANNERS)
    caller.check_plant(data.plant_id)
    _check_numbers(data.efficiency, data.cost_rate)
    name = checks.text(data.name, "/name", 100)
    fields = (
        checks.code(data.code),
        name,
        data.line,
        data.calendar_id,
        data.capacity_units,
        data.efficiency,
        data.cost_rate,
        data.minor_stop_seconds,
        data.equipment_id,
        data.status,
    )
    async with db.transaction(caller.tenant) as conn:
        await _check_calendar(conn, data.plant_id, data.calendar_id)
        created = await repo.insert(conn, data.plant_id, fields)
        if created is None:
            raise Conflict(
                f"work center {fields[0]} already exists in this plant",
                errors=[{"pointer": "/code", "detail": "already used in this plant"}],
            )
        await announce(conn, _event(caller, created), created.id)
    return created


async def get(db: Database, caller: Caller, work_center_id: UUID) -> WorkCenter:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        found = await repo.get(conn, work_center_id)
    if found is None:
        raise NotFound(f"work center {work_center_id} does not exist")
    return found


async def update(
    db: Database, caller: Caller, work_center_id: UUID, data: WorkCenterUpdate, expected: int
) -> WorkCenter:
    caller.require(*PLANNERS)
    async with db.transaction(caller.tenant) as conn:
        current = await repo.lock(conn, work_center_id)
        if current is None:
            raise NotFound(f"work center {work_center_id} does not exist")
        if current.version != expected:
            raise PreconditionFailed(
                f"work center {current.code} is at version {current.version}, not {expected}"
            )
        changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
        if "name" in changes:
            changes["name"] = checks.text(changes["name"], "/name", 100)
        merged = msgspec.structs.replace(current, **changes)
        if merged == current:
            return current
        _check_numbers(merged.efficiency, merged.cost_rate)
        if merged.calendar_id != current.calendar_id:
            await _check_calendar(conn, current.plant_id, merged.calendar_id)
        updated = await repo.update(
            conn,
            work_center_id,
            (
                merged.name,
                merged.line,
                merged.calendar_id,
                merged.capacity_units,
                merged.efficiency,
                merged.cost_rate,
                merged.minor_stop_seconds,
                merged.equipment_id,
                merged.status,
            ),
        )
        await announce(conn, _event(caller, updated), updated.id)
    return updated


async def delete(db: Database, caller: Caller, work_center_id: UUID, expected: int) -> None:
    """Only a work center nothing refers to; one with history is set inactive instead."""
    caller.require(*PLANNERS)
    try:
        async with db.transaction(caller.tenant) as conn:
            current = await repo.lock(conn, work_center_id)
            if current is None:
                raise NotFound(f"work center {work_center_id} does not exist")
            if current.version != expected:
                raise PreconditionFailed(
                    f"work center {current.code} is at version {current.version}, not {expected}"
                )
            await repo.delete(conn, work_center_id)
            await announce(conn, _event(caller, current, deleted=True), current.id)
    except asyncpg.ForeignKeyViolationError:
        raise Conflict(
            f"work center {work_center_id} is used by routings, orders or shop-floor history;"
            " set its status to inactive instead"
        ) from None


async def list_page(
    db: Database,
    caller: Caller,
    plant_id: UUID | None,
    line: str | None,
    status: str | None,
    cursor: str | None,
    limit: int,
) -> Page[WorkCenter]:
    if plant_id is not None:
        caller.check_plant(plant_id)
    key = paging.after(cursor, UUID, str)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await repo.page(conn, plant_id, line, status, key, limit + 1)
    return paging.cut(rows, limit, lambda w: (w.plant_id, w.code))

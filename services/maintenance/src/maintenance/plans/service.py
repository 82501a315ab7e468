"""PM plan use cases."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

import asyncpg

from maintenance.caller import MAINTAINERS, Caller
from maintenance.equipment import repo as equipment_repo
from maintenance.meters import repo as meters_repo
from maintenance.plans import generation, repo
from maintenance.plans.models import GenerationResult, PmPlan, PmPlanPut
from unison_pg import Database
from unison_web import Conflict, Invalid, NotFound, PreconditionFailed, checks, paging
from unison_web.paging import Page

Anchor = tuple[Decimal | None, datetime | None]


def _check_rules(data: PmPlanPut) -> None:
    checks.text(data.name, "/name", 200)
    if data.calendar is None and data.usage is None:
        raise Invalid("a plan needs a calendar rule, a usage rule or both", "/calendar")
    if data.usage is not None:
        checks.decimal(data.usage.interval, "/usage/interval", positive=True)
    for i, part in enumerate(data.tasks.spare_parts):
        checks.decimal(part.quantity, f"/tasks/spare_parts/{i}/quantity", positive=True)


async def _usage_anchor(conn: asyncpg.Connection, plant_id: UUID, data: PmPlanPut) -> Anchor:
    """A new usage cycle counts from the meter's total usage now."""
    if data.usage is None:
        return None, None
    meter = await meters_repo.get(conn, data.usage.meter_id)
    if meter is None or meter.plant_id != plant_id or meter.equipment_id != data.equipment_id:
        raise Invalid("no such meter on this equipment", "/usage/meter_id")
    if meter.kind == "condition":
        raise Invalid("a usage rule counts on a counter, not a condition gauge", "/usage/meter_id")
    return meter.total_usage, datetime.now(UTC)


async def create(db: Database, caller: Caller, data: PmPlanPut) -> PmPlan:
    caller.require(*MAINTAINERS)
    _check_rules(data)
    async with db.transaction(caller.tenant) as conn:
        equipment = await equipment_repo.get(conn, data.equipment_id)
        if equipment is None:
            raise Invalid("no such equipment", "/equipment_id")
        anchor = await _usage_anchor(conn, equipment.plant_id, data)
        return await repo.insert(conn, equipment.plant_id, data, anchor)


async def get(db: Database, caller: Caller, plan_id: UUID) -> PmPlan:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        found = await repo.get(conn, plan_id)
    if found is None:
        raise NotFound(f"plan {plan_id} does not exist")
    return found


async def _locked(conn: asyncpg.Connection, plan_id: UUID, expected: int) -> PmPlan:
    plan = await repo.get(conn, plan_id, lock=True)
    if plan is None:
        raise NotFound(f"plan {plan_id} does not exist")
    if plan.version != expected:
        raise PreconditionFailed(f"plan {plan.name} is at version {plan.version}, not {expected}")
    return plan


async def replace(
    db: Database, caller: Caller, plan_id: UUID, data: PmPlanPut, expected: int
) -> PmPlan:
    caller.require(*MAINTAINERS)
    _check_rules(data)
    async with db.transaction(caller.tenant) as conn:
        plan = await _locked(conn, plan_id, expected)
        if data.equipment_id != plan.equipment_id:
            raise Invalid("a plan stays with its equipment: make a new plan", "/equipment_id")
        same_meter = (
            plan.usage is not None
            and data.usage is not None
            and plan.usage.meter_id == data.usage.meter_id
        )
        anchor: Anchor = (
            (plan.usage_anchor, plan.usage_anchor_at)
            if same_meter
            else await _usage_anchor(conn, plan.plant_id, data)
        )
        return await repo.replace(conn, plan_id, data, anchor)


async def delete(db: Database, caller: Caller, plan_id: UUID, expected: int) -> None:
    caller.require(*MAINTAINERS)
    try:
        async with db.transaction(caller.tenant) as conn:
            await _locked(conn, plan_id, expected)
            await repo.delete(conn, plan_id)
    except asyncpg.ForeignKeyViolationError:
        raise Conflict(f"plan {plan_id} has made work orders: deactivate it instead") from None


async def list_page(
    db: Database,
    caller: Caller,
    filters: tuple[UUID | None, UUID | None],
    cursor: str | None,
    limit: int,
) -> Page[PmPlan]:
    if filters[1] is not None:
        caller.check_plant(filters[1])
    key = paging.after(cursor, UUID)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await repo.page(conn, filters, key[0] if key else None, limit + 1)
    return paging.cut(rows, limit, lambda p: (p.id,))


async def generate_now(db: Database, caller: Caller, today: date | None = None) -> GenerationResult:
    """What the daily job does, on demand (a planner adding plans wants their orders now)."""
    caller.require(*MAINTAINERS)
    async with db.transaction(caller.tenant) as conn:
        return await generation.generate_in(conn, caller, today or datetime.now(UTC).date())

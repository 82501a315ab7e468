"""Inspection plan use cases: drafts change, released versions never do (a new revision
does); the defect catalogue."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import asyncpg
import msgspec

from quality.caller import ENGINEERS, Caller
from quality.plans import repo, rules
from quality.plans.models import (
    DefectCode,
    DefectCodePut,
    Plan,
    PlanContent,
    PlanCreate,
    RevisionCreate,
)
from quality.read_models import repo as read_models
from unison_bus import announce
from unison_events.quality import InspectionPlanChanged
from unison_pg import Database
from unison_web import Conflict, Invalid, NotFound, PreconditionFailed, checks, paging
from unison_web.paging import Page


async def _event(conn: asyncpg.Connection, caller: Caller, plan: Plan) -> InspectionPlanChanged:
    material = await read_models.material(conn, plan.material_id)
    return InspectionPlanChanged(
        organization_id=caller.tenant.organization_id,
        plant_id=plan.plant_id,
        plan_id=plan.id,
        material_id=plan.material_id,
        trigger=plan.trigger,
        revision=plan.revision,
        status=plan.status,
        valid_from=plan.valid_from,
        valid_to=plan.valid_to,
        description=plan.description,
        supplier=plan.supplier,
        material_number=material.number if material else None,
    )


def _content(plan: Plan | PlanContent) -> PlanContent:
    return PlanContent(
        valid_from=plan.valid_from,
        valid_to=plan.valid_to,
        sampling=plan.sampling,
        aql=plan.aql,
        inspection_level=plan.inspection_level,
        sample_size=plan.sample_size,
        period_days=plan.period_days,
        characteristics=rules.normalized(plan)
        if isinstance(plan, PlanContent)
        else plan.characteristics,
        description=plan.description,
    )


async def create(db: Database, caller: Caller, data: PlanCreate) -> Plan:
    caller.require(*ENGINEERS)
    caller.check_plant(data.plant_id)
    rules.check(data)
    if (data.trigger == "periodic") != (data.period_days is not None):
        raise Invalid("a periodic plan needs period_days, and only it", "/period_days")
    if data.operation_no is not None and data.trigger != "operation_completion":
        raise Invalid("only an operation's inspection names an operation", "/operation_no")
    scope = (data.material_id, data.plant_id, data.trigger, data.operation_no, data.supplier)
    async with db.transaction(caller.tenant) as conn:
        material = await read_models.material(conn, data.material_id)
        if material is None or material.deleted:
            raise Invalid("no such material", "/material_id")
        revision = await repo.next_revision(conn, scope)
        plan = await repo.insert(
            conn,
            (data.plant_id, data.material_id, data.trigger, data.operation_no, data.supplier),
            revision,
            _content(data),
        )
        if data.status == "released":
            plan = await _release(conn, plan)
        await announce(conn, await _event(conn, caller, plan), plan.id)
        return plan


async def _release(conn: asyncpg.Connection, plan: Plan) -> Plan:
    """Released versions of a scope never overlap: the one it succeeds ends the day
    before it starts; one starting on or after it is a conflict."""
    for other, valid_from, valid_to in await repo.released_of_scope(conn, plan.id):
        if valid_to is not None and valid_to < plan.valid_from:
            continue
        if valid_from >= plan.valid_from:
            raise Conflict(
                f"a released version of this plan is valid from {valid_from};"
                f" this one starts {plan.valid_from}"
            )
        await repo.end_validity(conn, other, plan.valid_from - timedelta(days=1))
    try:
        async with conn.transaction():
            return await repo.save(conn, plan.id, "released", _content(plan))
    except asyncpg.ExclusionViolationError:
        raise Conflict("its validity overlaps another released version") from None


async def get(db: Database, caller: Caller, plan_id: UUID) -> Plan:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        found = await repo.get(conn, plan_id)
    if found is None:
        raise NotFound(f"inspection plan {plan_id} does not exist")
    return found


async def _locked(conn: asyncpg.Connection, plan_id: UUID, expected: int) -> Plan:
    plan = await repo.get(conn, plan_id, lock=True)
    if plan is None:
        raise NotFound(f"inspection plan {plan_id} does not exist")
    if plan.version != expected:
        raise PreconditionFailed(f"the plan is at version {plan.version}, not {expected}")
    return plan


async def replace(
    db: Database, caller: Caller, plan_id: UUID, data: PlanContent, expected: int
) -> Plan:
    caller.require(*ENGINEERS)
    rules.check(data)
    async with db.transaction(caller.tenant) as conn:
        plan = await _locked(conn, plan_id, expected)
        if plan.status != "draft":
            raise Conflict(
                f"revision {plan.revision} is {plan.status}: make a new revision to change it"
            )
        if (plan.trigger == "periodic") != (data.period_days is not None):
            raise Invalid("a periodic plan needs period_days, and only it", "/period_days")
        saved = await repo.save(conn, plan_id, "draft", _content(data))
        await announce(conn, await _event(conn, caller, saved), saved.id)
        return saved


async def act(db: Database, caller: Caller, plan_id: UUID, action: str, expected: int) -> Plan:
    """``release`` a draft or make a released version ``obsolete``."""
    caller.require(*ENGINEERS)
    async with db.transaction(caller.tenant) as conn:
        plan = await _locked(conn, plan_id, expected)
        wanted = {"release": "draft", "obsolete": "released"}[action]
        if plan.status != wanted:
            raise Conflict(f"a {plan.status} plan cannot {action} (only a {wanted} one)")
        if action == "release":
            saved = await _release(conn, plan)
        else:
            saved = await repo.save(conn, plan_id, "obsolete", _content(plan))
        await announce(conn, await _event(conn, caller, saved), saved.id)
        return saved


async def new_revision(db: Database, caller: Caller, plan_id: UUID, data: RevisionCreate) -> Plan:
    caller.require(*ENGINEERS)
    async with db.transaction(caller.tenant) as conn:
        source = await repo.get(conn, plan_id)
        if source is None:
            raise NotFound(f"inspection plan {plan_id} does not exist")
        content = msgspec.structs.replace(
            _content(source), valid_from=data.valid_from, valid_to=data.valid_to
        )
        if content.valid_to is not None and content.valid_to < content.valid_from:
            raise Invalid("must not be before valid_from", "/valid_to")
        scope = (
            source.material_id,
            source.plant_id,
            source.trigger,
            source.operation_no,
            source.supplier,
        )
        revision = await repo.next_revision(conn, scope)
        plan = await repo.insert(
            conn,
            (
                source.plant_id,
                source.material_id,
                source.trigger,
                source.operation_no,
                source.supplier,
            ),
            revision,
            content,
        )
        await announce(conn, await _event(conn, caller, plan), plan.id)
        return plan


async def list_page(
    db: Database,
    caller: Caller,
    filters: tuple[UUID | None, UUID | None, str | None],
    cursor: str | None,
    limit: int,
) -> Page[Plan]:
    if filters[1] is not None:
        caller.check_plant(filters[1])
    key = paging.after(cursor, UUID)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await repo.page(conn, filters, key[0] if key else None, limit + 1)
    return paging.cut(rows, limit, lambda p: (p.id,))


async def put_defect(db: Database, caller: Caller, code: str, data: DefectCodePut) -> DefectCode:
    caller.require(*ENGINEERS)
    value = checks.code(code)
    if not value or len(value) > 20 or not all(c.isalnum() or c in "_.-" for c in value):
        raise Invalid("a code is 1-20 letters, digits, _ . -", "/code")
    async with db.transaction(caller.tenant) as conn:
        return await repo.defect_upsert(
            conn, value, (checks.text(data.name, "/name", 200), data.severity, data.active)
        )


async def defects(db: Database, caller: Caller) -> list[DefectCode]:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        return await repo.defects(conn)

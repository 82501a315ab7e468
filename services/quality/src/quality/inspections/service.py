"""Inspection use cases: create by hand, read, list, results, the usage decision."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

import asyncpg

from quality.aql import next_state, resume_after_corrective_action, sampling_plan
from quality.caller import ENGINEERS, INSPECTORS, Caller
from quality.inspections import repo
from quality.inspections.creation import Spec, create_in
from quality.inspections.models import (
    Cancel,
    Inspection,
    InspectionCreate,
    ResultRow,
    Stream,
    StreamState,
    UsageDecision,
)
from quality.inspections.sampling import pieces
from quality.plans import repo as plans_repo
from quality.read_models import repo as read_models
from unison_bus import LiveUpdate, announce, notify_live
from unison_events.quality import InspectionDecided
from unison_pg import Database
from unison_web import Conflict, Invalid, NotFound, checks, paging
from unison_web.paging import Page


async def create(db: Database, caller: Caller, data: InspectionCreate) -> Inspection:
    caller.require(*INSPECTORS)
    caller.check_plant(data.plant_id)
    checks.decimal(data.quantity, "/quantity", positive=True)
    async with db.transaction(caller.tenant) as conn:
        material = await read_models.material(conn, data.material_id)
        if material is None or material.deleted:
            raise Invalid("no such material", "/material_id")
        plan = None
        if data.plan_id is not None:
            plan = await plans_repo.get(conn, data.plan_id)
            if (
                plan is None
                or plan.material_id != data.material_id
                or plan.plant_id != data.plant_id
            ):
                raise Invalid("no such plan for this material in this plant", "/plan_id")
        spec = Spec(
            plant_id=data.plant_id,
            material_id=data.material_id,
            quantity=data.quantity,
            unit=material.base_unit,
            trigger=data.trigger,
            lot=data.lot,
            supplier=data.supplier,
            plan=plan,
            hold_lot=data.hold_lot,
        )
        found = await create_in(conn, caller, spec)
    if found is None:
        raise Invalid(f"no released plan of this material applies to {data.trigger}", "/trigger")
    return found


async def get(db: Database, caller: Caller, inspection_id: UUID) -> Inspection:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        found = await repo.get(conn, inspection_id)
    if found is None:
        raise NotFound(f"inspection {inspection_id} does not exist")
    return found


async def results(db: Database, caller: Caller, inspection_id: UUID) -> list[ResultRow]:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        if await repo.get(conn, inspection_id) is None:
            raise NotFound(f"inspection {inspection_id} does not exist")
        return await repo.results_of(conn, inspection_id)


async def list_page(
    db: Database,
    caller: Caller,
    filters: tuple[UUID | None, UUID | None, str | None],
    cursor: str | None,
    limit: int,
) -> Page[Inspection]:
    if filters[0] is not None:
        caller.check_plant(filters[0])
    key = paging.after(cursor, UUID)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await repo.page(conn, filters, key[0] if key else None, limit + 1)
    return paging.cut(rows, limit, lambda i: (i.id,))


def _quantities(inspection: Inspection, data: UsageDecision) -> tuple[Decimal, Decimal]:
    total = inspection.quantity
    if data.decision == "accepted":
        return total, Decimal(0)
    if data.decision == "rejected":
        return Decimal(0), total
    accepted, rejected = data.accepted_quantity, data.rejected_quantity
    if accepted is None or rejected is None:
        raise Invalid(
            "a partial acceptance says how much is accepted and how much rejected",
            "/accepted_quantity",
        )
    checks.decimal(accepted, "/accepted_quantity", positive=True)
    checks.decimal(rejected, "/rejected_quantity", positive=True)
    if accepted + rejected != total:
        raise Invalid(
            f"accepted and rejected make {accepted + rejected}, the lot is {total}",
            "/rejected_quantity",
        )
    return accepted, rejected


async def _switch(conn: asyncpg.Connection, inspection: Inspection, accepted: bool) -> None:
    """The stream's switching state learns of this lot (AQL plans only)."""
    if inspection.plan_id is None or inspection.severity not in ("normal", "tightened", "reduced"):
        return
    plan = await plans_repo.get(conn, inspection.plan_id)
    if plan is None or plan.sampling != "aql" or plan.aql is None or plan.inspection_level is None:
        return
    stream = (inspection.plant_id, inspection.material_id, inspection.supplier or "")
    state = await repo.state(conn, stream)
    severity = state.severity
    if severity == "discontinued" or severity != inspection.severity:
        return  # the stream moved on meanwhile: this lot was judged under another state
    used = sampling_plan(pieces(inspection.quantity), plan.aql, plan.inspection_level, severity)
    _, nonconforming = await repo.tally(conn, inspection.id)
    await repo.put_state(
        conn, stream, next_state(state, accepted, rejected_count=nonconforming, plan=used)
    )


async def decide(
    db: Database, caller: Caller, inspection_id: UUID, data: UsageDecision
) -> Inspection:
    """The usage decision: it lifts the lot's hold in inventory (accepted stock released,
    rejected stock blocked) and counts for OEE's quality in production."""
    caller.require(*ENGINEERS)
    async with db.transaction(caller.tenant) as conn:
        inspection = await repo.get(conn, inspection_id, lock=True)
        if inspection is None:
            raise NotFound(f"inspection {inspection_id} does not exist")
        if inspection.status in ("decided", "cancelled"):
            raise Conflict(f"inspection {inspection.number} is {inspection.status} already")
        accepted, rejected = _quantities(inspection, data)
        decided = await repo.decide(
            conn, inspection.id, (data.decision, accepted, rejected, data.note)
        )
        await _switch(conn, inspection, data.decision != "rejected")
        event = InspectionDecided(
            organization_id=caller.tenant.organization_id,
            plant_id=decided.plant_id,
            inspection_id=decided.id,
            material_id=decided.material_id,
            lot=decided.lot,
            work_order_id=decided.work_order_id,
            operation_no=decided.operation_no,
            decision=data.decision,
            accepted_quantity=accepted,
            rejected_quantity=rejected,
            decided_at=decided.decided_at or datetime.now(UTC),
            unit=decided.unit,
            inspection_number=decided.number,
            lifts_hold=decided.lot_held,
            work_center_id=decided.work_center_id,
        )
        await announce(
            conn, event, decided.id, {"number": decided.number, "decision": data.decision}
        )
        return decided


async def cancel(db: Database, caller: Caller, inspection_id: UUID, data: Cancel) -> Inspection:
    """An inspection made in error. One holding its lot needs a usage decision instead:
    cancelling it would leave the lot in quarantine with nothing to release it."""
    caller.require(*ENGINEERS)
    async with db.transaction(caller.tenant) as conn:
        inspection = await repo.get(conn, inspection_id, lock=True)
        if inspection is None:
            raise NotFound(f"inspection {inspection_id} does not exist")
        if inspection.status in ("decided", "cancelled"):
            raise Conflict(f"inspection {inspection.number} is {inspection.status} already")
        if inspection.lot_held:
            raise Conflict(
                f"inspection {inspection.number} holds lot {inspection.lot}:"
                " make a usage decision to release or block it"
            )
        found = await repo.cancel(conn, inspection.id, checks.text(data.note, "/note", 2000))
        await notify_live(
            conn,
            LiveUpdate(
                type="quality.inspection.cancelled",
                id=str(found.id),
                organization_id=caller.tenant.organization_id,
                plant_id=found.plant_id,
                data={"number": found.number},
            ),
        )
        return found


def _stream(data: Stream) -> tuple[UUID, UUID, str]:
    return (data.plant_id, data.material_id, data.supplier or "")


async def stream_state(db: Database, caller: Caller, data: Stream) -> StreamState:
    caller.check_plant(data.plant_id)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        state = await repo.state(conn, _stream(data), lock=False)
    return StreamState(
        plant_id=data.plant_id, material_id=data.material_id, supplier=data.supplier, state=state
    )


async def resume(db: Database, caller: Caller, data: Stream) -> StreamState:
    """Clause 9.4: after the supplier's corrective action, sampling resumes, tightened."""
    caller.require(*ENGINEERS)
    caller.check_plant(data.plant_id)
    async with db.transaction(caller.tenant) as conn:
        state = await repo.state(conn, _stream(data))
        if state.severity != "discontinued":
            raise Conflict(f"sampling of this stream is {state.severity}, not discontinued")
        resumed = resume_after_corrective_action(state)
        await repo.put_state(conn, _stream(data), resumed)
    return StreamState(
        plant_id=data.plant_id, material_id=data.material_id, supplier=data.supplier, state=resumed
    )

"""NCR use cases: raise (by hand or from a failed inspection), edit, move through the
workflow, decide the disposition (inventory carries it out), files; every change is an
event, and the people subscribed hear of it by e-mail."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

import asyncpg
import msgspec

from quality.caller import ENGINEERS, INSPECTORS, Caller
from quality.inspections import repo as inspections_repo
from quality.ncrs import repo, workflow
from quality.ncrs.models import (
    DispositionDecided,
    Ncr,
    NcrCreate,
    NcrFromInspection,
    NcrLot,
    NcrUpdate,
    Step,
    StepTaken,
)
from quality.ncrs.repo import NewNcr
from quality.notifications import notify
from quality.read_models import repo as read_models
from unison_bus import announce, announce_many, uuid7
from unison_events.quality import DispositionLot, NcrChanged, NcrDispositionDecided
from unison_pg import Database
from unison_web import Conflict, Invalid, NotFound, PreconditionFailed, checks, paging
from unison_web.paging import Page


def _changed(organization_id: UUID, ncr: Ncr) -> NcrChanged:
    return NcrChanged(
        organization_id=organization_id,
        plant_id=ncr.plant_id,
        ncr_id=ncr.id,
        number=ncr.number,
        title=ncr.title,
        status=ncr.status,
        severity=ncr.severity,
        material_id=ncr.material_id,
        quantity=ncr.quantity,
        unit=ncr.unit,
        defect_codes=tuple(ncr.defect_codes),
        supplier=ncr.supplier,
        work_center_id=ncr.work_center_id,
        disposition=ncr.disposition,
        created_at=ncr.created_at,
        version=ncr.version,
        description=ncr.description,
    )


async def _describe(conn: asyncpg.Connection, ncr: Ncr) -> str:
    """The e-mail's body: what the NCR is about, in words a reader needs no screen for."""
    material = await read_models.material(conn, ncr.material_id)
    what = f"{material.number} {material.description}" if material else str(ncr.material_id)
    lines = [
        f"{ncr.number}: {ncr.title}",
        f"Status: {ncr.status}   Severity: {ncr.severity}",
        f"Material: {what}",
        f"Quantity: {ncr.quantity} {ncr.unit}",
    ]
    if ncr.lots:
        lines.append("Lots: " + ", ".join(f"{lot.lot} ({lot.quantity})" for lot in ncr.lots))
    if ncr.supplier:
        lines.append(f"Supplier: {ncr.supplier}")
    if ncr.customer:
        lines.append(f"Customer: {ncr.customer}")
    if ncr.defect_codes:
        lines.append("Defects: " + ", ".join(ncr.defect_codes))
    if ncr.disposition:
        state = ncr.disposition_status or ""
        lines.append(f"Disposition: {ncr.disposition} ({state})")
        if ncr.disposition_error:
            lines.append(f"Refused by inventory: {ncr.disposition_error}")
    if ncr.description:
        lines += ["", ncr.description]
    last = ncr.steps[-1] if ncr.steps else None
    if last is not None:
        lines += ["", f"Last step: {last.status} by {last.by} at {last.at:%Y-%m-%d %H:%M} UTC"]
        if last.note:
            lines.append(f"Note: {last.note}")
    return "\n".join(lines)


async def _told(conn: asyncpg.Connection, organization_id: UUID, ncr: Ncr, kind: str) -> None:
    """The event of the change and the e-mail of it, in the change's transaction."""
    await announce(
        conn, _changed(organization_id, ncr), ncr.id, {"number": ncr.number, "status": ncr.status}
    )
    if kind == "ncr_created":
        subject = f"{ncr.number} raised ({ncr.severity}): {ncr.title}"
    else:
        subject = f"{ncr.number} {ncr.status}: {ncr.title}"
    await notify(
        conn,
        kind=kind,
        plant_id=ncr.plant_id,
        subject=subject,
        body=await _describe(conn, ncr),
        organization_id=organization_id,
    )


def _lots(lots: list[NcrLot], quantity: Decimal) -> list[NcrLot]:
    seen: set[str] = set()
    total = Decimal(0)
    out: list[NcrLot] = []
    for i, lot in enumerate(lots):
        name = lot.lot.strip()
        checks.decimal(lot.quantity, f"/lots/{i}/quantity", positive=True)
        if name in seen:
            raise Invalid(f"lot {name} is named twice", f"/lots/{i}/lot")
        seen.add(name)
        total += lot.quantity
        out.append(NcrLot(lot=name, quantity=lot.quantity))
    if out and total != quantity:
        raise Invalid(f"the lots hold {total}, the NCR is of {quantity}", "/lots")
    return out


async def _get(conn: asyncpg.Connection, ncr_id: UUID) -> Ncr:
    found = await repo.get(conn, ncr_id)
    if found is None:
        raise NotFound(f"NCR {ncr_id} does not exist")
    return found


async def _locked(conn: asyncpg.Connection, ncr_id: UUID, expected: int | None) -> Ncr:
    version = await repo.lock(conn, ncr_id)
    if version is None:
        raise NotFound(f"NCR {ncr_id} does not exist")
    if expected is not None and version != expected:
        raise PreconditionFailed(f"the NCR is at version {version}, not {expected}")
    return await _get(conn, ncr_id)


async def _raise(conn: asyncpg.Connection, caller: Caller, new: NewNcr) -> Ncr:
    number = f"NCR-{await inspections_repo.next_number(conn, 'ncr'):06d}"
    first = Step(status="open", at=datetime.now(UTC), by=caller.user, note=None)
    ncr = await _get(conn, await repo.insert(conn, number, new, first))
    await _told(conn, caller.tenant.organization_id, ncr, "ncr_created")
    return ncr


async def create(db: Database, caller: Caller, data: NcrCreate) -> Ncr:
    caller.require(*INSPECTORS)
    caller.check_plant(data.plant_id)
    checks.decimal(data.quantity, "/quantity", positive=True)
    lots = _lots(data.lots, data.quantity)
    if data.operation_no is not None and data.work_order_id is None:
        raise Invalid("an operation is named with its work order", "/operation_no")
    async with db.transaction(caller.tenant) as conn:
        material = await read_models.material(conn, data.material_id)
        if material is None or material.deleted:
            raise Invalid("no such material", "/material_id")
        new = NewNcr(
            plant_id=data.plant_id,
            title=checks.text(data.title, "/title", 200),
            description=data.description,
            severity=data.severity,
            material_id=data.material_id,
            quantity=data.quantity,
            unit=material.base_unit,
            work_order_id=data.work_order_id,
            operation_no=data.operation_no,
            work_center_id=data.work_center_id,
            supplier=data.supplier,
            customer=data.customer,
            defect_codes=sorted({checks.code(c) for c in data.defect_codes}),
            lots=lots,
        )
        return await _raise(conn, caller, new)


async def from_inspection(
    db: Database, caller: Caller, inspection_id: UUID, data: NcrFromInspection
) -> Ncr:
    """An NCR with everything the failed inspection knows: its rejected quantity (or the
    lot's, before a decision), lot, order, operation, work center, supplier, defects."""
    caller.require(*INSPECTORS)
    async with db.transaction(caller.tenant) as conn:
        inspection = await inspections_repo.get(conn, inspection_id, lock=True)
        if inspection is None:
            raise NotFound(f"inspection {inspection_id} does not exist")
        if inspection.status == "cancelled":
            raise Conflict(f"inspection {inspection.number} is cancelled")
        existing = await repo.of_inspection(conn, inspection.id)
        if existing is not None:
            raise Conflict(f"an NCR of inspection {inspection.number} exists: {existing}")
        if inspection.decision == "accepted":
            raise Conflict(f"inspection {inspection.number} accepted the whole lot")
        quantity = inspection.rejected_quantity or inspection.quantity
        defects = await repo.failed_results(conn, inspection.id)
        material = await read_models.material(conn, inspection.material_id)
        name = material.number if material else str(inspection.material_id)
        new = NewNcr(
            plant_id=inspection.plant_id,
            title=checks.text(data.title, "/title", 200)
            if data.title
            else f"{name}: inspection {inspection.number} failed",
            description=data.description
            or (
                f"Raised from inspection {inspection.number}"
                + (f": {inspection.proposal_rule}" if inspection.proposal_rule else "")
            ),
            severity=data.severity
            or ("critical" if inspection.decision == "rejected" else "major"),
            material_id=inspection.material_id,
            quantity=quantity,
            unit=inspection.unit,
            work_order_id=inspection.work_order_id,
            operation_no=inspection.operation_no,
            work_center_id=inspection.work_center_id,
            supplier=inspection.supplier,
            inspection_id=inspection.id,
            defect_codes=defects,
            lots=[NcrLot(lot=inspection.lot, quantity=quantity)] if inspection.lot else [],
        )
        return await _raise(conn, caller, new)


async def get(db: Database, caller: Caller, ncr_id: UUID) -> Ncr:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        return await _get(conn, ncr_id)


async def list_page(
    db: Database,
    caller: Caller,
    filters: tuple[UUID | None, UUID | None, str | None, bool | None],
    cursor: str | None,
    limit: int,
) -> Page[Ncr]:
    if filters[0] is not None:
        caller.check_plant(filters[0])
    key = paging.after(cursor, UUID)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await repo.page(conn, filters, key[0] if key else None, limit + 1)
    return paging.cut(rows, limit, lambda n: (n.id,))


async def update(db: Database, caller: Caller, ncr_id: UUID, data: NcrUpdate, expected: int) -> Ncr:
    caller.require(*INSPECTORS)
    async with db.transaction(caller.tenant) as conn:
        ncr = await _locked(conn, ncr_id, expected)
        if ncr.status not in workflow.EDITABLE:
            raise Conflict(f"{ncr.number} is {ncr.status}: its facts are settled")
        changes: dict[str, object] = {
            k: v for k, v in msgspec.structs.asdict(data).items() if v is not None
        }
        if "title" in changes:
            changes["title"] = checks.text(data.title or "", "/title", 200)
        if data.defect_codes is not None:
            changes["defect_codes"] = sorted({checks.code(c) for c in data.defect_codes})
        await repo.update_fields(conn, msgspec.structs.replace(ncr, **changes))
        saved = await _get(conn, ncr.id)
        await announce(
            conn,
            _changed(caller.tenant.organization_id, saved),
            saved.id,
            {"number": saved.number, "status": saved.status},
        )
        return saved


async def step(db: Database, caller: Caller, ncr_id: UUID, data: StepTaken, expected: int) -> Ncr:
    caller.require(*(ENGINEERS if data.to in ("verification", "closed") else INSPECTORS))
    async with db.transaction(caller.tenant) as conn:
        ncr = await _locked(conn, ncr_id, expected)
        refused = workflow.refusal(ncr, data.to)
        if refused is not None:
            raise Conflict(refused)
        note = checks.text(data.note, "/note", 2000) if data.note else None
        if data.to == "cancelled" and note is None:
            raise Invalid("say why the NCR is cancelled", "/note")
        taken = Step(status=data.to, at=datetime.now(UTC), by=caller.user, note=note)
        await repo.step(conn, ncr.id, data.to, taken)
        saved = await _get(conn, ncr.id)
        await _told(conn, caller.tenant.organization_id, saved, "ncr_step")
        return saved


async def decide_disposition(
    db: Database, caller: Caller, ncr_id: UUID, data: DispositionDecided, expected: int
) -> Ncr:
    """The disposition, sent to inventory for its lots (it answers posted or failed); an
    NCR without lots has no stock to move, and its disposition is done at once."""
    caller.require(*ENGINEERS)
    async with db.transaction(caller.tenant) as conn:
        ncr = await _locked(conn, ncr_id, expected)
        refused = workflow.disposition_refusal(ncr)
        if refused is not None:
            raise Conflict(refused)
        if data.disposition == "return_to_supplier" and not ncr.supplier:
            raise Invalid("a return goes to the NCR's supplier: name one first", "/disposition")
        note = checks.text(data.note, "/note", 2000) if data.note else None
        request_id = uuid7() if ncr.lots else None
        status = "requested" if ncr.lots else "done"
        taken = Step(status="disposition", at=datetime.now(UTC), by=caller.user, note=note)
        await repo.disposition(conn, ncr.id, (data.disposition, note, status, request_id), taken)
        saved = await _get(conn, ncr.id)
        if request_id is not None:
            request = NcrDispositionDecided(
                organization_id=caller.tenant.organization_id,
                plant_id=saved.plant_id,
                request_id=request_id,
                ncr_id=saved.id,
                reference=saved.number,
                disposition=data.disposition,
                material_id=saved.material_id,
                unit=saved.unit,
                lots=tuple(DispositionLot(lot=x.lot, quantity=x.quantity) for x in saved.lots),
                supplier=saved.supplier,
            )
            await announce_many(conn, [(request, saved.id, None)])
        await _told(conn, caller.tenant.organization_id, saved, "ncr_step")
        return saved


async def on_answer(
    conn: asyncpg.Connection,
    organization_id: UUID,
    request_id: UUID,
    failure: tuple[str, str | None] | None,
    movements: tuple[UUID, ...] = (),
) -> None:
    """Inventory's answer to a disposition: recorded as a step of the NCR (by inventory),
    and told. An answer to a request the NCR no longer waits for is ignored."""
    if failure is None:
        note = "carried out in inventory" + (
            f" ({len(movements)} movement{'s' if len(movements) != 1 else ''})" if movements else ""
        )
        taken = Step(status="disposition", at=datetime.now(UTC), by="inventory", note=note)
        ncr_id = await repo.answered(conn, request_id, "posted", None, taken)
    else:
        error, pointer = failure
        message = f"{error} ({pointer})" if pointer else error
        taken = Step(
            status="disposition", at=datetime.now(UTC), by="inventory", note=f"refused: {message}"
        )
        ncr_id = await repo.answered(conn, request_id, "failed", message, taken)
    if ncr_id is None:
        return
    await _told(conn, organization_id, await _get(conn, ncr_id), "ncr_step")

"""The work on an order: labour per technician, checklist results and failure codes,
spare parts asked of inventory, and what came of them."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from maintenance.caller import MAINTAINERS, Caller
from maintenance.work_orders import codes_repo, repo
from maintenance.work_orders.models import (
    Findings,
    Labour,
    LabourCreate,
    PartRequest,
    PartRequestCreate,
    StatusChange,
    WorkOrder,
)
from maintenance.work_orders.service import locked, now
from unison_bus import announce, uuid7
from unison_events.maintenance import PartLine, PartsIssueRequested
from unison_pg import Database
from unison_web import Conflict, Invalid, NotFound, checks

WORKING = frozenset({"approved", "scheduled", "in_progress"})
RECORDING = frozenset({"in_progress", "done"})


def _check_status(order: WorkOrder, allowed: frozenset[str], what: str) -> None:
    if order.status not in allowed:
        states = " or ".join(sorted(allowed))
        raise Conflict(f"work order {order.number} is {order.status}: {what} only while {states}")


async def add_labour(db: Database, caller: Caller, order_id: UUID, data: LabourCreate) -> Labour:
    caller.require(*MAINTAINERS)
    if data.ended_at <= data.started_at:
        raise Invalid("must be after started_at", "/ended_at")
    if data.ended_at > now():
        raise Invalid("lies in the future", "/ended_at")
    checks.decimal(data.hourly_rate, "/hourly_rate")
    async with db.transaction(caller.tenant) as conn:
        order = await locked(conn, order_id, None)
        _check_status(order, RECORDING, "labour is booked")
        fields = (
            data.technician.strip(),
            data.started_at,
            data.ended_at,
            data.hourly_rate,
            data.note,
        )
        return await repo.labour_insert(conn, order, fields)


async def labour(db: Database, caller: Caller, order_id: UUID) -> list[Labour]:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        await _exists(conn, order_id)
        return await repo.labour(conn, order_id)


async def delete_labour(db: Database, caller: Caller, order_id: UUID, entry: UUID) -> None:
    caller.require(*MAINTAINERS)
    async with db.transaction(caller.tenant) as conn:
        order = await locked(conn, order_id, None)
        _check_status(order, RECORDING, "labour is corrected")
        if not await repo.labour_delete(conn, order_id, entry):
            raise NotFound(f"labour entry {entry} does not exist")


async def _check_codes(conn: asyncpg.Connection, data: Findings) -> None:
    known = await codes_repo.active(conn)
    for kind in ("problem", "cause", "remedy"):
        code = getattr(data, f"{kind}_code")
        if code is not None and (kind, code.upper()) not in known:
            raise Invalid(f"no active {kind} code {code}", f"/{kind}_code")


def _check_checklist(order: WorkOrder, data: Findings) -> None:
    items = order.tasks.get("checklist", []) if isinstance(order.tasks, dict) else []
    for i, result in enumerate(data.checklist or []):
        if result.item >= len(items):
            raise Invalid(f"the task list has {len(items)} checklist items", f"/checklist/{i}/item")


async def record_findings(
    db: Database, caller: Caller, order_id: UUID, data: Findings
) -> WorkOrder:
    caller.require(*MAINTAINERS)
    async with db.transaction(caller.tenant) as conn:
        order = await locked(conn, order_id, None)
        _check_status(order, RECORDING, "findings are recorded")
        _check_checklist(order, data)
        await _check_codes(conn, data)
        if data.checklist is not None:
            order.checklist_results = [
                {"item": r.item, "ok": r.ok, "value": r.value, "note": r.note, "by": caller.user}
                for r in data.checklist
            ]
        for kind in ("problem", "cause", "remedy"):
            code = getattr(data, f"{kind}_code")
            if code is not None:
                setattr(order, f"{kind}_code", code.upper())
        return await repo.save(conn, order)


async def request_parts(
    db: Database, caller: Caller, order_id: UUID, data: PartRequestCreate
) -> PartRequest:
    """One request to inventory: it issues the parts to the order (261) and answers."""
    caller.require(*MAINTAINERS)
    for i, line in enumerate(data.lines):
        checks.decimal(line.quantity, f"/lines/{i}/quantity", positive=True)
    async with db.transaction(caller.tenant) as conn:
        order = await locked(conn, order_id, None)
        _check_status(order, WORKING, "parts are requested")
        request = await repo.part_request_insert(conn, uuid7(), order, data.lines)
        event = PartsIssueRequested(
            organization_id=caller.tenant.organization_id,
            plant_id=order.plant_id,
            request_id=request.id,
            maintenance_work_order_id=order.id,
            reference=order.number,
            posting_date=now().date(),
            lines=tuple(
                PartLine(
                    material_id=x.material_id,
                    quantity=x.quantity,
                    unit=x.unit,
                    location_id=x.location_id,
                    lot=x.lot,
                )
                for x in data.lines
            ),
        )
        await announce(conn, event, order.id, {"request_id": str(request.id)})
        return request


async def part_requests(db: Database, caller: Caller, order_id: UUID) -> list[PartRequest]:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        await _exists(conn, order_id)
        return await repo.part_requests(conn, order_id)


async def history(db: Database, caller: Caller, order_id: UUID) -> list[StatusChange]:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        await _exists(conn, order_id)
        return await repo.history(conn, order_id)


async def _exists(conn: asyncpg.Connection, order_id: UUID) -> None:
    if await repo.get(conn, order_id) is None:
        raise NotFound(f"maintenance work order {order_id} does not exist")

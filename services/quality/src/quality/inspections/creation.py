"""Making an inspection lot: the plan that applies, the sample it takes, the hold on the
lot it inspects (inventory quarantines the lot until the usage decision)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

import asyncpg
import msgspec

from quality.aql import SwitchingState
from quality.caller import Caller
from quality.inspections import repo
from quality.inspections.models import Inspection
from quality.inspections.sampling import sample
from quality.plans import repo as plans_repo
from quality.plans.models import Plan
from unison_bus import Event, LiveData, announce_many
from unison_events.quality import InspectionCreated, LotHoldPlaced


class Spec(msgspec.Struct, frozen=True, kw_only=True):
    """What is to be inspected, and why."""

    plant_id: UUID
    material_id: UUID
    quantity: Decimal
    unit: str
    trigger: str
    lot: str | None = None
    source_key: str | None = None
    work_order_id: UUID | None = None
    operation_no: int | None = None
    work_center_id: UUID | None = None
    supplier: str | None = None
    plan: Plan | None = None
    hold_lot: bool = True


async def plan_for(conn: asyncpg.Connection, spec: Spec) -> Plan | None:
    if spec.plan is not None:
        return spec.plan
    if spec.trigger == "manual":
        return None
    scope = (
        spec.material_id,
        spec.plant_id,
        spec.trigger,
        datetime.now(UTC).date(),
        spec.operation_no,
        spec.supplier,
    )
    return await plans_repo.applicable(conn, scope)


def _events(caller: Caller, found: Inspection) -> list[tuple[Event, UUID | str, LiveData | None]]:
    org = caller.tenant.organization_id
    created = InspectionCreated(
        organization_id=org,
        plant_id=found.plant_id,
        inspection_id=found.id,
        number=found.number,
        material_id=found.material_id,
        lot=found.lot,
        trigger=found.trigger,
        quantity=found.quantity,
        unit=found.unit,
        sample_size=found.sample_size,
        work_order_id=found.work_order_id,
        work_center_id=found.work_center_id,
        supplier=found.supplier,
    )
    live: LiveData = {"number": found.number, "status": found.status}
    events: list[tuple[Event, UUID | str, LiveData | None]] = [(created, found.id, live)]
    if found.lot_held and found.lot is not None:
        hold = LotHoldPlaced(
            organization_id=org,
            plant_id=found.plant_id,
            inspection_id=found.id,
            inspection_number=found.number,
            material_id=found.material_id,
            lot=found.lot,
            reason=f"awaiting inspection {found.number}",
        )
        events.append((hold, found.id, None))
    return events


async def create_in(conn: asyncpg.Connection, caller: Caller, spec: Spec) -> Inspection | None:
    """Make the lot inside the caller's transaction; None when no plan applies (nothing
    to inspect) or its source made one already."""
    plan = await plan_for(conn, spec)
    if plan is None and spec.trigger != "manual":
        return None
    stream = (spec.plant_id, spec.material_id, spec.supplier or "")
    state = (
        await repo.state(conn, stream, lock=False)
        if plan is not None and plan.sampling == "aql"
        else SwitchingState()
    )
    taken = sample(plan, spec.quantity, state)
    number = f"QI-{await repo.next_number(conn, 'inspection'):06d}"
    new = repo.NewInspection(
        plant_id=spec.plant_id,
        plan_id=plan.id if plan else None,
        material_id=spec.material_id,
        lot=spec.lot,
        quantity=spec.quantity,
        unit=spec.unit,
        trigger=spec.trigger,
        source_key=spec.source_key,
        work_order_id=spec.work_order_id,
        operation_no=spec.operation_no,
        work_center_id=spec.work_center_id,
        supplier=spec.supplier,
        severity=taken.severity,
        sample_size=taken.size,
        acceptance_number=taken.acceptance,
        rejection_number=taken.rejection,
        characteristics=plan.characteristics if plan else [],
        lot_held=spec.hold_lot and spec.lot is not None,
    )
    found = await repo.insert(conn, number, new)
    if found is not None:
        await announce_many(conn, _events(caller, found))
    return found

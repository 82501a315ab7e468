"""Quality's inspection plans: ``quality.inspection_plan.changed``; the rebuild reads
``GET /api/quality/inspection-plans`` (the material number from the materials it read
first). Scoped to the plan's plant: found by its material's number, description, supplier
and trigger."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import asyncpg
import msgspec

from search.documents.models import DocumentIn
from search.feeds.index import words, write
from unison_events.quality import InspectionPlanChanged

ENTITY = "inspection_plan"
SOURCE = "/api/quality/inspection-plans"


class InspectionPlan(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    plant_id: UUID
    material_id: UUID
    trigger: str
    revision: int
    status: str
    valid_from: date
    description: str | None = None
    supplier: str | None = None
    material_number: str | None = None


def document(plan: InspectionPlan, changed_at: datetime) -> DocumentIn:
    trigger = plan.trigger.replace("_", " ")
    return DocumentIn(
        entity_type=ENTITY,
        entity_id=str(plan.id),
        plant_id=plan.plant_id,
        title=plan.description
        or words("Inspection plan", plan.material_number, f"{trigger}, revision {plan.revision}"),
        body=words(plan.material_number, plan.description),
        extra=words(trigger, plan.supplier, f"revision {plan.revision}"),
        status=plan.status,
        doc_date=plan.valid_from,
        link=f"/quality/inspection-plans/{plan.id}",
        changed_at=changed_at,
    )


def from_event(event: InspectionPlanChanged) -> DocumentIn:
    if event.plant_id is None:
        raise ValueError(f"inspection plan {event.plan_id} names no plant")
    plan = InspectionPlan(
        id=event.plan_id,
        plant_id=event.plant_id,
        material_id=event.material_id,
        trigger=event.trigger,
        revision=event.revision,
        status=event.status,
        valid_from=event.valid_from,
        description=event.description,
        supplier=event.supplier,
        material_number=event.material_number,
    )
    return document(plan, event.occurred_at)


async def on_inspection_plan(conn: asyncpg.Connection, event: InspectionPlanChanged) -> None:
    await write(conn, [from_event(event)])

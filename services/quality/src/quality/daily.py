"""The daily job (pg_cron, 07:00) for one organization: overdue CAPAs and actions are
flagged and told, plans whose validity ends within 30 days are warned of, periodic
inspections are made, and yesterday's figures are published for reporting.

Each part is its own transaction: a failure of one does not undo the others, and the job
is safe to run again (everything it does is flagged, keyed or replaced)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from quality.caller import system_caller
from quality.capas.service import flag_overdue
from quality.figures.service import publish_day
from quality.inspections.periodic import create_due
from quality.notifications import notify
from quality.plans import repo as plans_repo
from quality.plans.models import Plan
from quality.read_models import repo as read_models
from quality.read_models.repo import MaterialRow
from unison_bus import JobContext, publish_many
from unison_events.quality import InspectionPlanChanged

KIND = "quality.daily"
WARN_AHEAD = timedelta(days=30)


def _expiring(
    organization_id: UUID, plan: Plan, materials: dict[UUID, MaterialRow]
) -> InspectionPlanChanged:
    material = materials.get(plan.material_id)
    return InspectionPlanChanged(
        organization_id=organization_id,
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
        expiring=True,
    )


async def run(ctx: JobContext) -> dict[str, Any]:
    tenant = await ctx.organization_tenant("quality")
    if not tenant.plant_ids:
        return {"plants": 0}
    caller = system_caller(tenant, f"job:{ctx.job_id}")
    org = ctx.organization_id
    today = datetime.now(UTC).date()
    async with ctx.database.transaction(tenant) as conn:
        capas, actions = await flag_overdue(conn, caller, today)
    async with ctx.database.transaction(tenant) as conn:
        plans = await plans_repo.expiring(conn, today, today + WARN_AHEAD)
        if plans:
            materials = await read_models.materials_get(conn, list({p.material_id for p in plans}))
            await publish_many(conn, [_expiring(org, p, materials) for p in plans])
            by_plant: dict[UUID, list[str]] = defaultdict(list)
            for p in plans:
                m = materials.get(p.material_id)
                name = f"{m.number} {m.description}" if m else str(p.material_id)
                by_plant[p.plant_id].append(
                    f"{name}: {p.trigger.replace('_', ' ')} plan revision {p.revision}"
                    f" valid until {p.valid_to}"
                )
            for plant_id, lines in by_plant.items():
                await notify(
                    conn,
                    kind="plan_expiring",
                    plant_id=plant_id,
                    subject=f"{len(lines)} inspection plan(s) expire within 30 days",
                    body="\n".join(lines),
                    organization_id=org,
                )
            await plans_repo.expiry_warned(conn, [p.id for p in plans])
    async with ctx.database.transaction(tenant) as conn:
        periodic = await create_due(conn, caller, today)
    async with ctx.database.transaction(tenant) as conn:
        figures = await publish_day(conn, org, today - timedelta(days=1))
    return {
        "capas_overdue": capas,
        "actions_overdue": actions,
        "plans_expiring": len(plans),
        "periodic_inspections": len(periodic),
        "figures": figures,
    }

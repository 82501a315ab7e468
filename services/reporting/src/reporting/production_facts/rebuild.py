"""The ``reporting.rebuild_rollups`` job: the rollups of a period (production's,
quality's, maintenance's and
inventory's) recomputed from the facts, a week per transaction (each
week's hours and days are complete on their own, so a cancelled or failed rebuild leaves
every week either old or new, never half)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from reporting.dashboard_cache import freshness
from reporting.inventory_facts import freshness as inventory_freshness
from reporting.inventory_facts import repo as inventory
from reporting.maintenance_facts import repo as maintenance
from reporting.production_facts import repo, work_orders
from reporting.quality_facts import capability
from reporting.quality_facts import repo as quality
from unison_bus import JobContext
from unison_pg import Tenant

STEP = timedelta(days=7)


class ArchivedFacts(Exception):
    """The period reaches months whose facts were archived: their rollups are all that is
    left, so they are never rebuilt (the weeks before stay rebuilt)."""

    def __init__(self, months: list[str]) -> None:
        super().__init__(f"the facts of {', '.join(months)} were archived; not rebuilt")


def _weeks(first: date, last: date) -> list[tuple[date, date]]:
    chunks = []
    start = first
    while start <= last:
        chunks.append((start, min(start + STEP - timedelta(days=1), last)))
        start += STEP
    return chunks


async def run(ctx: JobContext) -> dict[str, Any]:
    first = date.fromisoformat(ctx.params["from"])
    last = date.fromisoformat(ctx.params["to"])
    known = await ctx.organization_tenant("reporting")
    # Every plant the organization has rollups in, and the requester's: a plant whose
    # rollups were lost entirely is found through the token that asked.
    plants = {*known.plant_ids, *(UUID(p) for p in ctx.params.get("plant_ids", []))}
    tenant = Tenant(ctx.organization_id, tuple(sorted(plants, key=str)), known.user_id)
    chunks = _weeks(first, last)
    hourly = daily = quality_daily = defect_daily = inspection_daily = maintenance_daily = 0
    inventory_totals = [0, 0, 0]
    work_order_daily = spc_daily = 0
    for done, (start, end) in enumerate(chunks):
        await ctx.progress(done, len(chunks), f"{start} to {end}")
        async with ctx.database.transaction(tenant) as conn:
            # Checked again here: the archive may have run since the request was accepted.
            archived = await repo.archived_months(conn, start, end)
            if archived:
                raise ArchivedFacts(archived)
            h, d = await repo.rebuild(conn, ctx.organization_id, start, end)
            await freshness.rebuilt(conn, ctx.organization_id, tenant.plant_ids, (start, end))
            q, f, i = await quality.rebuild(conn, start, end)
            maintenance_daily += await maintenance.rebuild(conn, start, end)
            inventory_rows = await inventory.rebuild(conn, start, end)
            await inventory_freshness.rebuilt(
                conn, ctx.organization_id, tenant.plant_ids, (start, end)
            )
            work_order_daily += await work_orders.rebuild(conn, start, end)
            spc_daily += await capability.rebuild(conn, start, end)
        inventory_totals = [a + b for a, b in zip(inventory_totals, inventory_rows, strict=True)]
        hourly, daily = hourly + h, daily + d
        quality_daily, defect_daily = quality_daily + q, defect_daily + f
        inspection_daily += i
    await ctx.progress(len(chunks), len(chunks), "done")
    return {
        "hourly_rows": hourly,
        "daily_rows": daily,
        "quality_daily_rows": quality_daily,
        "defect_daily_rows": defect_daily,
        "inspection_daily_rows": inspection_daily,
        "maintenance_daily_rows": maintenance_daily,
        "inventory_plant_daily_rows": inventory_totals[0],
        "inventory_daily_rows": inventory_totals[1],
        "inventory_stock_rows": inventory_totals[2],
        "work_order_daily_rows": work_order_daily,
        "spc_daily_rows": spc_daily,
        "plants": len(plants),
    }

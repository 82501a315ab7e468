"""A scheduled job acts for one organization and every plant it has equipment in."""

from __future__ import annotations

from uuid import UUID

from unison_bus import JobContext
from unison_pg import Tenant


async def organization_tenant(ctx: JobContext) -> Tenant:
    async with ctx.database.transaction(ctx.tenant, readonly=True) as conn:
        plants: list[UUID] = await conn.fetchval("SELECT maintenance.organization_plants()")
    return Tenant(ctx.organization_id, tuple(plants), f"job:{ctx.kind}")

"""Rescheduling when the plant changes under the plan: a work center stops, a rush order
is released. Queued in the transaction of the change, run by the worker; a burst of
changes costs one run (a job finds the plan already newer than its request and skips)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg

from production.caller import system_caller
from production.planning import service
from production.planning.models import ScheduleRequestBody
from unison_bus import JobContext, enqueue
from unison_pg import Tenant

KIND = "production.reschedule"
QUEUE = "production_jobs"


async def enqueue_reschedule(
    conn: asyncpg.Connection, organization_id: UUID, plant_id: UUID, trigger: str
) -> UUID:
    params = {
        "plant_id": str(plant_id),
        "trigger": trigger,
        "requested_at": datetime.now(UTC).isoformat(),
    }
    return await enqueue(
        conn, queue=QUEUE, organization_id=organization_id, kind=KIND, params=params
    )


async def run(ctx: JobContext) -> dict[str, Any]:
    plant_id = UUID(str(ctx.params["plant_id"]))
    requested = datetime.fromisoformat(str(ctx.params["requested_at"]))
    tenant = Tenant(ctx.organization_id, (plant_id,), f"job:{KIND}")
    caller = system_caller(tenant, f"job:{ctx.job_id}")
    async with ctx.database.transaction(tenant) as conn:
        await conn.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", f"schedule:{plant_id}"
        )
        last = await conn.fetchrow(service.Q.last_run, plant_id)
        if last is not None and last["created_at"] >= requested:
            return {"skipped": "a newer plan exists", "run_id": str(last["id"])}
        body = ScheduleRequestBody(direction=last["direction"] if last else "forward")
        run_ = await service.schedule_in(conn, caller, plant_id, body, str(ctx.params["trigger"]))
    return {"run_id": str(run_.id), "on_time_share": run_.stats.get("on_time_share")}

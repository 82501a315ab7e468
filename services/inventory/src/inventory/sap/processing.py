"""How a stored message is processed by a job, inbound or outbound alike.

The job takes the message (``processing``, one more attempt), runs the work, and the
work marks it ``processed`` in the same transaction as its business changes, so a
message is processed exactly when its effects committed. What can go wrong:

- a business refusal (``Invalid``, ``Conflict``, ``NotFound``) or SAP refusing a request
  (4xx): the message is ``failed`` with the reason, at once; a replay tries again;
- SAP unavailable (5xx, timeouts, no connection): the job fails this attempt and the job
  runner retries it with exponential back-off (1 s, 2 s, 4 s, ... capped at 5 min); after
  the last attempt the message is ``failed`` with the last error. The runner's attempts,
  not a loop here: a waiting message holds no worker slot and survives a restart;
- anything else is a bug: ``failed`` with the exception, replayable once it is fixed.
  Only the database being away is left to the runner (the job comes back by itself).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import asyncpg
import structlog

from inventory.sap import repo
from inventory.sap.client import SapRefused, SapUnavailable
from inventory.sap.orders import REQUEST_PREFIX
from inventory.service.caller import Caller
from unison_bus import JobContext, enqueue
from unison_pg import Database, DatabaseUnavailable, Tenant
from unison_pg.database import is_connection_error
from unison_web import DomainError

log = structlog.get_logger("inventory.sap")

QUEUE = "inventory_jobs"
INBOUND_JOB = "inventory.sap.inbound"
OUTBOUND_JOB = "inventory.sap.outbound"
# Inbound work calls SAP only to read a production order; pushes wait out longer
# outages (12 attempts span about 20 minutes). Longer ones end failed, for a replay.
ATTEMPTS = {INBOUND_JOB: 5, OUTBOUND_JOB: 12}

Work = Callable[[Database, Caller, repo.Started], Awaitable[str]]


async def enqueue_job(
    conn: asyncpg.Connection, tenant: Tenant, message_id: UUID, kind: str, attempts_before: int
) -> UUID:
    """Queue the job that processes the message, acting for ``tenant``."""
    max_attempts = ATTEMPTS[kind]
    params: dict[str, Any] = {
        "message_id": str(message_id),
        "plant_ids": [str(p) for p in tenant.plant_ids],
        "user_id": tenant.user_id,
        # The message's attempts count across replays; this job's own start after these.
        "attempts_before": attempts_before,
        "max_attempts": max_attempts,
    }
    job_id = await enqueue(
        conn,
        queue=QUEUE,
        organization_id=tenant.organization_id,
        kind=kind,
        params=params,
        # Headroom over ours: the runner also counts a start that crashed before the
        # message was taken, and the message's own count must be the one that decides.
        max_attempts=max_attempts + 2,
    )
    await repo.message_set_job(conn, message_id, job_id)
    return job_id


def reason(exc: DomainError) -> str:
    pointers = [e["pointer"] for e in exc.errors if e.get("pointer")]
    shown = [p for p in pointers if p not in exc.detail]
    return exc.detail + (f" (at {', '.join(shown)})" if shown else "")


async def run(ctx: JobContext, work: Work) -> dict[str, Any]:
    """Process the job's message with ``work``; the job's result says how it ended."""
    params = ctx.params
    message_id = UUID(str(params["message_id"]))
    tenant = Tenant(
        organization_id=ctx.organization_id,
        plant_ids=tuple(UUID(str(p)) for p in params.get("plant_ids", [])),
        user_id=str(params.get("user_id") or f"job:{ctx.kind}"),
    )
    caller = Caller(tenant=tenant, request_id=f"{REQUEST_PREFIX}{message_id}")
    async with ctx.database.transaction(tenant) as conn:
        message = await repo.message_start(conn, message_id, ctx.job_id)
    if message is None:
        return {"message_id": str(message_id), "status": "already finished"}
    attempt = message.attempts - int(params.get("attempts_before", 0))
    last = attempt >= int(params.get("max_attempts", 1))
    try:
        summary = await work(ctx.database, caller, message)
    except SapUnavailable as exc:
        if not last:
            note = f"attempt {attempt} failed, retrying: {exc}"
            async with ctx.database.transaction(tenant) as conn:
                await repo.message_retrying(conn, message_id, note)
            raise
        return await _failed(
            ctx.database, tenant, message, f"{exc} (gave up after {attempt} attempts)"
        )
    except SapRefused as exc:
        return await _failed(ctx.database, tenant, message, str(exc))
    except DomainError as exc:
        return await _failed(ctx.database, tenant, message, reason(exc))
    except Exception as exc:
        if isinstance(exc, DatabaseUnavailable) or is_connection_error(exc):
            raise
        log.exception("sap_message_crashed", message_id=str(message_id), kind=message.kind)
        text = f"internal error ({type(exc).__name__}: {exc}); replay once it is fixed"
        return await _failed(ctx.database, tenant, message, text)
    log.info("sap_message_processed", message_id=str(message_id), kind=message.kind)
    return {"message_id": str(message_id), "status": "processed", "summary": summary}


async def _failed(db: Database, tenant: Tenant, message: repo.Started, why: str) -> dict[str, Any]:
    async with db.transaction(tenant) as conn:
        await repo.message_failed(conn, message.id, why)
    log.warning("sap_message_failed", message_id=str(message.id), kind=message.kind, reason=why)
    return {"message_id": str(message.id), "status": "failed", "error": why}

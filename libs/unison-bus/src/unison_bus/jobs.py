"""Background jobs: a row a client follows (``bus.jobs``) plus a message on the service's
job queue. The runner marks the row running, calls the handler with a context that
reports progress and notices cancellation, and records success, failure or cancel.
A failing job is retried with back-off; after ``max_attempts`` it ends ``failed`` with its
error, never silently. While a handler runs, its message's visibility is extended so a
long job is not picked up twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import traceback
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
import structlog

from unison_bus.live import LiveUpdate, notify_live
from unison_bus.queue_loop import LoopSettings, QueueLoop
from unison_pg import Database, DatabaseUnavailable, Tenant

log = structlog.get_logger("unison_bus.jobs")


class JobCancelled(Exception):
    """Raised inside a handler (by :meth:`JobContext.progress`) when a client cancelled."""


class JobMessage(msgspec.Struct, frozen=True):
    job_id: UUID
    organization_id: UUID
    kind: str


async def enqueue(
    conn: asyncpg.Connection,
    *,
    queue: str,
    organization_id: UUID,
    kind: str,
    params: dict[str, Any] | None = None,
    max_attempts: int = 3,
) -> UUID:
    """Create the job row and its message in the caller's transaction."""
    job_id: UUID = await conn.fetchval(
        "INSERT INTO bus.jobs (organization_id, kind, params, max_attempts)"
        " VALUES ($1, $2, $3::text::jsonb, $4) RETURNING id",
        organization_id,
        kind,
        msgspec.json.encode(params or {}).decode(),
        max_attempts,
    )
    message = msgspec.json.encode(JobMessage(job_id, organization_id, kind)).decode()
    await conn.execute("SELECT pgmq.send($1, $2::text::jsonb)", queue, message)
    await notify_live(
        conn,
        LiveUpdate(
            type="job.queued", id=str(job_id), organization_id=organization_id, data={"kind": kind}
        ),
    )
    return job_id


class JobContext:
    def __init__(self, database: Database, message: JobMessage, params: dict[str, Any]) -> None:
        self._db = database
        self.database = database  # handlers open their own short transactions
        self.job_id = message.job_id
        self.organization_id = message.organization_id
        self.kind = message.kind
        self.params = params
        self.tenant = Tenant(organization_id=message.organization_id, user_id=f"job:{message.kind}")

    async def progress(self, done: int, total: int | None = None, message: str = "") -> None:
        """Record progress (its own short transaction) and stop if a client cancelled."""
        async with self._db.transaction(self.tenant) as conn:
            cancelled = await conn.fetchval(
                "UPDATE bus.jobs SET progress_done = $2,"
                " progress_total = coalesce($3, progress_total),"
                " progress_message = $4, updated_at = now()"
                " WHERE organization_id = app.current_org() AND id = $1 RETURNING cancel_requested",
                self.job_id,
                done,
                total,
                message,
            )
            await notify_live(
                conn,
                LiveUpdate(
                    type="job.progressed",
                    id=str(self.job_id),
                    organization_id=self.organization_id,
                    data={"done": done, "total": total, "message": message[:200]},
                ),
            )
        if cancelled:
            raise JobCancelled()

    async def organization_tenant(self, schema: str) -> Tenant:
        """The tenant a scheduled job acts as: its organization with every plant the
        service knows of it (``<schema>.organization_plants()``, a SECURITY DEFINER
        function each service defines, since no plant is in scope yet to read them)."""
        if not schema.isidentifier():
            raise ValueError(f"not a schema name: {schema!r}")
        async with self._db.transaction(self.tenant, readonly=True) as conn:
            plants: list[UUID] = await conn.fetchval(f"SELECT {schema}.organization_plants()")
        return Tenant(self.organization_id, tuple(plants), f"job:{self.kind}")


JobHandler = Callable[[JobContext], Awaitable[dict[str, Any] | None]]

_START = """
UPDATE bus.jobs SET status = 'running', attempts = attempts + 1, started_at = now(),
       updated_at = now(), error = NULL
 WHERE organization_id = app.current_org() AND id = $1
   AND status IN ('queued', 'running') AND NOT cancel_requested
RETURNING params::text AS params, attempts, max_attempts
"""
_FINISH = """
UPDATE bus.jobs SET status = $2, result = $3::text::jsonb, error = $4,
       finished_at = CASE WHEN $2 IN ('succeeded', 'failed', 'cancelled') THEN now() END,
       updated_at = now()
 WHERE organization_id = app.current_org() AND id = $1
"""


class JobRunner(QueueLoop):
    def __init__(
        self,
        database: Database,
        *,
        queue: str,
        handlers: Mapping[str, JobHandler],
        settings: LoopSettings | None = None,
    ) -> None:
        super().__init__(
            database, queue, settings or LoopSettings(visibility_timeout=60, concurrency=4)
        )
        self._handlers = dict(handlers)

    async def handle(self, rows: list[asyncpg.Record]) -> None:
        for row in rows:
            await self._handle_one(row)

    async def _handle_one(self, row: asyncpg.Record) -> None:
        msg_id = row["msg_id"]
        try:
            message = msgspec.json.decode(row["body"], type=JobMessage)
        except msgspec.DecodeError:
            log.error("job_message_malformed", queue=self.queue, msg_id=msg_id)
            async with self._db.transaction(None) as conn:
                await self.ack(conn, msg_id)
            return
        try:
            await self._run(msg_id, message)
        except DatabaseUnavailable as exc:
            log.warning("job_deferred", job_id=str(message.job_id), error=str(exc))

    async def _run(self, msg_id: int, message: JobMessage) -> None:
        tenant = Tenant(organization_id=message.organization_id, user_id=f"job:{message.kind}")
        async with self._db.transaction(tenant) as conn:
            started = await conn.fetchrow(_START, message.job_id)
            if started is None:  # cancelled before it ran, or already finished
                await self._finish_cancelled_if_requested(conn, message.job_id)
                await self.ack(conn, msg_id)
                return
        context = JobContext(self._db, message, msgspec.json.decode(started["params"]))
        heartbeat = asyncio.create_task(self._keep_invisible(msg_id))
        try:
            handler = self._handlers.get(message.kind)
            if handler is None:
                raise LookupError(f"no handler for job kind {message.kind!r}")
            result = await handler(context)
        except JobCancelled:
            await self._end(tenant, msg_id, message, "cancelled", None, None)
        except Exception as exc:
            await self._failed(
                tenant, msg_id, message, started["attempts"], started["max_attempts"], exc
            )
        else:
            await self._end(tenant, msg_id, message, "succeeded", result or {}, None)
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat

    async def _keep_invisible(self, msg_id: int) -> None:
        period = max(1, self.settings.visibility_timeout // 2)
        while True:
            await asyncio.sleep(period)
            with contextlib.suppress(DatabaseUnavailable):
                async with self._db.connection() as conn:
                    await self.delay(conn, msg_id, self.settings.visibility_timeout)

    async def _finish_cancelled_if_requested(self, conn: asyncpg.Connection, job_id: UUID) -> None:
        await conn.execute(
            "UPDATE bus.jobs SET status = 'cancelled', finished_at = now(), updated_at = now()"
            " WHERE organization_id = app.current_org() AND id = $1 AND cancel_requested"
            " AND status IN ('queued', 'running')",
            job_id,
        )

    async def _end(
        self,
        tenant: Tenant,
        msg_id: int,
        message: JobMessage,
        status: str,
        result: dict[str, Any] | None,
        error: str | None,
    ) -> None:
        encoded = None if result is None else msgspec.json.encode(result).decode()
        async with self._db.transaction(tenant) as conn:
            await conn.execute(_FINISH, message.job_id, status, encoded, error)
            await self.ack(conn, msg_id)
            await notify_live(
                conn,
                LiveUpdate(
                    type=f"job.{status}",
                    id=str(message.job_id),
                    organization_id=message.organization_id,
                ),
            )
        log.info("job_finished", job_id=str(message.job_id), kind=message.kind, status=status)

    async def _failed(
        self,
        tenant: Tenant,
        msg_id: int,
        message: JobMessage,
        attempts: int,
        max_attempts: int,
        exc: Exception,
    ) -> None:
        error = f"{type(exc).__name__}: {exc}"
        log.warning(
            "job_failed",
            job_id=str(message.job_id),
            kind=message.kind,
            attempt=attempts,
            error=error,
            traceback="".join(traceback.format_exception(exc, limit=4))[-2000:],
        )
        if attempts >= max_attempts:
            await self._end(tenant, msg_id, message, "failed", None, error)
            return
        async with self._db.transaction(tenant) as conn:
            await conn.execute(_FINISH, message.job_id, "queued", None, error)
            await self.delay(conn, msg_id, self.settings.backoff(attempts))

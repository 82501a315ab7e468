"""The ops API every service mounts: its dead letters, its jobs, its schedules.

Dead letters and jobs are tenant data: an admin sees and replays only their own
organization's. Schedules are the service's pg_cron jobs with their recent runs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Response, delete, get, post
from litestar.di import NamedDependency
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath, QueryParameter

from unison_auth import Principal
from unison_bus.live import LiveUpdate, notify_live
from unison_pg import Database, Tenant
from unison_web import NotFound
from unison_web.auth import require_role
from unison_web.ops_page import ops_page_routes
from unison_web.paging import Page, check_limit, decode_cursor, encode_cursor

Limit = Annotated[int, QueryParameter(ge=1, le=500)]
Cursor = Annotated[str | None, QueryParameter()]


class DeadLetter(msgspec.Struct):
    id: int
    topic: str
    error: str
    traceback: str
    attempts: int
    failed_at: str
    enqueued_at: datetime
    event: dict[str, Any]


class Job(msgspec.Struct):
    id: UUID
    kind: str
    status: str
    progress_done: int
    progress_total: int | None
    progress_message: str
    result: dict[str, Any] | None
    error: str | None
    attempts: int
    max_attempts: int
    created_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class ScheduleRun(msgspec.Struct):
    status: str | None
    return_message: str | None
    start_time: datetime | None
    end_time: datetime | None


class Schedule(msgspec.Struct):
    name: str
    schedule: str
    active: bool
    command: str
    runs: list[ScheduleRun]
    failures: int


class Replayed(msgspec.Struct):
    replayed: int


class Purged(msgspec.Struct):
    purged: int


_LETTER_COLUMNS = (
    "msg_id, enqueued_at, message->>'topic' AS topic, message->>'error' AS error,"
    " message->>'traceback' AS traceback, (message->>'read_ct')::int AS attempts,"
    " message->>'failed_at' AS failed_at, message->'event' AS event"
)
_JOB_COLUMNS = (
    "id, kind, status, progress_done, progress_total, progress_message, result, error,"
    " attempts, max_attempts, created_by, created_at, started_at, finished_at"
)


def _letter(row: Any) -> DeadLetter:
    return DeadLetter(
        id=row["msg_id"],
        topic=row["topic"] or "",
        error=row["error"] or "",
        traceback=row["traceback"] or "",
        attempts=row["attempts"] or 0,
        failed_at=row["failed_at"] or "",
        enqueued_at=row["enqueued_at"],
        event=row["event"] or {},
    )


async def _letters_changed(conn: Any, service: str, principal: Principal, verb: str) -> None:
    # Open ops pages of the organization refresh their dead-letter list.
    update = LiveUpdate(
        type=f"ops.dead_letters_{verb}",
        id=service,
        organization_id=principal.organization_id,
        data={"service": service},
    )
    await notify_live(conn, update)


def ops_routes(service: str, database: Database) -> list[HTTPRouteHandler]:
    """Routes under ``/api/<service>/admin`` and ``/api/<service>/jobs``."""
    dlq = f"pgmq.q_{service}_events_dlq"
    queue = f"{service}_events"
    base = f"/api/{service}"
    # The organization is matched inside the dead letter, as the event carried it.
    mine = "message->'event'->>'organization_id' = $1"

    @get(f"{base}/admin/dead-letters", tags=["ops"])
    async def list_dead_letters(
        principal: NamedDependency[Principal], limit: Limit = 50, cursor: Cursor = None
    ) -> Page[DeadLetter]:
        require_role(principal, "admin")
        check_limit(limit)
        after = int(decode_cursor(cursor, 1)[0]) if cursor else 0
        async with database.connection() as conn:
            rows = await conn.fetch(
                f"SELECT {_LETTER_COLUMNS} FROM {dlq} WHERE {mine} AND msg_id > $2"
                " ORDER BY msg_id LIMIT $3",
                str(principal.organization_id),
                after,
                limit + 1,
            )
        items = [_letter(r) for r in rows[:limit]]
        more = len(rows) > limit
        return Page(items, encode_cursor([items[-1].id]) if more else None)

    async def _replay(principal: NamedDependency[Principal], msg_id: int | None) -> int:
        where = f"{mine} AND msg_id = $2" if msg_id is not None else mine
        args: list[Any] = [str(principal.organization_id)]
        if msg_id is not None:
            args.append(msg_id)
        async with database.transaction(None) as conn:
            rows = await conn.fetch(
                f"SELECT msg_id, message->'event' AS event, message->'headers' AS headers"
                f" FROM {dlq} WHERE {where} ORDER BY msg_id FOR UPDATE SKIP LOCKED",
                *args,
            )
            for row in rows:
                await conn.execute(
                    "SELECT pgmq.send($1, $2::jsonb, $3::jsonb)",
                    queue,
                    row["event"],
                    row["headers"],
                )
                await conn.execute(
                    "SELECT pgmq.delete($1, $2::bigint)", f"{service}_events_dlq", row["msg_id"]
                )
            await _letters_changed(conn, service, principal, "replayed")
        return len(rows)

    @post(f"{base}/admin/dead-letters/{{msg_id:int}}/replay", tags=["ops"], status_code=200)
    async def replay_one(principal: NamedDependency[Principal], msg_id: FromPath[int]) -> Replayed:
        require_role(principal, "admin")
        if await _replay(principal, msg_id) == 0:
            raise NotFound(f"no dead letter {msg_id}")
        return Replayed(1)

    @post(f"{base}/admin/dead-letters/replay", tags=["ops"], status_code=200)
    async def replay_all(principal: NamedDependency[Principal]) -> Replayed:
        require_role(principal, "admin")
        return Replayed(await _replay(principal, None))

    @delete(f"{base}/admin/dead-letters", tags=["ops"], status_code=200)
    async def purge(principal: NamedDependency[Principal]) -> Purged:
        require_role(principal, "admin")
        async with database.transaction(None) as conn:
            status = await conn.execute(
                f"DELETE FROM {dlq} WHERE {mine}", str(principal.organization_id)
            )
            await _letters_changed(conn, service, principal, "purged")
        return Purged(int(status.split()[-1]))

    @get(f"{base}/admin/schedules", tags=["ops"])
    async def schedules(
        principal: NamedDependency[Principal], runs: Annotated[int, QueryParameter(ge=1, le=50)] = 5
    ) -> list[Schedule]:
        require_role(principal, "admin")
        async with database.connection() as conn:
            rows = await conn.fetch("SELECT * FROM bus.schedule_runs($1)", runs)
        by_name: dict[str, Schedule] = {}
        for r in rows:
            s = by_name.setdefault(
                r["jobname"],
                Schedule(r["jobname"], r["schedule"], r["active"], r["command"], [], 0),
            )
            if r["runid"] is not None:
                s.runs.append(
                    ScheduleRun(r["status"], r["return_message"], r["start_time"], r["end_time"])
                )
                s.failures += r["status"] == "failed"
        return list(by_name.values())

    return [
        *_job_routes(base, database),
        list_dead_letters,
        replay_one,
        replay_all,
        purge,
        schedules,
        *ops_page_routes(service, database),
    ]


def _job_routes(base: str, database: Database) -> list[HTTPRouteHandler]:
    @get(f"{base}/jobs", tags=["jobs"])
    async def list_jobs(
        tenant: NamedDependency[Tenant], limit: Limit = 50, cursor: Cursor = None
    ) -> Page[Job]:
        check_limit(limit)
        async with database.transaction(tenant, readonly=True) as conn:
            if cursor:
                created, job_id = decode_cursor(cursor, 2)
                rows = await conn.fetch(
                    f"SELECT {_JOB_COLUMNS} FROM bus.jobs WHERE organization_id = app.current_org()"
                    " AND owner = current_user AND (created_at, id) < ($1::timestamptz, $2::uuid)"
                    " ORDER BY created_at DESC, id DESC LIMIT $3",
                    datetime.fromisoformat(created),
                    UUID(job_id),
                    limit + 1,
                )
            else:
                rows = await conn.fetch(
                    f"SELECT {_JOB_COLUMNS} FROM bus.jobs WHERE organization_id = app.current_org()"
                    " AND owner = current_user ORDER BY created_at DESC, id DESC LIMIT $1",
                    limit + 1,
                )
        items = [Job(**dict(r)) for r in rows[:limit]]
        more = len(rows) > limit
        next_cursor = (
            encode_cursor([items[-1].created_at.isoformat(), str(items[-1].id)]) if more else None
        )
        return Page(items, next_cursor)

    @get(f"{base}/jobs/{{job_id:uuid}}", tags=["jobs"])
    async def get_job(tenant: NamedDependency[Tenant], job_id: FromPath[UUID]) -> Job:
        async with database.transaction(tenant, readonly=True) as conn:
            row = await conn.fetchrow(f"SELECT {_JOB_COLUMNS} FROM bus.jobs WHERE id = $1", job_id)
        if row is None:
            raise NotFound(f"no job {job_id}")
        return Job(**dict(row))

    @delete(f"{base}/jobs/{{job_id:uuid}}", tags=["jobs"], status_code=202)
    async def cancel_job(tenant: NamedDependency[Tenant], job_id: FromPath[UUID]) -> Response[Job]:
        async with database.transaction(tenant) as conn:
            row = await conn.fetchrow(
                "UPDATE bus.jobs SET cancel_requested = true,"
                " status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END,"
                " finished_at = CASE WHEN status = 'queued' THEN now() ELSE finished_at END,"
                f" updated_at = now() WHERE id = $1 RETURNING {_JOB_COLUMNS}",
                job_id,
            )
        if row is None:
            raise NotFound(f"no job {job_id}")
        return Response(Job(**dict(row)), status_code=202)

    return [list_jobs, get_job, cancel_job]

"""What a service's ops page shows, read in one go: queues, throughput, dead letters,
jobs, schedules (PostgreSQL), and traffic, pool and recent errors (this process)."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from functools import cache
from pathlib import Path
from uuid import UUID

import msgspec

from unison_pg import Database, Queries, Tenant
from unison_web.observability import Metrics
from unison_web.request_window import RecentError, Traffic

JOBS_SHOWN = 25
LETTERS_SHOWN = 25
RUNS_SHOWN = 5


class QueueDepth(msgspec.Struct, frozen=True):
    queue: str
    depth: int
    in_flight: int
    oldest_seconds: float | None


class LetterRow(msgspec.Struct, frozen=True):
    id: int
    topic: str
    error: str
    attempts: int
    failed_at: str
    event_id: str


class JobRow(msgspec.Struct, frozen=True):
    id: UUID
    kind: str
    status: str
    progress_done: int
    progress_total: int | None
    progress_message: str
    error: str | None
    attempts: int
    max_attempts: int
    cancel_requested: bool
    created_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class RunRow(msgspec.Struct, frozen=True):
    status: str | None
    message: str | None
    start_time: datetime | None
    end_time: datetime | None


class ScheduleRow(msgspec.Struct):
    name: str
    schedule: str
    active: bool
    runs: list[RunRow]

    @property
    def failures(self) -> int:
        return sum(r.status == "failed" for r in self.runs)


class Pool(msgspec.Struct, frozen=True):
    size: int
    idle: int
    max: int

    @property
    def in_use(self) -> int:
        return self.size - self.idle


class ServiceView(msgspec.Struct, frozen=True):
    service: str
    organization_id: UUID
    queues: list[QueueDepth]
    handled_per_minute: list[int]  # the last 60 minutes, oldest first
    letters: list[LetterRow]
    jobs: list[JobRow]
    schedules: list[ScheduleRow]
    traffic: Traffic
    pool: Pool
    errors: list[RecentError]  # newest first


class ServiceSummary(msgspec.Struct, frozen=True):
    """The few figures the gateway's overview shows per service (caller's organization)."""

    service: str
    backlog: int
    oldest_seconds: float | None
    dead_letters: int
    handled_last_hour: int


@cache
def queries(service: str) -> Queries:
    if not service.isidentifier():
        raise ValueError(f"not a service name: {service!r}")
    template = Queries.load(Path(__file__).with_name("queries.sql"))
    return Queries(
        {name: sql.replace("{service}", service) for name, sql in template.items()},
        f"ops_page/queries.sql for {service}",
    )


def per_minute(counts: dict[int, int], now: float | None = None) -> list[int]:
    """The last 60 minutes, oldest first, from {minute since the epoch: count}."""
    current = int((now or time.time()) // 60)
    return [counts.get(current - 59 + i, 0) for i in range(60)]


async def _queues(db: Database, service: str, org: str) -> list[QueueDepth]:
    async with db.connection() as conn:
        rows = await conn.fetch(queries(service).queue_depths, org)
    return [QueueDepth(r["queue"], r["depth"], r["in_flight"], r["oldest_seconds"]) for r in rows]


async def _letters(db: Database, service: str, org: str) -> list[LetterRow]:
    async with db.connection() as conn:
        rows = await conn.fetch(queries(service).dead_letters, org, LETTERS_SHOWN)
    return [
        LetterRow(
            r["msg_id"],
            r["topic"] or "",
            r["error"] or "",
            r["attempts"] or 0,
            r["failed_at"] or r["enqueued_at"].isoformat(),
            r["event_id"] or "",
        )
        for r in rows
    ]


async def _tenant_reads(
    db: Database, service: str, tenant: Tenant
) -> tuple[list[int], list[JobRow]]:
    q = queries(service)
    async with db.transaction(tenant, readonly=True) as conn:
        handled = await conn.fetch(q.handled_per_minute)
        jobs = await conn.fetch(q.jobs_recent, JOBS_SHOWN)
    return (
        per_minute({r["minute"]: r["handled"] for r in handled}),
        [JobRow(**dict(r)) for r in jobs],
    )


async def _schedules(db: Database, service: str) -> list[ScheduleRow]:
    async with db.connection() as conn:
        rows = await conn.fetch(queries(service).schedule_runs, RUNS_SHOWN)
    by_name: dict[str, ScheduleRow] = {}
    for r in rows:
        row = by_name.setdefault(
            r["jobname"], ScheduleRow(r["jobname"], r["schedule"], r["active"], [])
        )
        if r["runid"] is not None:
            run = RunRow(r["status"], r["return_message"], r["start_time"], r["end_time"])
            row.runs.append(run)
    return list(by_name.values())


async def service_view(db: Database, service: str, tenant: Tenant, metrics: Metrics) -> ServiceView:
    org = str(tenant.organization_id)
    queues, letters, (handled, jobs), schedules = await asyncio.gather(
        _queues(db, service, org),
        _letters(db, service, org),
        _tenant_reads(db, service, tenant),
        _schedules(db, service),
    )
    size, idle, most = db.pool_stats()
    return ServiceView(
        service=service,
        organization_id=tenant.organization_id,
        queues=queues,
        handled_per_minute=handled,
        letters=letters,
        jobs=jobs,
        schedules=schedules,
        traffic=metrics.window.traffic(),
        pool=Pool(size, idle, most),
        errors=list(reversed(metrics.window.errors)),
    )


async def service_summary(db: Database, service: str, tenant: Tenant) -> ServiceSummary:
    queues, (handled, _jobs) = await asyncio.gather(
        _queues(db, service, str(tenant.organization_id)), _tenant_reads(db, service, tenant)
    )
    waiting = [q for q in queues if not q.queue.endswith("_dlq")]
    ages = [q.oldest_seconds for q in waiting if q.oldest_seconds is not None]
    return ServiceSummary(
        service=service,
        backlog=sum(q.depth for q in waiting),
        oldest_seconds=max(ages) if ages else None,
        dead_letters=sum(q.depth for q in queues if q.queue.endswith("_dlq")),
        handled_last_hour=sum(handled),
    )

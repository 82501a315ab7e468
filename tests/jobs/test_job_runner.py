"""Background jobs: followed through their row, with progress, cancel, retry and failure."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import asyncpg
import pytest

from unison_bus import JobContext, JobRunner, LoopSettings, enqueue
from unison_pg import Database, Tenant


@pytest.fixture
async def job_queue(owner_conn: asyncpg.Connection) -> AsyncIterator[str]:
    queue = f"jobs_{uuid.uuid4().hex[:8]}"
    await owner_conn.execute("SELECT pgmq.create($1)", queue)
    await owner_conn.execute("SELECT bus.enable_notify($1)", queue)
    await owner_conn.execute(
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON pgmq.q_{queue} TO unison_inventory"
    )
    yield queue
    await owner_conn.execute("SELECT pgmq.drop_queue($1)", queue)


@pytest.fixture
async def database(role_dsn: Callable[[str], str]) -> AsyncIterator[Database]:
    db = Database(role_dsn("inventory"), max_size=6)
    await db.open()
    yield db
    await db.close()


async def _job(database: Database, org: uuid.UUID, job_id: uuid.UUID) -> asyncpg.Record:
    async with database.transaction(Tenant(organization_id=org)) as conn:
        row = await conn.fetchrow(
            "SELECT status, progress_done, progress_total, result, error, attempts"
            " FROM bus.jobs WHERE id = $1",
            job_id,
        )
    assert row is not None
    return row


async def _wait_status(
    database: Database, org: uuid.UUID, job_id: uuid.UUID, statuses: set[str]
) -> asyncpg.Record:
    async with asyncio.timeout(30):
        while (row := await _job(database, org, job_id))["status"] not in statuses:
            await asyncio.sleep(0.05)
    return row


async def _start(runner: JobRunner) -> tuple[asyncio.Event, asyncio.Task[None]]:
    stopping = asyncio.Event()
    return stopping, asyncio.create_task(runner.run(stopping))


async def _enqueue(
    database: Database, queue: str, org: uuid.UUID, kind: str, **kw: Any
) -> uuid.UUID:
    async with database.transaction(Tenant(organization_id=org)) as conn:
        return await enqueue(conn, queue=queue, organization_id=org, kind=kind, **kw)


async def test_a_job_reports_progress_and_its_result(
    database: Database, job_queue: str, org_id: uuid.UUID
) -> None:
    async def count_bins(ctx: JobContext) -> dict[str, Any]:
        for i in range(1, 4):
            await ctx.progress(i, 3, f"bin {i}")
        return {"bins": 3, "warehouse": ctx.params["warehouse"]}

    runner = JobRunner(database, queue=job_queue, handlers={"count": count_bins})
    stopping, task = await _start(runner)
    job_id = await _enqueue(database, job_queue, org_id, "count", params={"warehouse": "W1"})
    row = await _wait_status(database, org_id, job_id, {"succeeded", "failed"})
    stopping.set()
    await task
    assert row["status"] == "succeeded"
    assert (row["progress_done"], row["progress_total"]) == (3, 3)
    assert row["result"] == {"bins": 3, "warehouse": "W1"}


async def test_a_failing_job_is_retried_then_ends_failed_with_its_error(
    database: Database, job_queue: str, org_id: uuid.UUID
) -> None:
    calls: list[int] = []

    async def flaky(ctx: JobContext) -> None:
        calls.append(1)
        raise ConnectionRefusedError("SAP gateway refused the connection")

    runner = JobRunner(
        database,
        queue=job_queue,
        handlers={"push": flaky},
        settings=LoopSettings(backoff_base=0.0, poll_seconds=0.2),
    )
    stopping, task = await _start(runner)
    job_id = await _enqueue(database, job_queue, org_id, "push", max_attempts=2)
    row = await _wait_status(database, org_id, job_id, {"failed"})
    stopping.set()
    await task
    assert len(calls) == 2
    assert row["attempts"] == 2
    assert row["error"] == "ConnectionRefusedError: SAP gateway refused the connection"


async def test_cancelling_a_running_job_stops_it_at_its_next_progress(
    database: Database, job_queue: str, org_id: uuid.UUID
) -> None:
    reached = asyncio.Event()
    release = asyncio.Event()

    async def long_export(ctx: JobContext) -> None:
        await ctx.progress(1, 100)
        reached.set()
        await release.wait()
        await ctx.progress(2, 100)
        raise AssertionError("should have been cancelled")

    runner = JobRunner(database, queue=job_queue, handlers={"export": long_export})
    stopping, task = await _start(runner)
    job_id = await _enqueue(database, job_queue, org_id, "export")
    await asyncio.wait_for(reached.wait(), 30)
    async with database.transaction(Tenant(organization_id=org_id)) as conn:
        await conn.execute("UPDATE bus.jobs SET cancel_requested = true WHERE id = $1", job_id)
    release.set()
    row = await _wait_status(database, org_id, job_id, {"cancelled", "failed", "succeeded"})
    stopping.set()
    await task
    assert row["status"] == "cancelled"


async def test_another_organization_cannot_see_a_job(
    database: Database, job_queue: str, org_id: uuid.UUID
) -> None:
    job_id = await _enqueue(database, job_queue, org_id, "count")
    async with database.transaction(Tenant(organization_id=uuid.uuid4())) as conn:
        assert await conn.fetchval("SELECT count(*) FROM bus.jobs WHERE id = $1", job_id) == 0

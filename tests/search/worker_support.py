"""The search worker as ``python -m search.worker`` serves it (its real handler and job
tables), running in the test's event loop; events published the way their services do."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from search import worker
from unison_bus import Event, JobHandler, publish
from unison_worker.runtime import WorkerSettings, build_worker_app


@asynccontextmanager
async def running_worker(
    dsn: str, job_handlers: Mapping[str, JobHandler] | None = None
) -> AsyncIterator[None]:
    settings = WorkerSettings(database_url=dsn, http_port=0, poll_seconds=0.5, graceful_seconds=5)
    app = build_worker_app(
        "search",
        settings,
        event_handlers=worker.EVENT_HANDLERS,
        event_types=worker.EVENT_TYPES,
        job_handlers=job_handlers or {},
    )
    async with AsyncTestClient(app):  # its lifespan starts and stops the loops
        yield


async def forget_earlier_events(admin: asyncpg.Connection) -> None:
    """Other suites' services published into search's queue with no search worker running:
    this worker need not index their thousands of test documents first."""
    await admin.execute("SELECT pgmq.purge_queue('search_events')")


async def emit(conn: asyncpg.Connection, *events: Event) -> None:
    """Publish ``events`` in one transaction, as their service does with its change."""
    async with conn.transaction():
        for event in events:
            await publish(conn, event)


async def eventually(
    check: Callable[[], Awaitable[Any]], timeout: float = 15.0, every: float = 0.02
) -> Any:
    """``check()``'s first truthy answer; fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        answer = await check()
        if answer:
            return answer
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {check}")
        await asyncio.sleep(every)

"""Worker processes: a small HTTP surface for health, readiness and metrics, plus the
long-running loops (event consumption, jobs) the service gives it.

The loops run as background tasks of the same event loop; SIGTERM stops accepting new
work, lets running handlers finish (bounded by ``graceful_seconds``), then exits.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence

import msgspec
import structlog
from litestar import Litestar

from unison_config import load
from unison_log import configure
from unison_pg import Database
from unison_web import ServiceApp, create_app, serve

log = structlog.get_logger("unison_worker")

Loop = Callable[[Database, asyncio.Event], Awaitable[None]]


class WorkerSettings(msgspec.Struct, frozen=True, kw_only=True):
    database_url: str
    http_port: int
    http_host: str = "127.0.0.1"
    log_level: str = "INFO"
    pool_min: int = 1
    pool_max: int = 5
    graceful_seconds: int = 20


def build_worker_app(name: str, settings: WorkerSettings, loops: Sequence[Loop] = ()) -> Litestar:
    database = Database(
        settings.database_url,
        min_size=settings.pool_min,
        max_size=settings.pool_max,
        application_name=f"{name}-worker",
    )
    stopping = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []

    async def start_loops() -> None:
        for loop in loops:
            tasks.append(asyncio.create_task(loop(database, stopping)))
        log.info("worker_started", worker=name, loops=len(tasks))

    async def stop_loops() -> None:
        stopping.set()
        if tasks:
            _done, pending = await asyncio.wait(tasks, timeout=settings.graceful_seconds)
            for task in pending:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        log.info("worker_stopped", worker=name)

    return create_app(
        ServiceApp(
            name=f"{name}-worker",
            database=database,
            route_handlers=[],
            schemas=[name],
            on_startup=[start_loops],
            on_shutdown=[stop_loops],
        )
    )


def run_worker(name: str, loops: Sequence[Loop] = ()) -> None:
    """Entry point of ``python -m <service>.worker``."""
    settings = load(WorkerSettings, prefix="UNISON_")
    configure(f"{name}-worker", settings.log_level)
    serve(build_worker_app(name, settings, loops), settings.http_host, settings.http_port,
          graceful_seconds=settings.graceful_seconds)

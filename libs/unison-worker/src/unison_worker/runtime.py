"""Worker processes: the service's event consumer and job runner, plus a small HTTP
surface for health, readiness and metrics.

The loops run as background tasks of the same event loop; SIGTERM stops reading new
messages, lets running handlers finish (bounded by ``graceful_seconds``), then exits.
Anything unfinished reappears after its visibility timeout and, thanks to the inbox, is
applied once.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping

import msgspec
import structlog
from litestar import Litestar

from unison_bus import Consumer, EventTypes, Handler, JobHandler, JobRunner, LoopSettings
from unison_config import load
from unison_log import configure
from unison_pg import Database
from unison_web import ServiceApp, create_app, serve
from unison_web.serve import GRACEFUL_SECONDS

log = structlog.get_logger("unison_worker")


class WorkerSettings(msgspec.Struct, frozen=True, kw_only=True):
    database_url: str
    http_port: int
    http_host: str = "127.0.0.1"
    log_level: str = "INFO"
    pool_min: int = 1
    pool_max: int = 5
    graceful_seconds: int = GRACEFUL_SECONDS
    event_max_reads: int = 5  # then the event goes to the dead-letter queue
    event_concurrency: int = 8
    event_visibility_timeout: int = 30
    job_concurrency: int = 4
    job_visibility_timeout: int = 60  # extended by a heartbeat while the job runs
    poll_seconds: float = 5.0

    def events(self) -> LoopSettings:
        return LoopSettings(
            max_reads=self.event_max_reads,
            concurrency=self.event_concurrency,
            visibility_timeout=self.event_visibility_timeout,
            poll_seconds=self.poll_seconds,
        )

    def jobs(self) -> LoopSettings:
        return LoopSettings(
            concurrency=self.job_concurrency,
            visibility_timeout=self.job_visibility_timeout,
            poll_seconds=self.poll_seconds,
        )


def build_worker_app(
    name: str,
    settings: WorkerSettings,
    *,
    event_handlers: Mapping[str, Handler],
    event_types: EventTypes,
    job_handlers: Mapping[str, JobHandler],
) -> Litestar:
    database = Database(
        settings.database_url,
        min_size=settings.pool_min,
        max_size=settings.pool_max,
        application_name=f"{name}-worker",
    )
    consumer = Consumer(
        database,
        queue=f"{name}_events",
        handlers=event_handlers,
        types=event_types,
        settings=settings.events(),
    )
    jobs = JobRunner(
        database, queue=f"{name}_jobs", handlers=job_handlers, settings=settings.jobs()
    )
    stopping = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []

    async def start_loops() -> None:
        for loop in (consumer, jobs):
            tasks.append(asyncio.create_task(loop.run(stopping)))
        log.info(
            "worker_started", worker=name, events=sorted(event_handlers), jobs=sorted(job_handlers)
        )

    async def listening() -> tuple[str, bool, str]:
        # Without its LISTEN connections the worker would only notice work on the slow poll.
        ok = consumer.listener.connected.is_set() and jobs.listener.connected.is_set()
        return ("listeners", ok, "connected" if ok else "reconnecting")

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
            readiness_checks=[listening],
        )
    )


def run_worker(
    name: str,
    *,
    event_handlers: Mapping[str, Handler] | None = None,
    event_types: EventTypes | None = None,
    job_handlers: Mapping[str, JobHandler] | None = None,
) -> None:
    """Entry point of ``python -m <service>.worker``: consume ``<name>_events``, run
    ``<name>_jobs``."""
    settings = load(WorkerSettings, prefix="UNISON_")
    configure(f"{name}-worker", settings.log_level)
    app = build_worker_app(
        name,
        settings,
        event_handlers=event_handlers or {},
        event_types=event_types or EventTypes(),
        job_handlers=job_handlers or {},
    )
    serve(app, settings.http_host, settings.http_port, graceful_seconds=settings.graceful_seconds)

"""``/health`` (the process is alive), ``/ready`` (it can serve), ``/metrics`` (Prometheus)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import msgspec
from litestar import MediaType, Response, get
from litestar.handlers import HTTPRouteHandler
from prometheus_client import generate_latest

from unison_pg import Database, DatabaseUnavailable
from unison_pg.migrations import MigrationError, pending
from unison_web.observability import Metrics

ReadinessCheck = Callable[[], Awaitable[tuple[str, bool, str]]]


class Readiness:
    """Database reachable, own migrations applied, plus any checks the process adds."""

    def __init__(
        self,
        database: Database,
        db_dir: Path,
        schemas: list[str],
        checks: list[ReadinessCheck] | None = None,
    ) -> None:
        self._db = database
        self._db_dir = db_dir
        self._schemas = schemas
        self._checks = checks or []
        self._migrations_ok_until = 0.0

    async def _migrations(self) -> tuple[str, bool, str]:
        if not self._schemas or time.monotonic() < self._migrations_ok_until:
            return ("migrations", True, "current")
        try:
            async with self._db.connection() as conn:
                behind = await pending(conn, self._db_dir, self._schemas)
        except MigrationError as exc:
            return ("migrations", False, str(exc))
        except DatabaseUnavailable as exc:
            return ("migrations", False, f"database unavailable: {exc}")
        if behind:
            return ("migrations", False, "behind: " + ", ".join(m.label for m in behind))
        # Once current, a schema only moves forward; re-check now and then, not per probe.
        self._migrations_ok_until = time.monotonic() + 10
        return ("migrations", True, "current")

    async def run(self) -> tuple[bool, dict[str, dict[str, object]]]:
        results: list[tuple[str, bool, str]] = []
        db_ok = await self._db.ping()
        results.append(("database", db_ok, "reachable" if db_ok else "unreachable"))
        if db_ok:
            results.append(await self._migrations())
        else:
            self._migrations_ok_until = 0.0
        for check in self._checks:
            results.append(await check())
        ok = all(r[1] for r in results)
        return ok, {name: {"ok": good, "detail": detail} for name, good, detail in results}


def health_handlers(
    readiness: Readiness, metrics: Metrics, database: Database
) -> list[HTTPRouteHandler]:
    @get("/health", include_in_schema=False, sync_to_thread=False)
    def health() -> dict[str, str]:
        return {"status": "alive"}

    @get("/ready", include_in_schema=False)
    async def ready() -> Response[bytes]:
        ok, checks = await readiness.run()
        body = msgspec.json.encode({"status": "ready" if ok else "not_ready", "checks": checks})
        return Response(body, status_code=200 if ok else 503, media_type=MediaType.JSON)

    @get("/metrics", include_in_schema=False, sync_to_thread=False)
    def metrics_endpoint() -> Response[bytes]:
        size, idle, _max = database.pool_stats()
        metrics.pool.labels(metrics.service, "in_use").set(size - idle)
        metrics.pool.labels(metrics.service, "idle").set(idle)
        metrics.pool.labels(metrics.service, "max").set(_max)
        return Response(
            generate_latest(metrics.registry),
            media_type="text/plain; version=0.0.4; charset=utf-8",
        )

    return [health, ready, metrics_endpoint]

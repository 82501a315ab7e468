"""DuckDB over reporting's PostgreSQL tables, for whoever needs columnar work (the
analytics endpoint, the archive, exports).

A connection is one in-memory DuckDB with ``pg`` attached read-only through
postgres_scanner. It connects as the role of the DSN it is given (the reporting runtime
role, never the owner) and passes the tenant's ``app.organization_id`` and
``app.plant_ids`` as libpq ``options``, so every PostgreSQL connection DuckDB opens has
them set for its whole session and the row-level security policies (``app.current_org()``,
``app.plant_allowed()``) filter what DuckDB reads exactly as they filter asyncpg's reads.
The extension comes from the ``duckdb-extension-postgres-scanner`` package (DuckDB's own
download is never used) and must be of DuckDB's version.

DuckDB is blocking and CPU-bound: :class:`Duck` runs work in a thread, a bounded number
at a time, with a memory limit and a timeout that interrupts the query.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

import duckdb
import msgspec
import structlog

from unison_pg import Tenant
from unison_web.errors import DomainError

log = structlog.get_logger("reporting.duck")


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"the package {name} is not installed")
    return Path(spec.origin).parent


EXTENSION = (
    _package_dir("duckdb_extension_postgres_scanner")
    / "extensions"
    / f"v{duckdb.__version__}"
    / "postgres_scanner.duckdb_extension"
)
T = TypeVar("T")


class Limits(msgspec.Struct, frozen=True, kw_only=True):
    memory_limit: str = "512MB"
    threads: int = 2
    timeout_seconds: float = 30.0
    # Where DuckDB spills beyond its memory limit (None: it fails instead).
    temp_directory: str | None = None


class AnalyticsBusy(DomainError):
    status = 503
    title = "Service unavailable"


def literal(text: str) -> str:
    """A DuckDB string literal (ATTACH, LOAD and file paths take no parameters)."""
    return "'" + text.replace("'", "''") + "'"


def _option_value(value: str) -> str:
    # libpq splits ``options`` on spaces; a backslash keeps one in a value.
    return value.replace("\\", "\\\\").replace(" ", "\\ ")


def conninfo(dsn: str, tenant: Tenant) -> str:
    """``dsn`` (a URI or key/value string) with the tenant's settings as session options."""
    options = " ".join(f"-c {name}={_option_value(value)}" for name, value in tenant.settings())
    extra = {"options": options, "application_name": "reporting-duckdb"}
    if dsn.startswith(("postgresql://", "postgres://")):
        separator = "&" if "?" in dsn else "?"
        return dsn + separator + "&".join(f"{k}={quote(v, safe='')}" for k, v in extra.items())
    quoted = (v.replace("\\", "\\\\").replace("'", "\\'") for v in extra.values())
    return dsn + "".join(f" {k}='{v}'" for k, v in zip(extra, quoted, strict=True))


def connect(dsn: str, tenant: Tenant, limits: Limits) -> duckdb.DuckDBPyConnection:
    """A DuckDB with ``pg`` attached for ``tenant``. Blocking: call it off the event loop."""
    config: dict[str, str | bool | int | float | list[str]] = {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "allow_community_extensions": False,
        "memory_limit": limits.memory_limit,
        "threads": limits.threads,
    }
    if limits.temp_directory:
        config["temp_directory"] = limits.temp_directory
    conn = duckdb.connect(config=config)
    try:
        conn.execute(f"LOAD {literal(str(EXTENSION))}")
        # Months, hours and days of the queries are UTC's, as the rollups'.
        conn.execute("SET TimeZone = 'UTC'")
        # PostgreSQL stops a scan that outlives the request, even if DuckDB's interrupt
        # does not reach it.
        conn.execute(f"SET pg_statement_timeout_millis = {int(limits.timeout_seconds * 1000)}")
        conn.execute(f"ATTACH {literal(conninfo(dsn, tenant))} AS pg (TYPE postgres, READ_ONLY)")
        # Nothing the queries run may change the limits set above.
        conn.execute("SET lock_configuration = true")
    except BaseException:
        conn.close()
        raise
    return conn


class Duck:
    """Runs work on a fresh tenant-scoped DuckDB connection in a thread: at most
    ``concurrency`` at once per process, each interrupted after the timeout."""

    def __init__(self, dsn: str, limits: Limits, concurrency: int = 2) -> None:
        self.dsn = dsn
        self.limits = limits
        self._slots = asyncio.Semaphore(concurrency)

    async def run(self, tenant: Tenant, work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        timeout = self.limits.timeout_seconds
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            await asyncio.wait_for(self._slots.acquire(), timeout)
        except TimeoutError:
            raise AnalyticsBusy(f"analytics are busy: no turn within {timeout:g} s") from None
        try:
            return await self._in_thread(tenant, work, deadline - loop.time())
        finally:
            self._slots.release()

    async def _in_thread(
        self, tenant: Tenant, work: Callable[[duckdb.DuckDBPyConnection], T], seconds: float
    ) -> T:
        opened: list[duckdb.DuckDBPyConnection] = []
        stop = threading.Event()

        def job() -> T:
            conn = connect(self.dsn, tenant, self.limits)
            try:
                opened.append(conn)
                if stop.is_set():
                    raise duckdb.InterruptException("interrupted before it started")
                return work(conn)
            finally:
                conn.close()

        task = asyncio.ensure_future(asyncio.to_thread(job))
        try:
            done, _ = await asyncio.wait({task}, timeout=max(seconds, 0.001))
        except BaseException:  # the request went away: stop the query, then go
            self._interrupt(stop, opened)
            raise
        if task in done:
            return task.result()
        self._interrupt(stop, opened)
        # Wait for the thread to let go: the concurrency bound counts running queries.
        with contextlib.suppress(Exception):
            await task
        log.warning("analytics_timeout", seconds=self.limits.timeout_seconds)
        raise AnalyticsBusy(f"the query took longer than {self.limits.timeout_seconds:g} s")

    @staticmethod
    def _interrupt(stop: threading.Event, opened: list[duckdb.DuckDBPyConnection]) -> None:
        stop.set()
        for conn in opened:
            with contextlib.suppress(Exception):
                conn.interrupt()

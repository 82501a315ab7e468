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
at a time, with a memory limit and a timeout that interrupts the query, and keeps a few
tenants' DuckDBs warm.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import threading
import time
from collections import OrderedDict
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
    # The organization and plants RLS reads; DuckDB only reads, so no user is needed
    # (and kept DuckDBs are shared by the users of a tenant).
    scoped = [(n, v) for n, v in tenant.settings() if n != "app.user_id"]
    options = " ".join(f"-c {name}={_option_value(value)}" for name, value in scoped)
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
        # Months, hours and days of the queries are UTC's, as the rollups'. GLOBAL: the
        # queries run on cursors, which would otherwise have the machine's zone.
        conn.execute("SET GLOBAL TimeZone = 'UTC'")
        # PostgreSQL stops a scan that outlives the request, even if DuckDB's interrupt
        # does not reach it.
        conn.execute(f"SET pg_statement_timeout_millis = {int(limits.timeout_seconds * 1000)}")
        # Kept DuckDBs hold their PostgreSQL connections: few each.
        conn.execute("SET pg_pool_max_connections = 2")
        conn.execute(f"ATTACH {literal(conninfo(dsn, tenant))} AS pg (TYPE postgres, READ_ONLY)")
        # Nothing the queries run may change the limits set above.
        conn.execute("SET lock_configuration = true")
    except BaseException:
        conn.close()
        raise
    return conn


class _Instance:
    """One tenant's DuckDB with ``pg`` attached, kept between queries: loading the
    extension and PostgreSQL's catalog costs ~100-200 ms, a query on a kept one ~1 ms."""

    def __init__(self, conn: duckdb.DuckDBPyConnection) -> None:
        self.conn = conn
        self.busy = 0
        self.broken = False
        self.last_used = time.monotonic()


class Duck:
    """Runs work on a tenant-scoped DuckDB cursor in a thread: at most ``concurrency``
    at once per process, each interrupted after the timeout. A DuckDB per tenant
    (organization and plants) is kept, at most ``instances`` of them, each closed after
    ``idle_seconds`` unused; each query gets its own cursor (its own temporary views)."""

    def __init__(
        self,
        dsn: str,
        limits: Limits,
        concurrency: int = 2,
        *,
        instances: int = 8,
        idle_seconds: float = 300.0,
    ) -> None:
        self.dsn = dsn
        self.limits = limits
        self._slots = asyncio.Semaphore(concurrency)
        self._instances: OrderedDict[tuple[str, ...], _Instance] = OrderedDict()
        self._most = instances
        self._idle = idle_seconds
        self._lock = threading.Lock()

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

    async def close(self) -> None:
        """Close every kept DuckDB (at shutdown)."""
        with self._lock:
            kept, self._instances = list(self._instances.values()), OrderedDict()
        for instance in kept:
            await asyncio.to_thread(instance.conn.close)

    def _acquire(self, tenant: Tenant) -> _Instance:
        key = scope_key(tenant)
        with self._lock:
            found = self._instances.get(key)
            if found is not None and not found.broken:
                found.busy += 1
                self._instances.move_to_end(key)
                return found
        made = _Instance(connect(self.dsn, tenant, self.limits))
        made.busy = 1
        with self._lock:
            replaced = self._instances.get(key)
            self._instances[key] = made
            stale = self._evictable()
        for instance in ([replaced] if replaced and replaced.busy == 0 else []) + stale:
            instance.conn.close()
        return made

    def _evictable(self) -> list[_Instance]:
        """Idle instances over the limit or unused too long, removed (under the lock)."""
        now, gone = time.monotonic(), []
        for key, instance in list(self._instances.items()):
            over = len(self._instances) > self._most
            if instance.busy == 0 and (over or now - instance.last_used > self._idle):
                gone.append(self._instances.pop(key))
        return gone

    def _release(self, tenant: Tenant, instance: _Instance, failed: bool) -> None:
        with self._lock:
            instance.busy -= 1
            instance.last_used = time.monotonic()
            instance.broken = instance.broken or failed
            close = instance.busy == 0 and instance.broken
            if close and self._instances.get(scope_key(tenant)) is instance:
                del self._instances[scope_key(tenant)]
            stale = self._evictable()
        for gone in ([instance] if close else []) + stale:
            gone.conn.close()

    async def _in_thread(
        self, tenant: Tenant, work: Callable[[duckdb.DuckDBPyConnection], T], seconds: float
    ) -> T:
        opened: list[duckdb.DuckDBPyConnection] = []
        stop = threading.Event()

        def job() -> T:
            instance = self._acquire(tenant)
            failed = True
            cursor = instance.conn.cursor()
            try:
                opened.append(cursor)
                if stop.is_set():
                    raise duckdb.InterruptException("interrupted before it started")
                answer = work(cursor)
                failed = False
                return answer
            finally:
                cursor.close()
                self._release(tenant, instance, failed)

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


def scope_key(tenant: Tenant) -> tuple[str, ...]:
    """What RLS sees of a tenant: its organization and plants (not the user)."""
    return (str(tenant.organization_id), *sorted(str(p) for p in tenant.plant_ids))

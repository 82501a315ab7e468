"""The asyncpg pool of one process, tenant-scoped transactions, and reconnection.

asyncpg replaces a connection that broke when it is released, but the first statement on
a pooled connection after a server restart still fails; :meth:`Database.transaction`
turns such failures into :class:`DatabaseUnavailable` (503) instead of a 500, and the
pool heals itself as connections are recycled.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import msgspec
import structlog

from unison_pg.tenant import Tenant

log = structlog.get_logger("unison_pg")

_SET_CONTEXT = (
    "SELECT set_config('app.organization_id', $1, true),"
    " set_config('app.plant_ids', $2, true),"
    " set_config('app.user_id', $3, true)"
)

# Errors that mean "the server went away or is not accepting yet", not "your SQL is wrong".
CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.ConnectionFailureError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.exceptions.InterfaceError,
    ConnectionError,
    OSError,
    asyncio.TimeoutError,
)


# InterfaceError also covers client-side misuse (a value that does not encode, a type it
# cannot decode): those are bugs or bad input, never "the database is down".
_NOT_CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.exceptions.DataError,
    asyncpg.exceptions.UnsupportedClientFeatureError,
    asyncpg.exceptions.InternalClientError,
    asyncpg.exceptions.InterfaceWarning,
)


def is_connection_error(exc: BaseException) -> bool:
    return isinstance(exc, CONNECTION_ERRORS) and not isinstance(exc, _NOT_CONNECTION_ERRORS)


class DatabaseUnavailable(Exception):
    """PostgreSQL cannot be reached right now; callers answer 503 and retry later."""


def _encode_json(value: Any) -> str:
    return msgspec.json.encode(value).decode()


async def _init_connection(conn: asyncpg.Connection) -> None:
    for typename in ("json", "jsonb"):
        await conn.set_type_codec(
            typename, encoder=_encode_json, decoder=msgspec.json.decode, schema="pg_catalog"
        )


async def _reset_connection(conn: asyncpg.Connection) -> None:
    # asyncpg's default reset (advisory unlock, CLOSE ALL, UNLISTEN *, RESET ALL) costs a
    # round trip per checkout. Pooled connections here carry no session state: tenant
    # settings are transaction-local (set_config(..., true)) and LISTEN runs on dedicated
    # connections. Only an abandoned transaction needs undoing.
    if conn.is_in_transaction():
        await conn.execute("ROLLBACK")


class Database:
    """One pool per process; open it once at start-up and close it at shutdown."""

    def __init__(
        self,
        dsn: str,
        *,
        min_size: int = 1,
        max_size: int = 10,
        application_name: str = "unison",
        command_timeout: float = 30.0,
    ) -> None:
        self._dsn = dsn
        self._min = min_size
        self._max = max_size
        self._app = application_name
        self._timeout = command_timeout
        self._pool: asyncpg.Pool | None = None
        self._lock = asyncio.Lock()

    @property
    def dsn(self) -> str:
        return self._dsn

    async def open(self) -> None:
        """Create the pool; a server that is down now is retried on first use, not fatal."""
        try:
            await self._ensure_pool()
        except DatabaseUnavailable:
            log.warning("database_unavailable_at_start", application=self._app)

    async def _ensure_pool(self) -> asyncpg.Pool:
        if self._pool is not None:
            return self._pool
        async with self._lock:
            if self._pool is None:
                try:
                    self._pool = await asyncpg.create_pool(
                        self._dsn,
                        min_size=self._min,
                        max_size=self._max,
                        init=_init_connection,
                        reset=_reset_connection,
                        command_timeout=self._timeout,
                        max_inactive_connection_lifetime=60.0,
                        server_settings={"application_name": self._app},
                    )
                    log.info("database_pool_opened", application=self._app)
                except CONNECTION_ERRORS as exc:
                    raise DatabaseUnavailable(str(exc)) from exc
            return self._pool

    async def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            try:
                await asyncio.wait_for(pool.close(), timeout=10)
            except CONNECTION_ERRORS:  # TimeoutError is one of them
                pool.terminate()

    def pool_stats(self) -> tuple[int, int, int]:
        """(size, idle, max) for metrics."""
        if self._pool is None:
            return (0, 0, self._max)
        return (self._pool.get_size(), self._pool.get_idle_size(), self._max)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[asyncpg.Connection]:
        """A bare connection with no tenant: for system queries (health, migrations state)."""
        pool = await self._ensure_pool()
        try:
            async with pool.acquire(timeout=10) as conn:
                yield conn
        except CONNECTION_ERRORS as exc:
            if not is_connection_error(exc):
                raise
            raise DatabaseUnavailable(str(exc)) from exc

    @asynccontextmanager
    async def transaction(
        self, tenant: Tenant | None, *, readonly: bool = False
    ) -> AsyncIterator[asyncpg.Connection]:
        """A transaction scoped to ``tenant``; RLS sees nothing when ``tenant`` is None."""
        async with self.connection() as conn:
            try:
                async with conn.transaction(readonly=readonly):
                    if tenant is not None:
                        await conn.execute(_SET_CONTEXT, *[v for _, v in tenant.settings()])
                    yield conn
            except CONNECTION_ERRORS as exc:
                if not is_connection_error(exc):
                    raise
                raise DatabaseUnavailable(str(exc)) from exc

    async def ping(self) -> bool:
        try:
            async with self.connection() as conn:
                await conn.fetchval("SELECT 1")
            return True
        except DatabaseUnavailable:
            return False

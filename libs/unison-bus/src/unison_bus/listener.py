"""A LISTEN connection that survives PostgreSQL restarts.

asyncpg delivers notifications on a dedicated connection; when that connection dies,
nothing tells the application unless it watches. This keeps one connection per process,
re-LISTENs with back-off after a loss, and calls ``on_lost`` first, because anything
learnt from notifications (a cache, "no new messages") may be stale across the gap.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import asyncpg
import structlog

from unison_pg.database import CONNECTION_ERRORS

log = structlog.get_logger("unison_bus.listener")

Callback = Callable[[str, str], None]


class Listener:
    def __init__(
        self,
        dsn: str,
        channels: list[str],
        on_notify: Callback,
        *,
        on_lost: Callable[[], Awaitable[None] | None] | None = None,
        on_connected: Callable[[], Awaitable[None] | None] | None = None,
        check_interval: float = 2.0,
        name: str = "listener",
    ) -> None:
        self._name = name
        self._dsn = dsn
        self._channels = channels
        self._on_notify = on_notify
        self._on_lost = on_lost
        self._on_connected = on_connected
        self._check = check_interval
        self._task: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def _deliver(self, _conn: object, _pid: int, channel: str, payload: str) -> None:
        self._on_notify(channel, payload)

    async def _call(self, hook: Callable[[], Awaitable[None] | None] | None) -> None:
        if hook is not None:
            result = hook()
            if result is not None:
                await result

    async def _run(self) -> None:
        delay = 0.2
        while True:
            conn: asyncpg.Connection | None = None
            try:
                conn = await asyncpg.connect(
                    self._dsn, timeout=5, server_settings={"application_name": self._name}
                )
                for channel in self._channels:
                    await conn.add_listener(channel, self._deliver)
                self.connected.set()
                delay = 0.2
                log.info("listener_connected", channels=self._channels)
                await self._call(self._on_connected)
                while not conn.is_closed():
                    await asyncio.sleep(self._check)
                    await conn.execute("SELECT 1")  # a dead socket shows up here
            except asyncio.CancelledError:
                if conn is not None and not conn.is_closed():
                    await conn.close(timeout=2)
                raise
            except (*CONNECTION_ERRORS, asyncpg.PostgresError) as exc:
                log.warning("listener_lost", error=str(exc), retry_in=delay)
            finally:
                if self.connected.is_set():
                    self.connected.clear()
                    await self._call(self._on_lost)
            if conn is not None and not conn.is_closed():
                conn.terminate()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)

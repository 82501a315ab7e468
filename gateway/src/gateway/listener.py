"""One dedicated connection that LISTENs for identity changes, and reconnects forever.

Pooled connections cannot LISTEN (they are handed to other requests), so the listener
has its own. When PostgreSQL restarts or the link dies, it reconnects with exponential
back-off; every time it (re)connects it calls ``on_connect``, because notifications sent
while it was away are lost and caches must be dropped rather than trusted.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Callable
from typing import Any

import asyncpg
import structlog

log = structlog.get_logger("gateway.listener")

Handler = Callable[[str], None]

# A silent TCP peer (no RST after a crash) is only noticed by sending something.
PING_SECONDS = 10.0
MIN_BACKOFF = 0.2
MAX_BACKOFF = 10.0


class ChangeListener:
    def __init__(
        self,
        dsn: str,
        handlers: dict[str, Handler],
        on_connect: Callable[[], None],
        *,
        application_name: str = "unison-gateway-listener",
    ) -> None:
        self._dsn = dsn
        self._handlers = handlers
        self._on_connect = on_connect
        self._application_name = application_name
        self._task: asyncio.Task[None] | None = None
        self.connected = False
        self.connections = 0  # how many times a LISTEN session was established
        self.backend_pid: int | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="gateway-change-listener")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        backoff = MIN_BACKOFF
        while True:
            try:
                conn = await asyncpg.connect(
                    self._dsn,
                    timeout=5,
                    server_settings={"application_name": self._application_name},
                )
            except Exception as exc:  # whatever it is, retrying is the only useful answer
                log.warning("listener_connect_failed", error=repr(exc), retry_in=round(backoff, 2))
            else:
                started = time.monotonic()
                try:
                    await self._listen(conn)
                except Exception as exc:  # a listener that stopped would leave caches stale
                    log.warning("listener_connection_lost", error=repr(exc))
                finally:
                    self.connected = False
                    conn.terminate()
                if time.monotonic() - started > PING_SECONDS:
                    backoff = MIN_BACKOFF  # it was a working session, not a flapping one
            await asyncio.sleep(backoff * random.uniform(0.8, 1.2))
            backoff = min(backoff * 2, MAX_BACKOFF)

    async def _listen(self, conn: asyncpg.Connection) -> None:
        lost = asyncio.Event()
        conn.add_termination_listener(lambda _conn: lost.set())
        for channel, handler in self._handlers.items():
            await conn.add_listener(channel, self._dispatch(handler))
        self.connected = True
        self.connections += 1
        self.backend_pid = conn.get_server_pid()
        log.info("listener_connected", channels=sorted(self._handlers), pid=self.backend_pid)
        self._on_connect()
        while not lost.is_set():
            try:
                await asyncio.wait_for(lost.wait(), timeout=PING_SECONDS)
            except TimeoutError:
                await conn.execute("SELECT 1", timeout=5)
        log.warning("listener_connection_closed")

    @staticmethod
    def _dispatch(handler: Handler) -> Callable[[Any, int, str, str], None]:
        def callback(_conn: Any, _pid: int, _channel: str, payload: str) -> None:
            try:
                handler(payload)
            except Exception:
                log.exception("listener_handler_failed")

        return callback

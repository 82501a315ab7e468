"""A LISTEN connection that survives PostgreSQL restarts.

Pooled connections cannot LISTEN (they are handed to other requests), so each listener
has a connection of its own. When PostgreSQL restarts or the link dies it reconnects with
jittered exponential back-off. Notifications sent while it was away are lost, so it calls
``on_lost`` when the connection goes and ``on_connect`` every time it is (re)established:
whatever was learnt from notifications (caches, "nothing new") must be dropped, not
trusted. A silent peer (no RST after a crash) is noticed by a periodic ping.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import asyncpg
import structlog

log = structlog.get_logger("unison_bus.listener")

Handler = Callable[[str], None]
Hook = Callable[[], Awaitable[None] | None]

PING_SECONDS = 10.0
MIN_BACKOFF = 0.2
MAX_BACKOFF = 10.0


class Listener:
    def __init__(
        self,
        dsn: str,
        handlers: Mapping[str, Handler],
        *,
        on_connect: Hook | None = None,
        on_lost: Hook | None = None,
        name: str = "unison-listener",
        ping_seconds: float = PING_SECONDS,
    ) -> None:
        self._dsn = dsn
        self._handlers = dict(handlers)
        self._on_connect = on_connect
        self._on_lost = on_lost
        self._name = name
        self._ping = ping_seconds
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.connected = asyncio.Event()
        self.connections = 0  # how many times a LISTEN session was established
        self.backend_pid: int | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=self._name)

    async def stop(self) -> None:
        self._stopping = True  # a deliberate stop is not a lost connection
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
                    self._dsn, timeout=5, server_settings={"application_name": self._name}
                )
            except Exception as exc:
                log.warning(
                    "listener_connect_failed",
                    listener=self._name,
                    error=repr(exc),
                    retry_in=round(backoff, 2),
                )
            else:
                started = time.monotonic()
                try:
                    await self._listen(conn)
                except asyncio.CancelledError:
                    conn.terminate()
                    raise
                except Exception as exc:
                    log.warning("listener_connection_lost", listener=self._name, error=repr(exc))
                finally:
                    if self.connected.is_set():
                        self.connected.clear()
                        if not self._stopping:
                            await _call(self._on_lost)
                    conn.terminate()
                if time.monotonic() - started > self._ping:
                    backoff = MIN_BACKOFF  # that was a working session, not a flapping one
            await asyncio.sleep(backoff * random.uniform(0.8, 1.2))
            backoff = min(backoff * 2, MAX_BACKOFF)

    async def _listen(self, conn: asyncpg.Connection) -> None:
        lost = asyncio.Event()
        conn.add_termination_listener(lambda _conn: lost.set())
        for channel, handler in self._handlers.items():
            await conn.add_listener(channel, _dispatch(handler))
        self.connections += 1
        self.backend_pid = conn.get_server_pid()
        self.connected.set()
        log.info(
            "listener_connected",
            listener=self._name,
            channels=sorted(self._handlers),
            pid=self.backend_pid,
        )
        await _call(self._on_connect)
        while not lost.is_set():
            try:
                await asyncio.wait_for(lost.wait(), timeout=self._ping)
            except TimeoutError:
                await conn.execute("SELECT 1", timeout=5)
        log.warning("listener_connection_closed", listener=self._name)


async def _call(hook: Hook | None) -> None:
    if hook is not None:
        result = hook()
        if result is not None:
            await result


def _dispatch(handler: Handler) -> Callable[[Any, int, str, str], None]:
    def callback(_conn: Any, _pid: int, _channel: str, payload: str) -> None:
        try:
            handler(payload)
        except Exception:
            log.exception("listener_handler_failed")

    return callback

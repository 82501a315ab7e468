"""The consumer loop of a worker: read, handle exactly once, acknowledge, or dead-letter.

For each message, in ONE transaction scoped to the event's organization: record the
event id in the service's inbox (a replay finds it and skips), run the handler, delete
the message. A handler that raises leaves nothing behind; its message becomes visible
again after a back-off, and after ``max_reads`` attempts it moves to the dead-letter
queue with the error and a traceback summary.
"""

from __future__ import annotations

import asyncio
import time
import traceback
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import asyncpg
import msgspec
import structlog

from unison_bus.event import Event, EventTypes
from unison_bus.listener import Listener
from unison_pg import Database, DatabaseUnavailable, Tenant

log = structlog.get_logger("unison_bus.consumer")

Handler = Callable[[asyncpg.Connection, Any], Awaitable[None]]

_READ = (
    "SELECT msg_id, read_ct, message::text AS body, headers::text AS headers"
    " FROM pgmq.read($1, $2, $3)"
)


class ConsumerSettings(msgspec.Struct, frozen=True, kw_only=True):
    batch_size: int = 50
    visibility_timeout: int = 30
    max_reads: int = 5
    concurrency: int = 8
    poll_seconds: float = 5.0  # the safety net; notifications wake the loop normally
    backoff_base: float = 1.0
    backoff_max: float = 300.0


class _Headers(msgspec.Struct):
    topic: str
    event_id: str = ""
    organization_id: str = ""


class Consumer:
    """Consumes ``queue`` for one service; ``inbox`` is that service's inbox table."""

    def __init__(
        self,
        database: Database,
        *,
        queue: str,
        inbox: str,
        handlers: Mapping[str, Handler],
        types: EventTypes,
        settings: ConsumerSettings | None = None,
        on_handled: Callable[[str, float], None] | None = None,
    ) -> None:
        self._db = database
        self.queue = queue
        self.dead_letter_queue = f"{queue}_dlq"
        self._handlers = dict(handlers)
        self._types = types
        self._settings = settings or ConsumerSettings()
        self._wake = asyncio.Event()
        self._slots = asyncio.Semaphore(self._settings.concurrency)
        self._inflight: set[asyncio.Task[None]] = set()
        self._on_handled = on_handled
        self._insert_inbox = (
            f"INSERT INTO {inbox} (organization_id, event_id, topic) VALUES ($1, $2, $3)"
            " ON CONFLICT DO NOTHING RETURNING event_id"
        )
        self.listener = Listener(
            database.dsn, [f"pgmq.q_{queue}.INSERT"], self._notified,
            on_connected=self._wake.set,
        )

    def _notified(self, _channel: str, _payload: str) -> None:
        self._wake.set()

    async def run(self, stopping: asyncio.Event) -> None:
        """Until ``stopping`` is set; then finish what is in flight and return."""
        self.listener.start()
        stop_wait = asyncio.create_task(stopping.wait())
        try:
            while not stopping.is_set():
                got = await self._read_batch()
                if got:
                    continue
                self._wake.clear()
                wake = asyncio.create_task(self._wake.wait())
                await asyncio.wait({wake, stop_wait}, timeout=self._settings.poll_seconds,
                                   return_when=asyncio.FIRST_COMPLETED)
                wake.cancel()
        finally:
            stop_wait.cancel()
            if self._inflight:
                await asyncio.wait(self._inflight)
            await self.listener.stop()

    async def _read_batch(self) -> int:
        # Read only as many as there are free handler slots, so a message never waits
        # invisible in memory while its visibility timeout runs down.
        free = self._settings.concurrency - len(self._inflight)
        if free <= 0:
            await asyncio.wait(self._inflight, return_when=asyncio.FIRST_COMPLETED)
            return 1
        try:
            async with self._db.connection() as conn:
                rows = await conn.fetch(_READ, self.queue, self._settings.visibility_timeout,
                                        min(free, self._settings.batch_size))
        except DatabaseUnavailable as exc:
            log.warning("consumer_read_failed", queue=self.queue, error=str(exc))
            await asyncio.sleep(1.0)
            return 0
        for row in rows:
            task = asyncio.create_task(self._handle(row["msg_id"], row["read_ct"], row["body"],
                                                    row["headers"]))
            self._inflight.add(task)
            task.add_done_callback(self._inflight.discard)
        return len(rows)

    async def _handle(self, msg_id: int, read_ct: int, body: str, headers_text: str | None) -> None:
        started = time.perf_counter()
        topic = "?"
        try:
            headers = msgspec.json.decode(headers_text or "{}", type=_Headers)
            topic = headers.topic
            event = self._types.decode(topic, body)
            handler = self._handlers[topic]
            await self._apply(msg_id, topic, event, handler)
            if self._on_handled is not None:
                self._on_handled(topic, time.perf_counter() - started)
        except DatabaseUnavailable as exc:
            # Not the handler's fault: the message reappears after its visibility timeout.
            log.warning("event_deferred", queue=self.queue, msg_id=msg_id, error=str(exc))
        except Exception as exc:  # noqa: BLE001 - any handler error is recorded, not fatal
            await self._failed(msg_id, read_ct, topic, body, headers_text, exc)

    async def _apply(self, msg_id: int, topic: str, event: Event, handler: Handler) -> None:
        tenant = Tenant(organization_id=event.organization_id, user_id=f"event:{topic}")
        async with self._db.transaction(tenant) as conn:
            fresh = await conn.fetchval(self._insert_inbox, event.organization_id, event.id, topic)
            if fresh is not None:
                await handler(conn, event)
            else:
                log.info("event_replay_skipped", topic=topic, event_id=str(event.id))
            await conn.execute("SELECT pgmq.delete($1, $2::bigint)", self.queue, msg_id)
        log.info("event_handled", topic=topic, event_id=str(event.id),
                 organization_id=str(event.organization_id), queue=self.queue)

    async def _failed(self, msg_id: int, read_ct: int, topic: str, body: str,
                      headers: str | None, exc: Exception) -> None:
        summary = "".join(traceback.format_exception(exc, limit=6))[-4000:]
        log.warning("event_failed", queue=self.queue, msg_id=msg_id, topic=topic,
                    read_ct=read_ct, error=repr(exc))
        try:
            async with self._db.transaction(None) as conn:
                if read_ct >= self._settings.max_reads:
                    letter = _dead_letter(self.queue, msg_id, read_ct, topic, body, headers, exc,
                                          summary)
                    await conn.execute("SELECT pgmq.send($1, $2::text::jsonb)",
                                       self.dead_letter_queue, letter)
                    await conn.execute("SELECT pgmq.delete($1, $2::bigint)", self.queue, msg_id)
                    log.error("event_dead_lettered", queue=self.queue, msg_id=msg_id, topic=topic)
                else:
                    delay = min(self._settings.backoff_base * 2 ** (read_ct - 1),
                                self._settings.backoff_max)
                    # Only msg_id: asyncpg cannot decode pgmq.message_record with a text jsonb codec.
                    await conn.execute("SELECT msg_id FROM pgmq.set_vt($1, $2::bigint, $3::integer)",
                                       self.queue, msg_id, max(1, round(delay)))
        except DatabaseUnavailable:
            pass  # the visibility timeout brings it back anyway


def _dead_letter(queue: str, msg_id: int, read_ct: int, topic: str, body: str,
                 headers: str | None, exc: Exception, summary: str) -> str:
    return msgspec.json.encode({
        "queue": queue,
        "msg_id": msg_id,
        "read_ct": read_ct,
        "topic": topic,
        "event": msgspec.Raw(body.encode()),
        "headers": msgspec.Raw((headers or "{}").encode()),
        "error": f"{type(exc).__name__}: {exc}",
        "traceback": summary,
        "failed_at": datetime.now(UTC).isoformat(),
    }).decode()

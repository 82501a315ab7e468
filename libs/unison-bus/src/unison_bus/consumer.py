"""The consumer loop of a worker: read, handle exactly once, acknowledge, or dead-letter.

For each message, in ONE transaction scoped to the event's organization: record the
event id in the service's inbox (a replay finds it and skips), run the handler, delete
the message. A handler that raises leaves nothing behind; its message becomes visible
again after a back-off, and after ``max_reads`` attempts it moves to the dead-letter
queue with the error and a traceback summary.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import asyncpg
import msgspec
import structlog

from unison_bus.event import Event, EventTypes
from unison_bus.queue_loop import LoopSettings, QueueLoop
from unison_pg import Database, DatabaseUnavailable, Tenant

log = structlog.get_logger("unison_bus.consumer")

Handler = Callable[[asyncpg.Connection, Any], Awaitable[None]]

ConsumerSettings = LoopSettings


class _Headers(msgspec.Struct):
    topic: str
    event_id: str = ""
    organization_id: str = ""


class Consumer(QueueLoop):
    """Consumes ``queue`` for one service; the inbox records what it has handled."""

    def __init__(
        self,
        database: Database,
        *,
        queue: str,
        handlers: Mapping[str, Handler],
        types: EventTypes,
        inbox: str = "bus.inbox",
        settings: LoopSettings | None = None,
        on_handled: Callable[[str, float], None] | None = None,
    ) -> None:
        super().__init__(database, queue, settings or LoopSettings())
        self._handlers = dict(handlers)
        self._types = types
        self._on_handled = on_handled
        self._insert_inbox = (
            f"INSERT INTO {inbox} (organization_id, event_id, topic) VALUES ($1, $2, $3)"
            " ON CONFLICT DO NOTHING RETURNING event_id"
        )

    async def handle(self, row: asyncpg.Record) -> None:
        await self._handle(row["msg_id"], row["read_ct"], row["body"], row["headers"])

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
            await self.ack(conn, msg_id)
        log.info("event_handled", topic=topic, event_id=str(event.id),
                 organization_id=str(event.organization_id), queue=self.queue)

    async def _failed(self, msg_id: int, read_ct: int, topic: str, body: str,
                      headers: str | None, exc: Exception) -> None:
        summary = "".join(traceback.format_exception(exc, limit=6))[-4000:]
        log.warning("event_failed", queue=self.queue, msg_id=msg_id, topic=topic,
                    read_ct=read_ct, error=repr(exc))
        try:
            async with self._db.transaction(None) as conn:
                if read_ct >= self.settings.max_reads:
                    letter = _dead_letter(self.queue, msg_id, read_ct, topic, body, headers, exc,
                                          summary)
                    await conn.execute("SELECT pgmq.send($1, $2::text::jsonb)",
                                       self.dead_letter_queue, letter)
                    await self.ack(conn, msg_id)
                    log.error("event_dead_lettered", queue=self.queue, msg_id=msg_id, topic=topic)
                else:
                    await self.delay(conn, msg_id, self.settings.backoff(read_ct))
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

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
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
import structlog

from unison_bus.event import Event, EventTypes
from unison_bus.live import LiveUpdate, notify_live
from unison_bus.queue_loop import LoopSettings, QueueLoop
from unison_pg import Database, DatabaseUnavailable
from unison_pg.database import is_connection_error

log = structlog.get_logger("unison_bus.consumer")

Handler = Callable[[asyncpg.Connection, Any], Awaitable[None]]

ConsumerSettings = LoopSettings


_SET_ORG = (
    "SELECT set_config('app.organization_id', $1, true), set_config('app.plant_ids', '', true),"
    " set_config('app.user_id', $2, true)"
)


@dataclass(frozen=True)
class _Item:
    msg_id: int
    read_ct: int
    topic: str
    event: Event
    handler: Handler
    body: str
    headers: str | None
    started: float


def _topic_of(headers: str | None) -> str:
    try:
        return msgspec.json.decode(headers or "{}", type=_Headers).topic
    except (msgspec.DecodeError, msgspec.ValidationError):
        return "?"


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
        on_handled: Callable[[Event, float], None] | None = None,
    ) -> None:
        super().__init__(database, queue, settings or LoopSettings())
        self._handlers = dict(handlers)
        self._types = types
        self._on_handled = on_handled
        self._insert_inbox = (
            f"INSERT INTO {inbox} (organization_id, event_id, topic) VALUES ($1, $2, $3)"
            " ON CONFLICT DO NOTHING RETURNING event_id"
        )
        self._insert_inbox_many = (
            f"INSERT INTO {inbox} (organization_id, event_id, topic)"
            " SELECT $1, e, t FROM unnest($2::uuid[], $3::text[]) AS u(e, t)"
            " ON CONFLICT DO NOTHING RETURNING event_id"
        )

    chunked = True

    async def handle(self, rows: list[asyncpg.Record]) -> None:
        items: list[_Item] = []
        for row in rows:
            try:
                items.append(self._decode(row))
            except Exception as exc:
                await self._failed(
                    row["msg_id"],
                    row["read_ct"],
                    _topic_of(row["headers"]),
                    row["body"],
                    row["headers"],
                    exc,
                )
        if not items:
            return
        try:
            done, failed = await self._apply(items)
        except DatabaseUnavailable as exc:
            # Not the handlers' fault: the messages reappear after their visibility timeout.
            log.warning("events_deferred", queue=self.queue, count=len(items), error=str(exc))
            return
        for item in done:
            log.info(
                "event_handled",
                topic=item.topic,
                event_id=str(item.event.id),
                organization_id=str(item.event.organization_id),
                queue=self.queue,
            )
            if self._on_handled is not None:  # after commit: metrics and benchmarks
                self._on_handled(item.event, time.perf_counter() - item.started)
        for item, error in failed:
            await self._failed(
                item.msg_id, item.read_ct, item.topic, item.body, item.headers, error
            )

    def _decode(self, row: asyncpg.Record) -> _Item:
        headers = msgspec.json.decode(row["headers"] or "{}", type=_Headers)
        handler = self._handlers.get(headers.topic)
        if handler is None:
            raise LookupError(f"no handler for topic {headers.topic!r}")
        event = self._types.decode(headers.topic, row["body"])
        return _Item(
            row["msg_id"],
            row["read_ct"],
            headers.topic,
            event,
            handler,
            row["body"],
            row["headers"],
            time.perf_counter(),
        )

    async def _apply(self, items: list[_Item]) -> tuple[list[_Item], list[tuple[_Item, Exception]]]:
        """Optimistically the whole chunk in one transaction; if any handler fails, again
        with a savepoint per event so only the failing one is retried."""
        try:
            return await self._apply_together(items), []
        except Exception as exc:
            if is_connection_error(exc) or isinstance(exc, DatabaseUnavailable):
                raise
            if len(items) == 1:  # nothing to isolate: this one failed
                return [], [(items[0], exc)]
            return await self._apply_each(items)

    async def _apply_together(self, items: list[_Item]) -> list[_Item]:
        by_org: dict[UUID, list[_Item]] = {}
        for item in items:
            by_org.setdefault(item.event.organization_id, []).append(item)
        async with self._db.transaction(None) as conn:
            for org, group in by_org.items():
                await conn.execute(_SET_ORG, str(org), f"event:{self.queue}")
                fresh = {
                    r[0]
                    for r in await conn.fetch(
                        self._insert_inbox_many,
                        org,
                        [i.event.id for i in group],
                        [i.topic for i in group],
                    )
                }
                for item in group:
                    if item.event.id in fresh:
                        fresh.discard(item.event.id)  # a duplicate in the same chunk runs once
                        await item.handler(conn, item.event)
                    else:
                        log.info(
                            "event_replay_skipped", topic=item.topic, event_id=str(item.event.id)
                        )
            await self.ack_many(conn, [item.msg_id for item in items])
        return items

    async def _apply_each(
        self, items: list[_Item]
    ) -> tuple[list[_Item], list[tuple[_Item, Exception]]]:
        done: list[_Item] = []
        failed: list[tuple[_Item, Exception]] = []
        async with self._db.transaction(None) as conn:
            for item in items:
                try:
                    async with conn.transaction():
                        await conn.execute(
                            _SET_ORG, str(item.event.organization_id), f"event:{item.topic}"
                        )
                        fresh = await conn.fetchval(
                            self._insert_inbox,
                            item.event.organization_id,
                            item.event.id,
                            item.topic,
                        )
                        if fresh is not None:
                            await item.handler(conn, item.event)
                    done.append(item)
                except Exception as exc:
                    if is_connection_error(exc):
                        raise
                    failed.append((item, exc))
            if done:
                await self.ack_many(conn, [item.msg_id for item in done])
        return done, failed

    async def _failed(
        self, msg_id: int, read_ct: int, topic: str, body: str, headers: str | None, exc: Exception
    ) -> None:
        summary = "".join(traceback.format_exception(exc, limit=6))[-4000:]
        log.warning(
            "event_failed",
            queue=self.queue,
            msg_id=msg_id,
            topic=topic,
            read_ct=read_ct,
            error=repr(exc),
        )
        try:
            async with self._db.transaction(None) as conn:
                if read_ct >= self.settings.max_reads:
                    letter = _dead_letter(
                        self.queue, msg_id, read_ct, topic, body, headers, exc, summary
                    )
                    letter_id = await conn.fetchval(
                        "SELECT pgmq.send($1, $2::text::jsonb)", self.dead_letter_queue, letter
                    )
                    await self.ack(conn, msg_id)
                    await _announce(conn, self.queue, letter_id, topic, headers)
                    log.error("event_dead_lettered", queue=self.queue, msg_id=msg_id, topic=topic)
                else:
                    await self.delay(conn, msg_id, self.settings.backoff(read_ct))
        except DatabaseUnavailable:
            pass  # the visibility timeout brings it back anyway


async def _announce(
    conn: asyncpg.Connection, queue: str, letter_id: int, topic: str, headers: str | None
) -> None:
    """Ops pages of the event's organization learn of the dead letter (its id in the
    dead-letter queue) when it commits."""
    try:
        organization = UUID(msgspec.json.decode(headers or "{}", type=_Headers).organization_id)
    except (msgspec.DecodeError, msgspec.ValidationError, ValueError):
        return  # no organization to tell: nobody's page may show it
    update = LiveUpdate(
        type="ops.dead_lettered",
        id=str(letter_id),
        organization_id=organization,
        data={"queue": queue, "topic": topic},
    )
    await notify_live(conn, update)


def _dead_letter(
    queue: str,
    msg_id: int,
    read_ct: int,
    topic: str,
    body: str,
    headers: str | None,
    exc: Exception,
    summary: str,
) -> str:
    return msgspec.json.encode(
        {
            "queue": queue,
            "msg_id": msg_id,
            "read_ct": read_ct,
            "topic": topic,
            "event": msgspec.Raw(body.encode()),
            "headers": msgspec.Raw((headers or "{}").encode()),
            "error": f"{type(exc).__name__}: {exc}",
            "traceback": summary,
            "failed_at": datetime.now(UTC).isoformat(),
        }
    ).decode()

"""Publishing on the connection of the business transaction: the event exists if and
only if the change committed (no outbox table, no dual write)."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg
import msgspec

from unison_bus.event import Event

_encoder = msgspec.json.Encoder()

# ::text::jsonb: the JSON is encoded once by msgspec and passed as text, so the pool's
# jsonb codec (which would encode a str as a JSON string) never sees it.
_SEND = "SELECT pgmq.send_topic($1, $2::text::jsonb, $3::text::jsonb, 0)"
_SEND_BATCH = (
    "SELECT count(*) FROM pgmq.send_batch_topic($1, $2::text[]::jsonb[], $3::text[]::jsonb[])"
)


def _headers(event: Event) -> str:
    return _encoder.encode(
        {
            "topic": event.topic,
            "event_id": str(event.id),
            "organization_id": str(event.organization_id),
            "v": event.v,
        }
    ).decode()


async def publish(conn: asyncpg.Connection, event: Event) -> int:
    """Send ``event`` to every queue bound to its topic; returns how many queues got it."""
    if not conn.is_in_transaction():
        raise RuntimeError("publish inside the business transaction, not in autocommit")
    body = _encoder.encode(event).decode()
    return int(await conn.fetchval(_SEND, event.topic, body, _headers(event)))


async def publish_many(conn: asyncpg.Connection, events: Sequence[Event]) -> None:
    """Batch publish: one round trip per topic instead of one per event."""
    if not conn.is_in_transaction():
        raise RuntimeError("publish inside the business transaction, not in autocommit")
    by_topic: dict[str, list[Event]] = {}
    for event in events:
        by_topic.setdefault(event.topic, []).append(event)
    for topic, group in by_topic.items():
        await conn.execute(
            _SEND_BATCH,
            topic,
            [_encoder.encode(e).decode() for e in group],
            [_headers(e) for e in group],
        )

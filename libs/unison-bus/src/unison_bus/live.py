"""Live updates: a small NOTIFY sent with the transaction, delivered only if it commits.

The gateway LISTENs on ``unison_live`` and fans the payload out over WebSocket to the
clients of the same organization (and allowed plant). Payloads carry ids, never
documents: NOTIFY refuses anything over 8000 bytes.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg
import msgspec

from unison_bus.event import uuid7

CHANNEL = "unison_live"
MAX_PAYLOAD = 7900


class LiveUpdate(msgspec.Struct, frozen=True, kw_only=True):
    type: str  # e.g. "job.progressed", "inventory.material.changed"
    id: str  # what changed: the job's or material's id
    # The update's own id, time-ordered: a reconnecting client asks for what came after it.
    uid: UUID = msgspec.field(default_factory=uuid7)
    organization_id: UUID
    plant_id: UUID | None = None
    data: dict[str, str | int | float | bool | None] = {}


_encoder = msgspec.json.Encoder()


async def notify_live(conn: asyncpg.Connection, update: LiveUpdate) -> None:
    payload = _encoder.encode(update).decode()
    if len(payload.encode()) > MAX_PAYLOAD:
        raise ValueError(
            f"live update {update.type} is {len(payload)} bytes; send ids, not documents"
        )
    await conn.execute("SELECT pg_notify($1, $2)", CHANNEL, payload)

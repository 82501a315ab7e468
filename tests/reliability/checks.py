"""What must hold after load and after each fault, read as the superuser (no RLS).

- every accepted write (a 201 with its material number) is in inventory;
- every event is handled exactly once: each consumer's inbox holds one row per material
  created (the inbox's key makes two impossible, so the count shows none was lost and none
  was published twice);
- no message is stuck: every service's event and job queue drains, and no dead letter.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import datetime

import asyncpg

from unison_stack.roles import SERVICES

MATERIAL_CREATED = "inventory.material.created"
# The workers that consume inventory.material.* (their queues are bound to it).
MATERIAL_CONSUMERS = ("production", "quality", "search")


async def missing_materials(
    conn: asyncpg.Connection, organization_id: str, numbers: set[str]
) -> set[str]:
    rows = await conn.fetch(
        "SELECT number FROM inventory.materials WHERE organization_id = $1 AND number = ANY($2)",
        uuid.UUID(organization_id),
        sorted(numbers),
    )
    return numbers - {r["number"] for r in rows}


async def created_since(conn: asyncpg.Connection, organization_id: str, since: datetime) -> int:
    return int(
        await conn.fetchval(
            "SELECT count(*) FROM inventory.materials WHERE organization_id = $1"
            " AND created_at >= $2",
            uuid.UUID(organization_id),
            since,
        )
    )


async def handled_since(
    conn: asyncpg.Connection, organization_id: str, since: datetime, topic: str
) -> dict[str, int]:
    """Inbox rows per consuming service for ``topic`` since ``since``."""
    rows = await conn.fetch(
        "SELECT owner, count(*) AS n FROM bus.inbox WHERE organization_id = $1 AND topic = $2"
        " AND handled_at >= $3 GROUP BY owner",
        uuid.UUID(organization_id),
        topic,
        since,
    )
    return {str(r["owner"]).removeprefix("unison_"): int(r["n"]) for r in rows}


async def queue_lengths(conn: asyncpg.Connection) -> dict[str, int]:
    lengths: dict[str, int] = {}
    for service in SERVICES:
        for queue in (f"{service}_events", f"{service}_jobs", f"{service}_events_dlq"):
            exists = await conn.fetchval("SELECT to_regclass($1)", f"pgmq.q_{queue}")
            if exists is not None:
                lengths[queue] = int(await conn.fetchval(f"SELECT count(*) FROM pgmq.q_{queue}"))
    return lengths


async def drained(
    conn: asyncpg.Connection, dead_letters_before: dict[str, int], *, timeout: float = 90
) -> dict[str, int]:
    """Waits until every event and job queue is empty; returns what is left if not, and
    any dead letters added meanwhile."""
    deadline = time.monotonic() + timeout
    left: dict[str, int] = {}
    while time.monotonic() < deadline:
        lengths = await queue_lengths(conn)
        left = {
            q: n
            for q, n in lengths.items()
            if (n > dead_letters_before.get(q, 0) if q.endswith("_dlq") else n > 0)
        }
        if not left:
            return {}
        await asyncio.sleep(0.5)
    return left


async def exactly_once(
    conn: asyncpg.Connection, organization_id: str, since: datetime, *, timeout: float = 90
) -> tuple[int, dict[str, int]]:
    """The materials created since ``since`` and, per consumer, how often their event was
    handled, once every consumer has caught up (or ``timeout`` passed)."""
    deadline = time.monotonic() + timeout
    while True:
        created = await created_since(conn, organization_id, since)
        handled = await handled_since(conn, organization_id, since, MATERIAL_CREATED)
        done = all(handled.get(c, 0) >= created for c in MATERIAL_CONSUMERS)
        if done or time.monotonic() > deadline:
            return created, {c: handled.get(c, 0) for c in MATERIAL_CONSUMERS}
        await asyncio.sleep(0.5)

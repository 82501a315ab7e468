"""What the service test suites share: tokens with roles for the test's organization, and
a spy on the events it publishes."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID

import asyncpg

from tests.support.tokens import TokenMinter

Headers = Callable[..., dict[str, str]]


def auth_for(minter: TokenMinter, org_id: UUID, plants: list[UUID]) -> Headers:
    """Authorization headers of the test's organization: admin of both plants unless
    told otherwise."""

    def headers(
        *,
        roles: list[str] | None = None,
        organization_id: UUID | None = None,
        plant_ids: list[UUID] | None = None,
        subject: str = "user:alice",
    ) -> dict[str, str]:
        token = minter.mint(
            organization_id or org_id,
            plants=plants if plant_ids is None else plant_ids,
            roles=roles or ["admin"],
            subject=subject,
        )
        return {"Authorization": f"Bearer {token}"}

    return headers


class Spy:
    """The events a test's organization published, in order."""

    def __init__(self, conn: asyncpg.Connection, queue: str, org_id: UUID) -> None:
        self._conn, self._queue, self._org = conn, queue, org_id

    async def events(self, topic: str | None = None) -> list[dict[str, Any]]:
        rows = await self._conn.fetch(
            f"SELECT headers->>'topic' AS topic, message::text AS body FROM pgmq.q_{self._queue}"
            " ORDER BY msg_id"
        )
        found = []
        for r in rows:
            body = json.loads(r["body"])
            if body.get("organization_id") == str(self._org) and topic in (None, r["topic"]):
                found.append({"topic": r["topic"], **body})
        return found


@asynccontextmanager
async def spy_on(
    owner_conn: asyncpg.Connection, pattern: str, role: str, org_id: UUID
) -> AsyncIterator[Spy]:
    """A queue of its own bound to ``pattern``, which ``role`` may publish to."""
    queue = f"spy_{uuid.uuid4().hex[:10]}"
    await owner_conn.execute("SELECT pgmq.create($1)", queue)
    await owner_conn.execute("SELECT pgmq.bind_topic($1, $2)", pattern, queue)
    await owner_conn.execute(f"GRANT INSERT, SELECT (msg_id) ON pgmq.q_{queue} TO {role}")
    try:
        yield Spy(owner_conn, queue, org_id)
    finally:
        await owner_conn.execute("SELECT pgmq.drop_queue($1)", queue)


async def as_organization(conn: asyncpg.Connection, org_id: UUID, handler: Any, event: Any) -> None:
    """Run an event handler the way the consumer does: in a transaction of the event's
    organization, no plants set."""
    async with conn.transaction():
        await conn.execute("SELECT set_config('app.organization_id', $1, true)", str(org_id))
        await handler(conn, event)

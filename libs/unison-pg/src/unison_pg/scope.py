"""Event handlers run with the event's organization and no plants (a consumer cannot know
which plant tables a handler touches): a handler widens its transaction to the plants the
event is about, and only those."""

from __future__ import annotations

from uuid import UUID

import asyncpg


async def scope_plants(conn: asyncpg.Connection, *plant_ids: UUID | None) -> None:
    wanted = ",".join(str(p) for p in plant_ids if p is not None)
    await conn.execute("SELECT set_config('app.plant_ids', $1, true)", wanted)

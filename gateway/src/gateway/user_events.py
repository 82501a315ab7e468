"""``identity.user.changed``: how the services learn the people of an organization.

Services may not read the identity schema, yet some must reach people by role (quality
e-mails every quality engineer). Each event carries the user's whole state, read back
after the change on the connection of the change, so it exists exactly when the change
commits and a consumer only has to upsert. Announcing every user again lets a service
that starts consuming late, or lost its read model, rebuild it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from uuid import UUID

import asyncpg
import msgspec

from unison_bus import publish_many
from unison_events.identity import UserChanged
from unison_pg import Queries
from unison_pg.rows import many

Q = Queries.load(Path(__file__).with_name("user_events.sql"))


class _UserState(msgspec.Struct, frozen=True):
    id: UUID
    email: str
    display_name: str
    active: bool
    all_plants: bool
    roles: list[str]
    plant_ids: list[UUID]
    occurred_at: datetime


def _event(organization_id: UUID, user: _UserState) -> UserChanged:
    return UserChanged(
        organization_id=organization_id,
        occurred_at=user.occurred_at,
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        roles=tuple(user.roles),
        plant_ids=None if user.all_plants else tuple(user.plant_ids),
        active=user.active,
    )


async def _publish_states(conn: asyncpg.Connection, organization_id: UUID, ids: list[UUID]) -> int:
    users = many(await conn.fetch(Q.user_states, organization_id, ids), _UserState)
    await publish_many(conn, [_event(organization_id, u) for u in users])
    return len(users)


async def publish_user_changes(
    conn: asyncpg.Connection, organization_id: UUID, user_ids: Iterable[UUID]
) -> int:
    """Publish the state of ``user_ids`` as the caller's transaction leaves them.

    Call it after the change, in the same transaction; returns how many were published.
    """
    ids = sorted(set(user_ids))
    if not ids:
        return 0
    await conn.execute(Q.lock_users_for_change, organization_id, ids)
    return await _publish_states(conn, organization_id, ids)


async def announce_user_page(
    conn: asyncpg.Connection, organization_id: UUID, after: UUID | None, limit: int
) -> list[UUID]:
    """Publish the next ``limit`` users by id after ``after``; returns their ids."""
    rows = await conn.fetch(Q.lock_user_page, organization_id, after, limit)
    ids = [r["id"] for r in rows]
    if ids:
        await _publish_states(conn, organization_id, ids)
    return ids

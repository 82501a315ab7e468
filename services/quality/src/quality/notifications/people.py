"""Who has which role, from identity's events: the people a role subscription reaches."""

from __future__ import annotations

import asyncpg

from quality.notifications import repo
from unison_events.identity import UserChanged


async def on_user_changed(conn: asyncpg.Connection, event: UserChanged) -> None:
    """Upsert the person. A deactivated user is kept (marked inactive) rather than deleted:
    identity may activate them again, and a later event then finds the row. An event older
    than the state kept (a redelivery overtaken by a newer change) changes nothing."""
    person = repo.Person(
        user_id=event.user_id,
        email=event.email,
        display_name=event.display_name,
        roles=event.roles,
        plant_ids=event.plant_ids,
        active=event.active,
        changed_at=event.occurred_at,
    )
    await repo.person_upsert(conn, person)

"""Publish an event and its live update in the caller's transaction: both exist exactly
when the change committed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from uuid import UUID

import asyncpg

from unison_bus.event import Event
from unison_bus.live import LiveUpdate, notify_live
from unison_bus.publisher import publish, publish_many

LiveData = Mapping[str, str | int | float | bool | None]


async def announce(
    conn: asyncpg.Connection, event: Event, about: UUID | str, data: LiveData | None = None
) -> None:
    """``about``: the id a live client looks up (the order, the work center...)."""
    await publish(conn, event)
    await notify_live(conn, _live(event, about, data))


async def announce_many(
    conn: asyncpg.Connection, events: Sequence[tuple[Event, UUID | str, LiveData | None]]
) -> None:
    if not events:
        return
    await publish_many(conn, [e for e, _, _ in events])
    for event, about, data in events:
        await notify_live(conn, _live(event, about, data))


def _live(event: Event, about: UUID | str, data: LiveData | None) -> LiveUpdate:
    return LiveUpdate(
        type=event.topic,
        id=str(about),
        organization_id=event.organization_id,
        plant_id=event.plant_id,
        data=dict(data or {}),
    )

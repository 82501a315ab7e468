"""Production's events into facts and rollups. The consumer runs each handler in the
event's organization with its inbox entry, so a replayed event never gets here twice;
the fact tables' keys are a second guard against the same stop or shift twice."""

from __future__ import annotations

import asyncpg
import structlog

from reporting.production_facts import repo
from unison_bus import Event
from unison_events.production import CountsLogged, DowntimeEnded, OeeClosed
from unison_pg.scope import scope_plants

log = structlog.get_logger("reporting.production_facts")


async def _enter(conn: asyncpg.Connection, event: Event) -> bool:
    """Scope the transaction to the event's plant (the rollups are plant-scoped) and hold
    the organization against a rebuild. False for an event with no plant: its facts
    could be shown to no one."""
    if event.plant_id is None:
        log.warning("event_without_plant", topic=event.topic, event_id=str(event.id))
        return False
    await scope_plants(conn, event.plant_id)
    await repo.hold_organization(conn, event.organization_id)
    return True


async def on_counts_logged(conn: asyncpg.Connection, event: CountsLogged) -> None:
    if await _enter(conn, event):
        await repo.add_counts(conn, event)


async def on_downtime_ended(conn: asyncpg.Connection, event: DowntimeEnded) -> None:
    if await _enter(conn, event):
        await repo.add_downtime(conn, event)


async def on_oee_closed(conn: asyncpg.Connection, event: OeeClosed) -> None:
    if await _enter(conn, event):
        await repo.close_shift(conn, event)

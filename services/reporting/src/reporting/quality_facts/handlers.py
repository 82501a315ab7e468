"""Quality's events into facts and rollups. The consumer runs each handler in the
event's organization with its inbox entry, so a replayed event never gets here twice;
the facts' keys and versions are a second guard against one applied twice or late."""

from __future__ import annotations

import asyncpg
import structlog

from reporting.production_facts.repo import hold_organization
from reporting.quality_facts import repo
from unison_bus import Event
from unison_events.quality import CapaChanged, InspectionDecided, NcrChanged, QualityFigures
from unison_pg.scope import scope_plants

log = structlog.get_logger("reporting.quality_facts")


async def _enter(conn: asyncpg.Connection, event: Event) -> bool:
    """Scope the transaction to the event's plant (the facts are plant-scoped) and hold
    the organization against a rollup rebuild. False for an event with no plant: its
    facts could be shown to no one."""
    if event.plant_id is None:
        log.warning("event_without_plant", topic=event.topic, event_id=str(event.id))
        return False
    await scope_plants(conn, event.plant_id)
    await hold_organization(conn, event.organization_id)
    return True


async def on_quality_figures(conn: asyncpg.Connection, event: QualityFigures) -> None:
    if await _enter(conn, event):
        await repo.add_day_figures(conn, event)


async def on_inspection_decided(conn: asyncpg.Connection, event: InspectionDecided) -> None:
    if await _enter(conn, event):
        await repo.add_decision(conn, event)


async def on_ncr_changed(conn: asyncpg.Connection, event: NcrChanged) -> None:
    if await _enter(conn, event):
        await repo.ncr_changed(conn, event)


async def on_capa_changed(conn: asyncpg.Connection, event: CapaChanged) -> None:
    if await _enter(conn, event):
        await repo.capa_changed(conn, event)

"""Quality's events into facts and rollups. The consumer runs each handler in the
event's organization with its inbox entry, so a replayed event never gets here twice;
the facts' keys and versions are a second guard against one applied twice or late. A
fact that changed something makes its cached dashboards stale and tells open tiles."""

from __future__ import annotations

from datetime import date

import asyncpg
import structlog

from reporting.dashboard_cache import freshness
from reporting.production_facts.repo import hold_organization
from reporting.quality_facts import capability, repo
from unison_bus import Event
from unison_events.quality import (
    CapaChanged,
    InspectionDecided,
    MeasurementsRecorded,
    NcrChanged,
    QualityFigures,
)
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


async def _changed(conn: asyncpg.Connection, event: Event, scope: str, day: date) -> None:
    assert event.plant_id is not None  # _enter let it in
    await freshness.scope_changed(conn, event.organization_id, event.plant_id, scope, [day])


async def on_quality_figures(conn: asyncpg.Connection, event: QualityFigures) -> None:
    if await _enter(conn, event) and await repo.add_day_figures(conn, event):
        await _changed(conn, event, freshness.QUALITY, event.day)


async def on_inspection_decided(conn: asyncpg.Connection, event: InspectionDecided) -> None:
    if await _enter(conn, event) and await repo.add_decision(conn, event):
        await _changed(conn, event, freshness.QUALITY, freshness.utc_day(event.decided_at))


# An NCR's or CAPA's state shows in every period (today's ageing, the day it closed, a
# reopening): its plant's state counter goes up.
async def on_ncr_changed(conn: asyncpg.Connection, event: NcrChanged) -> None:
    if await _enter(conn, event) and await repo.ncr_changed(conn, event):
        await _changed(conn, event, freshness.NCRS, freshness.STATE_DAY)


async def on_capa_changed(conn: asyncpg.Connection, event: CapaChanged) -> None:
    if await _enter(conn, event) and await repo.capa_changed(conn, event):
        await _changed(conn, event, freshness.CAPAS, freshness.STATE_DAY)


async def on_measurements_recorded(conn: asyncpg.Connection, event: MeasurementsRecorded) -> None:
    if await _enter(conn, event):
        days = await capability.add(conn, event)
        if days and event.plant_id is not None:
            await freshness.scope_changed(
                conn, event.organization_id, event.plant_id, freshness.MEASUREMENTS, days
            )

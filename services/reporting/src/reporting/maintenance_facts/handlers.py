"""Maintenance's KPI events into facts and the daily rollup. The consumer runs each
handler in the event's organization with its inbox entry, so a replayed event never gets
here twice; the facts' keys and publication times are a second guard against one applied
twice or late."""

from __future__ import annotations

import asyncpg
import structlog

from reporting.dashboard_cache import freshness
from reporting.maintenance_facts import repo
from reporting.production_facts.repo import hold_organization
from unison_events.maintenance import EquipmentKpis
from unison_pg.scope import scope_plants

log = structlog.get_logger("reporting.maintenance_facts")


async def on_equipment_kpis(conn: asyncpg.Connection, event: EquipmentKpis) -> None:
    """Keep a day's KPI inputs. An event with no plant could be shown to no one, and one
    of several days cannot be put in a day: both are logged and left out."""
    if event.plant_id is None:
        log.warning("event_without_plant", topic=event.topic, event_id=str(event.id))
        return
    if event.period_start != event.period_end:
        log.warning("kpis_not_of_one_day", event_id=str(event.id))
        return
    await scope_plants(conn, event.plant_id)
    await hold_organization(conn, event.organization_id)
    if await repo.add_day(conn, event):
        await freshness.scope_changed(
            conn,
            event.organization_id,
            event.plant_id,
            freshness.MAINTENANCE,
            [event.period_start],
        )

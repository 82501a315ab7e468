"""Production's events into facts and rollups. The consumer runs each handler in the
event's organization with its inbox entry, so a replayed event never gets here twice;
the fact tables' keys are a second guard against the same stop or shift twice. A fact
that changed the rollups makes their cached dashboards stale and tells open ones."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import asyncpg
import structlog

from reporting.dashboard_cache import freshness
from reporting.production_facts import repo, work_orders
from unison_bus import Event
from unison_events.production import (
    CountsLogged,
    DowntimeEnded,
    OeeClosed,
    WorkCenterChanged,
    WorkOrderCreated,
    WorkOrderStatusChanged,
)
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


async def _changed(conn: asyncpg.Connection, event: Event, days: Iterable[date]) -> None:
    if event.plant_id is not None:
        await freshness.facts_changed(conn, event.organization_id, event.plant_id, days)


async def on_counts_logged(conn: asyncpg.Connection, event: CountsLogged) -> None:
    if await _enter(conn, event) and await repo.add_counts(conn, event):
        await _changed(conn, event, [freshness.utc_day(event.last_at)])


async def on_downtime_ended(conn: asyncpg.Connection, event: DowntimeEnded) -> None:
    if await _enter(conn, event) and await repo.add_downtime(conn, event):
        await _changed(conn, event, freshness.utc_days(event.started_at, event.ended_at))


async def on_oee_closed(conn: asyncpg.Connection, event: OeeClosed) -> None:
    # Hourly rollups hold the shift in its start's UTC hour, daily ones on its production day.
    if not await _enter(conn, event):
        return
    if await repo.close_shift(conn, event):
        days = [event.production_day, freshness.utc_day(event.shift_start)]
        await _changed(conn, event, days)
    if await work_orders.line_of_shift(conn, event):
        await _regrouped(conn, event)


async def _regrouped(conn: asyncpg.Connection, event: Event) -> None:
    """A work center's line changed: OEE by line regroups every period of its plant."""
    assert event.plant_id is not None
    await freshness.scope_changed(
        conn, event.organization_id, event.plant_id, freshness.WORK_CENTERS, [freshness.STATE_DAY]
    )


async def on_work_center_changed(conn: asyncpg.Connection, event: WorkCenterChanged) -> None:
    if await _enter(conn, event) and await work_orders.work_center_changed(conn, event):
        await _regrouped(conn, event)


async def on_work_order_created(conn: asyncpg.Connection, event: WorkOrderCreated) -> None:
    if await _enter(conn, event):
        await work_orders.order_created(conn, event)


async def on_work_order_status_changed(
    conn: asyncpg.Connection, event: WorkOrderStatusChanged
) -> None:
    """Completion lands on its UTC day: the schedule dashboards of that day are stale."""
    if await _enter(conn, event):
        day = await work_orders.order_changed(conn, event)
        if day is not None and event.plant_id is not None:
            await freshness.scope_changed(
                conn, event.organization_id, event.plant_id, freshness.WORK_ORDERS, [day]
            )

"""What maintenance does with production's events: a breakdown becomes a repair order
(once), stops and planned time are kept for the KPIs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import asyncpg

from maintenance.read_models import handlers
from tests.maintenance.shop import Shop
from tests.support.harness import as_organization
from unison_events.production import DowntimeEnded, DowntimeStarted, OeeClosed, WorkCenterChanged


def _started(
    shop: Shop, equipment: UUID | None, work_center: UUID, **fields: object
) -> DowntimeStarted:
    values: dict[str, object] = {
        "organization_id": shop.org_id,
        "plant_id": shop.plants[0],
        "downtime_id": uuid4(),
        "work_center_id": work_center,
        "equipment_id": equipment,
        "started_at": datetime.now(UTC) - timedelta(minutes=30),
        "reason_code": "MECH-HYD",
        "planned": False,
        "loss": "breakdown",
        **fields,
    }
    return DowntimeStarted(**values)  # type: ignore[arg-type]


async def test_a_breakdown_in_production_becomes_one_repair_order(
    shop: Shop, maintenance_conn: asyncpg.Connection
) -> None:
    press = await shop.equipment()
    stop = _started(shop, UUID(press["id"]), uuid4())
    await as_organization(maintenance_conn, shop.org_id, handlers.on_downtime_started, stop)
    await as_organization(maintenance_conn, shop.org_id, handlers.on_downtime_started, stop)
    (order,) = (await shop.get("/work-orders", equipment_id=press["id"]))["items"]
    assert (order["kind"], order["priority"], order["downtime_id"], order["machine_down"]) == (
        "corrective",
        1,
        str(stop.downtime_id),
        True,
    )
    assert order["title"] == "Breakdown (MECH-HYD)"
    short = _started(shop, UUID(press["id"]), uuid4(), loss="minor_stop")
    own = _started(shop, UUID(press["id"]), uuid4(), maintenance_work_order_id=UUID(order["id"]))
    for event in (short, own):
        await as_organization(maintenance_conn, shop.org_id, handlers.on_downtime_started, event)
    assert len((await shop.get("/work-orders", equipment_id=press["id"]))["items"]) == 1


async def test_a_work_center_production_links_to_equipment_brings_its_stops_and_planned_time(
    shop: Shop, maintenance_conn: asyncpg.Connection, admin_conn: asyncpg.Connection
) -> None:
    press = await shop.equipment()
    center = uuid4()
    linked = WorkCenterChanged(
        organization_id=shop.org_id,
        plant_id=shop.plants[0],
        work_center_id=center,
        code="PRESS-1",
        name="Press",
        equipment_id=UUID(press["id"]),
        status="active",
    )
    await as_organization(maintenance_conn, shop.org_id, handlers.on_work_center, linked)
    stop = _started(shop, None, center)
    await as_organization(maintenance_conn, shop.org_id, handlers.on_downtime_started, stop)
    ended = DowntimeEnded(
        organization_id=shop.org_id,
        plant_id=shop.plants[0],
        downtime_id=stop.downtime_id,
        work_center_id=center,
        started_at=stop.started_at,
        ended_at=stop.started_at + timedelta(minutes=20),
        planned=False,
        loss="breakdown",
    )
    await as_organization(maintenance_conn, shop.org_id, handlers.on_downtime_ended, ended)
    closed = OeeClosed(
        organization_id=shop.org_id,
        plant_id=shop.plants[0],
        work_center_id=center,
        production_day=date(2026, 11, 30),
        shift_code="EARLY",
        shift_start=datetime(2026, 11, 30, 6, tzinfo=UTC),
        shift_end=datetime(2026, 11, 30, 14, tzinfo=UTC),
        scheduled_seconds=Decimal(28800),
        break_seconds=Decimal(1800),
        planned_stop_seconds=Decimal(600),
        breakdown_seconds=Decimal(0),
        setup_seconds=Decimal(0),
        minor_stop_seconds=Decimal(0),
        ideal_run_seconds=Decimal(0),
        good_count=Decimal(0),
        scrap_count=Decimal(0),
        rework_count=Decimal(0),
        quality_rejected_count=Decimal(0),
    )
    await as_organization(maintenance_conn, shop.org_id, handlers.on_oee_closed, closed)
    kept = await admin_conn.fetchrow(
        "SELECT d.ended_at, p.planned_seconds FROM maintenance.equipment_downtime d,"
        " maintenance.planned_time p WHERE d.organization_id = $1 AND p.organization_id = $1"
        " AND d.equipment_id = $2 AND p.equipment_id = $2",
        shop.org_id,
        UUID(press["id"]),
    )
    assert kept["ended_at"] == ended.ended_at and kept["planned_seconds"] == 26400

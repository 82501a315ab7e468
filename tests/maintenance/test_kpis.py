"""Equipment KPIs from a worked example: November with 720 planned hours, three breakdowns
of 2, 4 and 6 hours repaired in 1.5, 3 and 4.5 hours of work.

Operating time 720 - 12 = 708 h; MTBF 708 / 3 = 236 h; MTTR 9 / 3 = 3 h; inherent
availability 236 / (236 + 3) = 0.98745; time-based availability 708 / 720 = 0.98333."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import asyncpg

from tests.maintenance.shop import API, Shop

NOVEMBER = datetime(2026, 11, 1, tzinfo=UTC)
BREAKDOWNS = ((3, 2, 1.5), (12, 4, 3.0), (21, 6, 4.5))  # day, hours down, hours of repair


async def _arrange(shop: Shop, admin_conn: asyncpg.Connection, press: UUID) -> None:
    for day in range(30):
        await admin_conn.execute(
            "INSERT INTO maintenance.planned_time (organization_id, equipment_id, plant_id,"
            " production_day, shift_code, planned_seconds) VALUES ($1, $2, $3, $4, 'DAY', 86400)",
            shop.org_id,
            press,
            shop.plants[0],
            (NOVEMBER + timedelta(days=day)).date(),
        )
    for day, down, _ in BREAKDOWNS:
        start = NOVEMBER + timedelta(days=day, hours=8)
        await admin_conn.execute(
            "INSERT INTO maintenance.equipment_downtime (organization_id, downtime_id, plant_id,"
            " equipment_id, started_at, ended_at, loss, planned)"
            " VALUES ($1, $2, $3, $4, $5, $6, 'breakdown', false)",
            shop.org_id,
            uuid4(),
            shop.plants[0],
            press,
            start,
            start + timedelta(hours=down),
        )


async def test_november_gives_the_kpis_worked_out_by_hand(
    shop: Shop, admin_conn: asyncpg.Connection
) -> None:
    press = await shop.equipment()
    await _arrange(shop, admin_conn, UUID(press["id"]))
    await shop.client.put(
        f"{API}/failure-codes/problem/LEAK", json={"name": "Leak"}, headers=shop.auth()
    )
    for day, _, repair in BREAKDOWNS:
        body = {
            "equipment_id": press["id"],
            "title": f"Breakdown day {day}",
            "machine_down": True,
            "down_since": (NOVEMBER + timedelta(days=day, hours=8)).isoformat(),
        }
        order = (await shop.post("/work-orders", body, 201)).json()
        start = NOVEMBER + timedelta(days=day, hours=8, minutes=30)
        await shop.act(order, "approve")
        await shop.act(order, "start", at=start.isoformat())
        await shop.client.put(
            f"{API}/work-orders/{order['id']}/findings",
            json={"problem_code": "LEAK"},
            headers=shop.auth(),
        )
        await shop.act(order, "complete", at=(start + timedelta(hours=repair)).isoformat())
    report = await shop.get(
        f"/equipment/{press['id']}/kpis", **{"from": "2026-11-01", "to": "2026-11-30"}
    )
    kpis = report["kpis"]
    assert Decimal(kpis["operating_hours"]) == 708
    assert Decimal(kpis["mtbf_hours"]) == 236
    assert Decimal(kpis["mttr_hours"]) == 3
    assert round(Decimal(kpis["availability_inherent"]), 5) == Decimal("0.98745")
    assert round(Decimal(kpis["availability_time_based"]), 5) == Decimal("0.98333")
    assert (kpis["totals"]["failures"], kpis["totals"]["repairs"]) == (3, 3)

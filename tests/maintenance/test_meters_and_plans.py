"""Meters and PM plans: readings with resets, alarms, production's counts, and the
generation of work orders by calendar and by usage, never twice."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg

from maintenance.meters import service as meters
from tests.maintenance.shop import Shop
from tests.support.harness import Spy, as_organization
from unison_events.production import CountsLogged


def _ago(hours: float) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours)).isoformat()


async def test_a_counter_adds_its_increments_and_counts_again_after_a_reset(shop: Shop) -> None:
    press = await shop.equipment()
    counter = await shop.meter(press, "cycles")
    for value, hours, reset in (
        ("1000", 5, False),
        ("1250", 4, False),
        ("40", 3, True),
        ("90", 2, False),
    ):
        response = await shop.reading(counter, value, _ago(hours), reset=reset)
        assert response.status_code == 201, response.text
    meters_now = await shop.get(f"/equipment/{press['id']}/meters")
    # 250 before the new meter went in, then its 40 and 50 more.
    assert (meters_now[0]["total_usage"], meters_now[0]["last_value"]) == ("340", "90")
    late = await shop.reading(counter, "95", _ago(6))
    assert late.status_code == 422 and late.json()["errors"][0]["pointer"] == "/at"


async def test_a_batch_of_readings_is_all_or_nothing_and_names_the_bad_row(shop: Shop) -> None:
    press = await shop.equipment()
    hours = await shop.meter(press)
    rows = [{"meter_id": hours["id"], "value": str(100 + n), "at": _ago(10 - n)} for n in range(5)]
    accepted = await shop.post("/meter-readings", {"rows": rows}, 201)
    assert (accepted.json()["rows"], accepted.json()["meters"]) == (5, 1)
    bad = [
        {"meter_id": hours["id"], "value": "200", "at": _ago(1)},
        {"meter_id": "00000000-0000-4000-8000-000000000000", "value": "1", "at": _ago(1)},
    ]
    refused = await shop.post("/meter-readings", {"rows": bad}, 422)
    assert refused.json()["errors"][0]["pointer"] == "/rows/1/meter_id"
    assert (await shop.get(f"/equipment/{press['id']}/meters"))[0]["last_value"] == "104"


async def test_a_gauge_past_its_limit_opens_one_predictive_order(shop: Shop) -> None:
    press = await shop.equipment()
    vibration = await shop.meter(press, "condition", unit="MM/S", alarm_above="7.1")
    calm = await shop.reading(vibration, "3.2", _ago(3))
    assert calm.json()["work_orders"] == []
    alarm = await shop.reading(vibration, "9.4", _ago(2))
    (number,) = alarm.json()["work_orders"]
    again = await shop.reading(vibration, "9.8", _ago(1))
    assert again.json()["work_orders"] == []  # one open order is enough
    orders = await shop.get("/work-orders", equipment_id=press["id"])
    (order,) = orders["items"]
    assert (order["number"], order["kind"], order["meter_id"]) == (
        number,
        "predictive",
        vibration["id"],
    )
    assert "above its limit 7.1" in order["title"]


async def test_production_counts_move_the_meters_they_feed_and_make_usage_plans_due(
    shop: Shop, maintenance_conn: asyncpg.Connection
) -> None:
    press = await shop.equipment()
    strokes = await shop.meter(press, "strokes", from_production=True)
    hours = await shop.meter(press, "operating_hours", from_production=True)
    plan = await shop.plan(press, usage={"meter_id": strokes["id"], "interval": "500"})
    counted = CountsLogged(
        organization_id=shop.org_id,
        plant_id=shop.plants[0],
        work_center_id=UUID(int=1),
        equipment_id=UUID(press["id"]),
        first_at=datetime.now(UTC) - timedelta(hours=1),
        last_at=datetime.now(UTC) - timedelta(minutes=5),
        good_quantity=Decimal(480),
        scrap_quantity=Decimal(30),
        rework_quantity=Decimal(0),
        ideal_run_seconds=Decimal(7200),
        source="machine",
    )
    await as_organization(maintenance_conn, shop.org_id, meters.on_counts_logged, counted)
    by_code = {m["code"]: m for m in await shop.get(f"/equipment/{press['id']}/meters")}
    assert by_code[strokes["code"]]["total_usage"] == "510"
    assert Decimal(by_code[hours["code"]]["total_usage"]) == 2
    (order,) = (await shop.get("/work-orders", equipment_id=press["id"]))["items"]
    assert (order["kind"], order["plan_id"], order["due_date"]) == (
        "preventive",
        plan["id"],
        datetime.now(UTC).date().isoformat(),
    )


async def test_generation_makes_each_due_order_once_however_often_it_runs(shop: Shop) -> None:
    press = await shop.equipment()
    today = datetime.now(UTC).date()
    anchor = today - timedelta(days=30)
    await shop.plan(
        press,
        name="Weekly check",
        calendar={"interval": 1, "unit": "weeks", "mode": "fixed", "anchor": anchor.isoformat()},
        lead_time_days=7,
    )
    first = (await shop.post("/plans/generation", None, 200)).json()
    assert len(first["created"]) == 1  # one open order per plan: the next one waits
    second = (await shop.post("/plans/generation", None, 200)).json()
    assert second["created"] == []
    (order,) = (await shop.get("/work-orders", equipment_id=press["id"]))["items"]
    due = date.fromisoformat(order["due_date"])
    assert (due - anchor).days % 7 == 0 and today - timedelta(days=7) <= due <= today + timedelta(
        days=7
    )


async def test_a_plan_by_calendar_and_usage_is_due_by_whichever_comes_first(shop: Shop) -> None:
    press = await shop.equipment()
    counter = await shop.meter(press, "cycles")
    await shop.reading(counter, "0", _ago(48))
    far = (datetime.now(UTC).date() + timedelta(days=200)).isoformat()
    plan = await shop.plan(
        press,
        calendar={"interval": 12, "unit": "months", "mode": "floating", "anchor": far},
        usage={"meter_id": counter["id"], "interval": "1000"},
    )
    assert (await shop.post("/plans/generation", None, 200)).json()["created"] == []
    made = await shop.reading(counter, "1001", _ago(1))
    (number,) = made.json()["work_orders"]
    orders = await shop.get("/work-orders", equipment_id=press["id"])
    assert [(o["number"], o["plan_id"]) for o in orders["items"]] == [(number, plan["id"])]


async def test_completing_planned_work_starts_the_next_usage_cycle(shop: Shop, spy: Spy) -> None:
    press = await shop.equipment()
    counter = await shop.meter(press, "cycles")
    await shop.reading(counter, "0", _ago(10))
    plan_body = {"meter_id": counter["id"], "interval": "100"}
    # No lead time: the next order comes when the cycle is used up, not when projected.
    await shop.plan(press, usage=plan_body, machine_down=True, lead_time_days=0)
    (number,) = (await shop.reading(counter, "150", _ago(9))).json()["work_orders"]
    order: dict[str, Any] = (await shop.get("/work-orders", equipment_id=press["id"]))["items"][0]
    await shop.act(order, "approve")
    started = await shop.act(order, "start", at=_ago(8))
    assert started["down_since"] is not None
    opened = [e for e in await spy.events("maintenance.work_order.opened") if e["number"] == number]
    # Made (the machine still runs), then started (now it stands).
    assert [e["machine_down"] for e in opened] == [False, True]
    await shop.act(order, "complete", at=_ago(7))
    assert (await shop.reading(counter, "240", _ago(6))).json()["work_orders"] == []
    assert len((await shop.reading(counter, "260", _ago(5))).json()["work_orders"]) == 1

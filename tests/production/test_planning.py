"""Scheduling on a plant's real data: bars on the operations, a Gantt chart, late orders,
and a new plan when a machine stops."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from production.planning import jobs
from tests.production.floor import Floor
from unison_bus import JobContext, uuid7
from unison_bus.jobs import JobMessage
from unison_pg import Database


async def _orders_on_one_machine(
    floor: Floor, count: int
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    product = await floor.material()
    center = await floor.work_center()
    await floor.routing(
        product,
        [
            {
                "operation_no": 10,
                "description": "Turn",
                "work_center_id": center["id"],
                "cycle_seconds": "36",
            }
        ],
    )
    orders = []
    for n in range(count):
        due = (datetime.now(UTC) + timedelta(days=1 + n)).isoformat()
        order = await floor.order(product, "100", due_at=due)  # 3,600 s of work each
        await floor.post(f"/work-orders/{order['id']}/release", None, 200)
        orders.append(order)
    return orders, center


def _window() -> dict[str, str]:
    now = datetime.now(UTC)
    return {
        "from": (now - timedelta(hours=1)).isoformat(),
        "to": (now + timedelta(days=30)).isoformat(),
    }


async def test_scheduling_puts_every_open_order_on_the_gantt_chart_in_due_order(
    floor: Floor,
) -> None:
    orders, center = await _orders_on_one_machine(floor, 3)
    run = (
        await floor.post(f"/plants/{floor.plants[0]}/schedule", {"direction": "forward"}, 200)
    ).json()
    assert run["stats"]["orders"] == 3 and run["stats"]["scheduled_operations"] == 3
    assert run["conflicts"] == []
    chart = await floor.get(f"/plants/{floor.plants[0]}/gantt", **_window())
    (row,) = [r for r in chart["rows"] if r["work_center_id"] == center["id"]]
    assert [b["number"] for b in row["bars"]] == [o["number"] for o in orders]
    starts = [datetime.fromisoformat(b["start"]) for b in row["bars"]]
    ends = [datetime.fromisoformat(b["end"]) for b in row["bars"]]
    assert all(ends[i] <= starts[i + 1] for i in range(2))  # one machine: one at a time
    assert chart["run"]["id"] == run["id"]
    planned = await floor.get(f"/work-orders/{orders[0]['id']}")
    assert planned["scheduled_start"] is not None
    assert planned["operations"][0]["scheduled_work_center_id"] == center["id"]


async def test_an_order_that_cannot_make_its_due_date_is_reported_late(floor: Floor) -> None:
    product = await floor.material()
    center = await floor.work_center()
    await floor.routing(
        product,
        [
            {
                "operation_no": 10,
                "description": "Slow",
                "work_center_id": center["id"],
                "cycle_seconds": "3600",
            }
        ],
    )
    soon = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    order = await floor.order(product, "10", due_at=soon)  # ten hours of work due in two
    await floor.post(f"/work-orders/{order['id']}/release", None, 200)
    run = (await floor.post(f"/plants/{floor.plants[0]}/schedule", None, 200)).json()
    assert [o["order_id"] for o in run["late_orders"]] == [order["id"]]
    chart = await floor.get(f"/plants/{floor.plants[0]}/gantt", **_window())
    bars = [b for r in chart["rows"] for b in r["bars"]]
    assert [b["late"] for b in bars] == [True]


async def test_a_stop_queues_a_new_plan_that_works_around_it(
    floor: Floor, database: Database, admin_conn: asyncpg.Connection
) -> None:
    orders, center = await _orders_on_one_machine(floor, 1)
    await floor.post(f"/plants/{floor.plants[0]}/schedule", None, 200)
    before = await floor.get(f"/work-orders/{orders[0]['id']}")
    until = datetime.now(UTC) + timedelta(days=2)
    stop = {"expected_end": until.isoformat(), "description": "Spindle bearing"}
    await floor.post(f"/work-centers/{center['id']}/downtimes", stop, 201)
    job = await admin_conn.fetchrow(
        "SELECT id, params FROM bus.jobs WHERE organization_id = $1 AND kind = $2",
        floor.org_id,
        jobs.KIND,
    )
    assert job is not None
    params = json.loads(job["params"])
    assert params["trigger"] == "downtime"
    message = JobMessage(job["id"], floor.org_id, jobs.KIND)
    result = await jobs.run(JobContext(database, message, params))
    assert "run_id" in result
    after = await floor.get(f"/work-orders/{orders[0]['id']}")
    start = datetime.fromisoformat(after["operations"][0]["scheduled_start"])
    assert start >= until > datetime.fromisoformat(before["operations"][0]["scheduled_start"])
    # A second request older than that plan finds it newer and does nothing.
    stale = {**params, "requested_at": (datetime.now(UTC) - timedelta(minutes=5)).isoformat()}
    skipped = await jobs.run(
        JobContext(database, JobMessage(uuid7(), floor.org_id, jobs.KIND), stale)
    )
    assert skipped["skipped"] == "a newer plan exists"

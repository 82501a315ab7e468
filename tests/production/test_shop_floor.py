"""The shop floor: operation reports, confirmations, labour, stops, machine counts and
the goods postings they ask of inventory."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from production.shop_floor import postings
from tests.production.floor import Floor, at, yesterday
from tests.support.harness import Spy, as_organization
from unison_events.inventory import (
    ProductionPostingFailed,
    ProductionPostingIssued,
    ProductionPostingPosted,
)


async def _report(floor: Floor, order: dict[str, Any], op: int, action: str, **body: Any) -> Any:
    return await floor.post(f"/work-orders/{order['id']}/operations/{op}/{action}", body or None)


async def test_an_operation_runs_from_start_to_finish_with_a_stop_between(floor: Floor) -> None:
    order, (center,) = await floor.released_order(cycle="30")
    day = yesterday()
    stop_reason = (
        await floor.post(
            "/reasons", {"kind": "downtime", "code": "JAM", "name": "Jam", "loss": "breakdown"}, 201
        )
    ).json()
    started = await _report(floor, order, 10, "start", at=at(day, "07:00").isoformat())
    assert started.status_code == 200, started.text
    assert started.json()["status"] == "in_progress"
    paused = await _report(
        floor, order, 10, "pause", at=at(day, "08:00").isoformat(), reason_id=stop_reason["id"]
    )
    assert paused.json()["operations"][0]["status"] == "paused"
    stops = await floor.get(
        f"/work-centers/{center['id']}/downtimes",
        **{"from": at(day, "00:00").isoformat(), "to": at(day, "23:00").isoformat()},
    )
    (stop,) = stops["items"]
    assert (stop["source"], stop["ended_at"], stop["loss"]) == ("pause", None, "breakdown")
    await _report(floor, order, 10, "resume", at=at(day, "08:20").isoformat())
    stop = await floor.get(f"/downtimes/{stop['id']}")
    assert stop["ended_at"].startswith(f"{day.isoformat()}T08:20")
    confirmed = await floor.post(
        f"/work-orders/{order['id']}/operations/10/confirmations",
        {
            "good": "90",
            "scrap": [{"quantity": "10"}],
            "at": at(day, "12:00").isoformat(),
            "finish": True,
        },
        201,
    )
    done = confirmed.json()
    assert (done["status"], done["good_quantity"], done["scrap_quantity"]) == (
        "completed",
        "90",
        "10",
    )
    log = await floor.get(f"/work-orders/{order['id']}/logs", limit=50)
    kinds = [r["kind"] for r in reversed(log["items"])]
    assert kinds == ["start", "pause", "resume", "count", "count", "finish"]
    labour = await floor.get(f"/work-orders/{order['id']}/labour")
    spans = [(e["started_at"][11:16], e["ended_at"][11:16]) for e in labour["items"]]
    assert spans == [("07:00", "08:00"), ("08:20", "12:00")]


async def test_a_log_at_0559_belongs_to_the_night_shift_and_0601_to_the_early_shift(
    floor: Floor,
) -> None:
    order, _ = await floor.released_order()
    day = yesterday()
    url = f"/work-orders/{order['id']}/operations/10/confirmations"
    await floor.post(url, {"good": "1", "at": at(day, "05:59").isoformat()}, 201)
    await floor.post(url, {"good": "1", "at": at(day, "06:01").isoformat()}, 201)
    log = await floor.get(f"/work-orders/{order['id']}/logs")
    counts = [
        (r["production_day"], r["shift_code"])
        for r in reversed(log["items"])
        if r["kind"] == "count"
    ]
    night_day = day.fromordinal(day.toordinal() - 1).isoformat()
    assert counts == [(night_day, "NIGHT"), (day.isoformat(), "EARLY")]


async def test_an_operation_waits_for_its_predecessor(floor: Floor) -> None:
    order, _ = await floor.released_order(operations=2)
    refused = await _report(floor, order, 20, "start")
    assert refused.status_code == 409
    assert "follows operation 10" in refused.json()["detail"]
    assert (await _report(floor, order, 10, "start")).status_code == 200
    assert (await _report(floor, order, 20, "start")).status_code == 200


async def test_nothing_is_reported_on_an_order_on_hold(floor: Floor) -> None:
    order, _ = await floor.released_order()
    await floor.post(f"/work-orders/{order['id']}/hold", {"reason": "quality alert"}, 200)
    refused = await floor.post(
        f"/work-orders/{order['id']}/operations/10/confirmations", {"good": "1"}, 409
    )
    assert "on_hold" in refused.json()["detail"]


async def test_a_confirmation_asks_inventory_to_backflush_and_receive(
    floor: Floor, spy: Spy
) -> None:
    product = await floor.material()
    bearing = await floor.material()
    housing = await floor.material()
    first = await floor.work_center()
    last = await floor.work_center()
    await floor.bom(product, [(bearing, "2"), (housing, "1")])
    await floor.routing(
        product,
        [
            {
                "operation_no": 10,
                "description": "Press",
                "work_center_id": first["id"],
                "cycle_seconds": "20",
                "components": [str(bearing)],
            },
            {
                "operation_no": 20,
                "description": "Assemble",
                "work_center_id": last["id"],
                "cycle_seconds": "40",
                "components": [str(housing)],
                "consumption": "manual",
            },
        ],
    )
    order = await floor.order(product, "10", output_lot="LOT-A1")
    await floor.post(f"/work-orders/{order['id']}/release", None, 200)
    url = f"/work-orders/{order['id']}/operations"
    await floor.post(f"{url}/10/confirmations", {"good": "4", "scrap": [{"quantity": "1"}]}, 201)
    await floor.post(f"{url}/20/confirmations", {"good": "4"}, 201)
    press, assemble = await spy.events("production.goods_posting.requested")
    assert press["receipt"] is None
    # 5 pieces made (4 good, 1 scrap) x 2 bearings each.
    assert [(c["material_id"], c["quantity"]) for c in press["consumption"]] == [
        (str(bearing), "10")
    ]
    # The housing is issued by hand at operation 20: only the receipt is asked for.
    assert assemble["consumption"] == []
    await floor.post(f"{url}/20/confirmations", {"good": "1"}, 201)
    requests = await spy.events("production.goods_posting.requested")
    receipts = [r["receipt"] for r in requests if r["receipt"]]
    assert [(r["material_id"], r["quantity"], r["lot"]) for r in receipts] == [
        (str(product), "4", "LOT-A1"),
        (str(product), "1", "LOT-A1"),
    ]
    # Three requests recorded (a worker running meanwhile may already have settled some).
    asked = await floor.get(f"/work-orders/{order['id']}/goods-postings")
    assert len(asked["items"]) == 3


async def test_posted_and_failed_answers_update_the_order(
    floor: Floor, production_conn: asyncpg.Connection
) -> None:
    order, _ = await floor.released_order()
    part = await floor.material()
    del part
    await floor.post(f"/work-orders/{order['id']}/operations/10/confirmations", {"good": "2"}, 201)
    await floor.post(f"/work-orders/{order['id']}/operations/10/confirmations", {"good": "3"}, 201)
    listed = await floor.get(f"/work-orders/{order['id']}/goods-postings")
    first, second = (UUID(p["id"]) for p in listed["items"])
    plant = floor.plants[0]
    failed = ProductionPostingFailed(
        organization_id=floor.org_id,
        plant_id=plant,
        posting_id=first,
        work_order_id=UUID(order["id"]),
        reference=order["number"],
        error="not enough stock of BRG-1: available 0 PC, requested 2 PC",
    )
    await as_organization(production_conn, floor.org_id, postings.on_failed, failed)
    posted = ProductionPostingPosted(
        organization_id=floor.org_id,
        plant_id=plant,
        posting_id=second,
        work_order_id=UUID(order["id"]),
        reference=order["number"],
        movement_ids=(uuid4(),),
        lines=(
            ProductionPostingIssued(
                material_id=UUID(order["material_id"]),
                quantity=Decimal(3),
                unit="PC",
                movement_type="101",
            ),
        ),
    )
    await as_organization(production_conn, floor.org_id, postings.on_posted, posted)
    todo = await floor.get("/goods-postings/failed", plant_id=str(plant))
    # (Inventory's worker, when one runs meanwhile, may have told its own reason.)
    assert [p["id"] for p in todo["items"]] == [str(first)] and todo["items"][0]["error"]
    done = await floor.get(f"/work-orders/{order['id']}/goods-postings", status="posted")
    assert [p["id"] for p in done["items"]] == [str(second)]


async def test_machine_counts_land_on_the_running_operation_in_one_transaction(
    floor: Floor,
) -> None:
    order, (center,) = await floor.released_order(cycle="10")
    idle = await floor.work_center()
    day = yesterday()
    await _report(floor, order, 10, "start", at=at(day, "06:10").isoformat())
    rows = [
        {"work_center_id": center["id"], "at": at(day, f"07:{m:02d}").isoformat(), "good": "5"}
        for m in range(10)
    ]
    rows.append({"work_center_id": idle["id"], "at": at(day, "07:30").isoformat(), "good": "2"})
    accepted = await floor.post("/machine-counts", {"rows": rows}, 201)
    assert accepted.json()["rows"] == 11
    assert (accepted.json()["attributed"], accepted.json()["unattributed"]) == (10, 1)
    current = await floor.get(f"/work-orders/{order['id']}")
    assert current["operations"][0]["good_quantity"] == "50"
    bad = [
        *rows[:2],
        {"work_center_id": str(uuid4()), "at": at(day, "07:40").isoformat(), "good": "1"},
    ]
    refused = await floor.post("/machine-counts", {"rows": bad}, 422)
    assert refused.json()["errors"][0]["pointer"] == "/rows/2/work_center_id"
    current = await floor.get(f"/work-orders/{order['id']}")
    assert current["operations"][0]["good_quantity"] == "50"  # nothing of the refused batch

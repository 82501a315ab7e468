"""Maintenance work orders: the state machine, breakdown reports, the work on an order,
spare parts through inventory, and what production hears."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import asyncpg
import pytest

from maintenance.read_models import handlers
from tests.maintenance.shop import API, Shop
from tests.support.harness import Spy, as_organization
from unison_events.inventory import MaintenanceIssueFailed, MaintenanceIssuePosted


async def _order(shop: Shop, **fields: object) -> dict[str, object]:
    press = await shop.equipment()
    body = {"equipment_id": press["id"], "title": "Replace seal", **fields}
    return dict((await shop.post("/work-orders", body, 201)).json())


ILLEGAL = [
    ("requested", "start"),
    ("requested", "complete"),
    ("approved", "close"),
    ("in_progress", "cancel"),
    ("done", "start"),
    ("closed", "approve"),
    ("cancelled", "approve"),
]
PATHS = {
    "requested": [],
    "approved": ["approve"],
    "in_progress": ["approve", "start"],
    "done": ["approve", "start", "complete"],
    "closed": ["approve", "start", "complete", "close"],
    "cancelled": ["cancel"],
}


@pytest.mark.parametrize(("status", "action"), ILLEGAL)
async def test_every_illegal_transition_is_refused_naming_what_is_allowed(
    shop: Shop, status: str, action: str
) -> None:
    order = await _order(shop, kind="preventive")
    for step in PATHS[status]:
        await shop.post(f"/work-orders/{order['id']}/{step}", {"reason": "test"}, 200)
    refused = await shop.post(f"/work-orders/{order['id']}/{action}", {"reason": "x"}, 409)
    assert f"in status {status} cannot {action}" in refused.json()["detail"]


async def test_an_operator_reports_a_breakdown_and_production_hears_the_machine_stands(
    shop: Shop, spy: Spy
) -> None:
    since = (datetime.now(UTC) - timedelta(minutes=20)).isoformat()
    order = await _order(shop, machine_down=True, down_since=since)
    assert order["kind"] == "corrective" and order["status"] == "requested"
    operator = await shop.post(
        "/work-orders",
        {"equipment_id": order["equipment_id"], "title": "Oil on floor", "machine_down": True},
        201,
        roles=["operator"],
    )
    assert operator.json()["down_since"] is not None
    planned = {"equipment_id": order["equipment_id"], "title": "x", "kind": "preventive"}
    assert (await shop.post("/work-orders", planned, 403, roles=["operator"])).status_code == 403
    opened = await spy.events("maintenance.work_order.opened")
    first = next(e for e in opened if e["maintenance_work_order_id"] == order["id"])
    assert first["machine_down"] is True and first["down_since"].startswith(since[:16])


async def test_a_repair_needs_its_problem_code_and_its_completion_tells_production(
    shop: Shop, spy: Spy
) -> None:
    order = await _order(shop, machine_down=True)
    await shop.act(order, "approve")
    await shop.act(order, "start")
    refused = await shop.post(f"/work-orders/{order['id']}/complete", None, 409)
    assert "problem code" in refused.json()["detail"]
    bad = await shop.client.put(
        f"{API}/work-orders/{order['id']}/findings",
        json={"problem_code": "LEAK"},
        headers=shop.auth(),
    )
    assert bad.status_code == 422  # not in the catalogue yet
    for kind, code, name in (
        ("problem", "LEAK", "Leak"),
        ("cause", "WEAR", "Wear"),
        ("remedy", "REPL", "Replaced"),
    ):
        put = await shop.client.put(
            f"{API}/failure-codes/{kind}/{code}", json={"name": name}, headers=shop.auth()
        )
        assert put.status_code == 200, put.text
    found = await shop.client.put(
        f"{API}/work-orders/{order['id']}/findings",
        json={"problem_code": "leak", "cause_code": "WEAR", "remedy_code": "REPL"},
        headers=shop.auth(),
    )
    assert found.json()["problem_code"] == "LEAK"
    done = await shop.act(order, "complete")
    assert done["status"] == "done"
    (completed,) = await spy.events("maintenance.work_order.completed")
    assert completed["machine_running_at"] is not None
    history = await shop.get(f"/work-orders/{order['id']}/history")
    assert [h["to_status"] for h in history] == ["requested", "approved", "in_progress", "done"]


async def test_labour_is_booked_only_on_work_under_way(shop: Shop) -> None:
    order = await _order(shop)
    start = (datetime.now(UTC) - timedelta(hours=3)).isoformat()
    end = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    body = {"technician": "tech@acme", "started_at": start, "ended_at": end, "hourly_rate": "65"}
    assert (await shop.post(f"/work-orders/{order['id']}/labour", body, 409)).status_code == 409
    await shop.act(order, "approve")
    await shop.act(order, "start")
    await shop.post(f"/work-orders/{order['id']}/labour", body, 201)
    backwards = {**body, "ended_at": start, "started_at": end}
    refused = await shop.post(f"/work-orders/{order['id']}/labour", backwards, 422)
    assert refused.json()["errors"][0]["pointer"] == "/ended_at"
    assert len(await shop.get(f"/work-orders/{order['id']}/labour")) == 1


async def test_spare_parts_are_asked_of_inventory_and_its_answers_recorded(
    shop: Shop, spy: Spy, maintenance_conn: asyncpg.Connection
) -> None:
    order = await _order(shop)
    await shop.act(order, "approve")
    seal = uuid4()
    asked = await shop.post(
        f"/work-orders/{order['id']}/parts",
        {"lines": [{"material_id": str(seal), "quantity": "2", "unit": "PC"}]},
        202,
    )
    request_id = UUID(asked.json()["id"])
    (event,) = await spy.events("maintenance.parts_issue.requested")
    assert (event["reference"], event["lines"][0]["quantity"]) == (order["number"], "2")
    failed = MaintenanceIssueFailed(
        organization_id=shop.org_id,
        plant_id=shop.plants[0],
        request_id=request_id,
        maintenance_work_order_id=UUID(str(order["id"])),
        reference=str(order["number"]),
        error="not enough stock of SEAL-40",
    )
    await as_organization(maintenance_conn, shop.org_id, handlers.on_issue_failed, failed)
    posted = MaintenanceIssuePosted(
        organization_id=shop.org_id,
        plant_id=shop.plants[0],
        request_id=request_id,
        maintenance_work_order_id=UUID(str(order["id"])),
        reference=str(order["number"]),
        movement_ids=(uuid4(),),
        value=Decimal("37.80"),
    )
    await as_organization(maintenance_conn, shop.org_id, handlers.on_issue_posted, posted)
    (request,) = await shop.get(f"/work-orders/{order['id']}/parts")
    assert (request["status"], request["value"], request["lines"][0]["material_id"]) == (
        "issued",
        "37.80",
        str(seal),
    )

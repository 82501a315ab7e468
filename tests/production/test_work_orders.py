"""Work orders: creation from routing and BOM, the state machine, history and events."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.production.floor import API, Floor
from tests.support.harness import Spy


async def _routing_of(floor: Floor, product: Any, ops: int = 2) -> list[dict[str, Any]]:
    centers = [await floor.work_center() for _ in range(ops)]
    await floor.routing(
        product,
        [
            {
                "operation_no": 10 * (n + 1),
                "description": f"Op {n + 1}",
                "work_center_id": centers[n]["id"],
                "cycle_seconds": "12.5",
            }
            for n in range(ops)
        ],
    )
    return centers


async def test_an_order_copies_its_routing_and_explodes_its_bom_through_phantoms(
    floor: Floor,
) -> None:
    product = await floor.material("PUMP-100")
    shaft = await floor.material("SHAFT")
    kit = await floor.material("SEAL-KIT")  # a phantom: its parts are consumed directly
    seal = await floor.material("SEAL")
    ring = await floor.material("O-RING")
    swarf = await floor.material("SWARF")
    await floor.bom(
        product,
        [(shaft, "1"), (kit, "1"), (swarf, "0.2")],
        phantom={kit},
        scrap={shaft: "10"},
        by_products={swarf},
        operations={shaft: "0020"},
    )
    await floor.bom(kit, [(seal, "2"), (ring, "4")], base_quantity="2")
    await _routing_of(floor, product)
    order = await floor.order(product, "50")
    assert order["number"].startswith("WO-") and order["status"] == "draft"
    assert [op["operation_no"] for op in order["operations"]] == [10, 20]
    assert order["operations"][1]["reports_output"] is True
    got = {
        c["material_id"]: (Decimal(c["quantity"]), c["operation_no"], c["by_product"])
        for c in order["components"]
    }
    assert got == {
        str(shaft): (Decimal("55"), 20, False),  # 50 x 1 x 1.10, consumed at operation 20
        str(seal): (Decimal("50"), 10, False),  # 50 kits x 2 / 2
        str(ring): (Decimal("100"), 10, False),
        str(swarf): (Decimal("10"), 10, True),
    }


async def test_an_order_without_a_released_routing_is_refused(floor: Floor) -> None:
    product = await floor.material()
    body = {
        "plant_id": str(floor.plants[0]),
        "material_id": str(product),
        "quantity": "5",
        "due_at": "2030-01-01T00:00:00Z",
    }
    refused = await floor.post("/work-orders", body, 422)
    assert refused.json()["errors"][0]["pointer"] == "/routing_id"
    body["quantity"] = "0"
    assert (await floor.post("/work-orders", body, 422)).json()["errors"][0][
        "pointer"
    ] == "/quantity"


async def test_given_components_and_numbers_are_checked(floor: Floor) -> None:
    product = await floor.material()
    part = await floor.material()
    await _routing_of(floor, product, ops=1)
    order = await floor.order(
        product,
        "10",
        number="SAP-1000123",
        components=[{"material_id": str(part), "quantity": "30"}],
    )
    assert order["number"] == "SAP-1000123"
    assert [(c["quantity"], c["operation_no"]) for c in order["components"]] == [("30", 10)]
    again: dict[str, Any] = {
        "plant_id": str(floor.plants[0]),
        "material_id": str(product),
        "quantity": "1",
        "due_at": "2030-01-01T00:00:00Z",
        "number": "SAP-1000123",
    }
    assert (await floor.post("/work-orders", again, 409)).json()["errors"][0][
        "pointer"
    ] == "/number"
    again["number"] = "SAP-1000124"
    again["components"] = [{"material_id": str(part), "quantity": "1", "operation_no": 99}]
    refused = await floor.post("/work-orders", again, 422)
    assert refused.json()["errors"][0]["pointer"] == "/components/0/operation_no"


ILLEGAL = [
    ("draft", "start"),
    ("draft", "hold"),
    ("draft", "resume"),
    ("draft", "complete"),
    ("draft", "close"),
    ("released", "release"),
    ("released", "close"),
    ("released", "resume"),
    ("cancelled", "release"),
    ("cancelled", "resume"),
    ("completed", "release"),
    ("completed", "hold"),
    ("completed", "cancel"),
    ("closed", "close"),
    ("closed", "release"),
    ("on_hold", "hold"),
    ("on_hold", "complete"),
]

PATHS = {
    "draft": [],
    "released": ["release"],
    "cancelled": ["cancel"],
    "completed": ["release", "complete"],
    "closed": ["release", "complete", "close"],
    "on_hold": ["release", "hold"],
}


@pytest.mark.parametrize(("status", "action"), ILLEGAL)
async def test_every_illegal_transition_is_refused_saying_what_is_allowed(
    floor: Floor, status: str, action: str
) -> None:
    product = await floor.material()
    await _routing_of(floor, product, ops=1)
    order = await floor.order(product)
    for step in PATHS[status]:
        await floor.post(f"/work-orders/{order['id']}/{step}", {"reason": "test"}, 200)
    refused = await floor.post(f"/work-orders/{order['id']}/{action}", {"reason": "x"}, 409)
    detail = refused.json()["detail"]
    assert f"in status {status} cannot {action}" in detail
    assert "allowed" in detail or "final" in detail
    current = await floor.get(f"/work-orders/{order['id']}")
    assert current["status"] == status


async def test_hold_and_cancel_need_a_reason_and_resume_goes_back(floor: Floor) -> None:
    order, _ = await floor.released_order()
    url = f"/work-orders/{order['id']}"
    refused = await floor.post(f"{url}/hold", {}, 422)
    assert refused.json()["errors"][0]["pointer"] == "/reason"
    held = (await floor.post(f"{url}/hold", {"reason": "material missing"}, 200)).json()
    assert (held["status"], held["held_from"]) == ("on_hold", "released")
    resumed = (await floor.post(f"{url}/resume", None, 200)).json()
    assert resumed["status"] == "released"
    history = await floor.get(f"{url}/history")
    assert [(h["from_status"], h["to_status"], h["reason"]) for h in history["items"]] == [
        (None, "draft", None),
        ("draft", "released", None),
        ("released", "on_hold", "material missing"),
        ("on_hold", "released", None),
    ]


async def test_an_order_with_production_cannot_be_cancelled(floor: Floor) -> None:
    order, _ = await floor.released_order()
    url = f"/work-orders/{order['id']}"
    await floor.post(f"{url}/operations/10/confirmations", {"good": "3"}, 201)
    await floor.post(f"{url}/operations/10/pause", None, 200)
    await floor.post(f"{url}/hold", {"reason": "wait"}, 200)
    refused = await floor.post(f"{url}/cancel", {"reason": "no"}, 409)
    assert "complete and close it" in refused.json()["detail"]


async def test_release_publishes_the_components_to_reserve_and_every_change_its_status(
    floor: Floor, spy: Spy
) -> None:
    product = await floor.material()
    part = await floor.material()
    await floor.bom(product, [(part, "2")])
    await _routing_of(floor, product, ops=1)
    order = await floor.order(product, "10")
    await floor.post(f"/work-orders/{order['id']}/release", None, 200)
    topics = [e["topic"] for e in await spy.events() if "work_order" in e["topic"]]
    assert topics == [
        "production.work_order.created",
        "production.work_order.status_changed",
        "production.work_order.released",
    ]
    (released,) = await spy.events("production.work_order.released")
    assert released["number"] == order["number"]
    assert [(c["material_id"], c["quantity"]) for c in released["components"]] == [
        (str(part), "20")
    ]


async def test_a_planner_edits_a_draft_and_its_components_follow_the_quantity(floor: Floor) -> None:
    product = await floor.material()
    part = await floor.material()
    await floor.bom(product, [(part, "3")])
    await _routing_of(floor, product, ops=1)
    order = await floor.order(product, "10")
    url = f"{API}/work-orders/{order['id']}"
    headers = {**floor.auth(), "If-Match": '"1"'}
    changed = await floor.client.patch(url, json={"quantity": "20", "priority": 5}, headers=headers)
    assert changed.status_code == 200, changed.text
    assert changed.json()["components"][0]["quantity"] == "60"
    await floor.post(f"/work-orders/{order['id']}/release", None, 200)
    current = await floor.get(f"/work-orders/{order['id']}")
    headers = {**floor.auth(), "If-Match": f'"{current["version"]}"'}
    refused = await floor.client.patch(url, json={"quantity": "30"}, headers=headers)
    assert refused.status_code == 409

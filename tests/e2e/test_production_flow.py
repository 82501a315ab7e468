"""A work order from master data to finished goods through the real processes: inventory's
materials and BOM reach production by events, releasing reserves the components in
inventory, confirming backflushes them (first expiring lot first) and receives the
product, inventory's genealogy links the lots, and a dashboard sees the counts live."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
import websockets

from tests.e2e.conftest import bearer

pytestmark = pytest.mark.e2e
INV = "/api/inventory"
PROD = "/api/production"


async def _eventually(check: Callable[[], Awaitable[Any]], what: str, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = await check()
        if found:
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        await asyncio.sleep(0.2)


async def _post(
    http: httpx.AsyncClient, token: str, path: str, body: Any, expect: int = 201
) -> Any:
    response = await http.post(path, json=body, headers=bearer(token))
    assert response.status_code == expect, response.text
    return response.json()


async def _master_data(http: httpx.AsyncClient, token: str, plant: str, tag: str) -> dict[str, Any]:
    product = await _post(
        http,
        token,
        f"{INV}/materials",
        {
            "number": f"E2E-FG-{tag}",
            "description": "Pump set",
            "type": "finished",
            "base_unit": "PC",
            "lot_managed": True,
        },
    )
    shaft = await _post(
        http,
        token,
        f"{INV}/materials",
        {
            "number": f"E2E-RM-{tag}",
            "description": "Shaft blank",
            "type": "raw",
            "base_unit": "PC",
            "lot_managed": True,
        },
    )
    store = await _post(
        http,
        token,
        f"{INV}/plants/{plant}/locations",
        {
            "code": f"E{tag[-6:]}",
            "name": "E2E store",
            "kind": "warehouse",
        },
    )
    today = datetime.now(UTC).date()
    for lot, expires in (
        ("L-LATE", today + timedelta(days=90)),
        ("L-SOON", today + timedelta(days=30)),
    ):
        await _post(
            http,
            token,
            f"{INV}/goods-movements",
            {
                "posting_date": today.isoformat(),
                "movement_type": "101",
                "reference": f"PO-{tag}",
                "lines": [
                    {
                        "material_id": shaft["id"],
                        "plant_id": plant,
                        "location_id": store["id"],
                        "quantity": "6",
                        "unit": "PC",
                        "lot": lot,
                        "expires_on": expires.isoformat(),
                        "price": "12.50",
                    }
                ],
            },
        )
    await _post(
        http,
        token,
        f"{INV}/boms",
        {
            "material_id": product["id"],
            "plant_id": plant,
            "base_quantity": "1",
            "base_unit": "PC",
            "valid_from": "2020-01-01",
            "status": "released",
            "items": [
                {"item_number": 10, "component_id": shaft["id"], "quantity": "2", "unit": "PC"}
            ],
        },
    )
    return {"product": product, "shaft": shaft, "store": store}


async def _routing(http: httpx.AsyncClient, token: str, plant: str, product: str, tag: str) -> str:
    calendar = await _post(
        http,
        token,
        f"{PROD}/calendars",
        {
            "plant_id": plant,
            "code": f"E{tag[-8:]}",
            "name": "Round the clock",
            "timezone": "UTC",
            "patterns": [
                {
                    "valid_from": "2020-01-01",
                    "shifts": [
                        {
                            "code": "DAY",
                            "weekdays": [1, 2, 3, 4, 5, 6, 7],
                            "start": "00:00:00",
                            "end": "00:00:00",
                        }
                    ],
                }
            ],
        },
    )
    center = await _post(
        http,
        token,
        f"{PROD}/work-centers",
        {
            "plant_id": plant,
            "code": f"E{tag[-8:]}",
            "name": "Assembly",
            "calendar_id": calendar["id"],
        },
    )

    async def routing() -> Any:
        # The material reaches production as an event: until then it is unknown there.
        response = await http.post(
            f"{PROD}/routings",
            json={
                "plant_id": plant,
                "material_id": product,
                "status": "released",
                "valid_from": "2020-01-01",
                "operations": [
                    {
                        "operation_no": 10,
                        "description": "Assemble",
                        "work_center_id": center["id"],
                        "cycle_seconds": "60",
                    }
                ],
            },
            headers=bearer(token),
        )
        return response.json() if response.status_code == 201 else None

    await _eventually(routing, "the product in production's read model")
    return str(center["id"])


async def test_an_order_backflushes_fefo_receives_its_lot_and_links_the_genealogy(
    http: httpx.AsyncClient, tokens: dict[str, str], gateway_url: str
) -> None:
    token = tokens["admin@acme.test"]
    plant = jwt.decode(token, options={"verify_signature": False})["plants"][0]
    tag = str(time.time_ns())[-10:]
    data = await _master_data(http, token, plant, tag)
    product, shaft, store = data["product"], data["shaft"], data["store"]
    await _routing(http, token, plant, product["id"], tag)

    async def order() -> Any:
        made = await _post(
            http,
            token,
            f"{PROD}/work-orders",
            {
                "plant_id": plant,
                "material_id": product["id"],
                "quantity": "5",
                "due_at": (datetime.now(UTC) + timedelta(days=2)).isoformat(),
                "output_location_id": store["id"],
            },
        )
        if made["components"]:
            return made
        await _post(
            http, token, f"{PROD}/work-orders/{made['id']}/cancel", {"reason": "no BOM yet"}, 200
        )
        return None

    wo = await _eventually(order, "the BOM in production's read model")
    assert [(c["material_id"], c["quantity"]) for c in wo["components"]] == [(shaft["id"], "10")]
    await _post(http, token, f"{PROD}/work-orders/{wo['id']}/release", None, 200)

    async def reserved() -> Any:
        response = await http.get(
            f"{INV}/reservations", params={"reference": wo["number"]}, headers=bearer(token)
        )
        return response.json()["items"]

    (reservation,) = await _eventually(reserved, "the reservation in inventory")
    ws_url = gateway_url.replace("http", "ws") + "/ws?access_token=" + token
    async with websockets.connect(ws_url) as socket:
        await socket.send(json.dumps({"subscribe": ["production.counts.*"]}))
        assert json.loads(await asyncio.wait_for(socket.recv(), 10))["type"] == "live.subscribed"
        await _post(
            http, token, f"{PROD}/work-orders/{wo['id']}/operations/10/confirmations", {"good": "4"}
        )
        live = json.loads(await asyncio.wait_for(socket.recv(), 10))
        assert (live["type"], live["data"]["good"]) == ("production.counts.logged", "4")

    async def posted() -> Any:
        response = await http.get(
            f"{PROD}/work-orders/{wo['id']}/goods-postings",
            params={"status": "posted"},
            headers=bearer(token),
        )
        return response.json()["items"]

    (posting,) = await _eventually(posted, "inventory's answer to the posting")
    assert len(posting["movement_ids"]) >= 1
    # 4 pieces x 2 shafts: the lot expiring first goes first (6), then the other (2).
    stock = await http.get(
        f"{INV}/stock", params={"material_id": shaft["id"]}, headers=bearer(token)
    )
    by_lot = {row["lot"]: row["quantity"] for row in stock.json()["items"]}
    assert (by_lot["L-SOON"], by_lot["L-LATE"]) == ("0", "4")
    trace = await http.get(
        f"{INV}/lots/trace/backward",
        params={"material_id": product["id"], "lot": wo["number"]},
        headers=bearer(token),
    )
    assert trace.status_code == 200, trace.text
    inputs = {(lot["material_id"], lot["lot"]) for lot in trace.json()["lots"]}
    assert {(shaft["id"], "L-SOON"), (shaft["id"], "L-LATE")} <= inputs
    done = await http.get(f"{INV}/reservations/{reservation['id']}", headers=bearer(token))
    assert done.json()["withdrawn"] == "8"

"""A breakdown through the real processes: production records the stop, maintenance opens
a repair order for the machine, production links its stop to it, inventory issues the
spare parts to the order, and completing the repair ends the stop in production."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import jwt
import pytest

from tests.e2e.conftest import bearer
from tests.e2e.test_production_flow import _eventually, _post

pytestmark = pytest.mark.e2e
INV = "/api/inventory"
PROD = "/api/production"
MAINT = "/api/maintenance"


async def _machine(http: httpx.AsyncClient, token: str, plant: str, tag: str) -> tuple[str, str]:
    """A production work center and the maintenance equipment it is, linked both ways."""
    calendar = await _post(
        http,
        token,
        f"{PROD}/calendars",
        {
            "plant_id": plant,
            "code": f"M{tag[-8:]}",
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
            "code": f"M{tag[-8:]}",
            "name": "Press",
            "calendar_id": calendar["id"],
        },
    )
    machine = await _post(
        http,
        token,
        f"{MAINT}/equipment",
        {
            "plant_id": plant,
            "level": "machine",
            "code": f"M{tag[-8:]}",
            "name": "Press",
            "work_center_id": center["id"],
        },
    )
    linked = await http.patch(
        f"{PROD}/work-centers/{center['id']}",
        json={"equipment_id": machine["id"]},
        headers={**bearer(token), "If-Match": '"1"'},
    )
    assert linked.status_code == 200, linked.text
    return center["id"], machine["id"]


async def _spare_part(http: httpx.AsyncClient, token: str, plant: str, tag: str) -> tuple[str, str]:
    seal = await _post(
        http,
        token,
        f"{INV}/materials",
        {
            "number": f"E2E-SEAL-{tag}",
            "description": "Hydraulic seal kit",
            "type": "spare",
            "base_unit": "PC",
        },
    )
    store = await _post(
        http,
        token,
        f"{INV}/plants/{plant}/locations",
        {
            "code": f"S{tag[-6:]}",
            "name": "Spare parts",
            "kind": "warehouse",
        },
    )
    await _post(
        http,
        token,
        f"{INV}/goods-movements",
        {
            "posting_date": datetime.now(UTC).date().isoformat(),
            "movement_type": "101",
            "lines": [
                {
                    "material_id": seal["id"],
                    "plant_id": plant,
                    "location_id": store["id"],
                    "quantity": "5",
                    "unit": "PC",
                    "price": "42",
                }
            ],
        },
    )
    return seal["id"], store["id"]


async def test_a_breakdown_is_repaired_with_parts_and_the_stop_ends(
    http: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    token = tokens["admin@acme.test"]
    plant = jwt.decode(token, options={"verify_signature": False})["plants"][0]
    tag = str(time.time_ns())[-10:]
    center, machine = await _machine(http, token, plant, tag)
    seal, store = await _spare_part(http, token, plant, tag)
    since = (datetime.now(UTC) - timedelta(minutes=15)).isoformat()
    stop = await _post(
        http,
        token,
        f"{PROD}/work-centers/{center}/downtimes",
        {"started_at": since, "description": "Hydraulic leak"},
    )

    async def repair() -> Any:
        found = await http.get(
            f"{MAINT}/work-orders", params={"equipment_id": machine}, headers=bearer(token)
        )
        return found.json()["items"]

    (order,) = await _eventually(repair, "maintenance's repair order")
    assert (order["kind"], order["downtime_id"]) == ("corrective", stop["id"])

    async def linked() -> Any:
        found = await http.get(f"{PROD}/downtimes/{stop['id']}", headers=bearer(token))
        return found.json()["maintenance_work_order_id"] == order["id"]

    await _eventually(linked, "production's stop linked to the repair")
    for action in ("approve", "start"):
        await _post(http, token, f"{MAINT}/work-orders/{order['id']}/{action}", None, 200)
    await _post(
        http,
        token,
        f"{MAINT}/work-orders/{order['id']}/parts",
        {"lines": [{"material_id": seal, "quantity": "2", "unit": "PC", "location_id": store}]},
        202,
    )

    async def issued() -> Any:
        found = await http.get(f"{MAINT}/work-orders/{order['id']}/parts", headers=bearer(token))
        return [r for r in found.json() if r["status"] == "issued"]

    (request,) = await _eventually(issued, "inventory's issue of the parts")
    assert Decimal(request["value"]) == 84  # 2 pieces at the moving average of 42
    stock = await http.get(f"{INV}/stock", params={"material_id": seal}, headers=bearer(token))
    assert stock.json()["items"][0]["quantity"] == "3"
    put = await http.put(
        f"{MAINT}/failure-codes/problem/LEAK", json={"name": "Leak"}, headers=bearer(token)
    )
    assert put.status_code == 200
    findings = await http.put(
        f"{MAINT}/work-orders/{order['id']}/findings",
        json={"problem_code": "LEAK"},
        headers=bearer(token),
    )
    assert findings.status_code == 200, findings.text
    await _post(http, token, f"{MAINT}/work-orders/{order['id']}/complete", None, 200)

    async def ended() -> Any:
        found = await http.get(f"{PROD}/downtimes/{stop['id']}", headers=bearer(token))
        return found.json()["ended_at"]

    assert await _eventually(ended, "production's stop ended by the repair")

"""Another organization, or a plant outside the token, sees and changes nothing of the
shop floor: not its master data, orders, logs, stops, OEE or plan."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tests.production.floor import API, Floor, at, yesterday


async def test_another_organization_sees_nothing_and_changes_nothing(floor: Floor) -> None:
    order, (center,) = await floor.released_order()
    await floor.post(f"/work-orders/{order['id']}/operations/10/confirmations", {"good": "1"}, 201)
    stranger = floor.auth(organization_id=uuid.uuid4())
    client = floor.client
    for path in [
        f"/work-orders/{order['id']}",
        f"/work-orders/{order['id']}/logs",
        f"/work-orders/{order['id']}/history",
        f"/work-centers/{center['id']}",
        f"/calendars/{center['calendar_id']}",
    ]:
        response = await client.get(f"{API}{path}", headers=stranger)
        assert response.status_code == 404, path
    for path in ["/work-orders", "/work-centers", "/calendars", "/routings", "/reasons"]:
        listed = await client.get(f"{API}{path}", headers=stranger)
        assert listed.status_code == 200 and listed.json()["items"] == [], path
    for path, body in [
        (f"/work-orders/{order['id']}/hold", {"reason": "x"}),
        (f"/work-orders/{order['id']}/operations/10/confirmations", {"good": "5"}),
        (f"/work-centers/{center['id']}/downtimes", {}),
    ]:
        response = await client.post(f"{API}{path}", json=body, headers=stranger)
        assert response.status_code == 404, (path, response.text)
    rows = [{"work_center_id": center["id"], "at": datetime.now(UTC).isoformat(), "good": "1"}]
    refused = await client.post(f"{API}/machine-counts", json={"rows": rows}, headers=stranger)
    assert refused.status_code == 422
    mine = await floor.get(f"/work-orders/{order['id']}")
    assert (mine["status"], mine["good_quantity"]) == ("in_progress", "1")


async def test_a_token_without_the_plant_sees_none_of_its_shop_floor(floor: Floor) -> None:
    order, (center,) = await floor.released_order()
    day = yesterday()
    await floor.post(
        f"/work-orders/{order['id']}/operations/10/confirmations",
        {"good": "3", "at": at(day, "07:00").isoformat()},
        201,
    )
    other_plant = floor.auth(plant_ids=[floor.plants[1]])
    client = floor.client
    assert (
        await client.get(f"{API}/work-orders/{order['id']}", headers=other_plant)
    ).status_code == 404
    oee = await client.get(
        f"{API}/oee",
        params={"plant_id": str(floor.plants[0]), "from": day.isoformat(), "to": day.isoformat()},
        headers=other_plant,
    )
    assert oee.status_code == 404
    gantt = await client.get(
        f"{API}/plants/{floor.plants[0]}/gantt",
        params={
            "from": datetime.now(UTC).isoformat(),
            "to": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
        },
        headers=other_plant,
    )
    assert gantt.status_code == 404
    listed = await client.get(f"{API}/work-centers", headers=other_plant)
    assert center["id"] not in [c["id"] for c in listed.json()["items"]]

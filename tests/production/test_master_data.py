"""Work centers, shift calendars and the reason catalogue through the API."""

from __future__ import annotations

from typing import Any

from tests.production.floor import API, Floor


async def test_a_work_center_is_created_listed_changed_with_if_match_and_deleted(
    floor: Floor,
) -> None:
    center = await floor.work_center(capacity_units=2, efficiency="0.9", line="L1")
    assert (center["capacity_units"], center["efficiency"], center["line"]) == (2, "0.9", "L1")
    url = f"{API}/work-centers/{center['id']}"
    response = await floor.client.patch(url, json={"name": "Lathe 2"}, headers=floor.auth())
    assert response.status_code == 428
    stale = {**floor.auth(), "If-Match": '"7"'}
    assert (await floor.client.patch(url, json={"name": "x"}, headers=stale)).status_code == 412
    fresh = {**floor.auth(), "If-Match": '"1"'}
    changed = await floor.client.patch(url, json={"name": "Lathe 2"}, headers=fresh)
    assert changed.status_code == 200, changed.text
    assert (changed.json()["name"], changed.headers["etag"]) == ("Lathe 2", '"2"')
    listed = await floor.get("/work-centers", plant_id=str(floor.plants[0]))
    assert [c["id"] for c in listed["items"]] == [center["id"]]
    gone = await floor.client.delete(url, headers={**floor.auth(), "If-Match": '"2"'})
    assert gone.status_code == 204


async def test_a_work_center_code_is_unique_in_its_plant(floor: Floor) -> None:
    calendar = await floor.calendar()
    await floor.work_center(code="LATHE-1", calendar_id=calendar["id"])
    body = {
        "plant_id": str(floor.plants[0]),
        "code": "lathe-1",
        "name": "Another",
        "calendar_id": calendar["id"],
    }
    refused = await floor.post("/work-centers", body, 409)
    assert refused.json()["errors"][0]["pointer"] == "/code"


async def test_a_work_center_needs_a_calendar_of_its_own_plant(floor: Floor) -> None:
    other = await floor.calendar(plant=1)
    body = {"plant_id": str(floor.plants[0]), "code": "X1", "name": "X", "calendar_id": other["id"]}
    refused = await floor.post("/work-centers", body, 422)
    assert refused.json()["errors"][0]["pointer"] == "/calendar_id"


async def test_an_operator_cannot_create_master_data(floor: Floor) -> None:
    calendar = await floor.calendar()
    body = {
        "plant_id": str(floor.plants[0]),
        "code": "X2",
        "name": "X",
        "calendar_id": calendar["id"],
    }
    refused = await floor.post("/work-centers", body, 403, roles=["operator"])
    assert "planner" in refused.json()["detail"]


async def test_a_calendar_with_overlapping_shifts_is_refused_naming_the_shift(floor: Floor) -> None:
    patterns = [
        {
            "valid_from": "2026-01-01",
            "shifts": [
                {"code": "A", "weekdays": [1], "start": "06:00:00", "end": "14:00:00"},
                {"code": "B", "weekdays": [1], "start": "13:00:00", "end": "21:00:00"},
            ],
        }
    ]
    body = {
        "plant_id": str(floor.plants[0]),
        "code": "BAD",
        "name": "Overlapping",
        "timezone": "Europe/Berlin",
        "patterns": patterns,
    }
    refused = await floor.post("/calendars", body, 422)
    pointers = [e["pointer"] for e in refused.json()["errors"]]
    assert any(p.startswith("/patterns/0/shifts") for p in pointers)
    body["timezone"] = "Mars/Olympus"
    body["patterns"] = []
    refused = await floor.post("/calendars", body, 422)
    assert refused.json()["errors"][0]["pointer"] == "/timezone"


async def test_the_shift_list_expands_the_calendar_with_holidays_and_exceptions(
    floor: Floor,
) -> None:
    calendar = await floor.calendar()
    url = f"/calendars/{calendar['id']}"
    replaced = await floor.client.put(
        f"{API}{url}",
        json={
            "name": "Three shifts",
            "timezone": "UTC",
            "patterns": calendar["patterns"],
            "holidays": [{"day": "2026-12-25", "name": "Christmas"}],
        },
        headers={**floor.auth(), "If-Match": '"1"'},
    )
    assert replaced.status_code == 200, replaced.text
    shutdown = {
        "starts_at": "2026-12-24T06:00:00Z",
        "ends_at": "2026-12-24T10:00:00Z",
        "kind": "off",
        "name": "Inventory count",
    }
    await floor.post(f"{url}/exceptions", shutdown, 201)
    listed: dict[str, Any] = await floor.get(
        f"{url}/shifts", **{"from": "2026-12-24T00:00:00Z", "to": "2026-12-26T00:00:00Z"}
    )
    codes = [(s["production_day"], s["code"]) for s in listed["shifts"]]
    # The night shift of the 23rd runs into the 24th; nothing starts on the 25th.
    assert codes == [
        ("2026-12-23", "NIGHT"),
        ("2026-12-24", "EARLY"),
        ("2026-12-24", "LATE"),
        ("2026-12-24", "NIGHT"),
    ]
    early = listed["shifts"][1]
    # 8 h less the 30-minute break less the 06:00-10:00 shutdown.
    assert early["planned_seconds"] == 8 * 3600 - 1800 - 4 * 3600


async def test_downtime_reasons_form_a_tree_and_children_inherit_the_loss(floor: Floor) -> None:
    parent = (
        await floor.post(
            "/reasons",
            {"kind": "downtime", "code": "MECH", "name": "Mechanical", "loss": "breakdown"},
            201,
        )
    ).json()
    child = (
        await floor.post(
            "/reasons",
            {
                "kind": "downtime",
                "code": "MECH-HYD",
                "name": "Hydraulics",
                "parent_id": parent["id"],
            },
            201,
        )
    ).json()
    assert (child["loss"], child["planned"]) == ("breakdown", False)
    refused = await floor.post(
        "/reasons", {"kind": "downtime", "code": "X", "name": "No loss"}, 422
    )
    assert refused.json()["errors"][0]["pointer"] == "/loss"
    refused = await floor.post(
        "/reasons", {"kind": "scrap", "code": "S", "name": "Bad", "loss": "setup"}, 422
    )
    assert refused.json()["errors"][0]["pointer"] == "/loss"

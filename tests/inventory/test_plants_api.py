"""Plant data: only in the plants the token names; any other plant does not exist (404)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.inventory.conftest import Headers, MakeMaterial

Client = AsyncTestClient[Any]
Count = Callable[[str], Awaitable[int]]
MATERIALS = "/api/inventory/materials"
PLANT_DATA = {
    "procurement_type": "buy",
    "reorder_point": "120",
    "safety_stock": "40",
    "lot_size": "500",
    "lead_time_days": 14,
    "default_storage_location": "1010",
}


async def test_plant_data_is_created_read_replaced_and_deleted(
    client: Client, auth: Headers, make_material: MakeMaterial, plants: list[uuid.UUID]
) -> None:
    material = await make_material()
    url = f"{MATERIALS}/{material['id']}/plants/{plants[0]}"
    created = await client.put(url, json=PLANT_DATA, headers=auth())
    assert created.status_code == 201, created.text
    assert created.json()["reorder_point"] == "120"
    assert created.headers["etag"] == '"1"'
    assert (await client.get(url, headers=auth())).json() == created.json()

    replaced = await client.put(
        url, json={**PLANT_DATA, "safety_stock": "60"}, headers=auth({"If-Match": '"1"'})
    )
    assert replaced.status_code == 200
    assert replaced.json()["safety_stock"] == "60"
    assert replaced.json()["version"] == 2

    stale = await client.put(url, json=PLANT_DATA, headers=auth({"If-Match": '"1"'}))
    assert stale.status_code == 412

    listed = await client.get(f"{MATERIALS}/{material['id']}/plants", headers=auth())
    assert [p["plant_id"] for p in listed.json()["items"]] == [str(plants[0])]

    assert (await client.delete(url, headers=auth())).status_code == 204
    assert (await client.get(url, headers=auth())).status_code == 404


async def test_plant_data_is_hidden_from_a_token_without_that_plant(
    client: Client, auth: Headers, make_material: MakeMaterial, plants: list[uuid.UUID]
) -> None:
    material = await make_material()
    for plant_id in plants:
        url = f"{MATERIALS}/{material['id']}/plants/{plant_id}"
        assert (await client.put(url, json=PLANT_DATA, headers=auth())).status_code == 201
    limited = auth(plant_ids=[plants[0]])
    hidden = f"{MATERIALS}/{material['id']}/plants/{plants[1]}"
    assert (await client.get(hidden, headers=limited)).status_code == 404
    assert (await client.put(hidden, json=PLANT_DATA, headers=limited)).status_code == 404
    assert (await client.delete(hidden, headers=limited)).status_code == 404
    listed = await client.get(f"{MATERIALS}/{material['id']}/plants", headers=limited)
    assert [p["plant_id"] for p in listed.json()["items"]] == [str(plants[0])]
    history = await client.get(f"{MATERIALS}/{material['id']}/history", headers=limited)
    assert str(plants[1]) not in [e["plant_id"] for e in history.json()["items"]]
    # The full token still sees both.
    full = await client.get(f"{MATERIALS}/{material['id']}/plants", headers=auth())
    assert len(full.json()["items"]) == 2


async def test_a_plant_outside_the_token_is_not_found_and_nothing_is_written(
    client: Client, auth: Headers, make_material: MakeMaterial, count_rows: Count
) -> None:
    material = await make_material()
    response = await client.put(
        f"{MATERIALS}/{material['id']}/plants/{uuid.uuid4()}", json=PLANT_DATA, headers=auth()
    )
    assert response.status_code == 404
    assert await count_rows("material_plants") == 0


async def test_a_material_with_plant_data_you_cannot_see_cannot_be_deleted_by_you(
    client: Client, auth: Headers, make_material: MakeMaterial, plants: list[uuid.UUID]
) -> None:
    material = await make_material()
    for plant_id in plants:
        url = f"{MATERIALS}/{material['id']}/plants/{plant_id}"
        assert (await client.put(url, json=PLANT_DATA, headers=auth())).status_code == 201
    url = f"{MATERIALS}/{material['id']}"
    refused = await client.delete(url, headers=auth({"If-Match": '"1"'}, plant_ids=plants[:1]))
    assert refused.status_code == 409
    full = await client.get(f"{url}/plants", headers=auth())
    assert len(full.json()["items"]) == 2  # nothing half-deleted
    assert (await client.delete(url, headers=auth({"If-Match": '"1"'}))).status_code == 204


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"procurement_type": "steal"}, "/procurement_type"),
        ({"reorder_point": "-5"}, "/reorder_point"),
        ({"lot_size": "0"}, "/lot_size"),
        ({"lead_time_days": 99999}, "/lead_time_days"),
        ({"safety_stock": "1.0000000001"}, "/safety_stock"),
    ],
)
async def test_bad_plant_data_is_refused_naming_the_field(
    client: Client,
    auth: Headers,
    make_material: MakeMaterial,
    plants: list[uuid.UUID],
    count_rows: Count,
    change: dict[str, Any],
    pointer: str,
) -> None:
    material = await make_material()
    response = await client.put(
        f"{MATERIALS}/{material['id']}/plants/{plants[0]}",
        json={**PLANT_DATA, **change},
        headers=auth(),
    )
    assert 400 <= response.status_code < 500
    assert pointer in [e.get("pointer") for e in response.json()["errors"]]
    assert await count_rows("material_plants") == 0

"""The stock ledger: goods movements post ledger lines and on-hand balances together."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import asyncpg
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from inventory.demo import seed_units
from tests.inventory.conftest import Headers, MakeMaterial

TODAY = datetime.now(UTC).date().isoformat()

Client = AsyncTestClient[Any]
Count = Callable[[str], Awaitable[int]]
MOVEMENTS = "/api/inventory/goods-movements"
STOCK = "/api/inventory/stock"
PostMovement = Callable[..., Awaitable[Any]]


def locations_url(plant_id: uuid.UUID) -> str:
    return f"/api/inventory/plants/{plant_id}/locations"


async def create_location(
    client: Client, auth: Headers, plant_id: uuid.UUID, code: str, **fields: Any
) -> dict[str, Any]:
    body = {"code": code, "name": f"Location {code}", "kind": "warehouse", **fields}
    response = await client.post(locations_url(plant_id), json=body, headers=auth())
    assert response.status_code == 201, response.text
    location: dict[str, Any] = response.json()
    return location


@pytest.fixture
async def stores(client: Client, auth: Headers, plants: list[uuid.UUID]) -> list[str]:
    """Two warehouses in the first plant: the main store and the production supply area."""
    main = await create_location(client, auth, plants[0], "WH1")
    supply = await create_location(client, auth, plants[0], "WH2")
    return [main["id"], supply["id"]]


@pytest.fixture
def post_movement(client: Client, auth: Headers, plants: list[uuid.UUID]) -> PostMovement:
    async def post(
        movement_type: str, material_id: str, location_id: str, quantity: str, **line: Any
    ) -> Any:
        body = {
            "posting_date": TODAY,
            "movement_type": movement_type,
            "reference": "WO-1001",
            "lines": [
                {
                    "material_id": material_id,
                    "plant_id": str(plants[0]),
                    "location_id": location_id,
                    "quantity": quantity,
                    "unit": "PC",
                    **line,
                }
            ],
        }
        return await client.post(MOVEMENTS, json=body, headers=auth())

    return post


async def on_hand(client: Client, auth: Headers, material_id: str, location_id: str) -> str:
    response = await client.get(
        STOCK, params={"material_id": material_id, "location_id": location_id}, headers=auth()
    )
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    return "0" if not items else str(items[0]["quantity"])


async def test_storage_locations_form_a_tree_with_codes_unique_per_plant(
    client: Client, auth: Headers, plants: list[uuid.UUID]
) -> None:
    warehouse = await create_location(client, auth, plants[0], "wh1")
    assert warehouse["code"] == "WH1"
    area = await create_location(
        client, auth, plants[0], "A1", kind="area", parent_id=warehouse["id"]
    )
    await create_location(client, auth, plants[0], "B-01", kind="bin", parent_id=area["id"])
    # The same code in the other plant is another location.
    await create_location(client, auth, plants[1], "WH1")

    taken = await client.post(
        locations_url(plants[0]),
        json={"code": "WH1", "name": "x", "kind": "warehouse"},
        headers=auth(),
    )
    assert taken.status_code == 409
    assert taken.json()["errors"][0]["pointer"] == "/code"
    bin_under_warehouse = await client.post(
        locations_url(plants[0]),
        json={"code": "B-02", "name": "x", "kind": "bin", "parent_id": warehouse["id"]},
        headers=auth(),
    )
    assert bin_under_warehouse.status_code == 422
    assert bin_under_warehouse.json()["errors"][0]["pointer"] == "/parent_id"
    parent_in_other_plant = await client.post(
        locations_url(plants[1]),
        json={"code": "A9", "name": "x", "kind": "area", "parent_id": warehouse["id"]},
        headers=auth(),
    )
    assert parent_in_other_plant.status_code == 422

    first = await client.get(locations_url(plants[0]), params={"limit": 2}, headers=auth())
    assert [loc["code"] for loc in first.json()["items"]] == ["A1", "B-01"]
    rest = await client.get(
        locations_url(plants[0]),
        params={"limit": 2, "cursor": first.json()["next_cursor"]},
        headers=auth(),
    )
    assert [loc["code"] for loc in rest.json()["items"]] == ["WH1"]
    assert rest.json()["next_cursor"] is None
    one = await client.get(f"{locations_url(plants[0])}/{area['id']}", headers=auth())
    assert one.json()["parent_id"] == warehouse["id"]


async def test_receipts_raise_on_hand_in_the_base_unit(
    client: Client,
    auth: Headers,
    make_material: MakeMaterial,
    stores: list[str],
    post_movement: PostMovement,
) -> None:
    material = await make_material()
    boxes = await client.put(
        f"/api/inventory/materials/{material['id']}/units/BOX",
        json={"numerator": "10"},
        headers=auth(),
    )
    assert boxes.status_code == 200, boxes.text
    received = await post_movement("101", material["id"], stores[0], "5")
    assert received.status_code == 201, received.text
    document = received.json()
    assert document["movement_type"] == "101"
    assert document["lines"][0]["quantity"] == "5"
    assert received.headers["location"].endswith(document["id"])

    in_boxes = await post_movement("101", material["id"], stores[0], "2", unit="BOX", lot="L-7")
    assert in_boxes.status_code == 201, in_boxes.text
    line = in_boxes.json()["lines"][0]
    assert (line["quantity"], line["unit"], line["entry_quantity"], line["entry_unit"]) == (
        "20",
        "PC",
        "2",
        "BOX",
    )
    stock = await client.get(STOCK, params={"material_id": material["id"]}, headers=auth())
    assert {b["lot"]: b["quantity"] for b in stock.json()["items"]} == {None: "5", "L-7": "20"}
    fetched = await client.get(f"{MOVEMENTS}/{document['id']}", headers=auth())
    assert fetched.json() == document


async def test_goods_issue_rejects_more_than_on_hand_and_writes_nothing(
    auth: Headers,
    client: Client,
    make_material: MakeMaterial,
    stores: list[str],
    post_movement: PostMovement,
    count_rows: Count,
) -> None:
    material = await make_material()
    assert (await post_movement("101", material["id"], stores[0], "3")).status_code == 201
    lines, balances = (
        await count_rows("goods_movement_lines"),
        await count_rows("stock_balances"),
    )
    documents = await count_rows("goods_movements")

    refused = await post_movement("261", material["id"], stores[0], "4")
    assert refused.status_code == 409, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    assert problem["errors"][0]["pointer"] == "/lines/0/quantity"
    assert "available 3 PC" in problem["errors"][0]["detail"]
    assert "requested 4 PC" in problem["errors"][0]["detail"]
    assert await count_rows("goods_movement_lines") == lines
    assert await count_rows("stock_balances") == balances
    assert await count_rows("goods_movements") == documents
    assert await on_hand(client, auth, material["id"], stores[0]) == "3"

    nowhere = await post_movement("261", material["id"], stores[1], "1")
    assert nowhere.status_code == 409
    assert "available 0 PC" in nowhere.json()["detail"]


async def test_a_material_allowed_negative_stock_may_go_below_zero(
    client: Client,
    auth: Headers,
    make_material: MakeMaterial,
    stores: list[str],
    post_movement: PostMovement,
) -> None:
    material = await make_material(negative_stock_allowed=True)
    assert material["negative_stock_allowed"] is True
    issued = await post_movement("261", material["id"], stores[0], "7")
    assert issued.status_code == 201, issued.text
    assert await on_hand(client, auth, material["id"], stores[0]) == "-7"
    scrapped = await post_movement("551", material["id"], stores[0], "1")
    assert scrapped.status_code == 201
    assert await on_hand(client, auth, material["id"], stores[0]) == "-8"


async def test_a_transfer_moves_stock_between_locations_of_a_plant(
    client: Client,
    auth: Headers,
    make_material: MakeMaterial,
    stores: list[str],
    post_movement: PostMovement,
) -> None:
    material = await make_material()
    assert (await post_movement("101", material["id"], stores[0], "10")).status_code == 201
    moved = await post_movement("311", material["id"], stores[0], "4", to_location_id=stores[1])
    assert moved.status_code == 201, moved.text
    assert [(line["location_id"], line["quantity"]) for line in moved.json()["lines"]] == [
        (stores[0], "-4"),
        (stores[1], "4"),
    ]
    assert await on_hand(client, auth, material["id"], stores[0]) == "6"
    assert await on_hand(client, auth, material["id"], stores[1]) == "4"

    too_much = await post_movement("311", material["id"], stores[0], "7", to_location_id=stores[1])
    assert too_much.status_code == 409
    assert too_much.json()["errors"][0]["pointer"] == "/lines/0/quantity"
    without_target = await post_movement("311", material["id"], stores[0], "1")
    assert without_target.status_code == 422
    assert without_target.json()["errors"][0]["pointer"] == "/lines/0/to_location_id"


async def test_a_reversal_restores_on_hand_and_cannot_be_repeated(
    client: Client,
    auth: Headers,
    make_material: MakeMaterial,
    stores: list[str],
    post_movement: PostMovement,
) -> None:
    material = await make_material()
    receipt = (await post_movement("101", material["id"], stores[0], "10")).json()
    issue = (await post_movement("261", material["id"], stores[0], "4")).json()
    assert await on_hand(client, auth, material["id"], stores[0]) == "6"

    reversal = await client.post(f"{MOVEMENTS}/{issue['id']}/reversal", headers=auth())
    assert reversal.status_code == 201, reversal.text
    assert reversal.json()["movement_type"] == "262"
    assert reversal.json()["reversal_of"] == issue["id"]
    assert reversal.json()["lines"][0]["quantity"] == "4"
    assert await on_hand(client, auth, material["id"], stores[0]) == "10"

    again = await client.post(f"{MOVEMENTS}/{issue['id']}/reversal", headers=auth())
    assert again.status_code == 409
    of_a_reversal = await client.post(
        f"{MOVEMENTS}/{reversal.json()['id']}/reversal", headers=auth()
    )
    assert of_a_reversal.status_code == 409

    # Reversing the receipt after part of it was issued would take stock below zero.
    assert (await post_movement("261", material["id"], stores[0], "1")).status_code == 201
    refused = await client.post(f"{MOVEMENTS}/{receipt['id']}/reversal", headers=auth())
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["pointer"] == "/lines/0/quantity"
    assert await on_hand(client, auth, material["id"], stores[0]) == "9"


async def test_posting_is_validated_with_pointers_to_the_field(
    make_material: MakeMaterial, stores: list[str], post_movement: PostMovement
) -> None:
    material = await make_material()
    cases = [
        ({"quantity": "0"}, 422, "/lines/0/quantity"),
        ({"unit": "KG"}, 422, "/lines/0/unit"),
        ({"material_id": str(uuid.uuid4())}, 422, "/lines/0/material_id"),
        ({"location_id": str(uuid.uuid4())}, 422, "/lines/0/location_id"),
        ({"to_location_id": stores[1]}, 422, "/lines/0/to_location_id"),
    ]
    for change, status, pointer in cases:
        fields = {"material_id": material["id"], "location_id": stores[0], "quantity": "1"}
        fields.update(change)
        response = await post_movement(
            "101",
            fields.pop("material_id"),
            fields.pop("location_id"),
            fields.pop("quantity"),
            **fields,
        )
        assert response.status_code == status, (change, response.text)
        assert response.json()["errors"][0]["pointer"] == pointer, change
    reversal_type = await post_movement("102", material["id"], stores[0], "1")
    assert reversal_type.status_code == 400


async def test_a_token_without_the_plant_cannot_post_to_it(
    client: Client,
    auth: Headers,
    make_material: MakeMaterial,
    stores: list[str],
    plants: list[uuid.UUID],
    count_rows: Count,
) -> None:
    material = await make_material()
    body = {
        "posting_date": TODAY,
        "movement_type": "101",
        "lines": [
            {
                "material_id": material["id"],
                "plant_id": str(plants[0]),
                "location_id": stores[0],
                "quantity": "1",
                "unit": "PC",
            }
        ],
    }
    other_plant_only = auth(plant_ids=[plants[1]])
    refused = await client.post(MOVEMENTS, json=body, headers=other_plant_only)
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["pointer"] == "/lines/0/plant_id"
    assert await count_rows("goods_movement_lines") == 0
    listed = await client.get(locations_url(plants[0]), headers=other_plant_only)
    assert listed.status_code == 404


async def test_another_organization_sees_no_locations_movements_or_stock(
    client: Client,
    auth: Headers,
    owner_conn: asyncpg.Connection,
    make_material: MakeMaterial,
    stores: list[str],
    plants: list[uuid.UUID],
    post_movement: PostMovement,
) -> None:
    material = await make_material()
    receipt = (await post_movement("101", material["id"], stores[0], "5")).json()
    stranger_org = uuid.uuid4()
    await seed_units(owner_conn, stranger_org)
    # Even a token naming the same plant ids, in another organization.
    stranger = auth(organization_id=stranger_org)

    assert (await client.get(f"{MOVEMENTS}/{receipt['id']}", headers=stranger)).status_code == 404
    reversal = await client.post(f"{MOVEMENTS}/{receipt['id']}/reversal", headers=stranger)
    assert reversal.status_code == 404
    stock = await client.get(STOCK, params={"material_id": material["id"]}, headers=stranger)
    assert stock.json()["items"] == []
    assert (await client.get(locations_url(plants[0]), headers=stranger)).json()["items"] == []
    one = await client.get(f"{locations_url(plants[0])}/{stores[0]}", headers=stranger)
    assert one.status_code == 404
    posted = await client.post(
        MOVEMENTS,
        json={
            "posting_date": TODAY,
            "movement_type": "101",
            "lines": [
                {
                    "material_id": material["id"],
                    "plant_id": str(plants[0]),
                    "location_id": stores[0],
                    "quantity": "1",
                    "unit": "PC",
                }
            ],
        },
        headers=stranger,
    )
    assert posted.status_code == 422


async def test_a_posting_publishes_goods_movement_posted_in_its_transaction(
    owner_conn: asyncpg.Connection,
    make_material: MakeMaterial,
    stores: list[str],
    post_movement: PostMovement,
) -> None:
    material = await make_material()
    queue = f"inv_gm_{uuid.uuid4().hex[:8]}"
    await owner_conn.execute("SELECT pgmq.create($1)", queue)
    await owner_conn.execute("SELECT pgmq.bind_topic('inventory.goods_movement.*', $1)", queue)
    await owner_conn.execute(f"GRANT INSERT, SELECT (msg_id) ON pgmq.q_{queue} TO unison_inventory")
    try:
        received = await post_movement("101", material["id"], stores[0], "3", lot="L-1")
        assert received.status_code == 201
        refused = await post_movement("261", material["id"], stores[0], "4", lot="L-1")
        assert refused.status_code == 409  # rolled back: no event
        rows = await owner_conn.fetch(
            f"SELECT headers->>'topic' AS topic, message::text AS body FROM pgmq.q_{queue}"
        )
        assert [r["topic"] for r in rows] == ["inventory.goods_movement.posted"]
        body = msgspec.json.decode(rows[0]["body"])
        assert body["movement_id"] == received.json()["id"]
        assert body["movement_type"] == "101"
        assert body["lines"] == [
            {
                "material_id": material["id"],
                "plant_id": received.json()["plant_id"],
                "location_id": stores[0],
                "lot": "L-1",
                "quantity": "3",
                "unit": "PC",
                "category": "unrestricted",
                "entry_quantity": "3",
                "entry_unit": "PC",
                "value": "0.00",
                "reservation_id": None,
                "serials": [],
                "line_no": 0,
            }
        ]
        assert body["restated"] == []  # dated today: no earlier line to restate
    finally:
        await owner_conn.execute("SELECT pgmq.drop_queue($1)", queue)


async def test_a_material_with_goods_movements_cannot_be_deleted(
    client: Client,
    auth: Headers,
    make_material: MakeMaterial,
    stores: list[str],
    post_movement: PostMovement,
) -> None:
    material = await make_material()
    assert (await post_movement("101", material["id"], stores[0], "1")).status_code == 201
    deleted = await client.delete(
        f"/api/inventory/materials/{material['id']}", headers=auth({"If-Match": '"1"'})
    )
    assert deleted.status_code == 409
    assert "goods movements" in deleted.json()["detail"]


async def test_a_posting_dated_outside_the_premade_partitions_is_kept_and_found(
    client: Client,
    auth: Headers,
    make_material: MakeMaterial,
    stores: list[str],
    plants: list[uuid.UUID],
) -> None:
    material = await make_material()
    body = {
        "posting_date": "2019-03-10",
        "movement_type": "101",
        "lines": [
            {
                "material_id": material["id"],
                "plant_id": str(plants[0]),
                "location_id": stores[0],
                "quantity": "2",
                "unit": "PC",
            }
        ],
    }
    posted = await client.post(MOVEMENTS, json=body, headers=auth())
    assert posted.status_code == 201, posted.text
    fetched = await client.get(f"{MOVEMENTS}/{posted.json()['id']}", headers=auth())
    assert fetched.json()["posting_date"] == "2019-03-10"
    assert [line["quantity"] for line in fetched.json()["lines"]] == ["2"]


async def test_a_posting_retried_with_the_same_idempotency_key_moves_stock_once(
    client: Client,
    auth: Headers,
    make_material: MakeMaterial,
    stores: list[str],
    plants: list[uuid.UUID],
    post_movement: PostMovement,
) -> None:
    material = await make_material()
    assert (await post_movement("101", material["id"], stores[0], "10")).status_code == 201
    body = {
        "posting_date": TODAY,
        "movement_type": "261",
        "reference": "SAP-4900001234",
        "lines": [
            {
                "material_id": material["id"],
                "plant_id": str(plants[0]),
                "location_id": stores[0],
                "quantity": "4",
                "unit": "PC",
            }
        ],
    }
    headers = auth({"Idempotency-Key": "sap-mblnr-4900001234"})
    first = await client.post(MOVEMENTS, json=body, headers=headers)
    again = await client.post(MOVEMENTS, json=body, headers=headers)
    assert first.status_code == again.status_code == 201, again.text
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["idempotent-replayed"] == "true"
    assert await on_hand(client, auth, material["id"], stores[0]) == "6"
    other = await client.post(MOVEMENTS, json={**body, "reference": "SAP-other"}, headers=headers)
    assert other.status_code == 422
    assert await on_hand(client, auth, material["id"], stores[0]) == "6"

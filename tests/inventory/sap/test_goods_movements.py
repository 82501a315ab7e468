"""Goods movements pushed to SAP as material documents, through the worker, against the
stand-in (CSRF handshake, EDMX validation, SAP errors, outages)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg
import pytest

from inventory.demo import seed_units
from tests.inventory.conftest import Headers, MakeMaterial
from tests.inventory.sap.conftest import SAP, SETTLED, SapApi
from tests.support.sap_server import CLIENT_ID, CLIENT_SECRET, SapStandIn

pytestmark = pytest.mark.usefixtures("worker_running")
Count = Callable[[str], Awaitable[int]]
MOVEMENTS = "/api/inventory/goods-movements"
_TODAY = datetime.now(UTC).date()
POSTING_DATE = _TODAY.isoformat()
# SAP's Edm.DateTime of a date: milliseconds of its midnight UTC.
POSTING_MILLIS = (
    f"/Date({int(datetime(_TODAY.year, _TODAY.month, _TODAY.day, tzinfo=UTC).timestamp()) * 1000})/"
)


class Plant:
    """A plant of the test with its warehouses (SAP storage locations) and a bin."""

    def __init__(self, api: SapApi, plant_id: UUID) -> None:
        self.api, self.plant_id = api, plant_id
        self.locations: dict[str, str] = {}

    async def location(self, code: str, kind: str = "warehouse", parent: str | None = None) -> str:
        body: dict[str, Any] = {"code": code, "name": f"Location {code}", "kind": kind}
        if parent is not None:
            body["parent_id"] = self.locations[parent]
        response = await self.api.client.post(
            f"/api/inventory/plants/{self.plant_id}/locations", json=body, headers=self.api.admin
        )
        assert response.status_code == 201, response.text
        self.locations[code] = response.json()["id"]
        return self.locations[code]

    async def post(
        self, movement_type: str, material_id: str, at: str, quantity: str, **line: Any
    ) -> dict[str, Any]:
        reference = line.pop("reference", "1003981")
        to = line.pop("to", None)
        body = {
            "posting_date": POSTING_DATE,
            "movement_type": movement_type,
            "reference": reference,
            "lines": [
                {
                    "material_id": material_id,
                    "plant_id": str(self.plant_id),
                    "location_id": self.locations[at],
                    "quantity": quantity,
                    "unit": line.pop("unit", "PC"),
                    **({"to_location_id": self.locations[to]} if to else {}),
                    **line,
                }
            ],
        }
        response = await self.api.client.post(MOVEMENTS, json=body, headers=self.api.admin)
        assert response.status_code == 201, response.text
        movement: dict[str, Any] = response.json()
        return movement


@pytest.fixture
async def plant(api: SapApi, plants: list[UUID], sap: SapStandIn) -> Plant:
    """Plant 1021 in SAP, with warehouses 2000 and 3000 and bin 2000-A1 in 2000."""
    await api.map_plant("1021", plants[0])
    await api.connect(sap)
    found = Plant(api, plants[0])
    await found.location("2000")
    await found.location("3000")
    await found.location("2000-AREA", kind="area", parent="2000")
    await found.location("2000-A1", kind="bin", parent="2000-AREA")
    return found


@pytest.fixture
async def vent(make_material: MakeMaterial) -> dict[str, Any]:
    return await make_material(number="VE2021", description="GORE Automotive Vents")


async def outbound(api: SapApi, movement_id: str, timeout: float = 60) -> dict[str, Any]:
    """The outbound message of a movement, once the worker has finished with it."""
    async with asyncio.timeout(timeout):
        while True:
            response = await api.client.get(
                f"{SAP}/messages", params={"direction": "outbound"}, headers=api.admin
            )
            mine = [m for m in response.json()["items"] if m["external_id"] == movement_id]
            if mine and mine[0]["status"] in SETTLED:
                return await api.message(mine[0]["id"])
            await asyncio.sleep(0.1)


async def test_a_goods_receipt_for_an_order_becomes_a_material_document_in_sap(
    api: SapApi, plant: Plant, vent: dict[str, Any], sap: SapStandIn
) -> None:
    movement = await plant.post("101", vent["id"], "2000", "5", lot="b-17")
    message = await outbound(api, movement["id"])
    assert message["kind"] == "A_MaterialDocumentHeader"
    assert message["status"] == "processed", message
    assert message["summary"] == "posted in SAP as material document 4900000001/2026"
    [document] = sap.documents
    assert document["GoodsMovementCode"] == "02"  # goods receipt for a production order
    assert document["PostingDate"] == document["DocumentDate"] == POSTING_MILLIS
    assert document["MaterialDocumentHeaderText"] == "Unison 101 1003981"
    assert len(document["ReferenceDocument"]) == 16
    [item] = document["to_MaterialDocumentItem"]["results"]
    assert {k: v for k, v in item.items() if not k.startswith("MaterialDocument")} == {
        "Material": "VE2021",
        "Plant": "1021",
        "StorageLocation": "2000",
        "Batch": "B-17",
        "GoodsMovementType": "101",
        "QuantityInEntryUnit": "5",
        "EntryUnit": "PC",
        "ManufacturingOrder": "1003981",
        "GoodsMovementRefDocType": "F",
    }
    # The handshake: a GET that fetches the token, then the POST with token and cookie.
    fetch, post = sap.requests
    assert (fetch.method, fetch.headers["x-csrf-token"]) == ("GET", "Fetch")
    assert post.method == "POST"
    assert post.path.endswith("/API_MATERIAL_DOCUMENT_SRV/A_MaterialDocumentHeader")
    assert post.headers["x-csrf-token"] not in ("", "Fetch")
    assert "SAP_SESSIONID_S4D_200=" in post.headers["Cookie"]
    assert post.query == {"sap-client": "200"}
    # What was sent is kept with the message; the payload is the event that caused it.
    assert message["sent_payload"]["to_MaterialDocumentItem"] == [
        {k: v for k, v in item.items() if not k.startswith("MaterialDocument")}
    ]
    raw = await api.client.get(message["payload_href"], headers=api.admin)
    assert raw.json()["movement_id"] == movement["id"]


async def test_issues_scrap_and_transfers_carry_what_sap_needs_for_each(
    api: SapApi, plant: Plant, vent: dict[str, Any], sap: SapStandIn
) -> None:
    await api.connect(sap, scrap_cost_center="4711")
    await outbound(api, (await plant.post("101", vent["id"], "2000-A1", "10"))["id"])
    issue = await plant.post("261", vent["id"], "2000-A1", "4")
    scrap = await plant.post("551", vent["id"], "2000-A1", "1", reference="scrap")
    transfer = await plant.post("311", vent["id"], "2000-A1", "2", to="3000", reference="relocate")
    for movement in (issue, scrap, transfer):
        assert (await outbound(api, movement["id"]))["status"] == "processed"
    items = [d["to_MaterialDocumentItem"]["results"][0] for d in sap.documents]
    codes = [d["GoodsMovementCode"] for d in sap.documents]
    assert codes == ["02", "03", "03", "04"]
    # A bin's movement is posted on its warehouse, SAP's storage location.
    assert [i["StorageLocation"] for i in items] == ["2000", "2000", "2000", "2000"]
    assert items[1]["ManufacturingOrder"] == "1003981"
    assert "GoodsMovementRefDocType" not in items[1]
    assert (items[2]["GoodsMovementType"], items[2]["CostCenter"]) == ("551", "4711")
    assert "ManufacturingOrder" not in items[2]
    assert (items[3]["IssuingOrReceivingPlant"], items[3]["IssuingOrReceivingStorageLoc"]) == (
        "1021",
        "3000",
    )


async def test_documents_reach_sap_in_the_order_they_were_posted(
    api: SapApi, plant: Plant, vent: dict[str, Any], sap: SapStandIn
) -> None:
    sap.fail_next(1, status=503)  # the first push is held up: the others must wait for it
    posted = [
        await plant.post("101", vent["id"], "2000", "9"),
        await plant.post("261", vent["id"], "2000", "4"),
        await plant.post("551", vent["id"], "2000", "1"),
        await plant.post("261", vent["id"], "2000", "2"),
    ]
    for movement in posted:
        assert (await outbound(api, movement["id"]))["status"] == "processed"
    sent = [d["to_MaterialDocumentItem"]["results"][0] for d in sap.documents]
    assert [(i["GoodsMovementType"], i["QuantityInEntryUnit"]) for i in sent] == [
        ("101", "9"),
        ("261", "4"),
        ("551", "1"),
        ("261", "2"),
    ]


async def test_a_transfer_between_bins_of_one_warehouse_is_not_sap_s_business(
    api: SapApi, plant: Plant, vent: dict[str, Any], sap: SapStandIn
) -> None:
    await plant.location("2000-A2", kind="bin", parent="2000-AREA")
    await outbound(api, (await plant.post("101", vent["id"], "2000-A1", "3"))["id"])
    transfer = await plant.post("311", vent["id"], "2000-A1", "3", to="2000-A2")
    message = await outbound(api, transfer["id"])
    assert message["status"] == "processed"
    assert message["summary"] == (
        "nothing for SAP: every line moves within one SAP storage location"
    )
    assert len(list(sap.posts())) == 1  # the receipt only


async def test_a_reversal_is_posted_with_its_reversal_movement_type(
    api: SapApi, plant: Plant, vent: dict[str, Any], sap: SapStandIn
) -> None:
    receipt = await plant.post("101", vent["id"], "2000", "5")
    await outbound(api, receipt["id"])
    reversed_ = await api.client.post(f"{MOVEMENTS}/{receipt['id']}/reversal", headers=api.admin)
    assert reversed_.status_code == 201
    message = await outbound(api, reversed_.json()["id"])
    assert message["status"] == "processed", message
    document = sap.documents[1]
    assert document["GoodsMovementCode"] == "02"
    assert document["to_MaterialDocumentItem"]["results"][0]["GoodsMovementType"] == "102"


async def test_sap_unavailable_is_retried_with_back_off_until_it_answers(
    api: SapApi, plant: Plant, vent: dict[str, Any], sap: SapStandIn
) -> None:
    sap.fail_next(2, status=503)
    message = await outbound(api, (await plant.post("101", vent["id"], "2000", "5"))["id"])
    assert message["status"] == "processed", message
    assert message["attempts"] == 3
    assert len(list(sap.posts())) == 3
    assert len(sap.documents) == 1


async def test_sap_refusing_the_document_fails_it_at_once_with_sap_s_error_text(
    api: SapApi, plant: Plant, vent: dict[str, Any], sap: SapStandIn
) -> None:
    sap.refuse_next("M7/021", "Deficit of SL Unrestricted-use 5 PC : VE2021 1021 2000")
    message = await outbound(api, (await plant.post("101", vent["id"], "2000", "5"))["id"])
    assert message["status"] == "failed"
    assert message["error"] == (
        "SAP answered 400: M7/021: Deficit of SL Unrestricted-use 5 PC : VE2021 1021 2000"
    )
    assert message["attempts"] == 1
    assert len(list(sap.posts())) == 1  # a 4xx is not retried
    failed = await api.client.get(
        f"{SAP}/messages", params={"status": "failed", "direction": "outbound"}, headers=api.admin
    )
    assert [m["id"] for m in failed.json()["items"]] == [message["id"]]
    # Once fixed in SAP, a replay posts it.
    replayed = await api.replay(message["id"])
    assert replayed["status"] == "processed", replayed
    assert len(sap.documents) == 1


async def test_an_expired_csrf_token_is_fetched_again_once(
    api: SapApi, plant: Plant, vent: dict[str, Any], sap: SapStandIn
) -> None:
    sap.expire_next_token()
    message = await outbound(api, (await plant.post("101", vent["id"], "2000", "5"))["id"])
    assert message["status"] == "processed", message
    assert message["attempts"] == 1
    assert [r.method for r in sap.requests] == ["GET", "POST", "GET", "POST"]


async def test_oauth_client_credentials_authenticate_the_calls(
    api: SapApi, plant: Plant, vent: dict[str, Any], sap: SapStandIn
) -> None:
    oauth = {
        "kind": "oauth",
        "token_url": f"{sap.url}/oauth/token",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    await api.connect(sap, auth=oauth)
    message = await outbound(api, (await plant.post("101", vent["id"], "2000", "5"))["id"])
    assert message["status"] == "processed", message
    [token] = sap.bearer_tokens
    assert {r.headers["Authorization"] for r in sap.requests} == {f"Bearer {token}"}


async def test_wrong_credentials_fail_without_retrying(
    api: SapApi, plant: Plant, vent: dict[str, Any], sap: SapStandIn
) -> None:
    await api.connect(sap, auth={"kind": "basic", "username": "UNISON_RFC", "password": "no"})
    message = await outbound(api, (await plant.post("101", vent["id"], "2000", "5"))["id"])
    assert message["status"] == "failed"
    assert message["error"] == "SAP answered 401: Logon failed"
    assert message["attempts"] == 1


async def test_a_timeout_after_sap_posted_does_not_post_twice(
    api: SapApi, plant: Plant, vent: dict[str, Any], sap: SapStandIn
) -> None:
    await api.connect(sap, timeout_seconds=1)
    sap.answer_late(3)  # posted, but the answer comes after the client gave up
    message = await outbound(api, (await plant.post("101", vent["id"], "2000", "5"))["id"])
    assert message["status"] == "processed", message
    assert message["summary"] == (
        "posted in SAP as material document 4900000001/2026 (found on retry)"
    )
    assert len(sap.documents) == 1
    assert len(list(sap.posts())) == 1


async def handled(admin_conn: asyncpg.Connection, org_id: UUID, count: int) -> None:
    """Wait until the worker has handled ``count`` goods movement events of the org."""
    async with asyncio.timeout(30):
        while True:
            seen = await admin_conn.fetchval(
                "SELECT count(*) FROM bus.inbox WHERE organization_id = $1"
                " AND topic = 'inventory.goods_movement.posted'",
                org_id,
            )
            if seen >= count:
                return
            await asyncio.sleep(0.1)


async def test_nothing_goes_to_sap_without_an_enabled_connection(
    api: SapApi,
    plant: Plant,
    vent: dict[str, Any],
    sap: SapStandIn,
    count_rows: Count,
    admin_conn: asyncpg.Connection,
    org_id: UUID,
) -> None:
    await api.connect(sap, enabled=False)
    await plant.post("101", vent["id"], "2000", "5")
    await handled(admin_conn, org_id, 1)
    deleted = await api.client.delete("/api/inventory/admin/sap/connection", headers=api.admin)
    assert deleted.status_code == 204
    await plant.post("101", vent["id"], "2000", "5")
    await handled(admin_conn, org_id, 2)
    assert await count_rows("sap_messages") == 0
    await api.connect(sap)
    last = await plant.post("101", vent["id"], "2000", "5")
    await outbound(api, last["id"])
    assert await count_rows("sap_messages") == 1
    assert len(sap.documents) == 1


async def test_a_plant_without_an_sap_plant_fails_until_mapped_and_replayed(
    api: SapApi, plants: list[UUID], vent: dict[str, Any], sap: SapStandIn
) -> None:
    await api.connect(sap)
    other = Plant(api, plants[1])
    await other.location("2000")
    message = await outbound(api, (await other.post("101", vent["id"], "2000", "5"))["id"])
    assert message["status"] == "failed"
    assert message["error"] == (
        f"Unison plant {plants[1]} has no SAP plant: PUT /api/inventory/admin/sap/plants/"
        f'{{werks}} with {{"plant_id": "{plants[1]}"}}, then replay'
    )
    assert sap.requests == []
    await api.map_plant("1016", plants[1])
    replayed = await api.replay(message["id"])
    assert replayed["status"] == "processed", replayed
    assert sap.documents[0]["to_MaterialDocumentItem"]["results"][0]["Plant"] == "1016"


async def test_keys_sap_cannot_take_fail_with_what_is_wrong(
    api: SapApi, plant: Plant, vent: dict[str, Any], sap: SapStandIn
) -> None:
    await plant.location("WAREHOUSE-NORTH")
    long_location = await plant.post("101", vent["id"], "WAREHOUSE-NORTH", "1")
    no_order = await plant.post("101", vent["id"], "2000", "1", reference=None)
    long_lot = await plant.post("101", vent["id"], "2000", "1", lot="L" * 11)
    fine = await plant.post("101", vent["id"], "2000", "0.0005", unit="PC")
    errors = [(await outbound(api, m["id"]))["error"] for m in (long_location, no_order, long_lot)]
    assert errors == [
        f"storage location {plant.locations['WAREHOUSE-NORTH']} is in warehouse"
        " WAREHOUSE-NORTH, whose code is not an SAP storage location (1 to 4 characters)",
        "a goods movement 101 needs the SAP production order number (up to 12 characters)"
        " as its reference",
        "lot LLLLLLLLLLL is longer than an SAP batch (10 characters)",
    ]
    precise = await outbound(api, fine["id"])
    assert precise["error"] == "quantity 0.0005 PC has more than 3 decimals, which SAP cannot take"
    assert sap.documents == []


async def test_another_organization_s_movements_never_use_this_connection(
    api: SapApi,
    plant: Plant,
    sap: SapStandIn,
    auth: Headers,
    owner_conn: asyncpg.Connection,
    admin_conn: asyncpg.Connection,
) -> None:
    other_org, other_plant = uuid.uuid4(), uuid.uuid4()
    await seed_units(owner_conn, other_org)
    stranger = auth(organization_id=other_org, plant_ids=[other_plant])
    other = Plant(SapApi(api.client, stranger, stranger), other_plant)
    await other.location("2000")
    material = await api.client.post(
        "/api/inventory/materials",
        json={"number": "VE2021", "description": "Vent", "type": "finished", "base_unit": "PC"},
        headers=stranger,
    )
    await other.post("101", material.json()["id"], "2000", "5")
    await handled(admin_conn, other_org, 1)
    assert (
        await admin_conn.fetchval(
            "SELECT count(*) FROM inventory.sap_messages WHERE organization_id = $1", other_org
        )
        == 0
    )
    listed = await api.client.get(f"{SAP}/messages", headers=stranger)
    assert listed.json()["items"] == []
    assert sap.requests == []

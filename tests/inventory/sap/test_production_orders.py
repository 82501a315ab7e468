"""Production orders from SAP (LOIPRO, or the business event and a read of
A_ProductionOrder_2) become SapProductionOrderReceived for the production service."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

import pytest

from tests.inventory.conftest import MakeMaterial
from tests.inventory.sap.conftest import Heard, SapApi, fixture, idoc_variant, new_docnum
from tests.support.sap_server import SapStandIn

pytestmark = pytest.mark.usefixtures("worker_running")
TOPIC = "inventory.sap.production_order.received"
LOIPRO = "loipro-production-order.xml"
EVENT = "event-production-order-created.json"


@pytest.fixture
async def materials(api: SapApi, mapped: None, make_material: MakeMaterial) -> dict[str, str]:
    """The order's material (from the material master IDoc) and its two components."""
    await api.accepted(await api.post_idoc(fixture("matmas-single-plant.xml")))
    membrane = await make_material(number="RM-1050", base_unit="KG", description="PTFE membrane")
    housing = await make_material(number="RM-1070", base_unit="PC", description="Vent housing")
    vent = await api.material("VE2021")
    return {"VE2021": vent["id"], "RM-1050": membrane["id"], "RM-1070": housing["id"]}


def order_in_sap(**changes: Any) -> dict[str, Any]:
    order: dict[str, Any] = json.loads(fixture("a-production-order-2-1003981.json"))
    order.update(changes)
    return order


def business_event(event_id: str = "332f7a12-b526-1edf-84aa-cdbe0add764f") -> bytes:
    event = json.loads(fixture(EVENT))
    event["id"] = event_id
    return json.dumps(event).encode()


async def test_a_loipro_idoc_publishes_the_order_in_unison_terms(
    api: SapApi, materials: dict[str, str], plants: list[UUID], heard: Heard
) -> None:
    message = await api.accepted(await api.post_idoc(fixture(LOIPRO)))
    assert message["kind"] == "LOIPRO"
    assert message["status"] == "processed", message
    assert message["summary"] == (
        "production order 1003981 published (VE2021, 500 EA, 2 operations, 2 components)"
    )
    [event] = await heard.events(TOPIC)
    assert event["order_number"] == "1003981"  # AUFNR without its zeros
    assert event["order_type"] == "YBM1"
    assert (event["sap_plant"], event["plant_id"]) == ("1021", str(plants[0]))
    assert (event["material_id"], event["material_number"]) == (materials["VE2021"], "VE2021")
    assert (event["quantity"], event["unit"]) == ("500", "EA")
    assert (event["planned_start"], event["planned_end"]) == ("2024-05-20", "2024-05-24")
    assert (event["scheduled_start"], event["scheduled_end"]) == (
        "2024-05-21T06:00:00",
        "2024-05-23T14:00:00",
    )
    assert [
        (o["operation"], o["work_center"], o["quantity"], o["unit"]) for o in event["operations"]
    ] == [("0010", "CUT-01", "500", "PC"), ("0020", "WELD-02", "500", "PC")]
    assert event["components"] == [
        {
            "material_id": materials["RM-1050"],
            "material_number": "RM-1050",
            "quantity": "12.5",
            "unit": "KG",  # MEINS_ISO KGM
            "item": "0001",
            "operation": "0010",
            "storage_location": "2000",
            "batch": None,
            "requirement_date": "2024-05-21",
        },
        {
            "material_id": materials["RM-1070"],
            "material_number": "RM-1070",
            "quantity": "1000",
            "unit": "PC",  # MEINS_ISO PCE
            "item": "0002",
            "operation": "0020",
            "storage_location": "2000",
            "batch": "B2405",
            "requirement_date": "2024-05-21",
        },
    ]  # the third reservation is deleted (XLOEK)
    assert (event["source"], event["sap_message_id"]) == ("LOIPRO", message["id"])


async def test_the_business_event_reads_the_order_from_sap_and_an_unchanged_order_is_not_sent_twice(
    api: SapApi, materials: dict[str, str], sap: SapStandIn, heard: Heard
) -> None:
    await api.connect(sap)
    sap.add_order(order_in_sap())
    from_event = await api.accepted(await api.post_event(business_event()))
    assert from_event["kind"] == "ProductionOrder.Created"
    assert from_event["external_id"] == "332f7a12-b526-1edf-84aa-cdbe0add764f"
    assert from_event["status"] == "processed", from_event
    [read] = [r for r in sap.requests if r.method == "GET"]
    assert read.path.endswith("/API_PRODUCTION_ORDER_2_SRV/A_ProductionOrder_2('1003981')")
    assert read.query["$expand"] == "to_ProductionOrderOperation,to_ProductionOrderComponent"
    assert read.query["sap-client"] == "200"
    [event] = await heard.events(TOPIC)
    assert event["source"] == "API_PRODUCTION_ORDER_2"
    assert (event["quantity"], len(event["operations"]), len(event["components"])) == ("500", 2, 2)

    # The LOIPRO of the same order says the same in another format: nothing new is sent.
    idoc = await api.accepted(await api.post_idoc(fixture(LOIPRO)))
    assert idoc["summary"] == (
        "production order 1003981: unchanged since it was last published, nothing sent"
    )
    assert len(await heard.events(TOPIC)) == 1

    # SAP changes the quantity and announces it again: a new event.
    sap.add_order(order_in_sap(TotalQuantity="650"))
    changed = await api.accepted(await api.post_event(business_event("event-2")))
    assert changed["status"] == "processed", changed
    assert [e["quantity"] for e in await heard.events(TOPIC)] == ["500", "650"]


async def test_without_a_connection_the_event_fails_and_a_replay_after_configuring_works(
    api: SapApi, materials: dict[str, str], sap: SapStandIn, heard: Heard
) -> None:
    failed = await api.accepted(await api.post_event(business_event()))
    assert failed["status"] == "failed"
    assert failed["error"] == (
        "production order 1003981 cannot be read: no SAP connection is configured"
        " (PUT /api/inventory/admin/sap/connection), then replay"
    )
    await api.connect(sap)
    sap.add_order(order_in_sap())
    assert (await api.replay(failed["id"]))["status"] == "processed"
    assert len(await heard.events(TOPIC)) == 1


async def test_an_order_sap_does_not_know_fails_with_sap_s_words(
    api: SapApi, materials: dict[str, str], sap: SapStandIn
) -> None:
    await api.connect(sap)
    failed = await api.accepted(await api.post_event(business_event()))
    assert failed["status"] == "failed"
    assert failed["error"] == (
        "SAP answered 404: /IWBEP/CM_MGW_RT/020: Resource not found for segment"
        " 'A_ProductionOrder_2Type'"
    )
    assert failed["attempts"] == 1  # a 4xx is not retried


async def test_sap_unavailable_for_a_moment_is_retried(
    api: SapApi, materials: dict[str, str], sap: SapStandIn, heard: Heard
) -> None:
    await api.connect(sap)
    sap.add_order(order_in_sap())
    sap.fail_next(1, status=503, method="GET")
    message = await api.accepted(await api.post_event(business_event()))
    assert message["status"] == "processed", message
    assert message["attempts"] == 2
    assert len(await heard.events(TOPIC)) == 1


async def test_an_order_with_unknown_materials_fails_naming_them(
    api: SapApi, mapped: None, make_material: MakeMaterial, heard: Heard
) -> None:
    await api.accepted(await api.post_idoc(fixture("matmas-single-plant.xml")))
    await make_material(number="RM-1050", base_unit="KG")
    failed = await api.accepted(await api.post_idoc(fixture(LOIPRO)))
    assert failed["status"] == "failed"
    assert failed["error"] == (
        "production order 1003981: materials not in Unison: RM-1070; send their material"
        " masters first, then replay"
    )
    assert await heard.events(TOPIC) == []


async def test_an_order_of_a_plant_unison_does_not_run_is_skipped(
    api: SapApi, materials: dict[str, str], heard: Heard
) -> None:
    elsewhere = idoc_variant(LOIPRO, {"EDI_DC40/DOCNUM": new_docnum(), "E1AFKOL/WERKS": "1099"})
    failed = await api.accepted(await api.post_idoc(elsewhere))
    assert failed["status"] == "failed"
    assert "SAP plant 1099 is not mapped to a Unison plant" in failed["error"]
    await api.map_plant("1099", None)
    skipped = await api.replay(failed["id"])
    assert skipped["summary"] == "production order 1003981: plant 1099 skipped (not run in Unison)"
    assert await heard.events(TOPIC) == []


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (
            b'{"type": "sap.s4.beh.product.v1.Product.Changed.v1", "id": "1", "data": {}}',
            "type must be sap.s4.beh.productionorder.v1.ProductionOrder.Created.v1",
        ),
        (
            b'{"type": "sap.s4.beh.productionorder.v1.ProductionOrder.Created.v1", "data": {}}',
            "id must be the event's id",
        ),
        (
            b'{"type": "sap.s4.beh.productionorder.v1.ProductionOrder.Created.v1", "id": "1"}',
            "data.ManufacturingOrder must be the order number",
        ),
    ],
)
async def test_a_malformed_business_event_is_a_422(api: SapApi, body: bytes, detail: str) -> None:
    response = await api.post_event(body)
    assert response.status_code == 422, response.text
    assert response.json()["detail"].startswith(detail)

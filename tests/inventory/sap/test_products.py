"""A_Product payloads (OData v2, as S/4HANA returns them) through the API and the worker."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import pytest

from tests.inventory.sap.conftest import SapApi, fixture

pytestmark = pytest.mark.usefixtures("worker_running")
Count = Callable[[str], Awaitable[int]]
REAL = "api-product-single-plant.json"
EXPANDED = "api-product-units-and-planning.json"


def product(name: str, **changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(fixture(name))
    document["d"].update(changes)
    return document


def encoded(document: dict[str, Any]) -> bytes:
    return json.dumps(document).encode()


async def plant_data(api: SapApi, material_id: str) -> list[dict[str, Any]]:
    url = f"/api/inventory/materials/{material_id}/plants"
    items: list[dict[str, Any]] = (await api.client.get(url, headers=api.admin)).json()["items"]
    return items


async def test_the_sample_product_becomes_a_material_with_its_plant_data(
    api: SapApi, mapped: None, plants: list[UUID]
) -> None:
    message = await api.accepted(await api.post_product(fixture(REAL)))
    assert message["kind"] == "A_Product"
    assert message["status"] == "processed", message
    material = await api.material("VE0020GMC")
    assert material["description"] == "GORE Automotive Vents"
    assert (material["type"], material["base_unit"], material["material_group"]) == (
        "finished",
        "KG",
        "01",
    )
    assert (material["gross_weight"], material["net_weight"], material["weight_unit"]) == (
        "1.000",
        "1.000",
        "KG",
    )
    [plant] = await plant_data(api, material["id"])
    assert plant["plant_id"] == str(plants[1])  # SAP plant 1016
    assert plant["procurement_type"] == "make"  # ProcurementType E
    assert plant["default_storage_location"] == "2000"  # ProductionInvtryManagedLoc
    assert plant["lot_size"] is None  # FixedLotSizeQuantity "0"


async def test_expanded_units_and_supply_planning_are_applied(
    api: SapApi, mapped: None, plants: list[UUID]
) -> None:
    message = await api.accepted(await api.post_product(fixture(EXPANDED)))
    assert message["status"] == "processed", message
    material = await api.material("VE0031")
    assert material["description"] == "GORE Protective Vent"  # EN, not DE
    assert material["base_unit"] == "PC"
    [plant] = await plant_data(api, material["id"])
    assert plant["plant_id"] == str(plants[0])
    assert plant["procurement_type"] == "buy"  # F
    assert (plant["reorder_point"], plant["safety_stock"], plant["lot_size"]) == (
        "750.000",
        "200.000",
        "500.000",  # LotSizingProcedure FX
    )
    assert plant["lead_time_days"] == 14  # PlannedDeliveryDurationInDays
    assert plant["default_storage_location"] == "1000"  # DfltStorageLocationExtProcmt
    url = f"/api/inventory/materials/{material['id']}/units"
    units = (await api.client.get(url, headers=api.admin)).json()["items"]
    assert [(u["unit"], u["numerator"]) for u in units] == [("BOX", "250")]  # ISO BX


async def test_navigations_that_were_not_expanded_leave_what_unison_holds(
    api: SapApi, mapped: None
) -> None:
    await api.accepted(await api.post_product(fixture(EXPANDED)))
    material = await api.material("VE0031")
    before_plants = await plant_data(api, material["id"])
    short = product(EXPANDED, ProductGroup="02")
    short["d"].pop("to_ProductUnitsOfMeasure")
    short["d"]["to_Plant"] = {"__deferred": {"uri": "https://s4.example.com/to_Plant"}}
    message = await api.accepted(await api.post_product(encoded(short)))
    assert message["status"] == "processed", message
    after = await api.material("VE0031")
    assert after["material_group"] == "02"
    assert await plant_data(api, material["id"]) == before_plants
    url = f"/api/inventory/materials/{material['id']}/units"
    assert [u["unit"] for u in (await api.client.get(url, headers=api.admin)).json()["items"]] == [
        "BOX"
    ]


async def test_a_product_flagged_for_deletion_is_blocked(api: SapApi, mapped: None) -> None:
    await api.accepted(await api.post_product(fixture(REAL)))
    flagged = product(REAL, IsMarkedForDeletion=True)
    assert (await api.accepted(await api.post_product(encoded(flagged))))["status"] == "processed"
    assert (await api.material("VE0020GMC"))["status"] == "blocked"


async def test_without_a_message_id_the_content_identifies_the_product_message(
    api: SapApi, mapped: None, count_rows: Count
) -> None:
    first = await api.accepted(await api.post_product(fixture(REAL)))
    assert first["external_id"].startswith("sha256:")
    # The same content, formatted otherwise: the same message.
    reformatted = json.dumps(json.loads(fixture(REAL)), indent=None, sort_keys=True).encode()
    again = await api.post_product(reformatted)
    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
    assert await count_rows("sap_messages") == 1


async def test_a_message_id_identifies_the_product_message(
    api: SapApi, mapped: None, count_rows: Count
) -> None:
    first = await api.accepted(await api.post_product(fixture(REAL), message_id="CPI-0001"))
    assert first["external_id"] == "CPI-0001"
    same = await api.post_product(fixture(REAL), message_id="CPI-0001")
    assert (same.status_code, same.json()["id"]) == (200, first["id"])
    other = await api.post_product(encoded(product(REAL, ProductGroup="09")), message_id="CPI-0001")
    assert other.status_code == 409
    unchanged = await api.accepted(await api.post_product(fixture(REAL), message_id="CPI-0002"))
    assert unchanged["summary"].endswith(": unchanged")
    assert await count_rows("sap_messages") == 2


@pytest.mark.parametrize(
    ("body", "detail", "pointer"),
    [
        (b"{not json", "the body is not valid JSON", None),
        (b'{"Product": "X"}', 'expected A_Product as OData v2 JSON: {"d": {...}}', "/d"),
        (
            b'{"d": {"results": [{}, {}]}}',
            "one A_Product per request; this is a collection of 2",
            "/d/results",
        ),
        (
            b'{"d": {"ProductType": "FERT"}}',
            "Product (the material number) is missing",
            "/d/Product",
        ),
        (
            b'{"d": {"Product": "X1", "GrossWeight": "heavy"}}',
            "'heavy' is not a number",
            "/d/GrossWeight",
        ),
        (
            b'{"d": {"Product": "X1", "to_Plant": {"results": [{"Plant": 1021}]}}}',
            "Plant must be a string",
            "/d/to_Plant/results/0/Plant",
        ),
    ],
)
async def test_a_malformed_product_is_a_422_that_says_why_and_stores_nothing(
    api: SapApi, count_rows: Count, body: bytes, detail: str, pointer: str | None
) -> None:
    response = await api.post_product(body)
    assert response.status_code == 422, response.text
    assert response.json()["detail"].startswith(detail)
    assert [e["pointer"] for e in response.json().get("errors", [])] == (
        [pointer] if pointer else []
    )
    assert await count_rows("sap_messages") == 0

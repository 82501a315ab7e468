"""MATMAS IDocs through the API and the worker: stored, processed once, readable failures."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from litestar.testing import AsyncTestClient

from tests.inventory.conftest import Headers, MakeMaterial
from tests.inventory.sap.conftest import SAP, Heard, SapApi, fixture, idoc_variant, new_docnum

TODAY = datetime.now(UTC).date().isoformat()

pytestmark = pytest.mark.usefixtures("worker_running")
Count = Callable[[str], Awaitable[int]]
SINGLE = "matmas-single-plant.xml"


async def test_a_material_master_idoc_creates_the_material_with_plant_data_and_units(
    api: SapApi, mapped: None, plants: list[UUID]
) -> None:
    response = await api.post_idoc(fixture(SINGLE))
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert accepted["kind"] == "MATMAS"
    assert accepted["external_id"] == "894460"  # DOCNUM without its zeros
    assert accepted["status"] == "received"
    assert response.headers["location"] == accepted["href"] == f"{SAP}/messages/{accepted['id']}"

    message = await api.settled(accepted["id"])
    assert message["status"] == "processed", message
    assert message["error"] is None
    assert message["attempts"] == 1
    assert "created" in message["summary"]
    assert "plant 1021 created" in message["summary"]

    material = await api.material("VE2021")  # MATNR_LONG, not the converted MATNR
    assert material["description"] == "GORE Automotive Vents"
    assert material["type"] == "finished"  # YQFP, mapped by the organization
    assert material["base_unit"] == "EA"
    assert material["material_group"] == "01"
    assert material["gross_weight"] is None  # SAP's 0.000 means "not maintained"
    assert material["created_by"] == "client:sap-test"
    url = f"/api/inventory/materials/{material['id']}"
    plant_data = (await api.client.get(f"{url}/plants", headers=api.admin)).json()["items"]
    assert [(p["plant_id"], p["procurement_type"]) for p in plant_data] == [
        (str(plants[0]), "make")  # BESKZ E
    ]
    assert plant_data[0]["lead_time_days"] == 10  # DZEIT, in-house production time
    assert plant_data[0]["default_storage_location"] == "2000"  # LGPRO
    assert plant_data[0]["lot_size"] is None  # DISLS EX: lot-for-lot
    units = (await api.client.get(f"{url}/units", headers=api.admin)).json()["items"]
    # E1MARMM lists the base unit EA (skipped) and KGM, the ISO code of KG.
    assert [(u["unit"], u["numerator"], u["denominator"]) for u in units] == [("KG", "1", "1")]


async def test_the_same_idoc_twice_is_answered_with_the_first_message_and_changes_nothing(
    api: SapApi, mapped: None, count_rows: Count
) -> None:
    first = await api.accepted(await api.post_idoc(fixture(SINGLE)))
    audit_rows = await count_rows("audit_log")
    again = await api.post_idoc(fixture(SINGLE))
    assert again.status_code == 200  # a duplicate: nothing new was stored
    assert again.json()["id"] == first["id"]
    assert again.json()["duplicate"] is True
    assert again.json()["status"] == "processed"
    await asyncio.sleep(0.5)  # the worker would have had time to process a second message
    assert await count_rows("sap_messages") == 1
    assert await count_rows("audit_log") == audit_rows
    assert (await api.message(first["id"]))["attempts"] == 1


async def test_a_resend_with_a_new_idoc_number_and_the_same_content_writes_no_history(
    api: SapApi, mapped: None, count_rows: Count, heard: Heard
) -> None:
    await api.accepted(await api.post_idoc(fixture(SINGLE)))
    before = await api.material("VE2021")
    audit_rows = await count_rows("audit_log")
    resend = idoc_variant(SINGLE, {"EDI_DC40/DOCNUM": new_docnum(), "E1MARAM/MSGFN": "018"})
    message = await api.accepted(await api.post_idoc(resend))
    assert message["status"] == "processed", message
    assert message["summary"].endswith(": unchanged")
    assert await count_rows("audit_log") == audit_rows
    assert (await api.material("VE2021"))["version"] == before["version"]
    topics = [e.get("changed_fields") for e in await heard.events("inventory.material.changed")]
    assert topics == []
    assert len(await heard.events("inventory.material.created")) == 1


async def test_a_change_idoc_changes_what_changed_with_its_history_and_event(
    api: SapApi, mapped: None, heard: Heard
) -> None:
    await api.accepted(await api.post_idoc(fixture(SINGLE)))
    before = await api.material("VE2021")
    change = idoc_variant(
        SINGLE,
        {
            "EDI_DC40/DOCNUM": new_docnum(),
            "E1MARAM/MSGFN": "004",
            "E1MARAM/E1MAKTM/MAKTX": "GORE Automotive Vent AVS 11",
            "E1MARAM/BRGEW": "0.250",
            "E1MARAM/NTGEW": "0.200",
        },
    )
    message = await api.accepted(await api.post_idoc(change))
    assert message["status"] == "processed", message
    after = await api.material("VE2021")
    assert after["description"] == "GORE Automotive Vent AVS 11"
    assert (after["gross_weight"], after["net_weight"], after["weight_unit"]) == (
        "0.250",
        "0.200",
        "KG",  # GEWEI KGM
    )
    assert after["version"] == before["version"] + 1
    history = await api.client.get(
        f"/api/inventory/materials/{after['id']}/history", headers=api.admin
    )
    latest = history.json()["items"][0]
    assert latest["action"] == "updated"
    assert latest["actor"] == "client:sap-test"
    assert set(latest["changes"]) == {"description", "gross_weight", "net_weight", "weight_unit"}
    changed = await heard.events("inventory.material.changed")
    assert [e["changed_fields"] for e in changed] == [
        ["description", "gross_weight", "net_weight", "weight_unit"]
    ]


async def test_a_replace_idoc_removes_alternative_units_it_no_longer_lists(
    api: SapApi, mapped: None
) -> None:
    await api.accepted(await api.post_idoc(fixture(SINGLE)))
    # A change (004) touches only the units it lists: a new one is added.
    extra = idoc_variant(
        SINGLE,
        {
            "EDI_DC40/DOCNUM": new_docnum(),
            "E1MARAM/MSGFN": "004",
            "E1MARAM/E1MARMM/MEINH": "BX",  # the first E1MARMM (EA) becomes a box of 12
            "E1MARAM/E1MARMM/UMREZ": "12",
        },
    )
    assert (await api.accepted(await api.post_idoc(extra)))["status"] == "processed"
    material = await api.material("VE2021")
    url = f"/api/inventory/materials/{material['id']}/units"
    units = (await api.client.get(url, headers=api.admin)).json()["items"]
    assert sorted((u["unit"], u["numerator"]) for u in units) == [("BOX", "12"), ("KG", "1")]
    # The original (005, replace) lists EA and KGM only: BOX goes.
    replace = idoc_variant(SINGLE, {"EDI_DC40/DOCNUM": new_docnum()})
    message = await api.accepted(await api.post_idoc(replace))
    assert "unit BOX removed" in message["summary"]
    units = (await api.client.get(url, headers=api.admin)).json()["items"]
    assert [u["unit"] for u in units] == ["KG"]


async def test_a_delete_idoc_deletes_the_material_unless_it_has_stock(
    api: SapApi, mapped: None, plants: list[UUID]
) -> None:
    await api.accepted(await api.post_idoc(fixture(SINGLE)))
    material = await api.material("VE2021")
    location = await api.client.post(
        f"/api/inventory/plants/{plants[0]}/locations",
        json={"code": "2000", "name": "Production store", "kind": "warehouse"},
        headers=api.admin,
    )
    receipt = {
        "posting_date": TODAY,
        "movement_type": "101",
        "reference": "1003981",
        "lines": [
            {
                "material_id": material["id"],
                "plant_id": str(plants[0]),
                "location_id": location.json()["id"],
                "quantity": "5",
                "unit": "EA",
            }
        ],
    }
    posted = await api.client.post(
        "/api/inventory/goods-movements", json=receipt, headers=api.admin
    )
    assert posted.status_code == 201, posted.text

    delete = idoc_variant(SINGLE, {"EDI_DC40/DOCNUM": new_docnum(), "E1MARAM/MSGFN": "003"})
    refused = await api.accepted(await api.post_idoc(delete))
    assert refused["status"] == "failed"
    assert refused["error"].startswith("material VE2021: ")
    assert "has goods movements or stock; it cannot be deleted" in refused["error"]
    assert (await api.material("VE2021"))["id"] == material["id"]

    other = idoc_variant(
        SINGLE,
        {"EDI_DC40/DOCNUM": new_docnum(), "E1MARAM/MATNR_LONG": "VE2022"},
    )
    await api.accepted(await api.post_idoc(other))
    gone = idoc_variant(
        SINGLE,
        {
            "EDI_DC40/DOCNUM": new_docnum(),
            "E1MARAM/MSGFN": "003",
            "E1MARAM/MATNR_LONG": "VE2022",
        },
    )
    deleted = await api.accepted(await api.post_idoc(gone))
    assert deleted["status"] == "processed", deleted
    assert deleted["summary"].endswith("deleted")
    listed = await api.client.get(
        "/api/inventory/materials", params={"q": "VE2022"}, headers=api.admin
    )
    assert listed.json()["items"] == []


async def test_plant_data_of_several_plants_and_of_none(
    api: SapApi, mapped: None, plants: list[UUID]
) -> None:
    several = await api.accepted(await api.post_idoc(fixture("matmas-multiple-plants.xml")))
    assert "plant 1021 created" in several["summary"]
    assert "plant 1016 created" in several["summary"]
    material = await api.material("VE2021")
    url = f"/api/inventory/materials/{material['id']}/plants"
    plant_ids = {
        p["plant_id"] for p in (await api.client.get(url, headers=api.admin)).json()["items"]
    }
    assert plant_ids == {str(plants[0]), str(plants[1])}

    # The same material, another IDoc number, an E1MARCM with an empty WERKS.
    none = idoc_variant(
        "matmas-no-plant-data.xml",
        {"EDI_DC40/DOCNUM": new_docnum(), "E1MARAM/MATNR_LONG": "VE2030"},
    )
    message = await api.accepted(await api.post_idoc(none))
    assert message["status"] == "processed", message
    assert "plant data without a plant (empty WERKS) skipped" in message["summary"]
    other = await api.material("VE2030")
    url = f"/api/inventory/materials/{other['id']}/plants"
    assert (await api.client.get(url, headers=api.admin)).json()["items"] == []


async def test_an_unmapped_plant_fails_the_message_until_mapped_and_replayed(
    api: SapApi, plants: list[UUID], count_rows: Count
) -> None:
    await api.map_code("material_type", "YQFP", "finished")
    failed = await api.accepted(await api.post_idoc(fixture(SINGLE)))
    assert failed["status"] == "failed"
    assert failed["error"] == (
        "plant 1021: SAP plant 1021 is not mapped to a Unison plant: PUT"
        ' /api/inventory/admin/sap/plants/1021 with {"plant_id": "<Unison plant id>"}'
        " (or null to skip it), then replay"
    )
    assert await count_rows("materials") == 0  # nothing half-written
    assert await count_rows("audit_log") == 0

    await api.map_plant("1021", plants[0])
    replayed = await api.replay(failed["id"])
    assert replayed["status"] == "processed", replayed
    assert replayed["attempts"] == 2
    assert replayed["error"] is None
    assert await count_rows("materials") == 1


async def test_an_unknown_customer_material_type_fails_with_what_to_map(
    api: SapApi, plants: list[UUID]
) -> None:
    await api.map_plant("1021", plants[0])
    failed = await api.accepted(await api.post_idoc(fixture(SINGLE)))
    assert failed["status"] == "failed"
    assert "SAP material type YQFP has no Unison type" in failed["error"]
    assert "PUT /api/inventory/admin/sap/codes/material_type/YQFP" in failed["error"]


async def test_a_plant_mapped_to_nothing_is_skipped(api: SapApi, plants: list[UUID]) -> None:
    await api.map_code("material_type", "YQFP", "finished")
    await api.map_plant("1021", None)
    message = await api.accepted(await api.post_idoc(fixture(SINGLE)))
    assert message["status"] == "processed", message
    assert "plant 1021 skipped (not run in Unison)" in message["summary"]


async def test_internal_and_iso_unit_codes_both_map_to_unison_units(
    api: SapApi, mapped: None
) -> None:
    variant = idoc_variant(
        SINGLE,
        {
            "E1MARAM/MEINS": "ST",  # SAP's internal code for pieces
            "E1MARAM/BRGEW": "2.500",
            "E1MARAM/GEWEI": "KGM",  # ISO
            "E1MARAM/E1MARMM/MEINH": "ST",
        },
    )
    message = await api.accepted(await api.post_idoc(variant))
    assert message["status"] == "processed", message
    material = await api.material("VE2021")
    assert (material["base_unit"], material["weight_unit"]) == ("PC", "KG")


async def test_a_padded_numeric_material_number_in_a_namespaced_idoc(
    api: SapApi, mapped: None
) -> None:
    plain = idoc_variant(
        SINGLE, {"E1MARAM/MATNR_LONG": None, "E1MARAM/MATNR": "000000000000004711"}
    ).decode()
    namespaced = plain.replace(
        "<ZMATMAS0601>", '<ns0:ZMATMAS0601 xmlns:ns0="urn:sap-com:document:sap:idoc:messages">'
    ).replace("</ZMATMAS0601>", "</ns0:ZMATMAS0601>")
    message = await api.accepted(await api.post_idoc(namespaced.encode()))
    assert message["status"] == "processed", message
    assert (await api.material("4711"))["description"] == "GORE Automotive Vents"


async def test_the_same_idoc_number_with_other_content_is_refused(
    api: SapApi, mapped: None, count_rows: Count
) -> None:
    await api.accepted(await api.post_idoc(fixture(SINGLE)))
    other = idoc_variant(SINGLE, {"E1MARAM/E1MAKTM/MAKTX": "Something else"})
    refused = await api.post_idoc(other)
    assert refused.status_code == 409
    assert "MATMAS 894460 was received before with other content" in refused.json()["detail"]
    assert await count_rows("sap_messages") == 1


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b"<MATMAS06><IDOC BEGIN='1'><EDI_DC40>", "the body is not well-formed XML"),
        (b'{"d": {}}', "the body is not well-formed XML"),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><MATMAS06/>',
            "a DTD or entity declaration is not accepted",
        ),
        (b"<MATMAS06><E1MARAM/></MATMAS06>", "no <IDOC> element under <MATMAS06>"),
        (b"<MATMAS06><IDOC/><IDOC/></MATMAS06>", "one IDoc per request; this document holds 2"),
        (b"<MATMAS06><IDOC><E1MARAM/></IDOC></MATMAS06>", "the IDoc has no control record"),
    ],
)
async def test_a_malformed_idoc_is_a_422_that_says_why_and_stores_nothing(
    api: SapApi, count_rows: Count, body: bytes, detail: str
) -> None:
    response = await api.post_idoc(body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"].startswith(detail)
    assert await count_rows("sap_messages") == 0


async def test_an_idoc_of_an_unsupported_type_or_shape_is_refused(
    api: SapApi, count_rows: Count
) -> None:
    orders = idoc_variant(SINGLE, {"EDI_DC40/IDOCTYP": "ORDERS05", "EDI_DC40/MESTYP": "ORDERS"})
    response = await api.post_idoc(orders)
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "IDoc type ORDERS05 (message type ORDERS) is not supported; supported types:"
        " BOMMAT, LOIPRO, MATMAS"
    )
    headless = idoc_variant(SINGLE, {"E1MARAM/MATNR_LONG": None, "E1MARAM/MATNR": None})
    response = await api.post_idoc(headless)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"pointer": "/E1MARAM/MATNR", "detail": response.json()["detail"]}
    ]
    assert await count_rows("sap_messages") == 0


async def test_a_bom_idoc_fails_readably_until_its_materials_exist_then_replays(
    api: SapApi,
    make_material: MakeMaterial,
    plants: list[UUID],
    client: AsyncTestClient[Any],
    auth: Headers,
) -> None:
    await api.map_plant("A100", plants[0])
    bom = idoc_variant("bommat05-pump.xml", {"EDI_DC40/DOCNUM": new_docnum()})
    message = await api.accepted(await api.post_idoc(bom))
    assert (message["kind"], message["status"]) == ("BOMMAT", "failed")
    assert "FG-PUMP-100" in message["error"]

    for number, unit in (
        ("FG-PUMP-100", "PC"),
        ("SA-IMPELLER-100", "PC"),
        ("KIT-SEAL-100", "PC"),
        ("RM-SHAFT-STEEL", "KG"),
        ("CS-GREASE", "L"),
        ("SCRAP-STEEL", "KG"),
    ):
        await make_material(number=number, base_unit=unit)
    replayed = await api.client.post(f"{message['href']}/replay", headers=api.admin)
    assert replayed.status_code == 202, replayed.text
    settled = await api.settled(message["id"])
    assert settled["status"] == "processed", settled
    boms = await client.get("/api/inventory/boms", headers=auth())
    assert [b["plant_id"] for b in boms.json()["items"]] == [str(plants[0])]


async def test_two_idocs_of_one_new_material_at_once_create_it_once(
    api: SapApi, mapped: None, count_rows: Count
) -> None:
    bodies = [idoc_variant(SINGLE, {"EDI_DC40/DOCNUM": new_docnum()}) for _ in range(2)]
    responses = await asyncio.gather(*(api.post_idoc(b) for b in bodies))
    messages = [await api.accepted(r) for r in responses]
    assert [m["status"] for m in messages] == ["processed", "processed"]
    assert sorted(m["summary"].split(": ")[1].split(",")[0] for m in messages) == [
        "created",
        "unchanged",
    ]
    assert await count_rows("materials") == 1


async def test_the_raw_idoc_is_kept_as_it_arrived(api: SapApi, mapped: None) -> None:
    body = fixture(SINGLE)
    accepted = (await api.post_idoc(body)).json()
    response = await api.client.get(f"{accepted['href']}/payload", headers=api.admin)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    assert response.content == body


async def test_another_organization_sees_none_of_it(
    api: SapApi, mapped: None, auth: Headers, plants: list[UUID]
) -> None:
    message = await api.accepted(await api.post_idoc(fixture(SINGLE)))
    stranger = auth(organization_id=uuid.uuid4())
    href = message["href"]
    assert (await api.client.get(href, headers=stranger)).status_code == 404
    assert (await api.client.get(f"{href}/payload", headers=stranger)).status_code == 404
    assert (await api.client.post(f"{href}/replay", headers=stranger)).status_code == 404
    listed = await api.client.get(f"{SAP}/messages", headers=stranger)
    assert listed.json() == {"items": [], "next_cursor": None}
    plants_seen = await api.client.get("/api/inventory/admin/sap/plants", headers=stranger)
    assert plants_seen.json()["items"] == []
    codes_seen = await api.client.get("/api/inventory/admin/sap/codes", headers=stranger)
    assert codes_seen.json()["items"] == []
    materials = await api.client.get("/api/inventory/materials", headers=stranger)
    assert materials.json()["items"] == []

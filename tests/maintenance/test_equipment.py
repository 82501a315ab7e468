"""Equipment: the tree, its rules, documents, optimistic concurrency, roles and tenancy."""

from __future__ import annotations

import uuid

from tests.maintenance.shop import API, Shop


async def test_equipment_forms_a_tree_of_lines_machines_and_components(shop: Shop) -> None:
    line = await shop.equipment("line", name="Press line 1")
    press = await shop.equipment("machine", parent_id=line["id"], criticality="A")
    pump = await shop.equipment("component", parent_id=press["id"], name="Hydraulic pump")
    valve = await shop.equipment("component", parent_id=pump["id"], name="Relief valve")
    tree = await shop.get(f"/equipment/{line['id']}/tree")
    assert [(n["id"], n["depth"]) for n in tree] == [
        (line["id"], 0),
        (press["id"], 1),
        (pump["id"], 2),
        (valve["id"], 3),
    ]
    bad = {
        "plant_id": str(shop.plants[0]),
        "level": "line",
        "code": "L2",
        "name": "x",
        "parent_id": press["id"],
    }
    refused = await shop.post("/equipment", bad, 422)
    assert refused.json()["errors"][0]["pointer"] == "/parent_id"
    component = {"plant_id": str(shop.plants[0]), "level": "component", "code": "C9", "name": "x"}
    assert (await shop.post("/equipment", component, 422)).json()["errors"][0][
        "pointer"
    ] == "/parent_id"
    other_plant = {
        "plant_id": str(shop.plants[1]),
        "level": "machine",
        "code": "M9",
        "name": "x",
        "parent_id": line["id"],
    }
    assert (await shop.post("/equipment", other_plant, 422)).status_code == 422


async def test_equipment_changes_need_the_version_read_and_busy_equipment_is_not_deleted(
    shop: Shop,
) -> None:
    press = await shop.equipment()
    await shop.meter(press)
    url = f"{API}/equipment/{press['id']}"
    assert (
        await shop.client.patch(url, json={"name": "x"}, headers=shop.auth())
    ).status_code == 428
    stale = await shop.client.patch(
        url, json={"name": "x"}, headers={**shop.auth(), "If-Match": '"9"'}
    )
    assert stale.status_code == 412
    changed = await shop.client.patch(
        url,
        json={"criticality": "A", "manufacturer": "Schuler"},
        headers={**shop.auth(), "If-Match": '"1"'},
    )
    assert changed.status_code == 200 and changed.json()["criticality"] == "A"
    busy = await shop.client.delete(url, headers={**shop.auth(), "If-Match": '"2"'})
    assert busy.status_code == 409 and "scrap it" in busy.json()["detail"]


async def test_documents_are_kept_checked_and_private(shop: Shop) -> None:
    press = await shop.equipment()
    url = f"{API}/equipment/{press['id']}/documents"
    pdf = b"%PDF-1.4 manual"
    uploaded = await shop.client.post(
        url,
        params={"filename": "manual.pdf"},
        content=pdf,
        headers={**shop.auth(), "Content-Type": "application/pdf"},
    )
    assert uploaded.status_code == 201, uploaded.text
    listed = await shop.get(f"/equipment/{press['id']}/documents")
    assert [(d["filename"], d["size_bytes"]) for d in listed] == [("manual.pdf", len(pdf))]
    one = await shop.client.get(f"{url}/{uploaded.json()['id']}", headers=shop.auth())
    assert one.content == pdf and one.headers["content-type"].startswith("application/pdf")
    refused = await shop.client.post(
        url,
        params={"filename": "x.exe"},
        content=b"MZ",
        headers={**shop.auth(), "Content-Type": "application/x-msdownload"},
    )
    assert refused.status_code == 415
    stranger = shop.auth(organization_id=uuid.uuid4())
    assert (
        await shop.client.get(f"{url}/{uploaded.json()['id']}", headers=stranger)
    ).status_code == 404


async def test_an_operator_cannot_keep_equipment_and_another_organization_sees_none(
    shop: Shop,
) -> None:
    body = {"plant_id": str(shop.plants[0]), "level": "machine", "code": "OP1", "name": "x"}
    assert (await shop.post("/equipment", body, 403, roles=["operator"])).status_code == 403
    press = await shop.equipment()
    stranger = shop.auth(organization_id=uuid.uuid4())
    assert (
        await shop.client.get(f"{API}/equipment/{press['id']}", headers=stranger)
    ).status_code == 404
    listed = await shop.client.get(f"{API}/equipment", headers=stranger)
    assert listed.json()["items"] == []
    plant_two = shop.auth(plant_ids=[shop.plants[1]])
    assert (
        await shop.client.get(f"{API}/equipment/{press['id']}", headers=plant_two)
    ).status_code == 404

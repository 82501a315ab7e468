"""BOM versions through the API: drafts change, released versions never do, a new
revision succeeds the old one, lists page by keyset, bad input names the field."""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import pytest

from inventory import bom_repo
from tests.inventory.bom_support import BOMS, Client, item, release, released, save_bom
from tests.inventory.conftest import Headers, MakeMaterial

Count = Callable[[str], Awaitable[int]]


def _etag(bom: dict[str, Any]) -> dict[str, str]:
    return {"If-Match": f'"{bom["version"]}"'}


async def test_a_draft_is_saved_with_exact_base_quantities_and_read_back(
    client: Client, auth: Headers, make_material: MakeMaterial
) -> None:
    gearbox = await make_material(number="GB-1", type="finished")
    oil = await make_material(number="OIL-1", base_unit="L")
    shaft = await make_material(number="SHAFT-1")
    response = await client.post(
        BOMS,
        json={
            "material_id": gearbox["id"],
            "base_quantity": "2",
            "valid_from": "2026-03-01",
            "description": "Gearbox, standard",
            "items": [
                item(10, shaft, "2", operation="0010"),
                item(20, oil, "750", unit="ml", scrap_percent="3.5"),
            ],
        },
        headers=auth(),
    )
    assert response.status_code == 201, response.text
    bom = response.json()
    assert response.headers["etag"] == '"1"'
    assert response.headers["location"] == f"{BOMS}/{bom['id']}"
    assert (bom["status"], bom["revision"], bom["usage"], bom["alternative"]) == (
        "draft",
        1,
        "production",
        1,
    )
    assert (bom["base_quantity"], bom["base_unit"], bom["plant_id"]) == ("2", "PC", None)
    oil_item = bom["items"][1]
    assert (oil_item["unit"], oil_item["base_quantity"], oil_item["base_unit"]) == (
        "ML",
        "0.75",
        "L",
    )
    assert oil_item["component_number"] == "OIL-1"
    read = await client.get(f"{BOMS}/{bom['id']}", headers=auth())
    assert read.json() == bom


async def test_a_draft_changes_with_if_match_and_a_released_version_never_does(
    client: Client, auth: Headers, make_material: MakeMaterial
) -> None:
    top = await make_material(number="LIFE-1")
    a = await make_material(number="LIFE-A")
    b = await make_material(number="LIFE-B")
    draft = await save_bom(client, auth, top, [item(10, a, "1")])
    url = f"{BOMS}/{draft['id']}"
    assert (await client.patch(url, json={"description": "x"}, headers=auth())).status_code == 428
    stale = await client.patch(url, json={"description": "x"}, headers=auth({"If-Match": '"7"'}))
    assert stale.status_code == 412
    changed = await client.patch(
        url,
        json={"items": [item(10, a, "2"), item(20, b, "1")], "description": "two parts"},
        headers=auth(_etag(draft)),
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["version"] == 2 and changed.headers["etag"] == '"2"'
    assert [(i["item_number"], i["quantity"]) for i in body["items"]] == [(10, "2"), (20, "1")]
    same = await client.patch(url, json={"description": "two parts"}, headers=auth(_etag(body)))
    assert same.json()["version"] == 2  # nothing changed, nothing written

    done = await release(client, auth, body)
    assert done.status_code == 200, done.text
    live = done.json()
    assert (live["status"], live["released_by"]) == ("released", "user:alice")
    for attempt in (
        client.patch(url, json={"description": "late"}, headers=auth(_etag(live))),
        client.delete(url, headers=auth(_etag(live))),
        release(client, auth, live),
    ):
        refused = await attempt
        assert refused.status_code == 409, refused.text
    assert (await client.get(url, headers=auth())).json() == live


async def test_a_new_revision_succeeds_the_released_one_from_its_date(
    client: Client, auth: Headers, make_material: MakeMaterial
) -> None:
    top = await make_material(number="REV-1")
    part = await make_material(number="REV-PART")
    first = await released(client, auth, top, [item(10, part, "1")], valid_from="2026-01-01")
    copy = await client.post(
        f"{BOMS}/{first['id']}/versions",
        json={"valid_from": "2026-05-01", "change_number": "ECN-42"},
        headers=auth(),
    )
    assert copy.status_code == 201, copy.text
    draft = copy.json()
    assert (draft["status"], draft["revision"], draft["change_number"]) == ("draft", 2, "ECN-42")
    assert [i["component_number"] for i in draft["items"]] == ["REV-PART"]
    changed = await client.patch(
        f"{BOMS}/{draft['id']}", json={"items": [item(10, part, "3")]}, headers=auth(_etag(draft))
    )
    done = await release(client, auth, changed.json())
    assert done.status_code == 200, done.text
    before = (await client.get(f"{BOMS}/{first['id']}", headers=auth())).json()
    assert (before["status"], before["valid_from"], before["valid_to"]) == (
        "released",
        "2026-01-01",
        "2026-05-01",
    )
    assert before["items"] == first["items"]  # the content of a released version stays


async def test_two_released_versions_may_not_start_on_the_same_day(
    client: Client, auth: Headers, make_material: MakeMaterial
) -> None:
    top = await make_material(number="SAME-DAY")
    part = await make_material(number="SAME-PART")
    first = await released(client, auth, top, [item(10, part, "1")], valid_from="2026-02-01")
    again = await save_bom(client, auth, top, [item(10, part, "2")], valid_from="2026-02-01")
    refused = await release(client, auth, again)
    assert refused.status_code == 409
    assert "revision 1" in refused.json()["detail"]
    earlier = await save_bom(client, auth, top, [item(10, part, "2")], valid_from="2026-01-01")
    assert (await release(client, auth, earlier)).status_code == 409
    # Withdrawn, it no longer blocks the date.
    gone = await client.post(f"{BOMS}/{first['id']}/obsolete", headers=auth(_etag(first)))
    assert gone.status_code == 200 and gone.json()["status"] == "obsolete"
    assert (await release(client, auth, again)).status_code == 200


async def test_the_database_refuses_overlapping_released_versions_whatever_the_code_does(
    owner_conn: asyncpg.Connection,
    client: Client,
    auth: Headers,
    make_material: MakeMaterial,
    org_id: uuid.UUID,
) -> None:
    top = await make_material(number="EXCL-1")
    part = await make_material(number="EXCL-PART")
    await released(client, auth, top, [item(10, part, "1")], valid_from="2026-01-01")
    second = await save_bom(client, auth, top, [item(10, part, "2")], valid_from="2026-06-01")
    transaction = owner_conn.transaction()
    await transaction.start()
    try:
        await owner_conn.execute("SELECT set_config('app.organization_id', $1, true)", str(org_id))
        with pytest.raises(asyncpg.ExclusionViolationError) as refused:
            await owner_conn.execute(
                "UPDATE inventory.boms SET status = 'released', released_at = now(),"
                " released_by = 'x' WHERE id = $1",
                uuid.UUID(second["id"]),
            )
    finally:
        await transaction.rollback()
    assert refused.value.constraint_name == "boms_released_versions_do_not_overlap"


async def test_drafts_are_deleted_released_versions_only_obsoleted(
    client: Client, auth: Headers, make_material: MakeMaterial, count_rows: Count
) -> None:
    top = await make_material(number="DEL-1")
    part = await make_material(number="DEL-PART")
    draft = await save_bom(client, auth, top, [item(10, part, "1")])
    deleted = await client.delete(f"{BOMS}/{draft['id']}", headers=auth(_etag(draft)))
    assert deleted.status_code == 204
    assert (await client.get(f"{BOMS}/{draft['id']}", headers=auth())).status_code == 404
    assert await count_rows("bom_items") == 0
    # The material is still used by a released BOM: it cannot be deleted.
    await released(client, auth, top, [item(10, part, "1")])
    refused = await client.delete(
        f"/api/inventory/materials/{part['id']}", headers=auth({"If-Match": '"1"'})
    )
    assert refused.status_code == 409
    assert "bills of materials" in refused.json()["detail"]


async def test_bad_items_are_refused_naming_the_field_and_nothing_is_written(
    client: Client, auth: Headers, make_material: MakeMaterial, count_rows: Count
) -> None:
    top = await make_material(number="BAD-1")
    part = await make_material(number="BAD-PART")
    steel = await make_material(number="BAD-STEEL", base_unit="KG")
    cases = [
        ([item(10, part, "1"), item(10, steel, "1")], "/items/1/item_number"),
        ([item(10, part, "0")], "/items/0/quantity"),
        ([item(10, steel, "1", unit="M")], "/items/0/unit"),
        ([item(10, steel, "1", unit="NOPE")], "/items/0/unit"),
        ([item(10, part, "1", unit="BOX")], "/items/0/unit"),  # no pieces per box for it
        ([{**item(10, part, "1"), "component_id": str(uuid.uuid4())}], "/items/0/component_id"),
        ([item(10, part, "1", category="by_product", phantom=True)], "/items/0/phantom"),
        ([item(10, part, "1", category="by_product", scrap_percent="2")], "/items/0/scrap_percent"),
        ([item(10, part, "1", scrap_percent="-1")], "/items/0/scrap_percent"),
        (
            [item(10, part, "1", valid_from="2026-02-01", valid_to="2026-01-01")],
            "/items/0/valid_to",
        ),
        ([item(10, top, "1", category="by_product")], "/items/0/component_id"),
    ]
    for items, pointer in cases:
        response = await client.post(
            BOMS, json={"material_id": top["id"], "items": items}, headers=auth()
        )
        assert response.status_code == 422, (pointer, response.text)
        assert response.json()["errors"][0]["pointer"] == pointer, response.text
    header_cases = [
        ({"base_quantity": "0"}, "/base_quantity"),
        ({"base_unit": "KG"}, "/base_unit"),
        ({"valid_from": "2026-02-01", "valid_to": "2026-02-01"}, "/valid_to"),
        ({"material_id": str(uuid.uuid4())}, "/material_id"),
    ]
    for fields, pointer in header_cases:
        body = {"material_id": top["id"], "items": [item(10, part, "1")], **fields}
        response = await client.post(BOMS, json=body, headers=auth())
        assert response.status_code == 422, (pointer, response.text)
        assert response.json()["errors"][0]["pointer"] == pointer
    unknown = await client.post(
        BOMS, json={"material_id": top["id"], "items": [], "colour": "red"}, headers=auth()
    )
    assert unknown.status_code in (400, 422)
    assert await count_rows("boms") == 0


async def test_lists_page_by_keyset_and_filter(
    client: Client, auth: Headers, make_material: MakeMaterial, plants: list[uuid.UUID]
) -> None:
    part = await make_material(number="LIST-PART")
    made = []
    for index in range(5):
        top = await make_material(number=f"LIST-{index}")
        plant = str(plants[0]) if index % 2 else None
        made.append(await save_bom(client, auth, top, [item(10, part, "1")], plant_id=plant))
    await release(client, auth, made[0])
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get(BOMS, params=params, headers=auth())).json()
        seen += [b["id"] for b in page["items"]]
        assert all("items" not in b for b in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [b["id"] for b in made]

    async def ids(**params: Any) -> list[str]:
        response = await client.get(BOMS, params=params, headers=auth())
        assert response.status_code == 200, response.text
        return [b["id"] for b in response.json()["items"]]

    assert await ids(status="released") == [made[0]["id"]]
    assert await ids(material_id=made[2]["material_id"]) == [made[2]["id"]]
    assert await ids(plant_id=str(plants[0])) == [made[1]["id"], made[3]["id"]]
    assert await ids(all_plants="true") == [made[0]["id"], made[2]["id"], made[4]["id"]]
    bad = await client.get(BOMS, params={"cursor": "nonsense"}, headers=auth())
    assert bad.status_code == 422


async def test_bom_changes_publish_events_exactly_when_they_commit(
    client: Client, auth: Headers, make_material: MakeMaterial, owner_conn: Any, org_id: Any
) -> None:
    queue = f"inv_boms_{uuid.uuid4().hex[:8]}"
    await owner_conn.execute("SELECT pgmq.create($1)", queue)
    await owner_conn.execute("SELECT pgmq.bind_topic('inventory.bom.*', $1)", queue)
    await owner_conn.execute(f"GRANT INSERT, SELECT (msg_id) ON pgmq.q_{queue} TO unison_inventory")
    try:
        top = await make_material(number="EVT-1")
        part = await make_material(number="EVT-PART")
        first = await released(client, auth, top, [item(10, part, "4", unit="DZ")])
        draft = await save_bom(client, auth, top, [item(10, part, "5")], valid_from="2099-01-01")
        await save_bom(client, auth, top, [item(10, top, "1")], expect=409)  # rolled back
        assert (await release(client, auth, draft)).status_code == 200
        rows = [
            {"topic": r["topic"], "body": json.loads(r["body"])}
            for r in await owner_conn.fetch(
                f"SELECT headers->>'topic' AS topic, message::text AS body FROM pgmq.q_{queue}"
                " ORDER BY msg_id"
            )
        ]
        topics = [(r["topic"], r["body"].get("change")) for r in rows]
        assert topics == [
            ("inventory.bom.released", None),
            ("inventory.bom.changed", "created"),
            ("inventory.bom.changed", "superseded"),
            ("inventory.bom.released", None),
        ]
        released_event = rows[0]["body"]
        assert released_event["organization_id"] == str(org_id)
        assert released_event["bom_id"] == first["id"]
        (event_item,) = released_event["items"]
        assert (event_item["quantity"], event_item["unit"]) == ("4", "DZ")
        assert (event_item["base_quantity"], event_item["base_unit"]) == ("48", "PC")
        assert rows[3]["body"]["supersedes"] == [first["id"]]
        assert rows[2]["body"]["valid_to"] == "2099-01-01"
    finally:
        await owner_conn.execute("SELECT pgmq.drop_queue($1)", queue)


async def test_every_bom_query_prepares_against_the_migrated_schema(
    role_dsn: Callable[[str], str],
) -> None:
    conn = await asyncpg.connect(role_dsn("inventory"))
    try:
        failures = {}
        for name, statement in bom_repo.Q.items():
            try:
                await conn.prepare(statement)
            except asyncpg.PostgresError as exc:
                failures[name] = str(exc)
    finally:
        await conn.close()
    assert failures == {}
    assert len(bom_repo.Q.items()) >= 20


async def test_openapi_documents_every_bom_route(client: Client) -> None:
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    assert {
        "/api/inventory/boms",
        "/api/inventory/boms/{bom_id}",
        "/api/inventory/boms/{bom_id}/release",
        "/api/inventory/boms/{bom_id}/obsolete",
        "/api/inventory/boms/{bom_id}/versions",
        "/api/inventory/materials/{material_id}/bom-explosion",
        "/api/inventory/materials/{material_id}/bom-explosion/summary",
        "/api/inventory/materials/{material_id}/where-used",
        "/api/inventory/materials/{material_id}/where-used/all-levels",
    } <= set(paths)
    explosion = paths["/api/inventory/materials/{material_id}/bom-explosion"]["get"]
    assert {"date", "scope", "plant_id", "quantity"} <= {p["name"] for p in explosion["parameters"]}

"""Where-used (which BOMs use a component, up to the end products) and tenancy: another
organization, or a plant outside the token, sees nothing and explodes nothing."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import pytest

from inventory.demo import seed_units
from tests.inventory.bom_support import BOMS, Client, item, released, save_bom
from tests.inventory.conftest import Headers, MakeMaterial

MATERIALS = "/api/inventory/materials"


@pytest.fixture
async def structure(client: Client, auth: Headers, make_material: MakeMaterial) -> dict[str, Any]:
    """Bearing is in SHAFT-ASSY and HOUSING; both go into PUMP-A; HOUSING also into PUMP-B
    (from 2026-06-01 only); PUMP-A goes into a SKID."""
    names = ["BEARING", "SHAFT-ASSY", "HOUSING", "PUMP-A", "PUMP-B", "SKID", "SPARE-KIT"]
    m = {n: await make_material(number=n) for n in names}
    since = "2026-01-01"
    await released(client, auth, m["SHAFT-ASSY"], [item(10, m["BEARING"], "2")], valid_from=since)
    await released(
        client,
        auth,
        m["HOUSING"],
        [item(10, m["BEARING"], "1", operation="0030")],
        valid_from=since,
    )
    await released(
        client,
        auth,
        m["PUMP-A"],
        [item(10, m["SHAFT-ASSY"], "1"), item(20, m["HOUSING"], "1")],
        valid_from=since,
    )
    await released(
        client, auth, m["PUMP-B"], [item(10, m["HOUSING"], "1")], valid_from="2026-06-01"
    )
    await released(client, auth, m["SKID"], [item(10, m["PUMP-A"], "2")], valid_from=since)
    # A draft and a by-product do not make a material "used" further up.
    await save_bom(client, auth, m["SPARE-KIT"], [item(10, m["BEARING"], "5")])
    return m


async def test_where_used_lists_the_boms_using_a_component_on_a_date(
    client: Client, auth: Headers, structure: dict[str, Any]
) -> None:
    url = f"{MATERIALS}/{structure['BEARING']['id']}/where-used"
    response = await client.get(url, params={"date": "2026-07-01"}, headers=auth())
    assert response.status_code == 200, response.text
    rows = response.json()["items"]
    assert sorted((r["material_number"], r["item_number"], r["quantity"]) for r in rows) == [
        ("HOUSING", 10, "1"),
        ("SHAFT-ASSY", 10, "2"),
    ]
    housing = next(r for r in rows if r["material_number"] == "HOUSING")
    assert (housing["operation"], housing["usage"], housing["revision"]) == (
        "0030",
        "production",
        1,
    )
    pump_b = await client.get(
        f"{MATERIALS}/{structure['HOUSING']['id']}/where-used",
        params={"date": "2026-05-31"},
        headers=auth(),
    )
    assert [r["material_number"] for r in pump_b.json()["items"]] == ["PUMP-A"]


async def test_where_used_pages_by_keyset(
    client: Client, auth: Headers, make_material: MakeMaterial
) -> None:
    screw = await make_material(number="SCREW-WU")
    for index in range(5):
        top = await make_material(number=f"WU-{index}")
        await released(client, auth, top, [item(10, screw, "1"), item(20, screw, "2")])
    seen: list[tuple[str, int]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = await client.get(
            f"{MATERIALS}/{screw['id']}/where-used", params=params, headers=auth()
        )
        body = page.json()
        seen += [(r["bom_id"], r["item_number"]) for r in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 10 and seen == sorted(seen)


async def test_where_used_at_every_level_finds_the_end_products(
    client: Client, auth: Headers, structure: dict[str, Any]
) -> None:
    url = f"{MATERIALS}/{structure['BEARING']['id']}/where-used/all-levels"
    response = await client.get(url, params={"date": "2026-07-01"}, headers=auth())
    assert response.status_code == 200, response.text
    found = {r["material_number"]: r for r in response.json()["items"]}
    assert {n: (r["level"], r["via"], r["top_level"]) for n, r in found.items()} == {
        "HOUSING": (1, ["BEARING"], False),
        "SHAFT-ASSY": (1, ["BEARING"], False),
        "PUMP-A": (2, ["HOUSING", "SHAFT-ASSY"], False),
        "PUMP-B": (2, ["HOUSING"], True),
        "SKID": (3, ["PUMP-A"], True),
    }
    tops = await client.get(
        url, params={"date": "2026-01-15", "top_level_only": "true"}, headers=auth()
    )
    assert [r["material_number"] for r in tops.json()["items"]] == ["SKID"]


async def test_where_used_of_an_unknown_material_is_404(client: Client, auth: Headers) -> None:
    url = f"{MATERIALS}/{uuid.uuid4()}/where-used"
    assert (await client.get(url, headers=auth())).status_code == 404
    assert (await client.get(url + "/all-levels", headers=auth())).status_code == 404


@pytest.fixture
async def other_org(owner_conn: asyncpg.Connection) -> uuid.UUID:
    organization_id = uuid.uuid4()
    await seed_units(owner_conn, organization_id)
    return organization_id


async def test_another_organization_sees_nothing_and_explodes_nothing(
    client: Client, auth: Headers, structure: dict[str, Any], other_org: uuid.UUID
) -> None:
    stranger = auth(organization_id=other_org)
    mine = (await client.get(BOMS, headers=auth())).json()["items"]
    assert len(mine) == 6
    assert (await client.get(BOMS, headers=stranger)).json()["items"] == []
    bom = mine[0]
    for response in (
        await client.get(f"{BOMS}/{bom['id']}", headers=stranger),
        await client.patch(
            f"{BOMS}/{bom['id']}",
            json={"description": "x"},
            headers={**stranger, "If-Match": '"2"'},
        ),
        await client.post(f"{BOMS}/{bom['id']}/obsolete", headers={**stranger, "If-Match": '"2"'}),
        await client.post(
            f"{BOMS}/{bom['id']}/versions", json={"valid_from": "2027-01-01"}, headers=stranger
        ),
        await client.get(f"{MATERIALS}/{structure['SKID']['id']}/bom-explosion", headers=stranger),
        await client.get(
            f"{MATERIALS}/{structure['SKID']['id']}/bom-explosion/summary", headers=stranger
        ),
        await client.get(f"{MATERIALS}/{structure['BEARING']['id']}/where-used", headers=stranger),
        await client.get(
            f"{MATERIALS}/{structure['BEARING']['id']}/where-used/all-levels", headers=stranger
        ),
    ):
        assert response.status_code == 404, response.text
    # Nor can it build on the first organization's materials.
    refused = await client.post(
        BOMS,
        json={
            "material_id": structure["SKID"]["id"],
            "items": [item(10, structure["BEARING"], "1")],
        },
        headers=stranger,
    )
    assert refused.status_code == 422
    unchanged = (await client.get(f"{BOMS}/{bom['id']}", headers=auth())).json()
    assert {k: v for k, v in unchanged.items() if k != "items"} == bom


async def test_a_plants_bom_is_invisible_outside_that_plant(
    client: Client, auth: Headers, make_material: MakeMaterial, plants: list[uuid.UUID]
) -> None:
    top = await make_material(number="PLANT-TOP")
    part = await make_material(number="PLANT-PART")
    bom = await released(client, auth, top, [item(10, part, "1")], plant_id=str(plants[1]))
    other_plant = auth(plant_ids=[plants[0]])
    assert (await client.get(f"{BOMS}/{bom['id']}", headers=other_plant)).status_code == 404
    explosion = await client.get(
        f"{MATERIALS}/{top['id']}/bom-explosion",
        params={"plant_id": str(plants[1])},
        headers=other_plant,
    )
    assert explosion.status_code == 404
    used = await client.get(f"{MATERIALS}/{part['id']}/where-used", headers=other_plant)
    assert used.json()["items"] == []
    # Nor may it save a BOM for a plant outside its token.
    refused = await client.post(
        BOMS,
        json={"material_id": top["id"], "plant_id": str(plants[1]), "items": [item(10, part, "2")]},
        headers=other_plant,
    )
    assert refused.status_code == 404

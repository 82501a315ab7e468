"""The material list: keyset pages walk everything exactly once, in a stable order."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.inventory.conftest import Headers, MakeMaterial

Client = AsyncTestClient[Any]
MATERIALS = "/api/inventory/materials"
SORTS = ["number", "-number", "created_at", "-created_at", "updated_at", "-updated_at"]


async def _walk(client: Client, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = await client.get(MATERIALS, params=query, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


@pytest.fixture
async def catalogue(
    make_material: MakeMaterial, client: Client, auth: Headers
) -> list[dict[str, Any]]:
    """23 materials; mixed-case numbers, and some updated so updated_at differs from created."""
    made = []
    for i in range(23):
        number = f"{'ab'[i % 2]}-{i:03d}" if i % 3 else f"{'AB'[i % 2]}-{i:03d}"
        made.append(await make_material(number=number, type=["raw", "spare"][i % 2]))
    for material in made[::4]:
        response = await client.patch(
            f"{MATERIALS}/{material['id']}",
            json={"status": "blocked"},
            headers=auth({"If-Match": '"1"'}),
        )
        assert response.status_code == 200
    return made


@pytest.mark.parametrize("sort", SORTS)
async def test_pages_walk_every_material_exactly_once_in_sort_order(
    client: Client, auth: Headers, catalogue: list[dict[str, Any]], sort: str
) -> None:
    items = await _walk(client, auth(), sort=sort, limit=5)
    ids = [m["id"] for m in items]
    assert len(ids) == len(set(ids)) == len(catalogue)
    field = sort.lstrip("-")
    keys = [(m[field].lower() if field == "number" else m[field], m["id"]) for m in items]
    assert keys == sorted(keys, reverse=sort.startswith("-"))


async def test_the_default_sort_is_by_number_and_the_default_page_is_50(
    client: Client, auth: Headers, make_material: MakeMaterial
) -> None:
    for i in range(52):
        await make_material(number=f"D-{i:03d}")
    page = (await client.get(MATERIALS, headers=auth())).json()
    assert len(page["items"]) == 50
    assert page["items"][0]["number"] == "D-000"
    assert page["next_cursor"] is not None


async def test_a_limit_outside_1_to_500_is_refused(client: Client, auth: Headers) -> None:
    for limit in (0, 501):
        response = await client.get(MATERIALS, params={"limit": limit}, headers=auth())
        assert response.status_code == 400
        assert response.headers["content-type"].startswith("application/problem+json")


async def test_a_forged_cursor_is_refused(client: Client, auth: Headers) -> None:
    response = await client.get(MATERIALS, params={"cursor": "bm90LWEtY3Vyc29y"}, headers=auth())
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/cursor"


async def test_a_cursor_of_another_sort_is_refused(
    client: Client, auth: Headers, catalogue: list[dict[str, Any]]
) -> None:
    page = (await client.get(MATERIALS, params={"limit": 2}, headers=auth())).json()
    response = await client.get(
        MATERIALS, params={"cursor": page["next_cursor"], "sort": "-created_at"}, headers=auth()
    )
    assert response.status_code == 422


async def test_an_unknown_sort_is_refused(client: Client, auth: Headers) -> None:
    response = await client.get(MATERIALS, params={"sort": "price"}, headers=auth())
    assert response.status_code == 400


async def test_filters_by_type_status_base_unit_and_group(
    client: Client, auth: Headers, make_material: MakeMaterial
) -> None:
    bolt = await make_material(number="F-1", type="raw", base_unit="PC", material_group="FAST")
    oil = await make_material(number="F-2", type="consumable", base_unit="L")
    kit = await make_material(number="F-3", type="spare", base_unit="PC", status="blocked")

    async def ids(**params: Any) -> set[str]:
        return {m["id"] for m in await _walk(client, auth(), **params)}

    assert await ids(type="consumable") == {oil["id"]}
    assert await ids(status="blocked") == {kit["id"]}
    assert await ids(base_unit="pc") == {bolt["id"], kit["id"]}
    assert await ids(material_group="FAST") == {bolt["id"]}
    assert await ids(type="spare", status="active") == set()


async def test_an_unknown_type_filter_is_refused(client: Client, auth: Headers) -> None:
    response = await client.get(MATERIALS, params={"type": "gadget"}, headers=auth())
    assert response.status_code == 400


async def test_search_finds_number_prefixes_and_description_words(
    client: Client, auth: Headers, make_material: MakeMaterial
) -> None:
    bearing = await make_material(number="BRG-6204", description="Deep groove ball bearing 6204")
    motor = await make_material(number="MOT-075", description="Electric motor 0.75 kW IE3")
    await make_material(number="PNT-7035", description="Epoxy primer grey RAL 7035")

    async def numbers(q: str) -> set[str]:
        return {m["number"] for m in await _walk(client, auth(), q=q)}

    assert await numbers("brg") == {bearing["number"]}
    assert await numbers("MOT-0") == {motor["number"]}
    assert await numbers("bearing groove") == {bearing["number"]}
    assert await numbers("MOTOR") == {motor["number"]}
    assert await numbers("electrik") == {motor["number"]}  # a typo, found by trigrams
    assert await numbers("100%_") == set()  # LIKE wildcards are matched literally


async def test_plant_filter_lists_materials_with_data_in_that_plant(
    client: Client, auth: Headers, make_material: MakeMaterial, plants: list[uuid.UUID]
) -> None:
    in_first = await make_material()
    in_both = await make_material()
    await make_material()
    for material, plant_ids in ((in_first, plants[:1]), (in_both, plants)):
        for plant_id in plant_ids:
            response = await client.put(
                f"{MATERIALS}/{material['id']}/plants/{plant_id}",
                json={"procurement_type": "buy"},
                headers=auth(),
            )
            assert response.status_code == 201
    first = {m["id"] for m in await _walk(client, auth(), plant_id=str(plants[0]))}
    second = {m["id"] for m in await _walk(client, auth(), plant_id=str(plants[1]))}
    assert first == {in_first["id"], in_both["id"]}
    assert second == {in_both["id"]}
    # A token limited to the first plant finds nothing through the second.
    limited = auth(plant_ids=plants[:1])
    assert await _walk(client, limited, plant_id=str(plants[1])) == []

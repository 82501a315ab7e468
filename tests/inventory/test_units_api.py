"""Units of measure, alternative units of a material, and exact conversions via the API."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.inventory.conftest import Headers, MakeMaterial

Client = AsyncTestClient[Any]
Count = Callable[[str], Awaitable[int]]
UNITS = "/api/inventory/units"
MATERIALS = "/api/inventory/materials"


async def test_a_unit_is_created_read_and_listed(client: Client, auth: Headers) -> None:
    created = await client.post(
        UNITS,
        json={
            "code": "lb",
            "name": "pound",
            "dimension": "mass",
            "factor_numerator": "0.45359237",
            "factor_denominator": "1",
        },
        headers=auth(),
    )
    assert created.status_code == 201, created.text
    assert created.json()["code"] == "LB"
    assert created.headers["etag"] == '"1"'
    read = await client.get(f"{UNITS}/lb", headers=auth())
    assert read.status_code == 200
    assert read.json()["factor_numerator"] == "0.45359237"
    listed = (await client.get(UNITS, headers=auth())).json()
    assert [u["code"] for u in listed["items"]] == ["LB"]


@pytest.mark.usefixtures("units")
async def test_unit_list_pages_in_code_order(client: Client, auth: Headers) -> None:
    codes: list[str] = []
    cursor = None
    while True:
        params = {"limit": 7, **({"cursor": cursor} if cursor else {})}
        page = (await client.get(UNITS, params=params, headers=auth())).json()
        codes += [u["code"] for u in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert codes == sorted(codes)
    assert {"EA", "KG", "G", "M", "L", "H", "BOX"} <= set(codes)


@pytest.mark.usefixtures("units")
async def test_a_duplicate_unit_code_is_a_conflict(client: Client, auth: Headers) -> None:
    response = await client.post(
        UNITS,
        json={
            "code": "kg",
            "name": "again",
            "dimension": "mass",
            "factor_numerator": "1",
            "factor_denominator": "1",
        },
        headers=auth(),
    )
    assert response.status_code == 409
    assert response.json()["errors"][0]["pointer"] == "/code"


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"code": "X", "name": "x", "dimension": "mass"}, "/factor_numerator"),
        (
            {"code": "X", "name": "x", "dimension": "mass", "factor_numerator": "1"},
            "/factor_denominator",
        ),
        (
            {
                "code": "X",
                "name": "x",
                "dimension": "mass",
                "factor_numerator": "0",
                "factor_denominator": "1",
            },
            "/factor_numerator",
        ),
        (
            {
                "code": "X",
                "name": "x",
                "dimension": "package",
                "factor_numerator": "1",
                "factor_denominator": "1",
            },
            "/factor_numerator",
        ),
        ({"code": "X", "name": "x", "dimension": "colour"}, "/dimension"),
        ({"code": "not a code", "name": "x", "dimension": "package"}, "/code"),
    ],
)
async def test_bad_units_are_refused_naming_the_field(
    client: Client, auth: Headers, count_rows: Count, body: dict[str, Any], pointer: str
) -> None:
    response = await client.post(UNITS, json=body, headers=auth())
    assert 400 <= response.status_code < 500
    assert pointer in [e.get("pointer") for e in response.json()["errors"]]
    assert await count_rows("units") == 0


async def test_an_unknown_unit_is_not_found(client: Client, auth: Headers) -> None:
    assert (await client.get(f"{UNITS}/NOPE", headers=auth())).status_code == 404


async def test_alternative_units_are_put_listed_and_deleted_bumping_the_material_version(
    client: Client, auth: Headers, make_material: MakeMaterial
) -> None:
    material = await make_material(base_unit="PC")
    url = f"{MATERIALS}/{material['id']}/units"
    put = await client.put(f"{url}/box", json={"numerator": "200"}, headers=auth())
    assert put.status_code == 200, put.text
    assert put.json()["unit"] == "BOX"
    assert put.json()["numerator"] == "200"
    assert put.json()["denominator"] == "1"
    assert put.headers["etag"] == '"2"'
    # The same again changes nothing.
    again = await client.put(f"{url}/BOX", json={"numerator": "200"}, headers=auth())
    assert again.headers["etag"] == '"2"'
    listed = (await client.get(url, headers=auth())).json()
    assert [u["unit"] for u in listed["items"]] == ["BOX"]
    deleted = await client.delete(f"{url}/BOX", headers=auth())
    assert deleted.status_code == 204
    assert deleted.headers["etag"] == '"3"'
    assert (await client.get(url, headers=auth())).json()["items"] == []
    assert (await client.delete(f"{url}/BOX", headers=auth())).status_code == 404
    history = (await client.get(f"{MATERIALS}/{material['id']}/history", headers=auth())).json()
    assert [(e["entity"], e["action"]) for e in history["items"]] == [
        ("material_unit", "deleted"),
        ("material_unit", "created"),
        ("material", "created"),
    ]


async def test_an_alternative_unit_put_with_a_stale_if_match_is_refused(
    client: Client, auth: Headers, make_material: MakeMaterial
) -> None:
    material = await make_material()
    response = await client.put(
        f"{MATERIALS}/{material['id']}/units/BOX",
        json={"numerator": "10"},
        headers=auth({"If-Match": '"5"'}),
    )
    assert response.status_code == 412


@pytest.mark.parametrize(
    ("unit", "body", "pointer"),
    [
        ("PC", {"numerator": "10"}, "/unit"),  # the base unit itself
        ("NOPE", {"numerator": "10"}, "/unit"),
        ("BOX", {"numerator": "0"}, "/numerator"),
        ("BOX", {"numerator": "10", "denominator": "-1"}, "/denominator"),
    ],
)
async def test_bad_alternative_units_are_refused(
    client: Client,
    auth: Headers,
    make_material: MakeMaterial,
    count_rows: Count,
    unit: str,
    body: dict[str, str],
    pointer: str,
) -> None:
    material = await make_material(base_unit="PC")
    response = await client.put(
        f"{MATERIALS}/{material['id']}/units/{unit}", json=body, headers=auth()
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == pointer
    assert await count_rows("material_units") == 0


async def test_the_base_unit_cannot_change_while_alternative_units_exist(
    client: Client, auth: Headers, make_material: MakeMaterial
) -> None:
    material = await make_material(base_unit="PC")
    await client.put(
        f"{MATERIALS}/{material['id']}/units/BOX", json={"numerator": "10"}, headers=auth()
    )
    response = await client.patch(
        f"{MATERIALS}/{material['id']}",
        json={"base_unit": "EA"},
        headers=auth({"If-Match": '"2"'}),
    )
    assert response.status_code == 409


async def _convert(
    client: Client,
    headers: dict[str, str],
    material_id: str,
    quantity: str,
    source: str,
    target: str,
) -> Any:
    return await client.get(
        f"{MATERIALS}/{material_id}/conversion",
        params={"quantity": quantity, "from": source, "to": target},
        headers=headers,
    )


async def test_conversion_within_a_dimension_is_exact(
    client: Client, auth: Headers, make_material: MakeMaterial
) -> None:
    material = await make_material(base_unit="KG")
    response = await _convert(client, auth(), material["id"], "12.5", "G", "KG")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "material_id": material["id"],
        "quantity": "12.5",
        "from": "G",
        "to": "KG",
        "result": "0.0125",
        "exact": True,
    }


async def test_conversion_through_alternative_units_of_the_material(
    client: Client, auth: Headers, make_material: MakeMaterial
) -> None:
    # A steel sheet kept in kg; one sheet (PC) weighs 49.0625 kg.
    sheet = await make_material(base_unit="KG")
    await client.put(
        f"{MATERIALS}/{sheet['id']}/units/PC", json={"numerator": "49.0625"}, headers=auth()
    )
    two_sheets_in_grams = await _convert(client, auth(), sheet["id"], "2", "PC", "G")
    assert two_sheets_in_grams.json()["result"] == "98125"
    a_tonne_in_sheets = await _convert(client, auth(), sheet["id"], "1", "T", "PC")
    body = a_tonne_in_sheets.json()
    assert body["exact"] is False
    assert body["scale"] == 12
    assert body["result"] == "20.382165605096"  # 1000 / 49.0625 = 16000/785


async def test_a_box_of_one_material_means_nothing_for_another(
    client: Client, auth: Headers, make_material: MakeMaterial
) -> None:
    boxed = await make_material(base_unit="PC")
    plain = await make_material(base_unit="PC")
    await client.put(
        f"{MATERIALS}/{boxed['id']}/units/BOX", json={"numerator": "12"}, headers=auth()
    )
    assert (await _convert(client, auth(), boxed["id"], "3", "BOX", "PC")).json()["result"] == "36"
    refused = await _convert(client, auth(), plain["id"], "3", "BOX", "PC")
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    ("quantity", "source", "target", "pointer"),
    [
        ("twelve", "G", "KG", "/quantity"),
        ("NaN", "G", "KG", "/quantity"),
        ("1", "XX", "KG", "/from"),
        ("1", "G", "XX", "/to"),
        ("1", "L", "KG", "/to"),
    ],
)
async def test_bad_conversion_requests_name_the_parameter(
    client: Client,
    auth: Headers,
    make_material: MakeMaterial,
    quantity: str,
    source: str,
    target: str,
    pointer: str,
) -> None:
    material = await make_material(base_unit="KG")
    response = await _convert(client, auth(), material["id"], quantity, source, target)
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == pointer

"""Helpers for the BOM tests: save, release and explode through the API."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.inventory.conftest import Headers

Client = AsyncTestClient[Any]
BOMS = "/api/inventory/boms"


def item(number: int, component: dict[str, Any], quantity: str, **fields: Any) -> dict[str, Any]:
    return {"item_number": number, "component_id": component["id"], "quantity": quantity, **fields}


async def save_bom(
    client: Client,
    auth: Headers,
    material: dict[str, Any],
    items: list[dict[str, Any]],
    *,
    expect: int = 201,
    headers: dict[str, str] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """Save a version (``status="released"`` to release it at once)."""
    body = {"material_id": material["id"], "items": items, **fields}
    response = await client.post(BOMS, json=body, headers=headers or auth())
    assert response.status_code == expect, response.text
    result: dict[str, Any] = response.json()
    return result


async def released(
    client: Client,
    auth: Headers,
    material: dict[str, Any],
    items: list[dict[str, Any]],
    **fields: Any,
) -> dict[str, Any]:
    return await save_bom(client, auth, material, items, status="released", **fields)


async def release(client: Client, auth: Headers, bom: dict[str, Any]) -> Any:
    return await client.post(
        f"{BOMS}/{bom['id']}/release", headers=auth({"If-Match": f'"{bom["version"]}"'})
    )


async def explode(
    client: Client, auth: Headers, material: dict[str, Any], *, summary: bool = False, **params: Any
) -> dict[str, Any]:
    url = f"/api/inventory/materials/{material['id']}/bom-explosion"
    response = await client.get(
        url + ("/summary" if summary else ""), params=params, headers=auth()
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def flatten(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Tree nodes by path ("10/20")."""
    found: dict[str, dict[str, Any]] = {}
    for node in items:
        found[node["path"]] = node
        found.update(flatten(node["children"]))
    return found

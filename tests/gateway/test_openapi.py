"""``/schema/openapi.json`` merges every service's document with the gateway's own."""

from __future__ import annotations

from typing import Any

import httpx

from gateway.proxy.openapi import merge


def _doc(paths: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {}, "paths": paths, "components": {"schemas": schemas}}


def test_colliding_components_are_prefixed_by_service_and_their_refs_follow() -> None:
    ref = {"$ref": "#/components/schemas/Item"}
    merged = merge(
        {
            "inventory": _doc({"/api/inventory/items": {"get": ref}}, {"Item": {"type": "string"}}),
            "quality": _doc({"/api/quality/items": {"get": ref}}, {"Item": {"type": "integer"}}),
        },
        title="Unison",
        version="1",
    )
    schemas = merged["components"]["schemas"]
    assert set(schemas) == {"inventory_Item", "quality_Item"}
    assert merged["paths"]["/api/inventory/items"]["get"]["$ref"].endswith("/inventory_Item")
    assert merged["paths"]["/api/quality/items"]["get"]["$ref"].endswith("/quality_Item")


def test_identical_components_are_shared_under_their_own_name() -> None:
    problem = {"type": "object", "properties": {"title": {"type": "string"}}}
    merged = merge(
        {"a": _doc({}, {"Problem": problem}), "b": _doc({}, {"Problem": dict(problem)})},
        title="Unison",
        version="1",
    )
    assert merged["components"]["schemas"] == {"Problem": problem}


async def test_the_merged_document_has_every_service_and_the_gateways_auth_endpoints(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    paths = document["paths"]
    assert {"/auth/token", "/auth/revoke", "/auth/jwks.json"} <= set(paths)
    assert "/api/inventory/things" in paths
    assert "/api/production/things" in paths
    assert "/api/inventory" in paths  # the prefix itself, as search's GET /api/search
    assert "/api/inventoryx" not in paths
    assert "/health" not in paths  # outside a service's own prefix: not published
    schemas = document["components"]["schemas"]
    assert {"inventory_Thing", "production_Thing"} <= set(schemas)
    ref = paths["/api/production/things"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]["$ref"]
    assert ref == "#/components/schemas/production_Thing"
    assert document["x-unison-unavailable"] == ["quality"]  # the service that is down

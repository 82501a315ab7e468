"""The process around the API: health, readiness against the migrations, OpenAPI."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Any]


async def test_health_and_readiness_need_no_token(client: Client) -> None:
    assert (await client.get("/health")).status_code == 200
    ready = await client.get("/ready")
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"]["migrations"]["ok"] is True


async def test_openapi_documents_every_inventory_route(client: Client) -> None:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {
        "/api/inventory/units",
        "/api/inventory/units/{code}",
        "/api/inventory/materials",
        "/api/inventory/materials/{material_id}",
        "/api/inventory/materials/{material_id}/history",
        "/api/inventory/materials/{material_id}/conversion",
        "/api/inventory/materials/{material_id}/units",
        "/api/inventory/materials/{material_id}/units/{unit}",
        "/api/inventory/materials/{material_id}/plants",
        "/api/inventory/materials/{material_id}/plants/{plant_id}",
    } <= set(paths)
    create = paths["/api/inventory/materials"]["post"]
    assert "Idempotency-Key" in [p["name"] for p in create.get("parameters", [])]


async def test_an_invalid_token_is_refused_as_problem_json(client: Client) -> None:
    response = await client.get(
        "/api/inventory/materials", headers={"Authorization": "Bearer not.a.token"}
    )
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["www-authenticate"].startswith("Bearer")

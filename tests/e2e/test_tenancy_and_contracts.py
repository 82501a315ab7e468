"""Through the gateway with real processes: tenancy, roles, bad input, concurrency control."""

from __future__ import annotations

import uuid

import httpx

from tests.e2e.conftest import bearer

pytestmark = __import__("pytest").mark.e2e

MATERIALS = "/api/inventory/materials"


def _material(number: str | None = None) -> dict[str, str]:
    return {
        "number": number or f"E2E-{uuid.uuid4().hex[:10].upper()}",
        "description": "Deep groove ball bearing 6204-2RS",
        "type": "raw",
        "base_unit": "EA",
    }


async def _create(http: httpx.AsyncClient, token: str, body: dict[str, str]) -> httpx.Response:
    return await http.post(MATERIALS, json=body, headers=bearer(token))


async def test_gateway_is_ready_only_with_every_service_and_worker(http: httpx.AsyncClient) -> None:
    response = await http.get("/ready")
    assert response.status_code == 200, response.text
    body = response.json()
    names = set(str(body))
    for component in (
        "inventory",
        "production",
        "quality",
        "maintenance",
        "search",
        "reporting",
        "inventory-worker",
        "reporting-worker",
    ):
        assert component in str(body), (component, names)


async def test_another_organization_cannot_read_list_change_or_delete_a_material(
    http: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    acme, globex = tokens["admin@acme.test"], tokens["admin@globex.test"]
    created = await _create(http, acme, _material())
    assert created.status_code == 201, created.text
    material = created.json()
    url = f"{MATERIALS}/{material['id']}"
    etag = created.headers["etag"]

    assert (await http.get(url, headers=bearer(globex))).status_code == 404
    patched = await http.patch(
        url, json={"description": "hijacked"}, headers={**bearer(globex), "If-Match": etag}
    )
    assert patched.status_code == 404
    deleted = await http.delete(url, headers={**bearer(globex), "If-Match": etag})
    assert deleted.status_code == 404
    listed = await http.get(MATERIALS, params={"q": material["number"]}, headers=bearer(globex))
    assert listed.status_code == 200
    assert all(m["id"] != material["id"] for m in listed.json()["items"])

    still = await http.get(url, headers=bearer(acme))
    assert still.status_code == 200
    assert still.json()["description"] == material["description"]


async def test_a_role_without_the_permission_gets_403(
    http: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    response = await _create(http, tokens["viewer@acme.test"], _material())
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    assert (
        await http.get(MATERIALS, headers=bearer(tokens["viewer@acme.test"]))
    ).status_code == 200


async def test_bad_input_names_the_field_and_writes_nothing(
    http: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    acme = tokens["admin@acme.test"]
    body = _material()
    body["type"] = "unobtainium"
    response = await _create(http, acme, body)
    assert 400 <= response.status_code < 500
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert any(e.get("pointer") == "/type" for e in problem.get("errors", [])), problem

    missing = {k: v for k, v in _material().items() if k != "number"}
    response = await _create(http, acme, missing)
    assert 400 <= response.status_code < 500
    assert any(e.get("pointer") == "/number" for e in response.json().get("errors", []))

    listed = await http.get(MATERIALS, params={"q": body["number"]}, headers=bearer(acme))
    assert listed.json()["items"] == []


async def test_a_stale_if_match_gets_412(http: httpx.AsyncClient, tokens: dict[str, str]) -> None:
    acme = tokens["admin@acme.test"]
    created = await _create(http, acme, _material())
    url, first_etag = f"{MATERIALS}/{created.json()['id']}", created.headers["etag"]
    ok = await http.patch(
        url, json={"description": "first edit"}, headers={**bearer(acme), "If-Match": first_etag}
    )
    assert ok.status_code == 200, ok.text
    stale = await http.patch(
        url, json={"description": "second edit"}, headers={**bearer(acme), "If-Match": first_etag}
    )
    assert stale.status_code == 412
    assert (await http.get(url, headers=bearer(acme))).json()["description"] == "first edit"


async def test_the_same_idempotency_key_twice_creates_once(
    http: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    acme = tokens["admin@acme.test"]
    body, key = _material(), uuid.uuid4().hex
    headers = {**bearer(acme), "Idempotency-Key": key}
    first = await http.post(MATERIALS, json=body, headers=headers)
    second = await http.post(MATERIALS, json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    listed = await http.get(MATERIALS, params={"q": body["number"]}, headers=bearer(acme))
    assert [m["id"] for m in listed.json()["items"]] == [first.json()["id"]]


async def test_the_sap_client_can_create_materials_with_client_credentials(
    http: httpx.AsyncClient,
) -> None:
    token = await http.post(
        "/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "sap-acme",
            "client_secret": "unison-demo",
        },
    )
    assert token.status_code == 200, token.text
    created = await _create(http, token.json()["access_token"], _material())
    assert created.status_code == 201, created.text


async def test_the_request_id_travels_through_the_gateway_and_back(
    http: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    response = await http.get(
        MATERIALS, headers={**bearer(tokens["admin@acme.test"]), "X-Request-ID": "e2e-trace-42"}
    )
    assert response.headers["x-request-id"] == "e2e-trace-42"


async def test_the_merged_openapi_names_every_service_route(http: httpx.AsyncClient) -> None:
    response = await http.get("/schema/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    assert "/api/inventory/materials" in document["paths"]
    assert "/auth/token" in document["paths"]


async def test_services_verify_tokens_themselves(
    service_url: object, tokens: dict[str, str]
) -> None:
    assert callable(service_url)
    async with httpx.AsyncClient(base_url=service_url("inventory"), timeout=10) as direct:
        assert (await direct.get(MATERIALS)).status_code == 401
        forged = tokens["admin@acme.test"][:-4] + "AAAA"
        assert (await direct.get(MATERIALS, headers=bearer(forged))).status_code == 401
        ok = await direct.get(MATERIALS, headers=bearer(tokens["admin@acme.test"]))
        assert ok.status_code == 200

"""``/api/{service}/...`` reaches the service unchanged, minus what must not cross."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from litestar import Litestar

from gateway.proxy.headers import upstream_request_headers
from gateway.settings import Settings
from tests.gateway.support import (
    PASSWORD,
    EchoService,
    Org,
    asgi_get,
    bearer,
    client_for,
    serving,
)


@pytest.fixture
async def planner(client: httpx.AsyncClient, org: Org) -> dict[str, str]:
    response = await client.post(
        "/auth/token",
        data={"grant_type": "password", "username": org.email("planner"), "password": PASSWORD},
    )
    return bearer(response.json()["access_token"])


def _headers(echoed: dict[str, Any]) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {}
    for name, value in echoed["headers"]:
        seen.setdefault(name, []).append(value)
    return seen


async def test_the_request_reaches_the_service_unchanged(
    client: httpx.AsyncClient, planner: dict[str, str]
) -> None:
    response = await client.get(
        "/api/inventory/materials/M%20100/stock?plant=P1&sort=-qty", headers=planner
    )
    assert response.status_code == 200
    echoed = response.json()
    assert echoed["service"] == "inventory"
    assert echoed["raw_path"] == "/api/inventory/materials/M%20100/stock"
    assert echoed["query"] == "plant=P1&sort=-qty"
    assert _headers(echoed)["authorization"] == [planner["Authorization"]]


async def test_hop_by_hop_headers_are_stripped_both_ways(
    client: httpx.AsyncClient, planner: dict[str, str]
) -> None:
    response = await client.get(
        "/api/inventory/things",
        headers={
            **planner,
            "Connection": "keep-alive, X-Secret-Hop",
            "X-Secret-Hop": "must not pass",
            "Keep-Alive": "timeout=5",
            "TE": "trailers",
            "Trailer": "X-Checksum",
            "Upgrade": "h2c",
            "Proxy-Authorization": "Basic c2VjcmV0",
            "Proxy-Connection": "keep-alive",
            "X-Kept": "yes",
        },
    )
    seen = _headers(response.json())
    for name in (
        "x-secret-hop",
        "keep-alive",
        "te",
        "trailer",
        "upgrade",
        "proxy-authorization",
        "proxy-connection",
    ):
        assert name not in seen, name
    assert seen["x-kept"] == ["yes"]
    assert response.headers["x-upstream"] == "yes"
    for name in ("keep-alive", "proxy-authenticate", "x-upstream-hop"):
        assert name not in response.headers, name


async def test_the_request_id_is_passed_on_and_forwarded_for_is_set(
    client: httpx.AsyncClient, planner: dict[str, str]
) -> None:
    response = await client.get(
        "/api/inventory/things",
        headers={**planner, "X-Request-ID": "req-4711", "X-Forwarded-For": "192.0.2.1"},
    )
    seen = _headers(response.json())
    assert seen["x-request-id"] == ["req-4711"]
    assert response.headers.get_list("x-request-id") == ["req-4711"]
    forwarded = seen["x-forwarded-for"][0].split(", ")
    assert forwarded[0] == "192.0.2.1"
    assert len(forwarded) == 2  # the gateway appended the address it saw


async def test_a_request_id_is_created_when_the_client_sends_none(
    client: httpx.AsyncClient, planner: dict[str, str]
) -> None:
    response = await client.get("/api/inventory/things", headers=planner)
    created = _headers(response.json())["x-request-id"]
    assert len(created) == 1
    assert created[0]
    assert response.headers["x-request-id"] == created[0]


async def test_a_large_request_body_arrives_intact(
    client: httpx.AsyncClient, planner: dict[str, str]
) -> None:
    body = os.urandom(3 * 1024 * 1024)

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 64 * 1024):
            yield body[start : start + 64 * 1024]

    response = await client.post(
        "/api/inventory/uploads",
        headers={**planner, "Content-Type": "application/octet-stream"},
        content=chunks(),
    )
    echoed = response.json()
    assert echoed["body_size"] == len(body)
    assert echoed["body_sha256"] == hashlib.sha256(body).hexdigest()
    assert echoed["method"] == "POST"


async def test_an_unknown_service_is_404_problem_json(client: httpx.AsyncClient, org: Org) -> None:
    admin = await client.post(
        "/auth/token",
        data={"grant_type": "password", "username": org.email("admin"), "password": PASSWORD},
    )
    response = await client.get("/api/warehouse/bins", headers=bearer(admin.json()["access_token"]))
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_service_that_is_down_is_503_problem_json(
    client: httpx.AsyncClient, planner: dict[str, str]
) -> None:
    response = await client.get("/api/quality/inspections", headers=planner)
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"]
    assert "quality" in response.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/inventory/../inventory/admin/jobs",
        "/api/inventory/%2e%2e/production/things",
        "/api/inventory/things%2F..%2Fadmin",
        "/api/inventory//admin/jobs",
    ],
)
async def test_paths_that_change_meaning_when_normalized_are_refused(
    app: Litestar, planner: dict[str, str], path: str
) -> None:
    status, body = await asgi_get(app, path.encode(), planner)
    assert status == 400
    assert b"separator" in body or b"segments" in body


async def test_an_unauthenticated_request_never_reaches_the_service(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/api/inventory/things")
    assert response.status_code == 401


async def test_the_response_streams_before_the_service_has_finished(
    app: Litestar,
    settings: Settings,
    inventory_service: tuple[EchoService, str],
    start_gateway: Callable[[Settings], Any],
    org: Org,
) -> None:
    service, _ = inventory_service
    service.release.clear()
    async with start_gateway(settings) as gateway, serving(gateway) as url:
        async with client_for(app) as tokens:
            login = await tokens.post(
                "/auth/token",
                data={
                    "grant_type": "password",
                    "username": org.email("viewer"),
                    "password": PASSWORD,
                },
            )
        async with httpx.AsyncClient(base_url=url, trust_env=False) as http:
            headers = bearer(login.json()["access_token"])
            async with http.stream("GET", "/api/inventory/slow", headers=headers) as response:
                assert response.status_code == 200
                received = response.aiter_raw()
                first = await asyncio.wait_for(anext(received), timeout=30)
                assert first == b"first\n"  # while the service still holds the rest back
                service.release.set()
                rest = b"".join([chunk async for chunk in received])
    assert rest == b"second\n"


def test_a_request_framed_both_ways_loses_its_content_length() -> None:
    forwarded = upstream_request_headers(
        [(b"content-length", b"5"), (b"transfer-encoding", b"chunked"), (b"x-a", b"1")],
        request_id="r1",
        client_host="10.0.0.1",
        scheme="https",
    )
    names = [name for name, _ in forwarded]
    assert b"content-length" not in names
    assert b"transfer-encoding" not in names
    assert (b"x-forwarded-proto", b"https") in forwarded
    assert (b"x-forwarded-for", b"10.0.0.1") in forwarded

"""CORS: the frontend's origins (``UNISON_CORS_ORIGINS``) may call from a browser, no other.

Real preflights and requests against a gateway started with an allow-list: the allowed
origin gets the CORS headers on the preflight (answered before any token is asked for)
and on the actual answer, through the proxy too; another origin gets a 403 preflight and
answers without them, which a browser refuses to hand to the page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import msgspec
import pytest

from gateway.settings import Settings, load_settings
from tests.gateway.support import PASSWORD, Org, bearer, client_for
from unison_config import SettingsError

FRONTEND = "https://erp.example.com"
DEV_SERVER = "http://localhost:5173"
EVIL = "https://evil.example.net"


@pytest.fixture(scope="module")
async def cors_client(
    settings: Settings, start_gateway: Callable[[Settings], Any]
) -> AsyncIterator[httpx.AsyncClient]:
    allowed = msgspec.structs.replace(settings, cors_origins=f"{FRONTEND}, {DEV_SERVER}")
    async with start_gateway(allowed) as app, client_for(app) as client:
        yield client


def _preflight(origin: str, method: str = "POST", headers: str = "authorization") -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": headers,
    }


@pytest.mark.parametrize("path", ["/auth/token", "/api/inventory/things", "/admin/users"])
async def test_a_preflight_from_an_allowed_origin_is_answered_without_a_token(
    cors_client: httpx.AsyncClient, path: str
) -> None:
    response = await cors_client.options(
        path, headers=_preflight(DEV_SERVER, "PUT", "Authorization, Content-Type, If-Match")
    )
    assert response.status_code == 204, response.text
    assert response.headers["access-control-allow-origin"] == DEV_SERVER
    assert "PUT" in response.headers["access-control-allow-methods"]
    allowed = {h.strip() for h in response.headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type", "if-match"} <= allowed
    assert int(response.headers["access-control-max-age"]) > 0
    assert "Origin" in response.headers["vary"]
    assert "access-control-allow-credentials" not in response.headers


@pytest.mark.parametrize("path", ["/auth/token", "/api/inventory/things"])
async def test_a_preflight_from_another_origin_is_refused(
    cors_client: httpx.AsyncClient, path: str
) -> None:
    response = await cors_client.options(path, headers=_preflight(EVIL))
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    assert EVIL in response.json()["detail"]
    assert "access-control-allow-origin" not in response.headers


async def test_a_preflight_asking_for_an_unknown_header_is_refused(
    cors_client: httpx.AsyncClient,
) -> None:
    response = await cors_client.options(
        "/api/inventory/things", headers=_preflight(FRONTEND, "GET", "authorization, x-evil")
    )
    assert response.status_code == 403
    assert "x-evil" in response.json()["detail"]


async def test_the_allowed_origin_reads_answers_through_the_proxy(
    cors_client: httpx.AsyncClient, org: Org
) -> None:
    login = await cors_client.post(
        "/auth/token",
        data={"grant_type": "password", "username": org.email("viewer"), "password": PASSWORD},
        headers={"Origin": FRONTEND},
    )
    assert login.status_code == 200, login.text
    assert login.headers["access-control-allow-origin"] == FRONTEND
    token = login.json()["access_token"]
    response = await cors_client.get(
        "/api/inventory/things", headers={**bearer(token), "Origin": FRONTEND}
    )
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == FRONTEND
    assert "X-Request-ID" in response.headers["access-control-expose-headers"]
    assert "Origin" in response.headers["vary"]
    # A refusal carries the header too, or the frontend could not read why it was refused.
    refused = await cors_client.get("/api/inventory/things", headers={"Origin": FRONTEND})
    assert refused.status_code == 401
    assert refused.headers["access-control-allow-origin"] == FRONTEND


async def test_another_origin_gets_answers_without_cors_headers(
    cors_client: httpx.AsyncClient, org: Org
) -> None:
    response = await cors_client.post(
        "/auth/token",
        data={"grant_type": "password", "username": org.email("viewer"), "password": PASSWORD},
        headers={"Origin": EVIL},
    )
    assert "access-control-allow-origin" not in response.headers
    assert "Origin" in response.headers["vary"]


async def test_without_an_allow_list_no_origin_is_allowed(client: httpx.AsyncClient) -> None:
    preflight = await client.options("/auth/token", headers=_preflight(FRONTEND))
    assert preflight.status_code == 403
    plain = await client.get("/health", headers={"Origin": FRONTEND})
    assert plain.status_code == 200
    assert "access-control-allow-origin" not in plain.headers


@pytest.mark.parametrize(
    "value", ["*", "https://erp.example.com/", "erp.example.com", "https://x.example/app"]
)
def test_an_origin_that_is_not_one_stops_start_up(value: str) -> None:
    with pytest.raises(SettingsError, match="UNISON_CORS_ORIGINS"):
        load_settings({"UNISON_DATABASE_URL": "postgresql://x", "UNISON_CORS_ORIGINS": value})


def test_origins_are_read_from_the_environment() -> None:
    settings = load_settings(
        {
            "UNISON_DATABASE_URL": "postgresql://x",
            "UNISON_CORS_ORIGINS": f" {FRONTEND} ,{DEV_SERVER}",
        }
    )
    assert settings.cors_allowed_origins == {FRONTEND, DEV_SERVER}

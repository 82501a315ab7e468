"""The client_credentials grant: machine callers such as the SAP integration."""

from __future__ import annotations

import base64

import httpx
import jwt

from tests.gateway.support import PASSWORD, Org


def _basic(client_id: str, secret: str) -> dict[str, str]:
    encoded = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


async def test_a_client_gets_a_token_with_credentials_in_the_body(
    client: httpx.AsyncClient, org: Org
) -> None:
    response = await client.post(
        "/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": org.client_id,
            "client_secret": PASSWORD,
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert "refresh_token" not in body  # RFC 6749 4.4.3: the client simply asks again
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["sub"] == f"client:{org.client_id}"
    assert claims["kind"] == "client"
    assert claims["roles"] == ["integration"]
    assert claims["org"] == str(org.id)
    assert set(claims["plants"]) == {str(p) for p in org.plant_ids}


async def test_a_client_gets_a_token_with_http_basic_authentication(
    client: httpx.AsyncClient, org: Org
) -> None:
    response = await client.post(
        "/auth/token",
        data={"grant_type": "client_credentials"},
        headers=_basic(org.client_id, PASSWORD),
    )
    assert response.status_code == 200
    assert response.json()["token_type"] == "Bearer"


async def test_a_wrong_client_secret_is_an_invalid_client_with_401(
    client: httpx.AsyncClient, org: Org
) -> None:
    response = await client.post(
        "/auth/token",
        data={"grant_type": "client_credentials"},
        headers=_basic(org.client_id, "wrong"),
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response.headers["www-authenticate"].startswith("Basic")


async def test_a_client_without_credentials_is_an_invalid_client(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/auth/token", data={"grant_type": "client_credentials"})
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


async def test_credentials_in_both_header_and_body_are_an_invalid_request(
    client: httpx.AsyncClient, org: Org
) -> None:
    response = await client.post(
        "/auth/token",
        data={"grant_type": "client_credentials", "client_id": org.client_id},
        headers=_basic(org.client_id, PASSWORD),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"

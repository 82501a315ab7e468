"""The password grant: people log in with email and password."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import jwt
import msgspec

from gateway.app import Gateway
from tests.gateway.support import PASSWORD, Org, client_for
from unison_auth import KeySet, verify_token


async def _verify(client: httpx.AsyncClient, gw: Gateway, token: str) -> Any:
    jwks = (await client.get("/auth/jwks.json")).json()
    return verify_token(
        token,
        KeySet(jwks),
        issuer=gw.settings.jwt_issuer,
        audience=gw.settings.jwt_audience,
    )


async def test_password_grant_issues_a_token_that_unison_auth_verifies(
    client: httpx.AsyncClient, gw: Gateway, org: Org
) -> None:
    response = await client.post(
        "/auth/token",
        data={"grant_type": "password", "username": org.email("planner"), "password": PASSWORD},
    )
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == gw.settings.access_token_ttl
    assert body["refresh_token"].startswith("urt_")
    principal = await _verify(client, gw, body["access_token"])
    assert principal.subject == f"user:{org.user_ids['planner']}"
    assert principal.organization_id == org.id
    assert principal.roles == ("planner",)
    assert principal.kind == "user"
    assert principal.name == "Test planner"


async def test_a_user_with_all_plant_access_gets_every_plant_of_the_organization(
    client: httpx.AsyncClient, gw: Gateway, org: Org, login: Callable[..., Any]
) -> None:
    tokens = await login(org, "viewer")
    principal = await _verify(client, gw, tokens.access_token)
    assert set(principal.plant_ids) == set(org.plant_ids)


async def test_a_user_limited_to_one_plant_gets_only_that_plant(
    client: httpx.AsyncClient, gw: Gateway, org: Org, login: Callable[..., Any]
) -> None:
    tokens = await login(org, "operator")
    principal = await _verify(client, gw, tokens.access_token)
    assert principal.plant_ids == (org.plant_ids[0],)


async def test_the_token_carries_every_documented_claim(
    client: httpx.AsyncClient, org: Org, login: Callable[..., Any]
) -> None:
    tokens = await login(org, "admin")
    header = jwt.get_unverified_header(tokens.access_token)
    claims = jwt.decode(tokens.access_token, options={"verify_signature": False})
    assert header["alg"] == "EdDSA"
    assert header["kid"]
    assert set(claims) == {
        "iss",
        "aud",
        "sub",
        "org",
        "plants",
        "roles",
        "kind",
        "name",
        "iat",
        "nbf",
        "exp",
        "jti",
    }
    assert claims["aud"] == "unison"
    assert claims["iss"] == "unison-gateway"
    assert claims["exp"] - claims["iat"] == 900


async def test_email_is_matched_case_insensitively(client: httpx.AsyncClient, org: Org) -> None:
    response = await client.post(
        "/auth/token",
        data={
            "grant_type": "password",
            "username": f"  {org.email('viewer').upper()} ",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 200


async def test_a_wrong_password_is_an_invalid_grant(client: httpx.AsyncClient, org: Org) -> None:
    response = await client.post(
        "/auth/token",
        data={"grant_type": "password", "username": org.email("viewer"), "password": "nope"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert "error_description" in response.json()


async def test_an_unknown_email_gets_the_same_answer_as_a_wrong_password(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/auth/token",
        data={"grant_type": "password", "username": "nobody@nowhere.test", "password": "x"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


async def test_a_deactivated_user_cannot_log_in(
    client: httpx.AsyncClient, org: Org, owner_conn: Any
) -> None:
    async with owner_conn.transaction():
        await owner_conn.execute("SELECT set_config('app.organization_id', $1, true)", str(org.id))
        await owner_conn.execute(
            "UPDATE identity.users SET active = false WHERE organization_id = $1 AND id = $2",
            org.id,
            org.user_ids["viewer"],
        )
    response = await client.post(
        "/auth/token",
        data={"grant_type": "password", "username": org.email("viewer"), "password": PASSWORD},
    )
    assert response.json()["error"] == "invalid_grant"


async def test_missing_parameters_are_an_invalid_request(client: httpx.AsyncClient) -> None:
    response = await client.post("/auth/token", data={"grant_type": "password"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert "username" in response.json()["error_description"]


async def test_a_json_body_is_refused_because_oauth_is_form_encoded(
    client: httpx.AsyncClient, org: Org
) -> None:
    response = await client.post(
        "/auth/token",
        json={"grant_type": "password", "username": org.email("viewer"), "password": PASSWORD},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


async def test_a_repeated_parameter_is_an_invalid_request(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/auth/token",
        content=b"grant_type=password&username=a@b.test&username=c@d.test&password=x",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


async def test_an_unknown_grant_type_is_unsupported(client: httpx.AsyncClient) -> None:
    response = await client.post("/auth/token", data={"grant_type": "implicit"})
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


async def test_a_password_hashed_with_old_parameters_is_rehashed_at_login(
    settings: Any, start_gateway: Any, org: Org, owner_conn: Any
) -> None:
    stronger = msgspec.structs.replace(settings, argon2_time_cost=2)

    async def stored_hash() -> str:
        async with owner_conn.transaction():
            await owner_conn.execute(
                "SELECT set_config('app.organization_id', $1, true)", str(org.id)
            )
            value: str = await owner_conn.fetchval(
                "SELECT password_hash FROM identity.users WHERE id = $1", org.user_ids["viewer"]
            )
            return value

    before = await stored_hash()
    async with start_gateway(stronger) as app, client_for(app) as client:
        response = await client.post(
            "/auth/token",
            data={"grant_type": "password", "username": org.email("viewer"), "password": PASSWORD},
        )
    assert response.status_code == 200
    after = await stored_hash()
    assert after != before
    assert ",t=2," in after

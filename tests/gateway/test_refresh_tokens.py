"""Refresh tokens rotate on every use; a reused one revokes its whole family."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from tests.gateway.support import Org, bearer


async def _refresh(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.post(
        "/auth/token", data={"grant_type": "refresh_token", "refresh_token": token}
    )


async def test_a_refresh_token_yields_new_tokens_and_a_new_refresh_token(
    client: httpx.AsyncClient, org: Org, login: Callable[..., Any]
) -> None:
    first = await login(org, "planner")
    response = await _refresh(client, first.refresh_token)
    assert response.status_code == 200
    body = response.json()
    assert body["refresh_token"] != first.refresh_token
    assert body["access_token"] != first.access_token
    users = await client.get("/api/inventory/things", headers=bearer(body["access_token"]))
    assert users.status_code == 200


async def test_reusing_a_rotated_refresh_token_revokes_the_whole_family(
    client: httpx.AsyncClient, org: Org, login: Callable[..., Any]
) -> None:
    first = await login(org, "planner")
    second = (await _refresh(client, first.refresh_token)).json()["refresh_token"]

    replayed = await _refresh(client, first.refresh_token)
    assert replayed.status_code == 400
    assert replayed.json()["error"] == "invalid_grant"
    # The legitimate holder's newer token is gone too: someone else had the old one.
    after = await _refresh(client, second)
    assert after.status_code == 400
    assert after.json()["error"] == "invalid_grant"


async def test_a_revoked_refresh_token_no_longer_works(
    client: httpx.AsyncClient, org: Org, login: Callable[..., Any]
) -> None:
    tokens = await login(org, "planner")
    revoked = await client.post("/auth/revoke", data={"token": tokens.refresh_token})
    assert revoked.status_code == 200
    response = await _refresh(client, tokens.refresh_token)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


async def test_revoking_an_unknown_token_is_not_an_error(client: httpx.AsyncClient) -> None:
    response = await client.post("/auth/revoke", data={"token": "urt_made-up"})
    assert response.status_code == 200


async def test_revoke_without_a_token_is_an_invalid_request(client: httpx.AsyncClient) -> None:
    response = await client.post("/auth/revoke", data={"token_type_hint": "refresh_token"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


async def test_an_unknown_refresh_token_is_an_invalid_grant(client: httpx.AsyncClient) -> None:
    response = await _refresh(client, "urt_never-issued")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


async def test_a_refresh_for_a_deactivated_user_fails(
    client: httpx.AsyncClient, org: Org, login: Callable[..., Any], owner_conn: Any
) -> None:
    tokens = await login(org, "viewer")
    async with owner_conn.transaction():
        await owner_conn.execute("SELECT set_config('app.organization_id', $1, true)", str(org.id))
        await owner_conn.execute(
            "UPDATE identity.users SET active = false WHERE organization_id = $1 AND id = $2",
            org.id,
            org.user_ids["viewer"],
        )
    response = await _refresh(client, tokens.refresh_token)
    assert response.json()["error"] == "invalid_grant"

"""The admin API works inside the caller's organization and nowhere else."""

from __future__ import annotations

import uuid

import asyncpg
import httpx
import pytest

from tests.gateway.support import PASSWORD, Org, bearer


async def _admin(client: httpx.AsyncClient, org: Org) -> dict[str, str]:
    response = await client.post(
        "/auth/token",
        data={"grant_type": "password", "username": org.email("admin"), "password": PASSWORD},
    )
    return bearer(response.json()["access_token"])


async def _policy_count(conn: asyncpg.Connection, org: Org) -> int:
    async with conn.transaction():
        await conn.execute("SELECT set_config('app.organization_id', $1, true)", str(org.id))
        count: int = await conn.fetchval("SELECT count(*) FROM identity.casbin_rules")
        return count


async def test_an_admin_lists_only_the_users_of_their_organization(
    client: httpx.AsyncClient, org: Org, other_org: Org
) -> None:
    response = await client.get("/admin/users", headers=await _admin(client, org))
    assert response.status_code == 200
    emails = {u["email"] for u in response.json()}
    assert emails == {org.email(role) for role in org.user_ids}
    assert not any(other_org.slug in e for e in emails)


async def test_an_admin_cannot_read_or_change_another_organizations_user(
    client: httpx.AsyncClient, org: Org, other_org: Org
) -> None:
    headers = await _admin(client, org)
    stranger = other_org.user_ids["viewer"]
    assert (await client.get(f"/admin/users/{stranger}", headers=headers)).status_code == 404
    read = await client.get(f"/admin/users/{stranger}/roles", headers=headers)
    assert read.status_code == 404
    write = await client.put(
        f"/admin/users/{stranger}/roles", headers=headers, json={"roles": ["admin"]}
    )
    assert write.status_code == 404
    theirs = await client.get(
        f"/admin/users/{stranger}/roles", headers=await _admin(client, other_org)
    )
    assert theirs.json() == {"roles": ["viewer"]}


async def test_an_admin_sees_and_changes_only_their_organizations_policies(
    client: httpx.AsyncClient, org: Org, other_org: Org, owner_conn: asyncpg.Connection
) -> None:
    headers = await _admin(client, org)
    before = await _policy_count(owner_conn, other_org)
    listed = (await client.get("/admin/policies", headers=headers)).json()
    assert {"role": "viewer", "object": "/api/*", "action": "read"} in listed

    removed = await client.delete(
        "/admin/policies",
        headers=headers,
        params={"role": "viewer", "object": "/api/*", "action": "read"},
    )
    assert removed.status_code == 204
    assert await _policy_count(owner_conn, other_org) == before
    again = await client.delete(
        "/admin/policies",
        headers=headers,
        params={"role": "viewer", "object": "/api/*", "action": "read"},
    )
    assert again.status_code == 404


async def test_adding_a_policy_twice_is_a_conflict(client: httpx.AsyncClient, org: Org) -> None:
    headers = await _admin(client, org)
    rule = {"role": "auditor", "object": "/api/quality/*", "action": "read"}
    assert (await client.post("/admin/policies", headers=headers, json=rule)).status_code == 201
    assert (await client.post("/admin/policies", headers=headers, json=rule)).status_code == 409
    roles = (await client.get("/admin/roles", headers=headers)).json()
    assert "auditor" in {r["name"] for r in roles}


@pytest.mark.parametrize(
    ("rule", "pointer"),
    [
        ({"role": "Bad Role", "object": "/api/*", "action": "read"}, "/role"),
        ({"role": "viewer", "object": "api/*", "action": "read"}, "/object"),
        ({"role": "viewer", "object": "/api/(.*)", "action": "read"}, "/object"),
        ({"role": "viewer", "object": "/api/*", "action": "read|fly"}, "/action"),
    ],
)
async def test_an_invalid_policy_is_refused_naming_the_field(
    client: httpx.AsyncClient, org: Org, rule: dict[str, str], pointer: str
) -> None:
    response = await client.post("/admin/policies", headers=await _admin(client, org), json=rule)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["pointer"] == pointer


async def test_assigning_an_unknown_role_is_refused_naming_it(
    client: httpx.AsyncClient, org: Org
) -> None:
    response = await client.put(
        f"/admin/users/{org.user_ids['viewer']}/roles",
        headers=await _admin(client, org),
        json={"roles": ["viewer", "emperor"]},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/roles/1"


async def test_an_unknown_user_is_not_found(client: httpx.AsyncClient, org: Org) -> None:
    response = await client.get(f"/admin/users/{uuid.uuid4()}", headers=await _admin(client, org))
    assert response.status_code == 404

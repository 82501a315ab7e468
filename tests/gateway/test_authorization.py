"""Casbin decides per organization; changes reach every gateway process via NOTIFY."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import httpx
import pytest

from gateway.app import Gateway
from gateway.authz.rules import action_of, object_matches
from gateway.settings import Settings
from tests.gateway.support import PASSWORD, Org, bearer, client_for


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 15.0) -> bool:
    """Poll ``check`` until it holds; a deadline, not a timing assertion."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await check():
            return True
        await asyncio.sleep(0.05)
    return await check()


async def _token(http: httpx.AsyncClient, org: Org, role: str) -> str:
    response = await http.post(
        "/auth/token",
        data={"grant_type": "password", "username": org.email(role), "password": PASSWORD},
    )
    token: str = response.json()["access_token"]
    return token


@pytest.mark.parametrize(
    ("path", "pattern", "expected"),
    [
        ("/api/inventory/materials", "/api/*", True),
        ("/api/inventory", "/api/inventory/*", True),
        ("/api/inventory/admin/reindex", "/api/*", False),
        ("/api/inventory/admin", "/api/*", False),
        ("/api/inventory/admin/reindex", "/api/inventory/*", False),
        ("/api/inventory/admin/reindex", "/api/*/admin/*", True),
        ("/api/inventory/materials/admin", "/api/*", True),
        ("/admin/policies", "/api/*", False),
    ],
)
def test_service_admin_paths_are_only_reached_by_admin_patterns(
    path: str, pattern: str, expected: bool
) -> None:
    assert object_matches(path, pattern) is expected


def test_http_methods_map_to_read_write_delete() -> None:
    assert [action_of(m) for m in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")] == [
        "read",
        "read",
        "write",
        "write",
        "write",
        "delete",
    ]
    assert action_of("TRACE") == "delete"


async def test_a_role_without_the_permission_gets_403_problem_json(
    client: httpx.AsyncClient, org: Org
) -> None:
    viewer = await _token(client, org, "viewer")
    for method, path in (
        ("POST", "/api/inventory/things"),
        ("GET", "/admin/users"),
        ("GET", "/api/inventory/admin/jobs"),
    ):
        response = await client.request(method, path, headers=bearer(viewer), json={})
        assert response.status_code == 403, (method, path)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["title"] == "Forbidden"
    assert (await client.get("/api/inventory/things", headers=bearer(viewer))).status_code == 200


async def test_the_integration_client_may_write_inventory_but_only_read_production(
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
    sap = bearer(response.json()["access_token"])
    assert (await client.post("/api/inventory/things", headers=sap, json={})).status_code == 200
    assert (await client.get("/api/production/things", headers=sap)).status_code == 200
    assert (await client.post("/api/production/things", headers=sap, json={})).status_code == 403
    assert (await client.get("/admin/users", headers=sap)).status_code == 403


async def test_an_admin_reaches_service_admin_paths(client: httpx.AsyncClient, org: Org) -> None:
    admin = await _token(client, org, "admin")
    response = await client.post("/api/inventory/admin/reindex", headers=bearer(admin))
    assert response.status_code == 200


async def test_a_policy_change_reaches_another_gateway_process_via_notify(
    client: httpx.AsyncClient,
    gw: Gateway,
    settings: Settings,
    start_gateway: Callable[[Settings], Any],
    org: Org,
) -> None:
    admin, viewer = await _token(client, org, "admin"), await _token(client, org, "viewer")
    async with start_gateway(settings) as other, client_for(other) as elsewhere:
        other_gw: Gateway = other.state.gateway

        async def listening() -> bool:
            return other_gw.listener.connected.is_set()

        assert await eventually(listening)
        assert (await elsewhere.get("/admin/roles", headers=bearer(viewer))).status_code == 403
        assert other_gw.enforcers.cached(org.id)  # denied from its cache, not by a fresh load

        added = await client.post(
            "/admin/policies",
            headers=bearer(admin),
            json={"role": "viewer", "object": "/admin/roles", "action": "read"},
        )
        assert added.status_code == 201

        async def allowed_elsewhere() -> bool:
            response = await elsewhere.get("/admin/roles", headers=bearer(viewer))
            return response.status_code == 200

        assert await eventually(allowed_elsewhere)


async def test_a_role_assignment_takes_effect_without_a_new_token(
    client: httpx.AsyncClient, org: Org
) -> None:
    admin, viewer = await _token(client, org, "admin"), await _token(client, org, "viewer")
    assert (await client.get("/admin/users", headers=bearer(viewer))).status_code == 403
    changed = await client.put(
        f"/admin/users/{org.user_ids['viewer']}/roles",
        headers=bearer(admin),
        json={"roles": ["viewer", "admin"]},
    )
    assert changed.json() == {"roles": ["admin", "viewer"]}

    async def promoted() -> bool:
        response = await client.get("/admin/users", headers=bearer(viewer))
        return response.status_code == 200

    assert await eventually(promoted)


async def test_the_listener_reconnects_and_drops_its_caches_after_losing_the_connection(
    client: httpx.AsyncClient, gw: Gateway, org: Org, admin_dsn: str
) -> None:
    admin, viewer = await _token(client, org, "admin"), await _token(client, org, "viewer")
    assert (await client.get("/admin/roles", headers=bearer(viewer))).status_code == 403
    assert gw.enforcers.cached(org.id)
    sessions, pid = gw.listener.connections, gw.listener.backend_pid

    superuser = await asyncpg.connect(admin_dsn)
    try:
        assert await superuser.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await superuser.close()

    async def reconnected() -> bool:
        return gw.listener.connections > sessions and gw.listener.connected.is_set()

    assert await eventually(reconnected)
    assert not gw.enforcers.cached(org.id)
    await client.post(
        "/admin/policies",
        headers=bearer(admin),
        json={"role": "viewer", "object": "/admin/roles", "action": "read"},
    )

    async def allowed() -> bool:
        return (await client.get("/admin/roles", headers=bearer(viewer))).status_code == 200

    assert await eventually(allowed)


async def test_a_deactivated_user_loses_access_before_the_token_expires(
    client: httpx.AsyncClient, org: Org, owner_conn: asyncpg.Connection
) -> None:
    planner = await _token(client, org, "planner")
    assert (await client.get("/api/inventory/things", headers=bearer(planner))).status_code == 200
    async with owner_conn.transaction():
        await owner_conn.execute("SELECT set_config('app.organization_id', $1, true)", str(org.id))
        await owner_conn.execute(
            "UPDATE identity.users SET active = false WHERE organization_id = $1 AND id = $2",
            org.id,
            org.user_ids["planner"],
        )

    async def refused() -> bool:
        response = await client.get("/api/inventory/things", headers=bearer(planner))
        return response.status_code == 403

    assert await eventually(refused)

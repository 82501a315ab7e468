"""Failed logins are limited per account and per address, across gateway processes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Litestar

from gateway.settings import Settings
from tests.gateway.support import PASSWORD, Org, client_for, random_address


def _login(username: str, password: str) -> dict[str, str]:
    return {"grant_type": "password", "username": username, "password": password}


async def test_too_many_failures_for_one_user_get_429_with_retry_after(
    app: Litestar, settings: Settings, org: Org
) -> None:
    async with client_for(app) as client:
        for _ in range(settings.login_max_failures):
            response = await client.post("/auth/token", data=_login(org.email("viewer"), "x"))
            assert response.status_code == 400
        blocked = await client.post("/auth/token", data=_login(org.email("viewer"), PASSWORD))
    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["retry-after"]) <= settings.login_window
    assert blocked.json()["error"] == "temporarily_unavailable"
    # Another account from another address is not affected.
    async with client_for(app) as elsewhere:
        fine = await elsewhere.post("/auth/token", data=_login(org.email("planner"), PASSWORD))
    assert fine.status_code == 200


async def test_too_many_failures_from_one_address_block_that_address_only(
    app: Litestar, settings: Settings, org: Org
) -> None:
    address = random_address()
    async with client_for(app, address) as client:
        for n in range(settings.login_max_failures_per_address):
            await client.post("/auth/token", data=_login(f"guess{n}@{org.slug}.test", "x"))
        blocked = await client.post("/auth/token", data=_login(org.email("admin"), PASSWORD))
    assert blocked.status_code == 429
    async with client_for(app) as elsewhere:
        fine = await elsewhere.post("/auth/token", data=_login(org.email("admin"), PASSWORD))
    assert fine.status_code == 200


async def test_the_limit_holds_across_gateway_processes(
    app: Litestar,
    settings: Settings,
    start_gateway: Callable[[Settings], Any],
    org: Org,
) -> None:
    async with client_for(app) as client:
        for _ in range(settings.login_max_failures):
            await client.post("/auth/token", data=_login(org.email("operator"), "x"))
    async with start_gateway(settings) as other, client_for(other) as elsewhere:
        blocked = await elsewhere.post("/auth/token", data=_login(org.email("operator"), PASSWORD))
    assert blocked.status_code == 429


async def test_failed_client_credentials_are_limited_per_client(
    app: Litestar, settings: Settings, org: Org
) -> None:
    async with client_for(app) as client:
        for _ in range(settings.login_max_failures):
            await client.post(
                "/auth/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": org.client_id,
                    "client_secret": "wrong",
                },
            )
        blocked = await client.post(
            "/auth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": org.client_id,
                "client_secret": PASSWORD,
            },
        )
    assert blocked.status_code == 429


async def test_a_successful_login_forgives_earlier_failures_of_that_account(
    app: Litestar, settings: Settings, org: Org
) -> None:
    async with client_for(app) as client:
        for _ in range(settings.login_max_failures - 1):
            await client.post("/auth/token", data=_login(org.email("planner"), "x"))
        ok = await client.post("/auth/token", data=_login(org.email("planner"), PASSWORD))
        assert ok.status_code == 200
    async with client_for(app) as elsewhere:
        for _ in range(settings.login_max_failures - 1):
            await elsewhere.post("/auth/token", data=_login(org.email("planner"), "x"))
        still_ok = await elsewhere.post("/auth/token", data=_login(org.email("planner"), PASSWORD))
    assert still_ok.status_code == 200

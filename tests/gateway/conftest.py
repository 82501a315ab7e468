"""Gateway fixtures: a running gateway app on the test cluster, stand-in services, orgs.

Each test works in organizations of its own (``org``, ``other_org``) and calls from an
address of its own, so tests neither see each other's data nor share rate limits.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import asyncpg
import msgspec
import pytest
from argon2 import PasswordHasher
from litestar import Litestar

from gateway.app import Gateway, create_gateway
from gateway.settings import Settings
from tests.gateway.support import (
    PASSWORD,
    EchoService,
    Org,
    client_for,
    create_org,
    free_port,
    serving,
)
from unison_stack.stack import Stack

# Cheap argon2 for tests: the gateway hashes with its settings, these verify any cost.
FAST_ARGON2 = {"argon2_time_cost": 1, "argon2_memory_cost": 8, "argon2_parallelism": 1}


@pytest.fixture(scope="session")
def secret_hash() -> str:
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)


@pytest.fixture(scope="session")
def gateway_dsn(stack: Stack) -> str:
    return stack.role_dsn("unison_gateway")


@pytest.fixture(scope="session")
async def inventory_service() -> AsyncIterator[tuple[EchoService, str]]:
    service = EchoService(
        "inventory", {"Thing": {"type": "object", "properties": {"sku": {"type": "string"}}}}
    )
    async with serving(service) as url:
        yield service, url


@pytest.fixture(scope="session")
async def production_service() -> AsyncIterator[tuple[EchoService, str]]:
    service = EchoService(
        "production", {"Thing": {"type": "object", "properties": {"order": {"type": "integer"}}}}
    )
    async with serving(service) as url:
        yield service, url


SEARCH_SERVICE_SECRET = "search-service-secret-for-tests"


@pytest.fixture(scope="session")
def settings(
    gateway_dsn: str,
    inventory_service: tuple[EchoService, str],
    production_service: tuple[EchoService, str],
) -> Settings:
    inventory, production = inventory_service[1], production_service[1]
    dead = f"http://127.0.0.1:{free_port()}"
    return Settings(
        database_url=gateway_dsn,
        service_urls=f"inventory={inventory},production={production},quality={dead}",
        ready_urls=f"inventory={inventory}/ready,production-worker={production}/ready",
        signing_key_lead=0,
        login_max_failures=5,
        login_max_failures_per_address=8,
        openapi_cache_seconds=0.0,
        service_secrets=f"search={SEARCH_SERVICE_SECRET}",
        **FAST_ARGON2,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="session")
def start_gateway() -> Callable[[Settings], Any]:
    """Start another gateway process-alike (its own pool, listener, caches)."""

    def start(settings: Settings) -> Any:
        return _Running(create_gateway(settings))

    return start


class _Running:
    """Runs the app's lifespan in a task of its own: anyio wants it entered and left there."""

    def __init__(self, app: Litestar) -> None:
        self.app = app
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def _run(self, started: asyncio.Future[None]) -> None:
        try:
            async with self.app.lifespan():
                started.set_result(None)
                await self._stop.wait()
        except BaseException as exc:
            if not started.done():
                started.set_exception(exc)
            raise

    async def __aenter__(self) -> Litestar:
        started: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._task = asyncio.create_task(self._run(started))
        await started
        return self.app

    async def __aexit__(self, *exc: object) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task


@pytest.fixture(scope="session")
async def app(settings: Settings, stack: Stack) -> AsyncIterator[Litestar]:
    async with _Running(create_gateway(settings)) as running:
        yield running


@pytest.fixture(scope="session")
def gw(app: Litestar) -> Gateway:
    gateway: Gateway = app.state.gateway
    return gateway


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[Any]:
    async with client_for(app) as http:
        yield http


@pytest.fixture
async def org(owner_conn: asyncpg.Connection, secret_hash: str) -> Org:
    return await create_org(owner_conn, secret_hash)


@pytest.fixture
async def other_org(owner_conn: asyncpg.Connection, secret_hash: str) -> Org:
    return await create_org(owner_conn, secret_hash)


class Tokens(msgspec.Struct):
    access_token: str
    expires_in: int
    token_type: str
    refresh_token: str | None = None


@pytest.fixture
def login(client: Any) -> Callable[..., Any]:
    """``await login(org, "viewer")`` -> Tokens for that org's user of that role."""

    async def do(org: Org, role: str, password: str = PASSWORD) -> Tokens:
        response = await client.post(
            "/auth/token",
            data={"grant_type": "password", "username": org.email(role), "password": password},
        )
        assert response.status_code == 200, response.text
        return msgspec.json.decode(response.content, type=Tokens)

    return do

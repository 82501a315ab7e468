"""Fixtures for the maintenance service: the app on its runtime role, tokens with roles,
a ``shop`` that builds equipment, meters and plans through the API, and a spy on the
events it publishes. Every test gets a fresh organization."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any
from uuid import UUID

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from maintenance.app import build_app
from maintenance.settings import Settings
from tests.maintenance.shop import Shop
from tests.support.harness import Headers, Spy, auth_for, spy_on
from tests.support.tokens import AUDIENCE, ISSUER, TokenMinter
from unison_objects import ObjectStore
from unison_pg import Database


@pytest.fixture(scope="session")
def maintenance_settings(role_dsn: Callable[[str], str]) -> Settings:
    return Settings(
        database_url=role_dsn("maintenance"),
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
        jwks_url="http://127.0.0.1:9/auth/jwks.json",
        pool_max=8,
    )


@pytest.fixture
async def client(
    maintenance_settings: Settings, minter: TokenMinter, object_store: ObjectStore
) -> AsyncIterator[AsyncTestClient[Any]]:
    app = build_app(maintenance_settings, verifier=minter.verifier(), objects=object_store)
    async with AsyncTestClient(app) as test_client:
        yield test_client


@pytest.fixture
def plants() -> list[UUID]:
    return [uuid.uuid4(), uuid.uuid4()]


@pytest.fixture
def auth(minter: TokenMinter, org_id: UUID, plants: list[UUID]) -> Headers:
    return auth_for(minter, org_id, plants)


@pytest.fixture
async def maintenance_conn(role_dsn: Callable[[str], str]) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(role_dsn("maintenance"))
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture
async def admin_conn(admin_dsn: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(admin_dsn)
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture
async def database(role_dsn: Callable[[str], str]) -> AsyncIterator[Database]:
    db = Database(role_dsn("maintenance"), max_size=4)
    await db.open()
    yield db
    await db.close()


@pytest.fixture
def shop(client: AsyncTestClient[Any], auth: Headers, plants: list[UUID], org_id: UUID) -> Shop:
    return Shop(client, auth, plants, org_id)


@pytest.fixture
async def spy(owner_conn: asyncpg.Connection, org_id: UUID) -> AsyncIterator[Spy]:
    """Every ``maintenance.*`` event the test's organization publishes."""
    async with spy_on(owner_conn, "maintenance.#", "unison_maintenance", org_id) as watching:
        yield watching

"""Fixtures for the quality service: the app on its runtime role, tokens with roles, a
``lab`` that builds materials, plans and inspections the way the service receives them,
and a spy on the events it publishes. Every test gets a fresh organization."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any
from uuid import UUID

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from quality.app import build_app
from quality.settings import Settings
from tests.quality.lab import Lab
from tests.support.harness import Headers, Spy, auth_for, spy_on
from tests.support.tokens import AUDIENCE, ISSUER, TokenMinter
from unison_objects import ObjectStore
from unison_pg import Database


@pytest.fixture(scope="session")
def quality_settings(role_dsn: Callable[[str], str]) -> Settings:
    return Settings(
        database_url=role_dsn("quality"),
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
        jwks_url="http://127.0.0.1:9/auth/jwks.json",
        pool_max=8,
    )


@pytest.fixture
async def client(
    quality_settings: Settings, minter: TokenMinter, object_store: ObjectStore
) -> AsyncIterator[AsyncTestClient[Any]]:
    app = build_app(quality_settings, verifier=minter.verifier(), objects=object_store)
    async with AsyncTestClient(app) as test_client:
        yield test_client


@pytest.fixture
def plants() -> list[UUID]:
    return [uuid.uuid4(), uuid.uuid4()]


@pytest.fixture
def auth(minter: TokenMinter, org_id: UUID, plants: list[UUID]) -> Headers:
    return auth_for(minter, org_id, plants)


@pytest.fixture
async def quality_conn(role_dsn: Callable[[str], str]) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(role_dsn("quality"))
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
    db = Database(role_dsn("quality"), max_size=4)
    await db.open()
    yield db
    await db.close()


@pytest.fixture
def lab(
    client: AsyncTestClient[Any],
    auth: Headers,
    plants: list[UUID],
    org_id: UUID,
    quality_conn: asyncpg.Connection,
) -> Lab:
    return Lab(client, auth, plants, org_id, quality_conn)


@pytest.fixture
async def spy(owner_conn: asyncpg.Connection, org_id: UUID) -> AsyncIterator[Spy]:
    """Every ``quality.*`` event the test's organization publishes."""
    async with spy_on(owner_conn, "quality.#", "unison_quality", org_id) as watching:
        yield watching

"""Fixtures for the production service: the app on its runtime role, tokens with roles,
and a ``floor`` that builds master data the way a planner would (inventory's materials and
BOMs arrive as the events production consumes, handled on a real connection).

Every test gets a fresh organization, so what other tests wrote is invisible to it.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any
from uuid import UUID

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from production.app import build_app
from production.settings import Settings
from tests.production.floor import Floor
from tests.support.harness import Headers, Spy, auth_for, spy_on
from tests.support.tokens import AUDIENCE, ISSUER, TokenMinter
from unison_objects import ObjectStore
from unison_pg import Database


@pytest.fixture(scope="session")
def production_settings(role_dsn: Callable[[str], str]) -> Settings:
    return Settings(
        database_url=role_dsn("production"),
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
        jwks_url="http://127.0.0.1:9/auth/jwks.json",
        pool_max=8,
    )


@pytest.fixture
async def client(
    production_settings: Settings, minter: TokenMinter, object_store: ObjectStore
) -> AsyncIterator[AsyncTestClient[Any]]:
    app = build_app(production_settings, verifier=minter.verifier(), objects=object_store)
    async with AsyncTestClient(app) as test_client:
        yield test_client


@pytest.fixture
def plants() -> list[UUID]:
    return [uuid.uuid4(), uuid.uuid4()]


@pytest.fixture
def auth(minter: TokenMinter, org_id: UUID, plants: list[UUID]) -> Headers:
    return auth_for(minter, org_id, plants)


@pytest.fixture
async def production_conn(role_dsn: Callable[[str], str]) -> AsyncIterator[asyncpg.Connection]:
    """A connection as the service's runtime role (RLS applies), for event handlers."""
    conn = await asyncpg.connect(role_dsn("production"))
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture
async def admin_conn(admin_dsn: str) -> AsyncIterator[asyncpg.Connection]:
    """A superuser connection: sees every organization, to check what was really written."""
    conn = await asyncpg.connect(admin_dsn)
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture
def floor(
    client: AsyncTestClient[Any],
    auth: Headers,
    plants: list[UUID],
    org_id: UUID,
    production_conn: asyncpg.Connection,
) -> Floor:
    return Floor(client, auth, plants, org_id, production_conn)


@pytest.fixture
async def spy(owner_conn: asyncpg.Connection, org_id: UUID) -> AsyncIterator[Spy]:
    """Every ``production.*`` event the test's organization publishes."""
    async with spy_on(owner_conn, "production.#", "unison_production", org_id) as watching:
        yield watching


@pytest.fixture
async def database(role_dsn: Callable[[str], str]) -> AsyncIterator[Database]:
    """The service's pool, for running a job handler the way the worker does."""
    db = Database(role_dsn("production"), max_size=4)
    await db.open()
    yield db
    await db.close()

"""Fixtures for the reporting service: the app on its runtime role, tokens with roles, and
a ``shop`` that publishes production's events the way production does and delivers them
through the reporting worker's real consumer. Every test gets a fresh organization."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any
from uuid import UUID

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from reporting.app import build_app
from reporting.settings import Settings
from tests.reporting.shop import Shop
from tests.support.harness import Headers, auth_for
from tests.support.tokens import AUDIENCE, ISSUER, TokenMinter
from unison_objects import ObjectStore
from unison_pg import Database


@pytest.fixture(scope="session")
def reporting_settings(role_dsn: Callable[[str], str]) -> Settings:
    return Settings(
        database_url=role_dsn("reporting"),
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
        jwks_url="http://127.0.0.1:9/auth/jwks.json",
        pool_max=8,
    )


@pytest.fixture
async def client(
    reporting_settings: Settings, minter: TokenMinter, object_store: ObjectStore
) -> AsyncIterator[AsyncTestClient[Any]]:
    app = build_app(reporting_settings, verifier=minter.verifier(), objects=object_store)
    async with AsyncTestClient(app) as test_client:
        yield test_client


@pytest.fixture
def plants() -> list[UUID]:
    return [uuid.uuid4(), uuid.uuid4()]


@pytest.fixture
def auth(minter: TokenMinter, org_id: UUID, plants: list[UUID]) -> Headers:
    return auth_for(minter, org_id, plants)


@pytest.fixture
async def admin_conn(admin_dsn: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(admin_dsn)
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture
async def database(role_dsn: Callable[[str], str]) -> AsyncIterator[Database]:
    db = Database(role_dsn("reporting"), max_size=4)
    await db.open()
    yield db
    await db.close()


@pytest.fixture
async def shop(
    database: Database,
    owner_conn: asyncpg.Connection,
    admin_conn: asyncpg.Connection,
    org_id: UUID,
    plants: list[UUID],
) -> Shop:
    # Other suites' production events wait in reporting's queue with no worker running:
    # this test's consumer need not handle them first.
    await admin_conn.execute("SELECT pgmq.purge_queue('reporting_events')")
    return Shop(database, owner_conn, admin_conn, org_id, plants)

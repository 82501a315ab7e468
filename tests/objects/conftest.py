"""Fixtures for the object storage tests: the maintenance app (equipment documents) built
with the real SeaweedFS of the test stack, tokens of the test's organization, and the
maintenance pool the sweep job runs on."""

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
from tests.support.harness import Headers, auth_for
from tests.support.tokens import AUDIENCE, ISSUER, TokenMinter
from unison_objects import ObjectStore
from unison_pg import Database


@pytest.fixture
async def client(
    role_dsn: Callable[[str], str], minter: TokenMinter, object_store: ObjectStore
) -> AsyncIterator[AsyncTestClient[Any]]:
    settings = Settings(
        database_url=role_dsn("maintenance"),
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
        jwks_url="http://127.0.0.1:9/auth/jwks.json",
        pool_max=4,
    )
    app = build_app(settings, verifier=minter.verifier(), objects=object_store)
    async with AsyncTestClient(app) as test_client:
        yield test_client


@pytest.fixture
def plants() -> list[UUID]:
    return [uuid.uuid4(), uuid.uuid4()]


@pytest.fixture
def auth(minter: TokenMinter, org_id: UUID, plants: list[UUID]) -> Headers:
    return auth_for(minter, org_id, plants)


@pytest.fixture
def shop(client: AsyncTestClient[Any], auth: Headers, plants: list[UUID], org_id: UUID) -> Shop:
    return Shop(client, auth, plants, org_id)


@pytest.fixture
async def database(role_dsn: Callable[[str], str]) -> AsyncIterator[Database]:
    db = Database(role_dsn("maintenance"), max_size=4)
    await db.open()
    yield db
    await db.close()


@pytest.fixture
async def admin_conn(admin_dsn: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(admin_dsn)
    try:
        yield conn
    finally:
        await conn.close()

"""Fixtures for the search service: the app on its runtime role, tokens with roles, and
an ``index`` that writes documents the way the worker does. Every test gets a fresh
organization."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any
from uuid import UUID

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from search.app import build_app
from search.settings import Settings
from tests.search.library import Library
from tests.support.harness import Headers, auth_for
from tests.support.tokens import AUDIENCE, ISSUER, TokenMinter
from unison_pg import Database


@pytest.fixture(scope="session")
def search_settings(role_dsn: Callable[[str], str]) -> Settings:
    return Settings(
        database_url=role_dsn("search"),
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
        jwks_url="http://127.0.0.1:9/auth/jwks.json",
        pool_max=8,
    )


@pytest.fixture
async def client(
    search_settings: Settings, minter: TokenMinter
) -> AsyncIterator[AsyncTestClient[Any]]:
    app = build_app(search_settings, verifier=minter.verifier())
    async with AsyncTestClient(app) as test_client:
        yield test_client


@pytest.fixture
def plants() -> list[UUID]:
    return [uuid.uuid4(), uuid.uuid4()]


@pytest.fixture
def auth(minter: TokenMinter, org_id: UUID, plants: list[UUID]) -> Headers:
    return auth_for(minter, org_id, plants)


@pytest.fixture
async def search_conn(role_dsn: Callable[[str], str]) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(role_dsn("search"))
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture
def library(search_conn: asyncpg.Connection, org_id: UUID, plants: list[UUID]) -> Library:
    return Library(search_conn, org_id, plants)


@pytest.fixture
async def database(role_dsn: Callable[[str], str]) -> AsyncIterator[Database]:
    db = Database(role_dsn("search"), max_size=4)
    await db.open()
    yield db
    await db.close()


@pytest.fixture
async def quality_conn(role_dsn: Callable[[str], str]) -> AsyncIterator[asyncpg.Connection]:
    """Quality's runtime role: its read model of materials is fed here as its worker would."""
    conn = await asyncpg.connect(role_dsn("quality"))
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture
async def production_conn(role_dsn: Callable[[str], str]) -> AsyncIterator[asyncpg.Connection]:
    """Production's runtime role, for its read model of materials."""
    conn = await asyncpg.connect(role_dsn("production"))
    try:
        yield conn
    finally:
        await conn.close()

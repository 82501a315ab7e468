"""Shared fixtures: the throwaway test cluster and tokens.

``./dev test`` prepares the cluster (port 55433, ``.data/test``) before pytest starts;
running ``uv run pytest`` directly prepares it here the same way. Tests isolate from
each other the way customers do: each makes its own organization, and RLS keeps the rest
out of sight.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from tests.support import objects
from tests.support.tokens import TokenMinter
from unison_objects import ObjectStore
from unison_stack.paths import TEST
from unison_stack.stack import TEST_PORTS, Stack


@pytest.fixture(scope="session")
def stack() -> Stack:
    s = Stack(TEST, TEST_PORTS, fast=True)
    if not os.environ.get("UNISON_TEST_DB_READY"):
        asyncio.run(s.prepare_database())
    return s


@pytest.fixture(scope="session")
def owner_dsn(stack: Stack) -> str:
    return stack.owner_dsn


@pytest.fixture(scope="session")
def admin_dsn(stack: Stack) -> str:
    return stack.admin_database_dsn


@pytest.fixture(scope="session")
def role_dsn(stack: Stack) -> Any:
    def dsn(role: str) -> str:
        return stack.role_dsn(role if role.startswith("unison_") else f"unison_{role}")

    return dsn


@pytest.fixture
async def owner_conn(owner_dsn: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(owner_dsn)
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def minter() -> TokenMinter:
    return TokenMinter()


@pytest.fixture
def org_id() -> uuid.UUID:
    """A fresh organization id: nothing any other test wrote is visible under it."""
    return uuid.uuid4()


@pytest.fixture(scope="session")
def _object_store(stack: Stack) -> ObjectStore:
    return ObjectStore(objects.settings_of(stack))


@pytest.fixture
def object_store(stack: Stack, _object_store: ObjectStore) -> ObjectStore:
    """The real SeaweedFS of the test stack (started if it is not running)."""
    objects.ensure_running(stack)
    return _object_store

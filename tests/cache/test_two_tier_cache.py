"""The UNLOGGED cache and its in-process tier: fresh reads, invalidation, fail-safe."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import asyncpg
import pytest

from unison_cache import Cache
from unison_pg import Database


@pytest.fixture
async def make_cache(role_dsn: Callable[[str], str]) -> AsyncIterator[Callable[..., Any]]:
    made: list[tuple[Cache, Database]] = []

    async def make(role: str = "inventory") -> Cache:
        database = Database(role_dsn(role), max_size=4)
        cache = Cache(database, f"unison_{role}")
        await cache.start()
        # The hook that turns the local tier on runs right after the connected flag: a
        # busy machine may take a while to get there.
        async with asyncio.timeout(10):
            while not cache.local_tier_active:
                await asyncio.sleep(0.01)
        made.append((cache, database))
        return cache

    yield make
    for cache, database in made:
        await cache.stop()
        await database.close()


async def _eventually(check: Callable[[], Any], timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not await check():
            await asyncio.sleep(0.02)


async def test_a_process_reads_back_its_own_latest_write(
    make_cache: Any, org_id: uuid.UUID
) -> None:
    cache = await make_cache()
    for i in range(20):
        await cache.set(org_id, "dashboard:oee", f"v{i}".encode(), ttl=60)
        assert await cache.get(org_id, "dashboard:oee") == f"v{i}".encode()


async def test_another_process_sees_a_write_after_the_invalidation_arrives(
    make_cache: Any, org_id: uuid.UUID
) -> None:
    reader, writer = await make_cache(), await make_cache()
    await writer.set(org_id, "stock:M-1", b"10", ttl=60)

    async def cached() -> bool:
        # A read the writer's invalidation overtakes is not kept; the next one is, and is
        # then served from the in-process tier.
        return await reader.get(org_id, "stock:M-1") == b"10" and len(reader.local) == 1

    await _eventually(cached)
    await writer.set(org_id, "stock:M-1", b"7", ttl=60)

    async def fresh() -> bool:
        return bool(await reader.get(org_id, "stock:M-1") == b"7")

    await _eventually(fresh)
    await writer.delete(org_id, "stock:M-1")

    async def gone() -> bool:
        return bool(await reader.get(org_id, "stock:M-1") is None)

    await _eventually(gone)


async def test_a_lost_listen_connection_empties_and_bypasses_the_local_tier(
    make_cache: Any, org_id: uuid.UUID, admin_dsn: str
) -> None:
    reader, writer = await make_cache(), await make_cache()
    await writer.set(org_id, "wo:42", b"released", ttl=60)

    async def cached() -> bool:
        # The writer's invalidation may reach the reader while it reads: that read is
        # (rightly) not kept, the next one is.
        return await reader.get(org_id, "wo:42") == b"released" and len(reader.local) == 1

    await _eventually(cached)
    admin = await asyncpg.connect(admin_dsn)
    try:
        # Kill every cache listener of this role: the reader cannot hear invalidations now.
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = 'cache-listener:unison_inventory'"
        )
    finally:
        await admin.close()

    async def disabled() -> bool:
        return len(reader.local) == 0 and not reader.listener.connected.is_set()

    await _eventually(disabled)
    await writer.set(org_id, "wo:42", b"in_progress", ttl=60)
    # No notification could reach the reader, yet it must not serve the old value.
    assert await reader.get(org_id, "wo:42") == b"in_progress"
    await asyncio.wait_for(reader.listener.connected.wait(), 30)


async def test_an_entry_expires_with_its_ttl(make_cache: Any, org_id: uuid.UUID) -> None:
    cache = await make_cache()
    await cache.set(org_id, "short", b"x", ttl=0.3)
    assert await cache.get(org_id, "short") == b"x"
    await asyncio.sleep(0.5)
    assert await cache.get(org_id, "short") is None


async def test_entries_are_private_to_their_organization_and_service(
    make_cache: Any, org_id: uuid.UUID
) -> None:
    inventory, production = await make_cache("inventory"), await make_cache("production")
    await inventory.set(org_id, "shared-name", b"inventory's", ttl=60)
    assert await inventory.get(uuid.uuid4(), "shared-name") is None
    assert await production.get(org_id, "shared-name") is None
    await production.set(org_id, "shared-name", b"production's", ttl=60)
    assert await inventory.get(org_id, "shared-name") == b"inventory's"


async def test_the_cron_sweep_removes_expired_entries_and_keeps_live_ones(
    make_cache: Any, org_id: uuid.UUID, owner_dsn: str, admin_dsn: str
) -> None:
    cache = await make_cache()
    await cache.set(org_id, "gone", b"x", ttl=0.01)
    await cache.set(org_id, "kept", b"y", ttl=60)
    await asyncio.sleep(0.05)
    admin = await asyncpg.connect(admin_dsn)
    owner = await asyncpg.connect(owner_dsn)
    try:
        command = await admin.fetchval(
            "SELECT command FROM cron.job WHERE jobname = 'cache-cleanup'"
        )
        await owner.execute(command)  # as pg_cron runs it: as the owner, under FORCE RLS
        keys = await admin.fetch("SELECT key FROM cache.entries WHERE organization_id = $1", org_id)
    finally:
        await owner.close()
        await admin.close()
    assert [k["key"] for k in keys] == ["kept"]

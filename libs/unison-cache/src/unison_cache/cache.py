"""Two-tier cache: a bounded in-process tier in front of ``cache.entries`` (UNLOGGED).

Correctness rules, in order of importance:

* A process never reads back a value older than its own write: writes go to PostgreSQL
  first, then into the local tier.
* Another process's write or delete reaches every process as a NOTIFY after commit and
  evicts the key locally. A read that raced with an invalidation does not repopulate the
  local tier with what it read (the generation check in :meth:`Cache.get`).
* While the LISTEN connection is down, invalidations could be missed, so the local tier
  is emptied and bypassed until the listener is back.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from uuid import UUID, uuid4

import structlog

from unison_bus.listener import Listener
from unison_pg import Database

log = structlog.get_logger("unison_cache")


class LocalTier:
    """An LRU map with per-entry expiry; plain dict operations, no locks (one event loop)."""

    def __init__(self, max_entries: int, ttl_seconds: float) -> None:
        self._max = max_entries
        self.ttl = ttl_seconds
        self._data: OrderedDict[tuple[UUID, str], tuple[float, bytes]] = OrderedDict()

    def get(self, key: tuple[UUID, str]) -> bytes | None:
        hit = self._data.get(key)
        if hit is None:
            return None
        expires, value = hit
        if expires < time.monotonic():
            del self._data[key]
            return None
        self._data.move_to_end(key)
        return value

    def put(self, key: tuple[UUID, str], value: bytes, ttl: float) -> None:
        self._data[key] = (time.monotonic() + min(ttl, self.ttl), value)
        self._data.move_to_end(key)
        while len(self._data) > self._max:
            self._data.popitem(last=False)

    def evict(self, key: tuple[UUID, str]) -> None:
        self._data.pop(key, None)

    def clear(self) -> None:
        self._data.clear()

    def __len__(self) -> int:
        return len(self._data)


class Cache:
    def __init__(
        self,
        database: Database,
        role: str,
        *,
        local_entries: int = 10_000,
        local_ttl: float = 30.0,
    ) -> None:
        self._db = database
        self.local = LocalTier(local_entries, local_ttl)
        self._generation = 0
        self.listener = Listener(
            database.dsn,
            {f"cache_{role}": self._invalidated},
            on_lost=self._listener_lost,
            on_connect=self._listener_back,
            name=f"cache-listener:{role}",
        )
        self._trusted = False  # local tier in use only while invalidations can arrive
        self._origin = uuid4().hex[:12]  # tells our own notifications from others'

    async def start(self) -> None:
        self.listener.start()

    async def stop(self) -> None:
        await self.listener.stop()

    @property
    def local_tier_active(self) -> bool:
        """True while invalidations can arrive, so reads may be served from this process."""
        return self._trusted

    def _invalidated(self, payload: str) -> None:
        origin, _, rest = payload.partition(" ")
        if origin == self._origin:
            return  # our own write: the local tier already holds what we wrote
        org, _, key = rest.partition(" ")
        self._generation += 1
        try:
            self.local.evict((UUID(org), key))
        except ValueError:
            self.local.clear()

    def _listener_lost(self) -> None:
        self._trusted = False
        self._generation += 1
        self.local.clear()
        log.warning("cache_local_tier_disabled", reason="listen connection lost")

    def _listener_back(self) -> None:
        self._generation += 1
        self.local.clear()  # anything cached before the gap may have missed invalidations
        self._trusted = True

    async def get(self, organization_id: UUID, key: str) -> bytes | None:
        if self._trusted:
            hit = self.local.get((organization_id, key))
            if hit is not None:
                return hit
        generation = self._generation
        async with self._db.connection() as conn:
            row = await conn.fetchrow(
                "SELECT value, ttl FROM cache.get($1, $2)", organization_id, key
            )
        if row is None or row["value"] is None:
            return None
        value = bytes(row["value"])
        if self._trusted and generation == self._generation:
            self.local.put((organization_id, key), value, row["ttl"])
        return value

    async def set(self, organization_id: UUID, key: str, value: bytes, ttl: float) -> None:
        generation = self._generation
        async with self._db.connection() as conn:
            await conn.execute(
                "SELECT cache.put($1, $2, $3, $4, $5)",
                organization_id,
                key,
                value,
                float(ttl),
                self._origin,
            )
        # Another process's write may have landed between ours and now; its invalidation
        # bumped the generation, and then the database, not our copy, has the last word.
        # Two writes of this process that overlapped: neither knows which committed last.
        if self._trusted and generation == self._generation:
            self.local.put((organization_id, key), value, ttl)
        else:
            self.local.evict((organization_id, key))
        self._generation += 1

    async def delete(self, organization_id: UUID, key: str) -> None:
        async with self._db.connection() as conn:
            await conn.execute("SELECT cache.drop($1, $2, $3)", organization_id, key, self._origin)
        self.local.evict((organization_id, key))
        self._generation += 1

"""The two-tier cache versus Redis GET/SET, both from Python (asyncio clients).

Figures: reads of a hot key (our in-process tier versus a Redis round trip), reads that
must go to PostgreSQL (the tier below, no local copy), writes, and how long another
process takes to see an invalidation.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable

import redis.asyncio as aioredis

from tests.bench.bus import percentile
from tests.bench.report import Figure
from unison_cache import Cache
from unison_pg import Database

VALUE = b'{"oee": 0.812, "availability": 0.93, "performance": 0.91, "quality": 0.96}'


async def _timed(op: Callable[[int], Awaitable[object]], n: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    began = time.perf_counter()
    for i in range(n):
        t = time.perf_counter()
        await op(i)
        latencies.append((time.perf_counter() - t) * 1000)
    return n / (time.perf_counter() - began), latencies


async def _ours(dsn: str, role: str, n: int) -> dict[str, float]:
    org = uuid.uuid4()
    db_a, db_b = Database(dsn, max_size=4), Database(dsn, max_size=4)
    a, b = Cache(db_a, role), Cache(db_b, role)
    db_only = Cache(Database(dsn, max_size=4), role, local_entries=0)
    for c in (a, b, db_only):
        await c.start()
        await asyncio.wait_for(c.listener.connected.wait(), 10)
    await asyncio.sleep(0.1)
    out: dict[str, float] = {}
    await a.set(org, "hot", VALUE, ttl=600)
    await a.get(org, "hot")
    out["get_tps"], lat = await _timed(lambda i: a.get(org, "hot"), n)
    out["get_p50"], out["get_p99"] = percentile(lat, 50), percentile(lat, 99)
    out["db_get_tps"], lat = await _timed(lambda i: db_only.get(org, "hot"), n // 10)
    out["db_get_p50"] = percentile(lat, 50)
    out["set_tps"], lat = await _timed(lambda i: a.set(org, f"k{i % 100}", VALUE, ttl=600), n // 10)
    out["set_p50"] = percentile(lat, 50)
    out["invalidation_p50"], out["invalidation_p99"] = await _invalidation(a, b, org, 200)
    for c in (a, b, db_only):
        await c.stop()
    for d in (db_a, db_b, db_only._db):
        await d.close()
    return out


async def _invalidation(
    writer: Cache, reader: Cache, org: uuid.UUID, rounds: int
) -> tuple[float, float]:
    """From the writer's set() call to the reader's local copy being evicted: includes
    the write's own round trip, so it is an upper bound on the notification delay."""
    latencies: list[float] = []
    key = (org, "hot")
    for i in range(rounds):
        await reader.get(org, "hot")
        assert reader.local.get(key) is not None
        t = time.perf_counter()
        await writer.set(org, "hot", VALUE + str(i).encode(), ttl=600)
        async with asyncio.timeout(10):
            while reader.local.get(key) is not None:
                await asyncio.sleep(0)
        latencies.append((time.perf_counter() - t) * 1000)
    return percentile(latencies, 50), percentile(latencies, 99)


async def _redis(port: int, n: int) -> dict[str, float]:
    client = aioredis.Redis(host="127.0.0.1", port=port)
    await client.set("hot", VALUE, ex=600)
    out: dict[str, float] = {}
    out["get_tps"], lat = await _timed(lambda i: client.get("hot"), n)
    out["get_p50"], out["get_p99"] = percentile(lat, 50), percentile(lat, 99)
    out["set_tps"], lat = await _timed(lambda i: client.set(f"k{i % 100}", VALUE, ex=600), n // 10)
    out["set_p50"] = percentile(lat, 50)
    await client.aclose()
    return out


def run(
    dsn: str, role: str, redis_port: int, redis_rss: Callable[[], float], *, quick: bool
) -> list[Figure]:
    n = 20000 if quick else 100000
    mine = asyncio.run(_ours(dsn, role, n))
    theirs = asyncio.run(_redis(redis_port, n))
    ref = "Redis GET/SET (redis-py asyncio)"
    return [
        Figure(
            "cache.get_throughput",
            round(mine["get_tps"]),
            "ops/s",
            "higher",
            ref,
            round(theirs["get_tps"]),
            note="hot key: our in-process tier vs a Redis round trip",
        ),
        Figure(
            "cache.get_p50",
            round(mine["get_p50"], 4),
            "ms",
            "lower",
            ref,
            round(theirs["get_p50"], 4),
        ),
        Figure(
            "cache.get_p99",
            round(mine["get_p99"], 4),
            "ms",
            "lower",
            ref,
            round(theirs["get_p99"], 4),
        ),
        Figure(
            "cache.db_get_p50",
            round(mine["db_get_p50"], 3),
            "ms",
            "lower",
            ref,
            round(theirs["get_p50"], 4),
            note="no in-process copy: one PostgreSQL round trip (UNLOGGED table)",
        ),
        Figure(
            "cache.set_throughput",
            round(mine["set_tps"]),
            "ops/s",
            "higher",
            ref,
            round(theirs["set_tps"]),
        ),
        Figure(
            "cache.set_p50",
            round(mine["set_p50"], 3),
            "ms",
            "lower",
            ref,
            round(theirs["set_p50"], 4),
        ),
        Figure("cache.invalidation_p50", round(mine["invalidation_p50"], 3), "ms", "lower"),
        Figure(
            "cache.invalidation_p99",
            round(mine["invalidation_p99"], 3),
            "ms",
            "lower",
            note="writer's set() called -> other process's local copy evicted (NOTIFY)",
        ),
        Figure(
            "cache.reference_rss",
            round(redis_rss(), 1),
            "MiB",
            "lower",
            note="redis-server resident memory after the run",
        ),
    ]

"""Search freshness through the whole path: a material created through the gateway
(inventory's transaction publishes ``inventory.material.created``), the search worker
indexes it, and a client polling ``GET /api/search`` sees it.

Moderate load: while one writer creates a material every 50 ms, each with a word of its
own in the description, a poller per material asks for that word every 10 ms; the figure
is the time from the create's response to the first answer that has it.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from typing import Any

import httpx

from tests.bench.bus import percentile
from tests.bench.demo_login import demo_token
from tests.bench.report import Figure

POLL_SECONDS = 0.01
GIVE_UP_SECONDS = 10.0
WRITE_EVERY_SECONDS = 0.05


def _word() -> str:
    # Letters only, so the analyzer keeps it one word: "zq" + 10 random letters.
    return "zq" + "".join(secrets.choice("bcdfghjklmnpqrstvwxz") for _ in range(10))


async def _until_found(client: httpx.AsyncClient, headers: dict[str, str], word: str) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < GIVE_UP_SECONDS:
        response = await client.get("/api/search", params={"q": word}, headers=headers)
        if response.status_code == 200 and response.json()["items"]:
            return time.perf_counter()
        await asyncio.sleep(POLL_SECONDS)
    return float("nan")


async def _one(client: httpx.AsyncClient, headers: dict[str, str], n: int) -> float:
    word = _word()
    body: dict[str, Any] = {
        "number": f"FRESH-{word.upper()}",
        "description": f"Freshness probe {word} {n}",
        "type": "consumable",
        "base_unit": "PC",
    }
    response = await client.post("/api/inventory/materials", json=body, headers=headers)
    if response.status_code != 201:
        raise RuntimeError(f"create material: {response.status_code} {response.text[:300]}")
    committed = time.perf_counter()
    return (await _until_found(client, headers, word)) - committed


async def _measure(base_url: str, count: int) -> list[float]:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        headers = {"Authorization": f"Bearer {await demo_token(client)}"}
        await _one(client, headers, -1)  # warm the path
        tasks = []
        for n in range(count):
            tasks.append(asyncio.create_task(_one(client, headers, n)))
            await asyncio.sleep(WRITE_EVERY_SECONDS)
        return list(await asyncio.gather(*tasks))


def run(gateway_url: str, *, quick: bool = False) -> list[Figure]:
    count = 40 if quick else 200
    delays = [d * 1000 for d in asyncio.run(_measure(gateway_url, count))]
    found = [d for d in delays if d == d]  # NaN: never found within 10 s
    note = (
        f"{count} materials created through the gateway, one every {WRITE_EVERY_SECONDS * 1000:.0f}"
        f" ms, each polled every {POLL_SECONDS * 1000:.0f} ms until searchable;"
        f" {count - len(found)} not found within {GIVE_UP_SECONDS:.0f} s; target p99 1,000 ms"
    )
    return [
        Figure("search.freshness_p50", round(percentile(found, 50), 1), "ms", "lower", note=note),
        Figure("search.freshness_p99", round(percentile(found, 99), 1), "ms", "lower", note=note),
        Figure("search.freshness_missed", count - len(found), "events", "lower", note=note),
    ]

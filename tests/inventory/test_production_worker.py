"""End to end through the real worker: what production publishes on the bus (as the
production role, in its own transaction) is reserved and posted by inventory's worker."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from inventory import worker
from tests.gateway.support import serving
from tests.inventory.conftest import Headers, MakeMaterial
from tests.inventory.ledger_support import Ledger
from tests.inventory.production_support import POSTINGS, Production, component, line
from unison_bus import Event, publish
from unison_worker.runtime import WorkerSettings, build_worker_app

Client = AsyncTestClient[Any]


@pytest.fixture(scope="module")
async def worker_running(role_dsn: Any) -> AsyncIterator[None]:
    """The inventory worker: consumes inventory_events with the real handler table."""
    settings = WorkerSettings(
        database_url=role_dsn("inventory"), http_port=0, poll_seconds=0.5, graceful_seconds=5
    )
    app = build_worker_app(
        "inventory",
        settings,
        event_handlers=worker.EVENT_HANDLERS,
        event_types=worker.EVENT_TYPES,
        job_handlers=worker.JOB_HANDLERS,
    )
    async with serving(app):
        yield


async def published_by_production(role_dsn: Any, *events: Event) -> None:
    conn = await asyncpg.connect(role_dsn("production"))
    try:
        async with conn.transaction():
            for event in events:
                await publish(conn, event)
    finally:
        await conn.close()


async def settled(client: Client, auth: Headers, path: str, timeout: float = 60) -> dict[str, Any]:
    async with asyncio.timeout(timeout):
        while True:
            response = await client.get(path, headers=auth())
            if response.status_code == 200:
                found: dict[str, Any] = response.json()
                return found
            await asyncio.sleep(0.1)


@pytest.mark.usefixtures("worker_running")
async def test_the_worker_reserves_a_released_order_and_posts_its_confirmation(
    production: Production,
    ledger: Ledger,
    make_material: MakeMaterial,
    client: Client,
    auth: Headers,
    role_dsn: Any,
) -> None:
    casing = await make_material(number="CASING-W1")
    store = await ledger.location("WH1")
    await ledger.post("101", ledger.line(casing, "WH1", "10"))
    released = production.released("WO-W1", component(casing, "4"))
    request = production.requested(
        "WO-W1",
        work_order_id=released.work_order_id,
        consumption=(line(casing, "4", store),),
        receipt=line(production.product, "1", store, lot="P-W1"),
    )
    await published_by_production(role_dsn, released, request)

    posting = await settled(client, auth, f"{POSTINGS}/{request.posting_id}")
    assert posting["status"] == "posted", posting
    assert posting["updated_by"].startswith("event:")
    [reservation] = await production.reservations("WO-W1")
    assert (reservation["status"], reservation["withdrawn"]) == ("closed", "4")
    assert await ledger.on_hand(casing, "WH1") == 6
    assert await ledger.on_hand(production.product, "WH1") == 1

"""End to end through the real worker: what quality publishes on the bus (as the quality
role, in its own transaction) holds, releases and scraps stock in inventory."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from inventory import worker
from tests.gateway.support import serving
from tests.inventory.conftest import Headers, MakeMaterial
from tests.inventory.ledger_support import Ledger
from tests.inventory.quality_support import QUALITY_POSTINGS, Quality
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


async def published_by_quality(role_dsn: Any, *events: Event) -> None:
    conn = await asyncpg.connect(role_dsn("quality"))
    try:
        async with conn.transaction():
            for event in events:
                await publish(conn, event)
    finally:
        await conn.close()


async def lot_status(quality: Quality, material: dict[str, Any], lot: str, wanted: str) -> None:
    async with asyncio.timeout(60):
        while (await quality.lot(material, lot))["status"] != wanted:
            await asyncio.sleep(0.1)


async def settled(client: Client, auth: Headers, path: str, timeout: float = 60) -> dict[str, Any]:
    async with asyncio.timeout(timeout):
        while True:
            response = await client.get(path, headers=auth())
            if response.status_code == 200:
                found: dict[str, Any] = response.json()
                return found
            await asyncio.sleep(0.1)


@pytest.mark.usefixtures("worker_running")
async def test_the_worker_holds_a_lot_and_scraps_it_as_the_ncr_decides(
    quality: Quality,
    ledger: Ledger,
    make_material: MakeMaterial,
    client: Client,
    auth: Headers,
    role_dsn: Any,
) -> None:
    bearing = await make_material(number="BRG-W1", lot_managed=True)
    await ledger.location("WH1")
    await ledger.post("101", ledger.line(bearing, "WH1", "6", lot="L-W1"), reference="PO-W1")
    await published_by_quality(role_dsn, quality.hold(bearing, "L-W1"))
    await lot_status(quality, bearing, "L-W1", "quarantine")

    decision = quality.decided(bearing, "L-W1", "partially_accepted", "4", "2")
    await published_by_quality(role_dsn, decision)
    decided = await settled(client, auth, f"{QUALITY_POSTINGS}/{decision.inspection_id}")
    assert decided["status"] == "posted", decided
    # The NCR's disposition comes after the usage decision, as an engineer makes them. (Both
    # in one transaction, a retried decision could land after the scrap: the bus keeps
    # order only while nothing is retried, and the scrap would then take unrestricted stock.)
    scrap = quality.disposition(bearing, "scrap", ("L-W1", "2"), reference="NCR-W1")
    await published_by_quality(role_dsn, scrap)
    posting = await settled(client, auth, f"{QUALITY_POSTINGS}/{scrap.request_id}")
    assert posting["status"] == "posted", posting
    assert posting["updated_by"].startswith("event:")
    assert (await quality.lot(bearing, "L-W1"))["status"] == "released"
    availability = await ledger.availability(bearing)
    on_hand = (availability["on_hand"], availability["unrestricted"], availability["blocked"])
    assert on_hand == (Decimal(4), Decimal(4), Decimal(0))

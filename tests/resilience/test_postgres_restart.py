"""PostgreSQL dies mid-load (``pg_ctl stop -m immediate``) and comes back: pools,
listeners and consumers reconnect by themselves, readiness goes false and back to true,
and every event whose publishing transaction committed is handled exactly once.

Runs on a cluster of its own so killing it disturbs no other test.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any, ClassVar

import asyncpg
import pytest

from unison_bus import Consumer, Event, EventTypes, LoopSettings, publish
from unison_pg import Database, DatabaseUnavailable, Tenant
from unison_pg.database import is_connection_error
from unison_stack.paths import ROOT, StatePaths
from unison_stack.stack import TEST_PORT_OFFSET, Ports, Stack
from unison_web.health import Readiness

QUEUE = "restart_events"


class CountedEvent(Event, frozen=True, kw_only=True):
    topic: ClassVar[str] = "restarttest.thing.counted"
    seq: int


@pytest.fixture(scope="module")
def own_stack() -> Iterator[Stack]:
    stack = Stack(
        StatePaths(ROOT / ".data" / "test-restart"),
        Ports(55435 + TEST_PORT_OFFSET, 0, 0),
        fast=True,
    )
    stack.cluster.destroy()
    asyncio.run(stack.prepare_database())
    asyncio.run(_prepare_queue(stack.owner_dsn))
    yield stack
    stack.cluster.destroy()


async def _prepare_queue(owner_dsn: str) -> None:
    conn = await asyncpg.connect(owner_dsn)
    try:
        await conn.execute(f"""
            SELECT pgmq.create('{QUEUE}'); SELECT pgmq.create('{QUEUE}_dlq');
            SELECT bus.enable_notify('{QUEUE}');
            SELECT pgmq.bind_topic('restarttest.#', '{QUEUE}');
            CREATE TABLE public.restart_counts (
                organization_id uuid NOT NULL, seq int NOT NULL, handled int NOT NULL,
                PRIMARY KEY (organization_id, seq));
        """)
    finally:
        await conn.close()


async def _publisher(
    db: Database, org: uuid.UUID, committed: set[int], doubtful: set[int], stop: asyncio.Event
) -> None:
    seq = 0
    while not stop.is_set():
        seq += 1
        try:
            async with db.transaction(Tenant(organization_id=org)) as conn:
                await publish(conn, CountedEvent(organization_id=org, seq=seq))
            committed.add(seq)
        except DatabaseUnavailable:
            doubtful.add(seq)  # the commit may or may not have happened
            await asyncio.sleep(0.2)
        except Exception as exc:
            if not is_connection_error(exc):
                raise
            doubtful.add(seq)
            await asyncio.sleep(0.2)
        await asyncio.sleep(0.005)


async def test_a_crash_and_restart_loses_and_duplicates_nothing(own_stack: Stack) -> None:
    org = uuid.uuid4()

    async def count(conn: asyncpg.Connection, event: Any) -> None:
        await conn.execute(
            "INSERT INTO public.restart_counts VALUES ($1, $2, 1)"
            " ON CONFLICT (organization_id, seq)"
            " DO UPDATE SET handled = restart_counts.handled + 1",
            event.organization_id,
            event.seq,
        )

    db = Database(own_stack.owner_dsn, max_size=8)
    await db.open()
    readiness = Readiness(db, ROOT / "db", ["bus"])
    consumer = Consumer(
        db,
        queue=QUEUE,
        handlers={CountedEvent.topic: count},
        types=EventTypes(CountedEvent),
        settings=LoopSettings(visibility_timeout=5, poll_seconds=1.0),
    )
    stopping, stop_publishing = asyncio.Event(), asyncio.Event()
    committed: set[int] = set()
    doubtful: set[int] = set()
    consuming = asyncio.create_task(consumer.run(stopping))
    publishing = asyncio.create_task(_publisher(db, org, committed, doubtful, stop_publishing))
    try:
        assert (await readiness.run())[0]
        await asyncio.sleep(1.5)
        await asyncio.to_thread(own_stack.cluster.stop, "immediate")
        assert not (await readiness.run())[0]
        await asyncio.sleep(1.0)
        await asyncio.to_thread(own_stack.cluster.start)
        await asyncio.sleep(1.5)
        stop_publishing.set()
        await publishing
        async with asyncio.timeout(60):
            while not (await readiness.run())[0]:
                await asyncio.sleep(0.2)
        counts: dict[int, int] = {}
        try:
            async with asyncio.timeout(60):
                while not committed <= set(counts := await _counts(db, org)):
                    await asyncio.sleep(0.2)
        except TimeoutError:
            missing = sorted(committed - set(counts))
            raise AssertionError(
                f"committed but never handled: {missing[:20]}"
                f" ({len(missing)} of {len(committed)}); consumer done:"
                f" {consuming.done()}"
            ) from None
        await asyncio.wait_for(consumer.listener.connected.wait(), 30)
    finally:
        stop_publishing.set()
        stopping.set()
        await asyncio.gather(publishing, consuming, return_exceptions=True)
        await db.close()
    assert len(committed) > 50, "the load did not run long enough to mean anything"
    assert doubtful, "the crash did not interrupt any publishing transaction"
    assert all(n == 1 for n in counts.values()), {k: v for k, v in counts.items() if v != 1}
    assert set(counts) <= committed | doubtful


async def _counts(db: Database, org: uuid.UUID) -> dict[int, int]:
    async with db.connection() as conn:
        rows = await conn.fetch(
            "SELECT seq, handled FROM public.restart_counts WHERE organization_id = $1", org
        )
    return {r["seq"]: r["handled"] for r in rows}

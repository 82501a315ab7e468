"""Events: published with the business transaction, handled exactly once, dead-lettered
after repeated failure, and woken by notifications rather than polling."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import asyncpg
import msgspec

from tests.bus.conftest import Scratch
from unison_bus import Consumer, ConsumerSettings, Event, EventTypes, publish
from unison_pg import Tenant


def thing_event(scratch: Scratch) -> Any:
    return msgspec.defstruct(
        "ThingHappened",
        [("thing_id", uuid.UUID), ("note", str)],
        bases=(Event,),
        kw_only=True,
        frozen=True,
        namespace={"topic": f"{scratch.topic_prefix}.thing.happened"},
    )


def consumer_for(scratch: Scratch, handler: Any, **settings: Any) -> Consumer:
    event_type = thing_event(scratch)
    return Consumer(
        scratch.database,
        queue=scratch.queue,
        inbox=f"{scratch.schema}.inbox",
        handlers={event_type.topic: handler},
        types=EventTypes(event_type),
        settings=ConsumerSettings(**{"poll_seconds": 60.0, **settings}),
    )


async def _until(predicate: Any, timeout: float = 20.0) -> None:
    async with asyncio.timeout(timeout):
        while not await predicate():
            await asyncio.sleep(0.05)


async def _queue_depth(conn: asyncpg.Connection, queue: str) -> int:
    return int(await conn.fetchval(f"SELECT count(*) FROM pgmq.q_{queue}"))


async def test_an_event_exists_only_if_its_transaction_committed(
    scratch: Scratch, owner_conn: asyncpg.Connection, org_id: uuid.UUID
) -> None:
    event_type = thing_event(scratch)
    tenant = Tenant(organization_id=org_id)
    try:
        async with scratch.database.transaction(tenant) as conn:
            await publish(conn, event_type(organization_id=org_id, thing_id=uuid.uuid4(), note="x"))
            raise RuntimeError("business rule failed after publishing")
    except RuntimeError:
        pass
    assert await _queue_depth(owner_conn, scratch.queue) == 0
    async with scratch.database.transaction(tenant) as conn:
        routed = await publish(
            conn, event_type(organization_id=org_id, thing_id=uuid.uuid4(), note="y")
        )
    assert routed == 1
    assert await _queue_depth(owner_conn, scratch.queue) == 1


async def test_a_handler_runs_once_per_event_even_when_the_event_is_replayed(
    scratch: Scratch, owner_conn: asyncpg.Connection, org_id: uuid.UUID
) -> None:
    event_type = thing_event(scratch)
    table = f"{scratch.schema}.things"

    async def handler(conn: asyncpg.Connection, event: Any) -> None:
        await conn.execute(
            f"INSERT INTO {table} VALUES ($1, $2, $3)",
            event.organization_id,
            event.thing_id,
            event.note,
        )

    event = event_type(organization_id=org_id, thing_id=uuid.uuid4(), note="once")
    async with scratch.database.transaction(Tenant(organization_id=org_id)) as conn:
        await publish(conn, event)
        await publish(conn, event)  # the same event id, as a replay would send it
    consumer = consumer_for(scratch, handler)
    stopping = asyncio.Event()
    task = asyncio.create_task(consumer.run(stopping))

    async def drained() -> bool:
        return await _queue_depth(owner_conn, scratch.queue) == 0

    await _until(drained)
    stopping.set()
    await task
    async with scratch.database.transaction(Tenant(organization_id=org_id)) as conn:
        rows = await conn.fetch(f"SELECT note FROM {table}")
        inbox = await conn.fetchval(f"SELECT count(*) FROM {scratch.schema}.inbox")
    assert [r["note"] for r in rows] == ["once"]
    assert inbox == 1


async def test_a_failing_handler_is_retried_then_dead_lettered_with_its_error(
    scratch: Scratch, owner_conn: asyncpg.Connection, org_id: uuid.UUID
) -> None:
    event_type = thing_event(scratch)
    attempts: list[int] = []

    async def handler(conn: asyncpg.Connection, event: Any) -> None:
        attempts.append(1)
        await conn.execute(
            f"INSERT INTO {scratch.schema}.things VALUES ($1, $2, 'partial')",
            event.organization_id,
            event.thing_id,
        )
        raise ValueError("bin B-17 does not exist")

    async with scratch.database.transaction(Tenant(organization_id=org_id)) as conn:
        await publish(conn, event_type(organization_id=org_id, thing_id=uuid.uuid4(), note="bad"))
    consumer = consumer_for(scratch, handler, max_reads=3, backoff_base=0.0, poll_seconds=0.2)
    stopping = asyncio.Event()
    task = asyncio.create_task(consumer.run(stopping))

    async def dead_lettered() -> bool:
        return await _queue_depth(owner_conn, f"{scratch.queue}_dlq") == 1

    await _until(dead_lettered, timeout=30)
    stopping.set()
    await task
    letter = msgspec.json.decode(
        await owner_conn.fetchval(f"SELECT message::text FROM pgmq.q_{scratch.queue}_dlq")
    )
    assert len(attempts) == 3
    assert letter["error"] == "ValueError: bin B-17 does not exist"
    assert "raise ValueError" in letter["traceback"]
    assert letter["event"]["note"] == "bad"
    assert await _queue_depth(owner_conn, scratch.queue) == 0
    async with scratch.database.transaction(Tenant(organization_id=org_id)) as conn:
        assert await conn.fetchval(f"SELECT count(*) FROM {scratch.schema}.things") == 0


async def test_a_sleeping_worker_wakes_on_the_insert_notification(
    scratch: Scratch, org_id: uuid.UUID
) -> None:
    event_type = thing_event(scratch)
    handled = asyncio.Event()

    async def handler(conn: asyncpg.Connection, event: Any) -> None:
        handled.set()

    consumer = consumer_for(scratch, handler, poll_seconds=3600.0)
    stopping = asyncio.Event()
    task = asyncio.create_task(consumer.run(stopping))
    await asyncio.wait_for(consumer.listener.connected.wait(), 10)
    await asyncio.sleep(0.2)  # let the loop go to sleep on its (hour-long) poll
    async with scratch.database.transaction(Tenant(organization_id=org_id)) as conn:
        await publish(conn, event_type(organization_id=org_id, thing_id=uuid.uuid4(), note="z"))
    # With an hour-long poll, only the notification can deliver this in time.
    await asyncio.wait_for(handled.wait(), 20)
    stopping.set()
    await task


async def test_stopping_lets_a_running_handler_finish_and_commit(
    scratch: Scratch, owner_conn: asyncpg.Connection, org_id: uuid.UUID
) -> None:
    event_type = thing_event(scratch)
    started, release = asyncio.Event(), asyncio.Event()

    async def handler(conn: asyncpg.Connection, event: Any) -> None:
        started.set()
        await release.wait()
        await conn.execute(
            f"INSERT INTO {scratch.schema}.things VALUES ($1, $2, 'done')",
            event.organization_id,
            event.thing_id,
        )

    async with scratch.database.transaction(Tenant(organization_id=org_id)) as conn:
        await publish(conn, event_type(organization_id=org_id, thing_id=uuid.uuid4(), note="z"))
    consumer = consumer_for(scratch, handler, poll_seconds=0.2)
    stopping = asyncio.Event()
    task = asyncio.create_task(consumer.run(stopping))
    await asyncio.wait_for(started.wait(), 20)
    stopping.set()
    release.set()
    await task
    assert await _queue_depth(owner_conn, scratch.queue) == 0
    async with scratch.database.transaction(Tenant(organization_id=org_id)) as conn:
        assert await conn.fetchval(f"SELECT count(*) FROM {scratch.schema}.things") == 1


async def test_one_failing_event_does_not_hold_back_the_others_read_with_it(
    scratch: Scratch, owner_conn: asyncpg.Connection, org_id: uuid.UUID
) -> None:
    event_type = thing_event(scratch)

    async def handler(conn: asyncpg.Connection, event: Any) -> None:
        await conn.execute(
            f"INSERT INTO {scratch.schema}.things VALUES ($1, $2, $3)",
            event.organization_id,
            event.thing_id,
            event.note,
        )
        if event.note == "bad":
            raise ValueError("lot L-9 is blocked")

    async with scratch.database.transaction(Tenant(organization_id=org_id)) as conn:
        for note in ("a", "b", "bad", "c", "d"):
            await publish(
                conn, event_type(organization_id=org_id, thing_id=uuid.uuid4(), note=note)
            )
    consumer = consumer_for(
        scratch, handler, max_reads=2, backoff_base=0.0, poll_seconds=0.2, concurrency=1
    )
    stopping = asyncio.Event()
    task = asyncio.create_task(consumer.run(stopping))

    async def settled() -> bool:
        return (
            await _queue_depth(owner_conn, scratch.queue) == 0
            and await _queue_depth(owner_conn, f"{scratch.queue}_dlq") == 1
        )

    await _until(settled, timeout=30)
    stopping.set()
    await task
    async with scratch.database.transaction(Tenant(organization_id=org_id)) as conn:
        notes = sorted(
            r["note"] for r in await conn.fetch(f"SELECT note FROM {scratch.schema}.things")
        )
    assert notes == ["a", "b", "c", "d"]

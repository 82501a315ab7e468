"""Events on pgmq versus RabbitMQ (persistent messages, publisher confirms, manual acks).

Both sides run in this process with the same concurrency, so the Python client cost is
alike; what differs is the broker. Our side counts a message handled when the handler's
transaction (inbox row + delete) has committed; RabbitMQ's when the ack has been sent.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

import aio_pika
import asyncpg

from tests.bench.report import Figure
from unison_bus import Consumer, Event, EventTypes, LoopSettings, publish, uuid7
from unison_pg import Database, Tenant

QUEUE = "bench_events"
ORG = uuid7()


class BenchSent(Event, frozen=True, kw_only=True):
    topic: ClassVar[str] = "bench.load.sent"
    seq: int
    sent_at: float


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


class Ours:
    def __init__(self, dsn: str) -> None:
        self.db = Database(dsn, max_size=24)
        self.handled: dict[int, float] = {}
        self.waiters: list[tuple[int, asyncio.Future[None]]] = []
        self.consumer: Consumer | None = None
        self.stopping = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    async def setup(self) -> None:
        await self.db.open()
        async with self.db.connection() as conn:
            for q in (QUEUE, f"{QUEUE}_dlq"):
                if not await conn.fetchval("SELECT 1 FROM pgmq.meta WHERE queue_name = $1", q):
                    await conn.execute("SELECT pgmq.create($1)", q)
            await conn.execute("SELECT bus.enable_notify($1)", QUEUE)
            await conn.execute("SELECT pgmq.bind_topic('bench.#', $1)", QUEUE)

    def _on_handled(self, event: Event, _duration: float) -> None:
        assert isinstance(event, BenchSent)
        self.handled[event.seq] = time.perf_counter() - event.sent_at

    async def start(self, poll: float = 5.0) -> None:
        async def handler(conn: asyncpg.Connection, event: Any) -> None:
            return None

        self.consumer = Consumer(
            self.db,
            queue=QUEUE,
            handlers={BenchSent.topic: handler},
            types=EventTypes(BenchSent),
            on_handled=self._on_handled,
            settings=LoopSettings(concurrency=16, batch_size=100, poll_seconds=poll),
        )
        self.stopping = asyncio.Event()
        self.task = asyncio.create_task(self.consumer.run(self.stopping))
        await asyncio.wait_for(self.consumer.listener.connected.wait(), 10)

    async def stop(self) -> None:
        self.stopping.set()
        if self.task:
            await self.task

    async def publish(self, seq: int) -> None:
        async with self.db.transaction(Tenant(organization_id=ORG)) as conn:
            await publish(
                conn, BenchSent(organization_id=ORG, seq=seq, sent_at=time.perf_counter())
            )

    async def close(self) -> None:
        async with self.db.connection() as conn:
            await conn.execute("SELECT pgmq.drop_queue($1)", QUEUE)
            await conn.execute("SELECT pgmq.drop_queue($1)", f"{QUEUE}_dlq")
        await self.db.close()


class Rabbit:
    def __init__(self, port: int) -> None:
        self.url = f"amqp://guest:guest@127.0.0.1:{port}/"
        self.handled: dict[int, float] = {}

    async def setup(self) -> None:
        self.connection = await aio_pika.connect_robust(self.url)
        self.publish_channels = [
            await self.connection.channel(publisher_confirms=True) for _ in range(16)
        ]
        self.consume_channel = await self.connection.channel()
        await self.consume_channel.set_qos(prefetch_count=100)
        self.queue = await self.consume_channel.declare_queue("bench", durable=True)
        await self.queue.purge()
        self.tag: str | None = None

    async def start(self, poll: float = 0.0) -> None:
        async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            seq_text, sent_text = message.body.decode().split(" ")
            await message.ack()
            self.handled[int(seq_text)] = time.perf_counter() - float(sent_text)

        self.tag = await self.queue.consume(on_message)

    async def stop(self) -> None:
        if self.tag:
            await self.queue.cancel(self.tag)

    async def publish(self, seq: int) -> None:
        channel = self.publish_channels[seq % len(self.publish_channels)]
        body = f"{seq} {time.perf_counter()}".encode()
        await channel.default_exchange.publish(
            aio_pika.Message(body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
            routing_key="bench",
        )

    async def close(self) -> None:
        await self.connection.close()


async def _publish_all(
    publish: Callable[[int], Awaitable[None]], count: int, workers: int, start: int = 0
) -> float:
    counter = iter(range(start, start + count))

    async def worker() -> None:
        for seq in counter:
            await publish(seq)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    return time.perf_counter() - began


async def _until_handled(side: Ours | Rabbit, count: int, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while len(side.handled) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {len(side.handled)} of {count} handled")
        await asyncio.sleep(0.01)


async def _measure(side: Ours | Rabbit, quick: bool) -> dict[str, float]:
    n = 2000 if quick else 10000
    out: dict[str, float] = {}
    # 1. publish alone (no consumer running), each message its own transaction / confirm
    seconds = await _publish_all(side.publish, n, 16)
    out["publish"] = n / seconds
    # 2. end to end: drain the backlog, then publish while consuming
    await side.start()
    await _until_handled(side, n)
    side.handled.clear()
    began = time.perf_counter()
    await _publish_all(side.publish, n, 16, start=n)
    await _until_handled(side, n)
    out["e2e"] = n / (time.perf_counter() - began)
    # 3. moderate load: a steady rate, latency from publish to handled
    side.handled.clear()
    rate, seconds_load = 200, (5 if quick else 15)
    total = rate * seconds_load
    for i in range(total):
        await side.publish(10**6 + i)
        await asyncio.sleep(1 / rate)
    await _until_handled(side, total)
    latencies = [v * 1000 for v in side.handled.values()]
    out["p50"], out["p95"], out["p99"] = (percentile(latencies, p) for p in (50, 95, 99))
    # 4. idle wake-up: the consumer has been idle, one message arrives
    side.handled.clear()
    samples = 30 if quick else 100
    for i in range(samples):
        await asyncio.sleep(0.25)
        await side.publish(10**7 + i)
        await _until_handled(side, i + 1)
    wake = [v * 1000 for v in side.handled.values()]
    out["wake_p50"], out["wake_p99"] = percentile(wake, 50), percentile(wake, 99)
    out["mean_e2e_latency"] = statistics.fmean(latencies)
    await side.stop()
    return out


async def _run(
    owner_dsn: str, rabbit_port: int, quick: bool
) -> tuple[dict[str, float], dict[str, float]]:
    ours, rabbit = Ours(owner_dsn), Rabbit(rabbit_port)
    await ours.setup()
    await rabbit.setup()
    try:
        mine = await _measure(ours, quick)
        theirs = await _measure(rabbit, quick)
    finally:
        await ours.close()
        await rabbit.close()
    return mine, theirs


def run(
    owner_dsn: str, rabbit_port: int, rabbit_rss: Callable[[], float], *, quick: bool
) -> list[Figure]:
    mine, theirs = asyncio.run(_run(owner_dsn, rabbit_port, quick))
    ref = "RabbitMQ (persistent, confirms, manual ack)"
    return [
        Figure(
            "bus.publish_throughput",
            round(mine["publish"], 1),
            "msg/s",
            "higher",
            ref,
            round(theirs["publish"], 1),
            note="16 concurrent publishers; ours: one business transaction per message",
        ),
        Figure(
            "bus.e2e_throughput",
            round(mine["e2e"], 1),
            "msg/s",
            "higher",
            ref,
            round(theirs["e2e"], 1),
            note="publish while consuming; handled = handler transaction committed / acked",
        ),
        Figure(
            "bus.publish_to_handled_p50",
            round(mine["p50"], 2),
            "ms",
            "lower",
            ref,
            round(theirs["p50"], 2),
        ),
        Figure(
            "bus.publish_to_handled_p95",
            round(mine["p95"], 2),
            "ms",
            "lower",
            ref,
            round(theirs["p95"], 2),
        ),
        Figure(
            "bus.publish_to_handled_p99",
            round(mine["p99"], 2),
            "ms",
            "lower",
            ref,
            round(theirs["p99"], 2),
            note="steady 200 msg/s",
        ),
        Figure(
            "bus.idle_wakeup_p50",
            round(mine["wake_p50"], 2),
            "ms",
            "lower",
            ref,
            round(theirs["wake_p50"], 2),
        ),
        Figure(
            "bus.idle_wakeup_p99",
            round(mine["wake_p99"], 2),
            "ms",
            "lower",
            ref,
            round(theirs["wake_p99"], 2),
            note="worker idle 250 ms, then one message; ours wakes on LISTEN/NOTIFY",
        ),
        Figure(
            "bus.reference_rss",
            round(rabbit_rss(), 1),
            "MiB",
            "lower",
            note="RabbitMQ server resident memory after the run (ours needs no broker)",
        ),
    ]

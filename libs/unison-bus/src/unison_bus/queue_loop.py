"""The read loop every queue worker shares: wake on NOTIFY, read as many messages as
there are free handler slots, run them concurrently, and on stop let them finish."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod

import asyncpg
import msgspec
import structlog

from unison_bus.listener import Listener
from unison_pg import Database, DatabaseUnavailable

log = structlog.get_logger("unison_bus.queue")

_READ = (
    "SELECT msg_id, read_ct, message::text AS body, headers::text AS headers"
    " FROM pgmq.read($1, $2, $3)"
)


CHUNK = 20


class LoopSettings(msgspec.Struct, frozen=True, kw_only=True):
    batch_size: int = 50
    visibility_timeout: int = 30
    max_reads: int = 5
    concurrency: int = 8
    poll_seconds: float = 5.0  # the safety net; notifications wake the loop normally
    backoff_base: float = 1.0
    backoff_max: float = 300.0

    def backoff(self, read_ct: int) -> int:
        delay = min(self.backoff_base * 2.0 ** max(read_ct - 1, 0), self.backoff_max)
        return max(1, round(delay))


class QueueLoop(ABC):
    def __init__(self, database: Database, queue: str, settings: LoopSettings) -> None:
        self._db = database
        self.queue = queue
        self.dead_letter_queue = f"{queue}_dlq"
        self.settings = settings
        self._wake = asyncio.Event()
        self._inflight: set[asyncio.Task[None]] = set()
        self.listener = Listener(
            database.dsn,
            {f"pgmq.q_{queue}.INSERT": self._notified},
            on_connect=self._wake.set,
            name=f"queue-listener:{queue}",
        )

    def _notified(self, _payload: str) -> None:
        self._wake.set()

    # A consumer handles a chunk of messages in one transaction (a savepoint each): under
    # load that turns N commits into one; when idle a chunk is a single message.
    chunked = False

    @abstractmethod
    async def handle(self, rows: list[asyncpg.Record]) -> None:
        """Process messages (one unless ``chunked``); must not raise."""

    async def run(self, stopping: asyncio.Event) -> None:
        """Until ``stopping`` is set; then finish what is in flight and return."""
        self.listener.start()
        stop_wait = asyncio.create_task(stopping.wait())
        try:
            while not stopping.is_set():
                if await self._read_batch():
                    continue
                self._wake.clear()
                wake = asyncio.create_task(self._wake.wait())
                await asyncio.wait(
                    {wake, stop_wait},
                    timeout=self.settings.poll_seconds,
                    return_when=asyncio.FIRST_COMPLETED,
                )
                wake.cancel()
        finally:
            stop_wait.cancel()
            if self._inflight:
                await asyncio.wait(self._inflight)
            await self.listener.stop()

    async def _read_batch(self) -> int:
        # Read only as many as there are free slots, so no message waits invisible in
        # memory while its visibility timeout runs down.
        free = self.settings.concurrency - len(self._inflight)
        if free <= 0:
            await asyncio.wait(self._inflight, return_when=asyncio.FIRST_COMPLETED)
            return 1
        wanted = self.settings.batch_size if self.chunked else min(free, self.settings.batch_size)
        try:
            async with self._db.connection() as conn:
                rows = await conn.fetch(_READ, self.queue, self.settings.visibility_timeout, wanted)
        except DatabaseUnavailable as exc:
            log.warning("queue_read_failed", queue=self.queue, error=str(exc))
            await asyncio.sleep(1.0)
            return 0
        for chunk in self._chunks(list(rows), free):
            task = asyncio.create_task(self.handle(chunk))
            self._inflight.add(task)
            task.add_done_callback(self._inflight.discard)
        return len(rows)

    def _chunks(self, rows: list[asyncpg.Record], free: int) -> list[list[asyncpg.Record]]:
        if not self.chunked:
            return [[row] for row in rows]
        # Up to CHUNK events share a commit; beyond that, spread over the free slots so a
        # slow handler holds back only its own chunk.
        count = max(1, min(free, -(-len(rows) // CHUNK)))
        return [rows[i::count] for i in range(count) if rows[i::count]]

    async def delay(self, conn: asyncpg.Connection, msg_id: int, seconds: int) -> None:
        # Only msg_id is selected: asyncpg cannot decode pgmq.message_record as a whole
        # while jsonb has a text codec.
        await conn.execute(
            "SELECT msg_id FROM pgmq.set_vt($1, $2::bigint, $3::integer)",
            self.queue,
            msg_id,
            seconds,
        )

    async def ack(self, conn: asyncpg.Connection, msg_id: int) -> None:
        await conn.execute("SELECT pgmq.delete($1, $2::bigint)", self.queue, msg_id)

    async def ack_many(self, conn: asyncpg.Connection, msg_ids: list[int]) -> None:
        await conn.execute("SELECT pgmq.delete($1, $2::bigint[])", self.queue, msg_ids)

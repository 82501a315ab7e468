"""Making an export's file: a dashboard's series (small: at most a few hundred rows) or a
fact range (any size, in keyset batches, progress reported per batch, where a cancel is
noticed too). CSV and Parquet take each batch as CSV straight from PostgreSQL's ``COPY``
(no row passes through Python); XLSX needs typed cells, so its batches are fetched as
rows, the next while the current one is written in a thread: memory holds two batches
at most either way."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from reporting.exports import sources
from reporting.exports.files import Produced
from reporting.exports.models import ExportRequest
from reporting.exports.writers import Writer, writer_for
from unison_pg import Database, Tenant
from unison_web.caller import Caller

Progress = Callable[[int, int | None, str], Awaitable[None]]
T = TypeVar("T")
BATCH = 5000
# COPY batches cost a few round trips each and no Python per row: larger ones.
COPY_BATCH = 20_000


async def _ahead(items: AsyncIterator[T]) -> AsyncGenerator[T, None]:
    """``items``, with the next one already being fetched while the caller works on the
    current one."""
    pending: asyncio.Future[T | None] = asyncio.ensure_future(anext(items, None))
    try:
        while (item := await pending) is not None:
            pending = asyncio.ensure_future(anext(items, None))
            yield item
    finally:
        pending.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await pending


def stem(request: ExportRequest) -> str:
    return f"{request.source.replace('.', '-')}_{request.first}_{request.last}"


async def produce(
    db: Database,
    tenant: Tenant,
    request: ExportRequest,
    directory: Path,
    progress: Progress,
    batch: int | None = None,
) -> Produced:
    """Write the export into ``directory`` (the caller removes it) as ``tenant`` sees the
    data (RLS applies to every read); ``batch`` rows at a time (default by format)."""
    granularity = sources.check(request, Caller(tenant=tenant))
    if request.source in sources.KPIS:
        columns, rows = await sources.kpi_table(db, tenant, request, granularity)
        writer = writer_for(request.format, directory, columns, stem(request))
        await asyncio.to_thread(writer.write, rows)
        path = await asyncio.to_thread(writer.close)
        await progress(len(rows), len(rows), f"{len(rows)} rows written")
        return Produced(path=path, source=request.source, format=request.format, rows=len(rows))
    source = sources.FACT_SOURCES[request.source]
    total = await sources.fact_count(db, tenant, request)
    await progress(0, total, "started")
    writer = writer_for(request.format, directory, source.columns, stem(request))
    done = 0
    async with contextlib.aclosing(_written(db, tenant, request, writer, batch)) as written:
        async for count in written:
            done += count
            # Rows that arrived after the count still go out: the total grows.
            await progress(done, max(total, done), f"{done} rows written")
    path = await asyncio.to_thread(writer.close)
    await progress(done, max(total, done), f"{done} rows written, file finished")
    return Produced(path=path, source=request.source, format=request.format, rows=done)


async def _written(
    db: Database, tenant: Tenant, request: ExportRequest, writer: Writer, batch: int | None
) -> AsyncGenerator[int, None]:
    """The fact range into ``writer``; yields the rows of each batch once written."""
    output = writer.raw()
    if output is not None:
        raw = output

        async def copied(data: bytes) -> None:
            raw.write(data)  # buffered: the disk write is the OS's

        batches = sources.fact_copy(db, tenant, request, batch or COPY_BATCH, copied)
        async with contextlib.aclosing(batches) as counts:
            async for count in counts:
                yield count
        return
    typed = sources.fact_batches(db, tenant, request, batch or BATCH)
    async with contextlib.aclosing(_ahead(typed)) as ahead:
        async for rows in ahead:
            await asyncio.to_thread(writer.write, rows)
            yield len(rows)

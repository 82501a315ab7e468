"""The ``reporting.archive_facts`` job, one organization at a time (pg_cron queues one
per organization monthly): export its rows of every fact partition past the retention
to Parquet (zstd) through DuckDB, store and record each file, then drop the partitions
whose every organization is archived.

Each month is exported as the runtime role with the organization and the plants it has
in that partition set on the connection, so RLS scopes the export; the rows written must
equal the rows the partition holds for the organization, or the job fails and the next
attempt exports again (a late fact arrived meanwhile). A month archived before whose
count changed is exported again and its file replaced (the replaced object is queued by
the record's trigger and deleted after the commit). Files go to the object store under
``org/<organization>/reporting/archives/<uuid7>``, uploaded in parts from disk.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

from reporting.analytics.duck import Limits, connect, literal
from reporting.analytics.facts import FACTS, export_select
from reporting.analytics.settings import AnalyticsSettings
from reporting.archive import repo
from reporting.archive.store import ArchiveStore, is_legacy
from reporting.objects import SWEEP
from unison_bus import JobContext
from unison_objects import ObjectStore, delete_now
from unison_pg import Database, Tenant

ARCHIVE_KIND = "reporting.archive_facts"


def retention_cutoff(now: datetime, months: int) -> datetime:
    """Partitions ending on or before this instant are past the retention: the start of
    the month ``months`` before the current one (UTC)."""
    index = now.year * 12 + now.month - 1 - months
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def export(dsn: str, tenant: Tenant, limits: Limits, c: repo.Candidate, target: Path) -> int:
    """Write the organization's rows of one partition to ``target``; returns how many.
    Blocking: run it in a thread."""
    select = export_select(FACTS[c.fact_table], (c.range_start, c.range_end))
    conn = connect(dsn, tenant, limits)
    try:
        written = conn.execute(
            f"COPY (SELECT * FROM postgres_query('pg', {literal(select)}))"
            f" TO {literal(str(target))} (FORMAT parquet, COMPRESSION zstd)"
        ).fetchone()
    finally:
        conn.close()
    return int(written[0]) if written else 0


class Archiver:
    def __init__(
        self, database: Database, settings: AnalyticsSettings, objects: ObjectStore
    ) -> None:
        self.database = database
        self.store = ArchiveStore(database, objects)
        self.workdir = settings.cache_dir() / "exports"
        self.retention_months = settings.fact_retention_months
        self.limits = Limits(
            memory_limit=settings.analytics_memory_limit,
            threads=settings.analytics_threads,
            timeout_seconds=3600.0,
            temp_directory=str(settings.cache_dir() / "spill"),
        )

    async def archive_one(self, tenant: Tenant, c: repo.Candidate) -> repo.Exported:
        """Export, store and record one month of one fact table."""
        scoped = Tenant(tenant.organization_id, tuple(c.plant_ids), tenant.user_id)
        await asyncio.to_thread(self.workdir.mkdir, parents=True, exist_ok=True)
        target = self.workdir / f"{c.partition_name}-{uuid4().hex}.parquet"
        try:
            rows = await asyncio.to_thread(
                export, self.database.dsn, scoped, self.limits, c, target
            )
            if rows != c.org_rows:
                raise RuntimeError(
                    f"{c.partition_name}: {rows} rows exported, {c.org_rows} expected"
                    " (facts arrived meanwhile; the next attempt exports again)"
                )
            size = target.stat().st_size
            # Uploaded in parts from the file; recorded after (a failure between leaves an
            # orphan the sweep removes, never a record without its file).
            key = await self.store.put(tenant, target)
            done = repo.Exported(candidate=c, object_key=key, rows=rows, parquet_bytes=size)
        finally:
            target.unlink(missing_ok=True)
        async with self.database.transaction(tenant) as conn:
            previous = await repo.record(conn, done)
        if previous is not None and previous != key:
            # The record's trigger queued a replaced object: it goes now (or by the sweep).
            if is_legacy(previous):
                await self.store.drop_legacy(tenant, previous)
            else:
                await delete_now(self.database, tenant, self.store.objects, SWEEP, [previous])
        return done

    async def run(
        self,
        tenant: Tenant,
        now: datetime,
        progress: Callable[[int, int, str], Awaitable[None]] | None = None,
    ) -> dict[str, Any]:
        started = time.perf_counter()
        cutoff = retention_cutoff(now, self.retention_months)
        async with self.database.transaction(tenant, readonly=True) as conn:
            candidates = await repo.candidates(conn, cutoff)
        todo = [c for c in candidates if c.archived_rows != c.org_rows]
        months = []
        for i, c in enumerate(todo):
            if progress is not None:
                await progress(i, len(todo), c.partition_name)
            months.append(await self.archive_one(tenant, c))
        # Also the months archived earlier whose drop waited for another organization.
        dropped = []
        for name in sorted({c.partition_name for c in candidates}):
            async with self.database.transaction(tenant) as conn:
                if await repo.drop_partition(conn, name):
                    dropped.append(name)
        return summary(cutoff, months, dropped, time.perf_counter() - started)


def summary(
    cutoff: datetime, months: list[repo.Exported], dropped: list[str], seconds: float
) -> dict[str, Any]:
    pg_bytes = sum(m.candidate.partition_bytes for m in months)
    parquet_bytes = sum(m.parquet_bytes for m in months)
    return {
        "cutoff": cutoff.isoformat(),
        "archived": [
            {
                "partition": m.candidate.partition_name,
                "rows": m.rows,
                "parquet_bytes": m.parquet_bytes,
                # The whole partition (every organization's rows) in PostgreSQL.
                "partition_bytes": m.candidate.partition_bytes,
                "key": m.object_key,
            }
            for m in months
        ],
        "rows": sum(m.rows for m in months),
        "parquet_bytes": parquet_bytes,
        "partition_bytes": pg_bytes,
        "compression_ratio": round(pg_bytes / parquet_bytes, 2) if parquet_bytes else None,
        "dropped": dropped,
        "seconds": round(seconds, 3),
    }


def job(
    settings: AnalyticsSettings, objects: ObjectStore
) -> Callable[[JobContext], Awaitable[dict[str, Any]]]:
    """The job handler, bound to the process's settings (retention, cache) and store."""

    async def run(ctx: JobContext) -> dict[str, Any]:
        archiver = Archiver(ctx.database, settings, objects)
        tenant = Tenant(ctx.organization_id, (), f"job:{ctx.kind}")
        result = await archiver.run(tenant, datetime.now(UTC), ctx.progress)
        await ctx.progress(len(result["archived"]), len(result["archived"]), "done")
        return result

    return run

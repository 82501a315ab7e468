"""The periodic object sweep of one service and one organization (a job; pg_cron queues
it for every organization every 6 hours), and the prompt deletion after a row's delete.

Writes put the object first under a fresh key, then insert its row in the business
transaction; a delete removes the row and queues the key in its transaction. So the
store may hold objects no row points to (the transaction failed after the put, or the
process died between them) and objects whose row is gone (queued). The sweep:

0. moves the bytes of rows written before the object store into it (a batch a run, for
   services whose files live on: ``legacy=True``);
1. runs the service's expiry (rows past their time, e.g. exports after a week: the
   trigger queues their keys);
2. deletes the queued objects, then their queue rows;
3. lists the recent objects of each kind (made between ``window_days`` ago and
   ``grace_minutes`` ago: uuid7 keys are time-ordered, so this is a range of the prefix,
   not all of it) and deletes those that no row points to. The grace keeps an upload
   whose transaction is still running.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import msgspec
import structlog

from unison_bus import JobContext, JobHandler
from unison_objects import keys
from unison_objects.store import ObjectStore
from unison_pg import Database, Queries, Tenant

log = structlog.get_logger("unison_objects.sweep")

_SQL = Queries.load(Path(__file__).with_name("sweep.sql"))
BATCH = 1000
LEGACY_BATCH = 5


class SweepPlan(msgspec.Struct, frozen=True, kw_only=True):
    service: str  # its schema and its key prefix
    kinds: tuple[str, ...]  # the key kinds it stores
    expire: str | None = None  # deletes the organization's expired rows
    legacy: bool = False  # the schema has legacy_files() and legacy_file_stored()
    legacy_rows: int = 200  # moved per run at most
    window_days: int = 7
    grace_minutes: int = 15

    @property
    def job_kind(self) -> str:
        """The job pg_cron queues every 6 hours (``<service>.objects_sweep``)."""
        return f"{self.service}.objects_sweep"

    def sql(self, name: str) -> str:
        if not self.service.isidentifier():
            raise ValueError(f"not a schema: {self.service!r}")
        return str(getattr(_SQL, name)).replace("{schema}", self.service)


async def _expire(ctx: JobContext, tenant: Tenant, plan: SweepPlan) -> int:
    if plan.expire is None:
        return 0
    async with ctx.database.transaction(tenant) as conn:
        status = str(await conn.execute(plan.expire))
    return int(status.split()[-1]) if status.split()[-1].isdigit() else 0


async def _move_legacy(ctx: JobContext, tenant: Tenant, store: ObjectStore, plan: SweepPlan) -> int:
    moved = 0
    while plan.legacy and moved < plan.legacy_rows:
        # A few at a time: each may hold 10 MB.
        async with ctx.database.transaction(tenant, readonly=True) as conn:
            rows = await conn.fetch(plan.sql("legacy"), min(LEGACY_BATCH, plan.legacy_rows - moved))
        for row in rows:
            key = keys.new_key(ctx.organization_id, plan.service, plan.kinds[0])
            await store.put(key, bytes(row["content"]), row["content_type"])
            async with ctx.database.transaction(tenant) as conn:
                stored = await conn.fetchval(plan.sql("legacy_stored"), row["id"], key)
            if not stored:  # deleted or moved meanwhile: this copy is nobody's
                await store.delete([key])
            moved += 1
        if len(rows) < LEGACY_BATCH:
            break
    return moved


async def _drain_queue(ctx: JobContext, tenant: Tenant, store: ObjectStore, plan: SweepPlan) -> int:
    deleted = 0
    while True:
        async with ctx.database.transaction(tenant, readonly=True) as conn:
            queued = [r["object_key"] for r in await conn.fetch(plan.sql("queued"), BATCH)]
        mine = [k for k in queued if keys.belongs_to(k, ctx.organization_id)]
        await store.delete(mine)
        async with ctx.database.transaction(tenant) as conn:
            await conn.execute(plan.sql("dequeue"), queued)
        deleted += len(mine)
        if len(queued) < BATCH:
            return deleted


async def _orphans_of(
    ctx: JobContext, tenant: Tenant, store: ObjectStore, plan: SweepPlan, kind: str
) -> int:
    now_ms = int(time.time() * 1000)
    after = keys.window_key(
        ctx.organization_id, plan.service, kind, now_ms - plan.window_days * 86_400_000
    )
    until = keys.window_key(
        ctx.organization_id, plan.service, kind, now_ms - plan.grace_minutes * 60_000
    )
    prefix = keys.prefix(ctx.organization_id, plan.service, kind)
    removed = 0
    while True:
        listed = await store.list_keys(prefix, start_after=after, limit=BATCH)
        batch = [k for k in listed if k < until]
        if batch:
            async with ctx.database.transaction(tenant, readonly=True) as conn:
                present = {r["object_key"] for r in await conn.fetch(plan.sql("present"), batch)}
            orphans = [k for k in batch if k not in present]
            await store.delete(orphans)
            removed += len(orphans)
            if orphans:
                log.info("orphans_deleted", service=plan.service, kind=kind, count=len(orphans))
        if len(listed) < BATCH or len(batch) < len(listed):
            return removed
        after = listed[-1]


async def sweep(ctx: JobContext, store: ObjectStore, plan: SweepPlan) -> dict[str, Any]:
    tenant = Tenant(ctx.organization_id, (), f"job:{ctx.kind}")
    moved = await _move_legacy(ctx, tenant, store, plan)
    expired = await _expire(ctx, tenant, plan)
    deleted = await _drain_queue(ctx, tenant, store, plan)
    orphans = 0
    for kind in plan.kinds:
        orphans += await _orphans_of(ctx, tenant, store, plan, kind)
    return {"moved": moved, "expired": expired, "deleted": deleted, "orphans": orphans}


async def delete_now(
    database: Database, tenant: Tenant, store: ObjectStore, plan: SweepPlan, object_keys: list[str]
) -> None:
    """After a transaction that deleted rows committed: their objects go now, and off the
    queue. Best effort: if the store fails, they stay queued for the sweep."""
    mine = [k for k in object_keys if keys.belongs_to(k, tenant.organization_id)]
    if not mine:
        return
    try:
        await store.delete(mine)
    except Exception as exc:  # the sweep retries; the delete itself has succeeded
        log.warning("object_delete_deferred", service=plan.service, error=str(exc))
        return
    async with database.transaction(tenant) as conn:
        await conn.execute(plan.sql("dequeue"), mine)


def sweeper(store: ObjectStore, plan: SweepPlan) -> JobHandler:
    """The job handler of ``<service>.objects_sweep``."""

    async def run(ctx: JobContext) -> dict[str, Any]:
        return await sweep(ctx, store, plan)

    return run

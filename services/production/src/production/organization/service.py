"""Production settings of an organization, and the job that applies its log retention."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import msgspec
from msgspec import Meta

from production.caller import Caller
from unison_bus import JobContext
from unison_pg import Database, Queries

Q = Queries.load(Path(__file__).with_name("settings.sql"))
KIND = "production.log_retention"
DEFAULT_RETENTION_MONTHS = 24
BATCH = 50_000


class ProductionSettings(msgspec.Struct, kw_only=True):
    log_retention_months: int
    updated_at: datetime | None = None
    updated_by: str | None = None


class ProductionSettingsPut(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Shop-floor logs older than this many months are deleted (whole months go with
    partitions once no organization keeps them)."""

    log_retention_months: Annotated[int, Meta(ge=1, le=120)]


async def get(db: Database, caller: Caller) -> ProductionSettings:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        row = await conn.fetchrow(Q.get)
    if row is None:
        return ProductionSettings(log_retention_months=DEFAULT_RETENTION_MONTHS)
    return msgspec.convert(dict(row), ProductionSettings)


async def put(db: Database, caller: Caller, data: ProductionSettingsPut) -> ProductionSettings:
    caller.require("admin")
    async with db.transaction(caller.tenant) as conn:
        row = await conn.fetchrow(Q.put, data.log_retention_months)
    return msgspec.convert(dict(row), ProductionSettings)


def cutoff(months: int, now: datetime) -> datetime:
    """The start of the month ``months`` back: retention keeps whole months."""
    month_index = now.year * 12 + (now.month - 1) - months
    return datetime(month_index // 12, month_index % 12 + 1, 1, tzinfo=UTC)


async def run_retention(ctx: JobContext) -> dict[str, Any]:
    tenant = await ctx.organization_tenant("production")
    async with ctx.database.transaction(tenant, readonly=True) as conn:
        row = await conn.fetchrow(Q.get)
    months = row["log_retention_months"] if row else DEFAULT_RETENTION_MONTHS
    before = cutoff(months, datetime.now(UTC))
    deleted = 0
    while True:
        async with ctx.database.transaction(tenant) as conn:
            status = await conn.execute(Q.delete_old_logs, before, BATCH)
        count = int(status.split()[-1])
        deleted += count
        await ctx.progress(deleted, None, f"{deleted} log rows before {before:%Y-%m} deleted")
        if count < BATCH:
            return {"deleted": deleted, "before": before.isoformat()}

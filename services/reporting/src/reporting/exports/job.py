"""The ``reporting.export`` job: make the file as the requester sees the data, store it,
return its expiring link. A cancel stops it between batches; nothing is stored then."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import msgspec

from reporting.exports import files
from reporting.exports.models import ExportRequest
from reporting.exports.producer import produce
from unison_bus import JobContext, JobHandler
from unison_objects import ObjectStore
from unison_pg import Tenant

KIND = "reporting.export"


async def run(ctx: JobContext, store: ObjectStore) -> dict[str, Any]:
    request = msgspec.convert(ctx.params["request"], ExportRequest)
    tenant = Tenant(
        ctx.organization_id,
        tuple(UUID(p) for p in ctx.params["plant_ids"]),
        str(ctx.params.get("requested_by", "job")),
    )
    with tempfile.TemporaryDirectory(prefix="reporting-export-") as directory:
        produced = await produce(ctx.database, tenant, request, Path(directory), ctx.progress)
        expires_at = datetime.now(UTC) + timedelta(hours=request.expires_in_hours)
        saved = await files.save(ctx.database, store, tenant, produced, expires_at, ctx.job_id)
    return {
        "download": saved.href,
        "file_id": str(saved.file_id),
        "filename": saved.filename,
        "format": request.format,
        "source": request.source,
        "rows": saved.rows,
        "bytes": saved.bytes,
        "expires_at": saved.expires_at.isoformat(),
    }


def runner(store: ObjectStore) -> JobHandler:
    """The job handler, bound to the process's object store."""

    async def handler(ctx: JobContext) -> dict[str, Any]:
        return await run(ctx, store)

    return handler

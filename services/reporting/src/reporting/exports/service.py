"""Starting an export and serving its file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import msgspec

from reporting.exports import files, sources, storage
from reporting.exports.job import KIND
from reporting.exports.models import ExportRequest
from unison_bus import enqueue
from unison_objects import ObjectStore
from unison_pg import Database
from unison_web.caller import Caller

JOBS_QUEUE = "reporting_jobs"


async def request(db: Database, caller: Caller, data: ExportRequest) -> UUID:
    """Queue the export after the checks the job would make. The job reads as the caller
    (with only the filtered plant when there is one), and the file is for callers allowed
    all those plants."""
    sources.check(data, caller)
    plant = data.filters.plant_id
    plants = [plant] if plant is not None else list(caller.tenant.plant_ids)
    params: dict[str, Any] = {
        "request": msgspec.to_builtins(data),
        "plant_ids": [str(p) for p in plants],
        "requested_by": caller.user,
    }
    async with db.transaction(caller.tenant) as conn:
        return await enqueue(
            conn,
            queue=JOBS_QUEUE,
            organization_id=caller.tenant.organization_id,
            kind=KIND,
            params=params,
            max_attempts=2,
        )


async def download(
    db: Database, store: ObjectStore, caller: Caller, token: str
) -> tuple[files.FileInfo, AsyncIterator[bytes]]:
    """The file a link names (404 unknown or not the caller's, 410 expired), opened."""
    info = await files.by_token(db, caller.tenant, token)
    chunks = await storage.chunks(db, store, caller.tenant, info.id, info.object_key)
    return info, chunks

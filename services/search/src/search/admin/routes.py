"""``POST /api/search/admin/rebuild``: start the rebuild job (admins only)."""

from __future__ import annotations

from uuid import UUID

import msgspec
from litestar import Response, Router, post

from search.admin import rebuild
from search.http import BASE, Db, Who
from unison_bus import enqueue

ADMINS = ("admin",)


class JobQueued(msgspec.Struct, frozen=True):
    job_id: UUID
    status: str
    href: str


@post("/rebuild", status_code=202)
async def start_rebuild(db: Db, caller: Who) -> Response[JobQueued]:
    """Re-read every source through its service's API and index it again; documents no
    source lists any more are removed. Follow the job at ``href``."""
    caller.require(*ADMINS)
    async with db.transaction(caller.tenant) as conn:
        job_id = await enqueue(
            conn,
            queue="search_jobs",
            organization_id=caller.tenant.organization_id,
            kind=rebuild.KIND,
            max_attempts=1,
        )
    href = f"{BASE}/jobs/{job_id}"
    return Response(
        JobQueued(job_id=job_id, status="queued", href=href),
        status_code=202,
        headers={"Location": href},
    )


def admin_router() -> Router:
    return Router(path=f"{BASE}/admin", route_handlers=[start_rebuild], tags=["search"])

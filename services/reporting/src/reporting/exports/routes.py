"""Routes of exports: start one (a job), download its file through the expiring link."""

from __future__ import annotations

from litestar import Response, Router, get, post
from litestar.params import FromPath, JSONBody
from litestar.response import Stream

from reporting.exports import service
from reporting.exports.models import ExportQueued, ExportRequest
from reporting.http import BASE, Db, Who
from unison_objects import Objects, content_disposition


@post("/exports", status_code=202)
async def start_export(
    db: Db, caller: Who, data: JSONBody[ExportRequest]
) -> Response[ExportQueued]:
    """Export a dashboard's series or a fact range as CSV, XLSX or Parquet, as a job:
    follow it at ``href``; its result holds the file's link (``download``)."""
    job_id = await service.request(db, caller, data)
    href = f"{BASE}/jobs/{job_id}"
    return Response(
        ExportQueued(job_id=job_id, status="queued", href=href),
        status_code=202,
        headers={"Location": href},
    )


@get("/exports/files/{token:str}")
async def download_export(db: Db, objects: Objects, caller: Who, token: FromPath[str]) -> Stream:
    """The file, streamed; for the organization and plants it was made for, until the
    link expires (then 410)."""
    info, chunks = await service.download(db, objects, caller, token)
    return Stream(
        chunks,
        media_type=info.content_type,
        headers={
            "Content-Disposition": content_disposition(info.filename),
            "Content-Length": str(info.size_bytes),
            "X-Export-Rows": str(info.row_count),
            "Cache-Control": "private, no-store",
        },
    )


def exports_router() -> Router:
    return Router(path=BASE, tags=["exports"], route_handlers=[start_export, download_export])

"""Routes of OEE, the organization's production settings and label printing."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Response, Router, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from production.http import BASE, Db, Who
from production.label_jobs import service as labels
from production.oee_tracking import service as oee
from production.organization import service as settings
from unison_objects import DownloadLink, Objects


class JobQueued(msgspec.Struct, frozen=True):
    job_id: UUID
    status: str
    href: str


@get("/oee")
async def oee_report(
    db: Db,
    caller: Who,
    plant_id: FromQuery[UUID],
    first: Annotated[date, QueryParameter(name="from", description="first production day")],
    last: Annotated[date, QueryParameter(name="to", description="last production day")],
    granularity: FromQuery[oee.Granularity] = "day",
    work_center_id: FromQuery[UUID | None] = None,
    line: FromQuery[str | None] = None,
) -> oee.OeeReport:
    """OEE with availability, performance, quality and the loss tree, per shift, day,
    week or month, of a work center, a line or the plant, and for the whole period."""
    query = oee.OeeQuery(
        plant_id=plant_id,
        first=first,
        last=last,
        granularity=granularity,
        work_center_id=work_center_id,
        line=line,
    )
    return await oee.report(db, caller, query)


@get("/settings")
async def get_settings(db: Db, caller: Who) -> settings.ProductionSettings:
    return await settings.get(db, caller)


@put("/settings")
async def put_settings(
    db: Db, caller: Who, data: JSONBody[settings.ProductionSettingsPut]
) -> settings.ProductionSettings:
    """Admins only."""
    return await settings.put(db, caller, data)


@post("/labels", status_code=202)
async def request_labels(
    db: Db, caller: Who, public_url: NamedDependency[str], data: JSONBody[labels.LabelRequest]
) -> Response[JobQueued]:
    """A PDF of labels, made by a job: follow it at ``href`` (or over the WebSocket)."""
    job_id = await labels.request(db, caller, data, public_url)
    href = f"{BASE}/jobs/{job_id}"
    return Response(
        JobQueued(job_id=job_id, status="queued", href=href),
        status_code=202,
        headers={"Location": href},
    )


@get("/labels/{file_id:uuid}", media_type="application/pdf")
async def download_labels(
    db: Db, objects: Objects, caller: Who, file_id: FromPath[UUID]
) -> Response[Any]:
    """The PDF, streamed through the service (kept a week)."""
    return await labels.download(db, objects, caller, file_id)


@get("/labels/{file_id:uuid}/link")
async def labels_link(
    db: Db, objects: Objects, caller: Who, file_id: FromPath[UUID]
) -> DownloadLink:
    """A presigned link to the PDF in the object store, working without a token until
    ``expires_at`` (for clients that reach the store: see the README)."""
    return await labels.link(db, objects, caller, file_id)


def reporting_router() -> Router:
    return Router(
        path=BASE,
        tags=["oee, settings, labels"],
        route_handlers=[
            oee_report,
            get_settings,
            put_settings,
            request_labels,
            download_labels,
            labels_link,
        ],
    )

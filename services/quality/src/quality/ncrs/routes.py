"""Routes of NCRs and their files."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from litestar import Request, Response, Router, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from quality.http import BASE, Cursor, Db, IfMatch, Limit, Who, required_version, tagged
from quality.ncrs import files
from quality.ncrs import service as ncrs
from quality.ncrs.models import (
    DispositionDecided,
    Ncr,
    NcrCreate,
    NcrFile,
    NcrFromInspection,
    NcrUpdate,
    StepTaken,
)
from unison_objects import DownloadLink, Objects, receive
from unison_web.paging import Page

ONE = "/ncrs/{ncr_id:uuid}"


@post("/ncrs", status_code=201)
async def create_ncr(db: Db, caller: Who, data: JSONBody[NcrCreate]) -> Response[Ncr]:
    created = await ncrs.create(db, caller, data)
    return tagged(created, created.version, 201, f"{BASE}/ncrs/{created.id}")


@post("/inspections/{inspection_id:uuid}/ncr", status_code=201)
async def create_ncr_from_inspection(
    db: Db, caller: Who, inspection_id: FromPath[UUID], data: JSONBody[NcrFromInspection]
) -> Response[Ncr]:
    """An NCR of a failed inspection, prefilled from it."""
    created = await ncrs.from_inspection(db, caller, inspection_id, data)
    return tagged(created, created.version, 201, f"{BASE}/ncrs/{created.id}")


@get("/ncrs")
async def list_ncrs(
    db: Db,
    caller: Who,
    plant_id: FromQuery[UUID | None] = None,
    material_id: FromQuery[UUID | None] = None,
    status: FromQuery[
        Literal["open", "investigation", "disposition", "verification", "closed", "cancelled"]
        | None
    ] = None,
    open_only: FromQuery[bool | None] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[Ncr]:
    """Newest first; ``open_only``: not closed or cancelled."""
    return await ncrs.list_page(
        db, caller, (plant_id, material_id, status, open_only), cursor, limit
    )


@get(ONE)
async def get_ncr(db: Db, caller: Who, ncr_id: FromPath[UUID]) -> Response[Ncr]:
    found = await ncrs.get(db, caller, ncr_id)
    return tagged(found, found.version)


@patch(ONE)
async def update_ncr(
    db: Db, caller: Who, ncr_id: FromPath[UUID], data: JSONBody[NcrUpdate], if_match: IfMatch = None
) -> Response[Ncr]:
    """Before the disposition only."""
    saved = await ncrs.update(db, caller, ncr_id, data, required_version(if_match))
    return tagged(saved, saved.version)


@post(ONE + "/steps", status_code=200)
async def take_step(
    db: Db, caller: Who, ncr_id: FromPath[UUID], data: JSONBody[StepTaken], if_match: IfMatch = None
) -> Response[Ncr]:
    saved = await ncrs.step(db, caller, ncr_id, data, required_version(if_match))
    return tagged(saved, saved.version)


@post(ONE + "/disposition", status_code=200)
async def decide_disposition(
    db: Db,
    caller: Who,
    ncr_id: FromPath[UUID],
    data: JSONBody[DispositionDecided],
    if_match: IfMatch = None,
) -> Response[Ncr]:
    """Inventory carries it out and answers; the NCR shows ``disposition_status``."""
    saved = await ncrs.decide_disposition(db, caller, ncr_id, data, required_version(if_match))
    return tagged(saved, saved.version)


@post(ONE + "/files", status_code=201)
async def upload_file(
    db: Db,
    objects: Objects,
    caller: Who,
    request: Request[Any, Any, Any],
    ncr_id: FromPath[UUID],
    filename: Annotated[str, QueryParameter(min_length=1, max_length=200)],
) -> NcrFile:
    """A photo or file as the body, its type in Content-Type (at most 10 MB: 413 above,
    415 for a type not accepted), kept in the object store."""
    return await files.add(db, objects, caller, ncr_id, await receive(request, filename))


@get(ONE + "/files")
async def list_files(db: Db, caller: Who, ncr_id: FromPath[UUID]) -> list[NcrFile]:
    return await files.listed(db, caller, ncr_id)


@get(ONE + "/files/{file_id:uuid}")
async def download_file(
    db: Db, objects: Objects, caller: Who, ncr_id: FromPath[UUID], file_id: FromPath[UUID]
) -> Response[Any]:
    """The file, streamed through the service."""
    return await files.download(db, objects, caller, ncr_id, file_id)


@get(ONE + "/files/{file_id:uuid}/link")
async def file_link(
    db: Db, objects: Objects, caller: Who, ncr_id: FromPath[UUID], file_id: FromPath[UUID]
) -> DownloadLink:
    """A presigned link to the file in the object store, working without a token until
    ``expires_at`` (for clients that reach the store: see the README)."""
    return await files.link(db, objects, caller, ncr_id, file_id)


@delete(ONE + "/files/{file_id:uuid}", status_code=204)
async def delete_file(
    db: Db, objects: Objects, caller: Who, ncr_id: FromPath[UUID], file_id: FromPath[UUID]
) -> None:
    await files.delete(db, objects, caller, ncr_id, file_id)


def ncr_router() -> Router:
    return Router(
        path=BASE,
        tags=["NCRs"],
        route_handlers=[
            create_ncr,
            create_ncr_from_inspection,
            list_ncrs,
            get_ncr,
            update_ncr,
            take_step,
            decide_disposition,
            upload_file,
            list_files,
            download_file,
            file_link,
            delete_file,
        ],
    )

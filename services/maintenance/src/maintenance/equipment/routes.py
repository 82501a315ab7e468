"""Routes of equipment and its documents."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Request, Response, Router, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from maintenance.equipment import documents, service
from maintenance.equipment.models import (
    Document,
    Equipment,
    EquipmentCreate,
    EquipmentUpdate,
    Level,
)
from maintenance.equipment.repo import Node
from maintenance.http import BASE, Cursor, Db, IfMatch, Limit, Who, required_version, tagged
from unison_objects import DownloadLink, Objects, receive
from unison_web.paging import Page

ONE = "/equipment/{equipment_id:uuid}"


@post("/equipment", status_code=201)
async def create_equipment(
    db: Db, caller: Who, data: JSONBody[EquipmentCreate]
) -> Response[Equipment]:
    created = await service.create(db, caller, data)
    return tagged(created, created.version, 201, f"{BASE}/equipment/{created.id}")


@get("/equipment")
async def list_equipment(
    db: Db,
    caller: Who,
    plant_id: FromQuery[UUID | None] = None,
    parent_id: FromQuery[UUID | None] = None,
    top_level: FromQuery[bool] = False,
    level: FromQuery[Level | None] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[Equipment]:
    filters = (plant_id, parent_id, top_level, level)
    return await service.list_page(db, caller, filters, cursor, limit)


@get(ONE)
async def get_equipment(db: Db, caller: Who, equipment_id: FromPath[UUID]) -> Response[Equipment]:
    found = await service.get(db, caller, equipment_id)
    return tagged(found, found.version)


@get(ONE + "/tree")
async def equipment_tree(db: Db, caller: Who, equipment_id: FromPath[UUID]) -> list[Node]:
    """The equipment and everything under it, with each node's depth."""
    return await service.tree(db, caller, equipment_id)


@patch(ONE)
async def update_equipment(
    db: Db,
    caller: Who,
    equipment_id: FromPath[UUID],
    data: JSONBody[EquipmentUpdate],
    if_match: IfMatch = None,
) -> Response[Equipment]:
    updated = await service.update(db, caller, equipment_id, data, required_version(if_match))
    return tagged(updated, updated.version)


@delete(ONE, status_code=204)
async def delete_equipment(
    db: Db, caller: Who, equipment_id: FromPath[UUID], if_match: IfMatch = None
) -> None:
    """Only equipment nothing refers to (409 otherwise: scrap it)."""
    await service.delete(db, caller, equipment_id, required_version(if_match))


@post(ONE + "/documents", status_code=201)
async def upload_document(
    db: Db,
    objects: Objects,
    caller: Who,
    request: Request[Any, Any, Any],
    equipment_id: FromPath[UUID],
    filename: Annotated[str, QueryParameter(min_length=1, max_length=200)],
) -> Document:
    """The file as the body, its type in Content-Type (PDF, images, text, office files; at
    most 10 MB: 413 above, 415 for another type), kept in the object store."""
    upload = await receive(request, filename)
    return await documents.add(db, objects, caller, equipment_id, upload)


@get(ONE + "/documents")
async def list_documents(db: Db, caller: Who, equipment_id: FromPath[UUID]) -> list[Document]:
    return await documents.listed(db, caller, equipment_id)


@get(ONE + "/documents/{document_id:uuid}")
async def download_document(
    db: Db, objects: Objects, caller: Who, equipment_id: FromPath[UUID], document_id: FromPath[UUID]
) -> Response[Any]:
    """The file, streamed through the service."""
    return await documents.download(db, objects, caller, equipment_id, document_id)


@get(ONE + "/documents/{document_id:uuid}/link")
async def document_link(
    db: Db, objects: Objects, caller: Who, equipment_id: FromPath[UUID], document_id: FromPath[UUID]
) -> DownloadLink:
    """A presigned link to the file in the object store, working without a token until
    ``expires_at`` (for clients that reach the store: see the README)."""
    return await documents.link(db, objects, caller, equipment_id, document_id)


@delete(ONE + "/documents/{document_id:uuid}", status_code=204)
async def delete_document(
    db: Db, objects: Objects, caller: Who, equipment_id: FromPath[UUID], document_id: FromPath[UUID]
) -> None:
    await documents.delete(db, objects, caller, equipment_id, document_id)


def equipment_router() -> Router:
    return Router(
        path=BASE,
        tags=["equipment"],
        route_handlers=[
            create_equipment,
            list_equipment,
            get_equipment,
            equipment_tree,
            update_equipment,
            delete_equipment,
            upload_document,
            list_documents,
            download_document,
            document_link,
            delete_document,
        ],
    )

"""Routes of equipment and its documents."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Request, Response, Router, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from maintenance.equipment import service
from maintenance.equipment.models import (
    Document,
    Equipment,
    EquipmentCreate,
    EquipmentUpdate,
    Level,
)
from maintenance.equipment.repo import Node
from maintenance.http import BASE, Cursor, Db, IfMatch, Limit, Who, required_version, tagged
from unison_web.files import attachment, upload_of
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
    caller: Who,
    request: Request[Any, Any, Any],
    equipment_id: FromPath[UUID],
    filename: Annotated[str, QueryParameter(min_length=1, max_length=200)],
) -> Document:
    """The file as the body, its type in Content-Type (PDF, images, text, office files; at
    most 10 MB)."""
    return await service.add_document(db, caller, equipment_id, await upload_of(request, filename))


@get(ONE + "/documents")
async def list_documents(db: Db, caller: Who, equipment_id: FromPath[UUID]) -> list[Document]:
    return await service.documents(db, caller, equipment_id)


@get(ONE + "/documents/{document_id:uuid}")
async def download_document(
    db: Db, caller: Who, equipment_id: FromPath[UUID], document_id: FromPath[UUID]
) -> Response[bytes]:
    filename, content_type, content = await service.document(db, caller, equipment_id, document_id)
    return attachment(filename, content_type, content)


@delete(ONE + "/documents/{document_id:uuid}", status_code=204)
async def delete_document(
    db: Db, caller: Who, equipment_id: FromPath[UUID], document_id: FromPath[UUID]
) -> None:
    await service.delete_document(db, caller, equipment_id, document_id)


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
            delete_document,
        ],
    )

"""HTTP routes of the SAP integration.

``/api/inventory/sap/...`` is what SAP (the integration role) calls; the settings under
``/api/inventory/admin/sap/...`` are for administrators only (the gateway's admin-path
rule, and a guard here).
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Request, Response, Router, delete, get, post, put
from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, HeaderParameter, JSONBody, QueryParameter

from inventory.routes import Cursor, Db, Limit, Who
from inventory.sap import admin, inbound, messages
from inventory.sap.inbound import Received
from inventory.sap.models import (
    Accepted,
    CodeKind,
    Direction,
    MessageKind,
    MessageStatus,
    SapCode,
    SapCodePut,
    SapConnection,
    SapConnectionPut,
    SapMessage,
    SapMessageDetail,
    SapPlant,
    SapPlantPut,
)
from inventory.sap.repo import MessageFilter
from unison_web.auth import provide_principal, require_role
from unison_web.paging import Page

SAP = "/api/inventory/sap"
ADMIN = "/api/inventory/admin/sap"
MESSAGE = "/messages/{message_id:uuid}"
_INBOUND = {
    200: ResponseSpec(Accepted, description="received before: the first message"),
    202: ResponseSpec(Accepted, description="stored; a job processes it"),
}


def _accepted(received: Received) -> Response[Accepted]:
    message = received.message
    body = Accepted(
        id=message.id,
        kind=message.kind,
        external_id=message.external_id,
        status=message.status,
        href=message.href,
        duplicate=received.duplicate,
    )
    status = 200 if received.duplicate else 202
    return Response(body, status_code=status, headers={"Location": message.href})


@post("/idocs", status_code=202, responses=_INBOUND)
async def receive_idoc(db: Db, caller: Who, request: Request[Any, Any, Any]) -> Response[Accepted]:
    """One IDoc as XML (MATMAS, LOIPRO, BOMMAT). 202 with the stored message; the same
    DOCNUM again is 200 with the first message; a malformed IDoc is 422, not stored."""
    return _accepted(await inbound.receive_idoc(db, caller, await request.body()))


@post("/odata/products", status_code=202, responses=_INBOUND)
async def receive_product(
    db: Db,
    caller: Who,
    request: Request[Any, Any, Any],
    message_id: Annotated[str | None, HeaderParameter(name="X-Message-Id", max_length=200)] = None,
) -> Response[Accepted]:
    """One A_Product as S/4 returns it (``{"d": {...}}``, navigations expanded or not)."""
    raw = await request.body()
    return _accepted(await inbound.receive_product(db, caller, raw, message_id))


@post("/events", status_code=202, responses=_INBOUND)
async def receive_event(db: Db, caller: Who, request: Request[Any, Any, Any]) -> Response[Accepted]:
    """An S/4 business event (CloudEvent): ProductionOrder.Created."""
    return _accepted(await inbound.receive_event(db, caller, await request.body()))


@get("/messages")
async def list_messages(
    db: Db,
    caller: Who,
    direction: Annotated[Direction | None, QueryParameter()] = None,
    status: Annotated[MessageStatus | None, QueryParameter()] = None,
    kind: Annotated[MessageKind | None, QueryParameter()] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[SapMessage]:
    """Messages in and out, newest first."""
    where = MessageFilter(direction=direction, kind=kind, status=status)
    return await messages.page(db, caller, where, cursor, limit)


@get(MESSAGE)
async def get_message(db: Db, caller: Who, message_id: FromPath[UUID]) -> SapMessageDetail:
    return await messages.get(db, caller, message_id)


@get(MESSAGE + "/payload", media_type="application/octet-stream")
async def get_payload(db: Db, caller: Who, message_id: FromPath[UUID]) -> Response[bytes]:
    """The message exactly as it arrived (for an outbound one: the event that caused it)."""
    content_type, body = await messages.payload(db, caller, message_id)
    return Response(body, media_type=content_type)


@post(MESSAGE + "/replay", status_code=202)
async def replay_message(
    db: Db, caller: Who, message_id: FromPath[UUID]
) -> Response[SapMessageDetail]:
    """Process a failed message again; 409 unless it failed."""
    replayed = await messages.replay(db, caller, message_id)
    return Response(replayed, status_code=202, headers={"Location": replayed.href})


def sap_router() -> Router:
    return Router(
        path=SAP,
        tags=["sap"],
        route_handlers=[
            receive_idoc,
            receive_product,
            receive_event,
            list_messages,
            get_message,
            get_payload,
            replay_message,
        ],
    )


# ------------------------------------------------------------------ admin


def admins_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    require_role(provide_principal(Request(connection.scope)), "admin")


@get("/connection")
async def get_connection(db: Db, caller: Who) -> SapConnection:
    return await admin.get_connection(db, caller)


@put("/connection")
async def put_connection(
    db: Db, caller: Who, data: JSONBody[SapConnectionPut]
) -> Response[SapConnection]:
    """Create or replace the connection; secrets are never shown again."""
    saved, created = await admin.put_connection(db, caller, data)
    return Response(saved, status_code=201 if created else 200)


@delete("/connection")
async def delete_connection(db: Db, caller: Who) -> None:
    await admin.delete_connection(db, caller)


@get("/plants")
async def list_plants(db: Db, caller: Who) -> Page[SapPlant]:
    return Page(items=await admin.plants(db, caller))


@put("/plants/{werks:str}")
async def put_plant(
    db: Db, caller: Who, werks: FromPath[str], data: JSONBody[SapPlantPut]
) -> SapPlant:
    """SAP plant ``werks`` is Unison plant ``plant_id`` (null: Unison skips its data)."""
    return await admin.put_plant(db, caller, werks, data.plant_id)


@delete("/plants/{werks:str}")
async def delete_plant(db: Db, caller: Who, werks: FromPath[str]) -> None:
    await admin.delete_plant(db, caller, werks)


@get("/codes")
async def list_codes(db: Db, caller: Who) -> Page[SapCode]:
    return Page(items=await admin.code_list(db, caller))


@put("/codes/{kind:str}/{sap_code:str}")
async def put_code(
    db: Db,
    caller: Who,
    kind: FromPath[CodeKind],
    sap_code: FromPath[str],
    data: JSONBody[SapCodePut],
) -> SapCode:
    """An SAP material type or unit of this organization and the Unison code it is."""
    return await admin.put_code(db, caller, kind, sap_code, data)


@delete("/codes/{kind:str}/{sap_code:str}")
async def delete_code(
    db: Db, caller: Who, kind: FromPath[CodeKind], sap_code: FromPath[str]
) -> None:
    await admin.delete_code(db, caller, kind, sap_code)


def sap_admin_router() -> Router:
    return Router(
        path=ADMIN,
        tags=["sap admin"],
        guards=[admins_only],
        route_handlers=[
            get_connection,
            put_connection,
            delete_connection,
            list_plants,
            put_plant,
            delete_plant,
            list_codes,
            put_code,
            delete_code,
        ],
    )

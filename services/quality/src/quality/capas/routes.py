"""Routes of CAPAs and their actions."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from litestar import Response, Router, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody

from quality.capas import service as capas
from quality.capas.models import ActionsAdd, Capa, CapaCreate, CapaStep, CapaUpdate, Effectiveness
from quality.http import BASE, Cursor, Db, IfMatch, Limit, Who, required_version, tagged
from unison_web.paging import Page

ONE = "/capas/{capa_id:uuid}"


@post("/capas", status_code=201)
async def create_capa(db: Db, caller: Who, data: JSONBody[CapaCreate]) -> Response[Capa]:
    created = await capas.create(db, caller, data)
    return tagged(created, created.version, 201, f"{BASE}/capas/{created.id}")


@get("/capas")
async def list_capas(
    db: Db,
    caller: Who,
    plant_id: FromQuery[UUID | None] = None,
    status: FromQuery[
        Literal["open", "in_progress", "effectiveness_check", "closed", "cancelled"] | None
    ] = None,
    ncr_id: FromQuery[UUID | None] = None,
    overdue: FromQuery[bool | None] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[Capa]:
    """Newest first; ``overdue``: the CAPA or one of its actions is past its due date."""
    return await capas.list_page(db, caller, (plant_id, status, ncr_id, overdue), cursor, limit)


@get(ONE)
async def get_capa(db: Db, caller: Who, capa_id: FromPath[UUID]) -> Response[Capa]:
    found = await capas.get(db, caller, capa_id)
    return tagged(found, found.version)


@patch(ONE)
async def update_capa(
    db: Db,
    caller: Who,
    capa_id: FromPath[UUID],
    data: JSONBody[CapaUpdate],
    if_match: IfMatch = None,
) -> Response[Capa]:
    saved = await capas.update(db, caller, capa_id, data, required_version(if_match))
    return tagged(saved, saved.version)


@post(ONE + "/steps", status_code=200)
async def take_capa_step(
    db: Db, caller: Who, capa_id: FromPath[UUID], data: JSONBody[CapaStep], if_match: IfMatch = None
) -> Response[Capa]:
    saved = await capas.step(db, caller, capa_id, data, required_version(if_match))
    return tagged(saved, saved.version)


@post(ONE + "/effectiveness", status_code=200)
async def check_effectiveness(
    db: Db,
    caller: Who,
    capa_id: FromPath[UUID],
    data: JSONBody[Effectiveness],
    if_match: IfMatch = None,
) -> Response[Capa]:
    saved = await capas.effectiveness(db, caller, capa_id, data, required_version(if_match))
    return tagged(saved, saved.version)


@post(ONE + "/actions", status_code=201)
async def add_actions(
    db: Db,
    caller: Who,
    capa_id: FromPath[UUID],
    data: JSONBody[ActionsAdd],
) -> Response[Capa]:
    saved = await capas.add_actions(db, caller, capa_id, data.actions)
    return tagged(saved, saved.version, 201)


@post(ONE + "/actions/{action_id:uuid}/done", status_code=200)
async def action_done(
    db: Db, caller: Who, capa_id: FromPath[UUID], action_id: FromPath[UUID]
) -> Response[Capa]:
    saved = await capas.action_done(db, caller, capa_id, action_id, True)
    return tagged(saved, saved.version)


@post(ONE + "/actions/{action_id:uuid}/reopen", status_code=200)
async def action_reopen(
    db: Db, caller: Who, capa_id: FromPath[UUID], action_id: FromPath[UUID]
) -> Response[Capa]:
    saved = await capas.action_done(db, caller, capa_id, action_id, False)
    return tagged(saved, saved.version)


def capa_router() -> Router:
    return Router(
        path=BASE,
        tags=["CAPA"],
        route_handlers=[
            create_capa,
            list_capas,
            get_capa,
            update_capa,
            take_capa_step,
            check_effectiveness,
            add_actions,
            action_done,
            action_reopen,
        ],
    )

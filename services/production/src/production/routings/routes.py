"""Routes of routings."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from litestar import Response, Router, delete, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody

from production.http import BASE, Cursor, Db, IfMatch, Limit, Who, required_version, tagged
from production.routings import service as routings
from production.routings.models import RevisionCreate, Routing, RoutingCreate, RoutingPut
from production.routings.repo import Header
from unison_web.paging import Page

ONE = "/routings/{routing_id:uuid}"


@post("/routings", status_code=201)
async def create_routing(db: Db, caller: Who, data: JSONBody[RoutingCreate]) -> Response[Routing]:
    created = await routings.create(db, caller, data)
    return tagged(created, created.version, 201, f"{BASE}/routings/{created.id}")


@get("/routings")
async def list_routings(
    db: Db,
    caller: Who,
    material_id: FromQuery[UUID | None] = None,
    plant_id: FromQuery[UUID | None] = None,
    status: FromQuery[Literal["draft", "released", "obsolete"] | None] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[Header]:
    return await routings.list_page(db, caller, (material_id, plant_id, status), cursor, limit)


@get(ONE)
async def get_routing(db: Db, caller: Who, routing_id: FromPath[UUID]) -> Response[Routing]:
    found = await routings.get(db, caller, routing_id)
    return tagged(found, found.version)


@put(ONE)
async def replace_routing(
    db: Db,
    caller: Who,
    routing_id: FromPath[UUID],
    data: JSONBody[RoutingPut],
    if_match: IfMatch = None,
) -> Response[Routing]:
    """Drafts only."""
    replaced = await routings.replace(db, caller, routing_id, data, required_version(if_match))
    return tagged(replaced, replaced.version)


@post(ONE + "/release", status_code=200)
async def release_routing(
    db: Db, caller: Who, routing_id: FromPath[UUID], if_match: IfMatch = None
) -> Response[Routing]:
    """The released routing it succeeds ends the day before this one starts."""
    released = await routings.release(db, caller, routing_id, required_version(if_match))
    return tagged(released, released.version)


@post(ONE + "/obsolete", status_code=200)
async def obsolete_routing(
    db: Db, caller: Who, routing_id: FromPath[UUID], if_match: IfMatch = None
) -> Response[Routing]:
    done = await routings.obsolete(db, caller, routing_id, required_version(if_match))
    return tagged(done, done.version)


@post(ONE + "/revisions", status_code=201)
async def new_routing_revision(
    db: Db, caller: Who, routing_id: FromPath[UUID], data: JSONBody[RevisionCreate]
) -> Response[Routing]:
    """A draft copy of this routing as the next revision."""
    created = await routings.new_revision(db, caller, routing_id, data)
    return tagged(created, created.version, 201, f"{BASE}/routings/{created.id}")


@delete(ONE, status_code=204)
async def delete_routing(
    db: Db, caller: Who, routing_id: FromPath[UUID], if_match: IfMatch = None
) -> None:
    """Drafts only."""
    await routings.delete(db, caller, routing_id, required_version(if_match))


def routing_router() -> Router:
    return Router(
        path=BASE,
        tags=["routings"],
        route_handlers=[
            create_routing,
            list_routings,
            get_routing,
            replace_routing,
            release_routing,
            obsolete_routing,
            new_routing_revision,
            delete_routing,
        ],
    )

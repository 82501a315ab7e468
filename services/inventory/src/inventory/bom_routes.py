"""HTTP routes of bills of materials under ``/api/inventory``: versions, their release,
explosion and where-used."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from litestar import Response, Router, delete, get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter

from inventory.bom_models import (
    Bom,
    BomCreate,
    BomHeader,
    BomStatus,
    BomUpdate,
    BomUsage,
    BomVersionCreate,
    Explosion,
    ExplosionScope,
    ExplosionSummary,
    WhereUsed,
    WhereUsedLevel,
)
from inventory.bom_repo import BomFilter
from inventory.routes import BASE, MATERIAL, Cursor, Db, IfMatch, Limit, MaterialId, Who
from inventory.service import bom_explosion, boms
from inventory.service.bom_explosion import DEFAULT_DEPTH, ExplosionQuery, WhereUsedQuery
from unison_web.etag import etag_of, expected_version
from unison_web.paging import Page

BOM = "/boms/{bom_id:uuid}"
BomId = FromPath[UUID]
PlantQuery = Annotated[
    UUID | None,
    QueryParameter(description="the plant's own BOMs first, then those for all plants"),
]
OnDate = Annotated[date | None, QueryParameter(name="date", description="default today")]
Usage = Annotated[BomUsage, QueryParameter()]


def _tagged(bom: Bom, status: int = 200) -> Response[Bom]:
    headers = {"ETag": etag_of(bom.version)}
    if status == 201:
        headers["Location"] = f"{BASE}/boms/{bom.id}"
    return Response(bom, status_code=status, headers=headers)


@post("/boms", status_code=201)
async def create_bom(db: Db, caller: Who, data: JSONBody[BomCreate]) -> Response[Bom]:
    """Save a draft version (``"status": "released"`` releases it at once); a BOM that would
    contain itself is 409 naming the path."""
    return _tagged(await boms.create(db, caller, data), 201)


@get("/boms")
async def list_boms(
    db: Db,
    caller: Who,
    material_id: Annotated[UUID | None, QueryParameter()] = None,
    plant_id: Annotated[UUID | None, QueryParameter()] = None,
    all_plants: Annotated[
        bool, QueryParameter(description="only versions valid in every plant")
    ] = False,
    usage: Annotated[BomUsage | None, QueryParameter()] = None,
    status: Annotated[BomStatus | None, QueryParameter()] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[BomHeader]:
    where = BomFilter(
        material_id=material_id,
        plant_id=plant_id,
        all_plants_only=all_plants,
        usage=usage,
        status=status,
    )
    return await boms.list_boms(db, caller, where, cursor, limit)


@get(BOM)
async def get_bom(db: Db, caller: Who, bom_id: BomId) -> Response[Bom]:
    return _tagged(await boms.get(db, caller, bom_id))


@patch(BOM)
async def update_bom(
    db: Db, caller: Who, bom_id: BomId, data: JSONBody[BomUpdate], if_match: IfMatch = None
) -> Response[Bom]:
    """Change a draft (released versions never change: 409)."""
    bom = await boms.update(db, caller, bom_id, data, expected_version(if_match))
    return _tagged(bom)


@delete(BOM)
async def delete_bom(db: Db, caller: Who, bom_id: BomId, if_match: IfMatch = None) -> None:
    await boms.delete(db, caller, bom_id, expected_version(if_match))


@post(BOM + "/release", status_code=200)
async def release_bom(
    db: Db, caller: Who, bom_id: BomId, if_match: IfMatch = None
) -> Response[Bom]:
    """Release a draft; the version it succeeds ends where this one starts."""
    return _tagged(await boms.release(db, caller, bom_id, expected_version(if_match)))


@post(BOM + "/obsolete", status_code=200)
async def obsolete_bom(
    db: Db, caller: Who, bom_id: BomId, if_match: IfMatch = None
) -> Response[Bom]:
    return _tagged(await boms.obsolete(db, caller, bom_id, expected_version(if_match)))


@post(BOM + "/versions", status_code=201)
async def new_bom_version(
    db: Db, caller: Who, bom_id: BomId, data: JSONBody[BomVersionCreate]
) -> Response[Bom]:
    """A new draft revision with this version's items, to change and release."""
    return _tagged(await boms.new_version(db, caller, bom_id, data), 201)


def _explosion_query(
    plant_id: UUID | None,
    on: date | None,
    quantity: str | None,
    unit: str | None,
    usage: BomUsage,
    alternative: int | None,
    max_depth: int,
    scope: ExplosionScope,
) -> ExplosionQuery:
    return ExplosionQuery(
        plant_id=plant_id,
        on=on,
        quantity=quantity,
        unit=unit,
        usage=usage,
        alternative=alternative,
        max_depth=max_depth,
        scope=scope,
    )


Quantity = Annotated[str | None, QueryParameter(description="default 1")]
UnitParam = Annotated[str | None, QueryParameter(description="default the base unit")]
AlternativeParam = Annotated[int | None, QueryParameter(ge=1, le=99)]
MaxDepth = Annotated[int, QueryParameter(ge=1, le=bom_explosion.MAX_DEPTH)]
Scope = Annotated[
    ExplosionScope,
    QueryParameter(name="scope", description="full: every level; order: what one order issues"),
]


@get(MATERIAL + "/bom-explosion")
async def explode_bom(
    db: Db,
    caller: Who,
    material_id: MaterialId,
    plant_id: PlantQuery = None,
    on: OnDate = None,
    quantity: Quantity = None,
    unit: UnitParam = None,
    usage: Usage = "production",
    alternative: AlternativeParam = None,
    max_depth: MaxDepth = DEFAULT_DEPTH,
    explosion_scope: Scope = "full",
) -> Explosion:
    """The multi-level structure for ``quantity``: phantoms exploded through, by-products
    apart, quantities compounded with scrap in base and entry units."""
    query = _explosion_query(
        plant_id, on, quantity, unit, usage, alternative, max_depth, explosion_scope
    )
    return await bom_explosion.explode(db, caller, material_id, query)


@get(MATERIAL + "/bom-explosion/summary")
async def explode_bom_summary(
    db: Db,
    caller: Who,
    material_id: MaterialId,
    plant_id: PlantQuery = None,
    on: OnDate = None,
    quantity: Quantity = None,
    unit: UnitParam = None,
    usage: Usage = "production",
    alternative: AlternativeParam = None,
    max_depth: MaxDepth = DEFAULT_DEPTH,
    explosion_scope: Scope = "full",
) -> ExplosionSummary:
    """The same explosion summed per component (and per by-product)."""
    query = _explosion_query(
        plant_id, on, quantity, unit, usage, alternative, max_depth, explosion_scope
    )
    return await bom_explosion.summarize(db, caller, material_id, query)


@get(MATERIAL + "/where-used")
async def where_used(
    db: Db,
    caller: Who,
    material_id: MaterialId,
    plant_id: PlantQuery = None,
    on: OnDate = None,
    usage: Annotated[BomUsage | None, QueryParameter()] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[WhereUsed]:
    """The released BOM versions valid on the date whose items use this material."""
    query = WhereUsedQuery(plant_id=plant_id, on=on, usage=usage)
    return await bom_explosion.where_used(db, caller, material_id, query, cursor, limit)


@get(MATERIAL + "/where-used/all-levels")
async def where_used_all_levels(
    db: Db,
    caller: Who,
    material_id: MaterialId,
    plant_id: PlantQuery = None,
    on: OnDate = None,
    usage: Annotated[BomUsage | None, QueryParameter()] = None,
    top_level_only: Annotated[bool, QueryParameter()] = False,
) -> Page[WhereUsedLevel]:
    """Every material using this one at any depth, nearest first, top-level ones marked."""
    query = WhereUsedQuery(plant_id=plant_id, on=on, usage=usage)
    found = await bom_explosion.where_used_levels(
        db, caller, material_id, query, top_only=top_level_only
    )
    return Page(items=found)


def bom_router() -> Router:
    return Router(
        path=BASE,
        tags=["boms"],
        route_handlers=[
            create_bom,
            list_boms,
            get_bom,
            update_bom,
            delete_bom,
            release_bom,
            obsolete_bom,
            new_bom_version,
            explode_bom,
            explode_bom_summary,
            where_used,
            where_used_all_levels,
        ],
    )

"""HTTP routes under ``/api/inventory``: parse, call one use case, answer.

Mounted by the service itself at the path the gateway forwards unchanged.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar
from uuid import UUID

from litestar import Request, Response, Router, delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, HeaderParameter, JSONBody, QueryParameter

from inventory.models import (
    AlternativeUnit,
    AlternativeUnitPut,
    AuditEntry,
    Conversion,
    Material,
    MaterialCreate,
    MaterialStatus,
    MaterialType,
    MaterialUpdate,
    PlantData,
    PlantDataPut,
    Unit,
    UnitCreate,
)
from inventory.repo import Sort
from inventory.service import exports, idempotency, lists, materials, plants, units
from inventory.service.caller import Caller
from unison_objects import DownloadLink, Objects
from unison_pg import Database, Tenant
from unison_web.etag import etag_of, expected_version
from unison_web.paging import Page

BASE = "/api/inventory"
T = TypeVar("T")
MATERIAL = "/materials/{material_id:uuid}"

Db = NamedDependency[Database]
Who = NamedDependency[Caller]
MaterialId = FromPath[UUID]
Limit = Annotated[int, QueryParameter(ge=1, le=500, description="page size (default 50)")]
Cursor = Annotated[str | None, QueryParameter(description="next_cursor of the previous page")]
IfMatch = Annotated[str | None, HeaderParameter(name="If-Match")]


def provide_caller(request: Request[Any, Any, Any], tenant: NamedDependency[Tenant]) -> Caller:
    return Caller(tenant=tenant, request_id=request.scope.get("state", {}).get("request_id"))


def _tagged(content: T, version: int, status: int = 200) -> Response[T]:
    return Response(content, status_code=status, headers={"ETag": etag_of(version)})


def _optional_version(if_match: str | None) -> int | None:
    return None if if_match is None else expected_version(if_match)


# ------------------------------------------------------------------ units of measure


@get("/units")
async def list_units(db: Db, caller: Who, limit: Limit = 50, cursor: Cursor = None) -> Page[Unit]:
    return await units.list_units(db, caller, cursor, limit)


@post("/units", status_code=201)
async def create_unit(db: Db, caller: Who, data: JSONBody[UnitCreate]) -> Response[Unit]:
    unit = await units.create_unit(db, caller, data)
    return _tagged(unit, unit.version, 201)


@get("/units/{code:str}")
async def get_unit(db: Db, caller: Who, code: FromPath[str]) -> Response[Unit]:
    unit = await units.get_unit(db, caller, code)
    return _tagged(unit, unit.version)


# ------------------------------------------------------------------ materials


@post(
    "/materials",
    status_code=201,
    responses={201: ResponseSpec(Material, description="the material (or the first response)")},
)
async def create_material(
    db: Db,
    caller: Who,
    data: JSONBody[MaterialCreate],
    idempotency_key: Annotated[str | None, HeaderParameter(name=idempotency.HEADER)] = None,
) -> Response[bytes]:
    key = idempotency.check_key(idempotency_key) if idempotency_key is not None else None
    created = await materials.create(db, caller, data, key)
    headers = {
        "ETag": etag_of(created.version),
        "Location": f"{BASE}/materials/{created.material_id}",
    }
    if created.replayed:
        headers["Idempotent-Replayed"] = "true"
    return Response(
        created.body, status_code=created.status, media_type="application/json", headers=headers
    )


@get("/materials")
async def list_materials(
    db: Db,
    caller: Who,
    limit: Limit = 50,
    cursor: Cursor = None,
    sort: Annotated[Sort, QueryParameter()] = "number",
    material_type: Annotated[MaterialType | None, QueryParameter(name="type")] = None,
    status: Annotated[MaterialStatus | None, QueryParameter()] = None,
    base_unit: Annotated[str | None, QueryParameter()] = None,
    material_group: Annotated[str | None, QueryParameter()] = None,
    q: Annotated[
        str | None, QueryParameter(description="number prefix or description words")
    ] = None,
    plant_id: Annotated[UUID | None, QueryParameter()] = None,
) -> Page[Material]:
    query = lists.ListQuery(
        sort=sort,
        limit=limit,
        cursor=cursor,
        type=material_type,
        status=status,
        base_unit=base_unit,
        material_group=material_group,
        q=q,
        plant_id=plant_id,
    )
    return await lists.materials(db, caller, query)


@post("/materials/exports", status_code=202)
async def export_materials(
    db: Db, caller: Who, data: JSONBody[exports.ExportRequest]
) -> Response[exports.ExportQueued]:
    """Queue a CSV export of the materials matching the filters; follow the job's URL."""
    job_id = await exports.request(db, caller, data)
    href = f"{BASE}/jobs/{job_id}"
    return Response(
        exports.ExportQueued(job_id=job_id, status="queued", href=href),
        status_code=202,
        headers={"Location": href},
    )


@get("/exports/{export_id:uuid}", media_type="text/csv")
async def download_export(
    db: Db, objects: Objects, caller: Who, export_id: FromPath[UUID]
) -> Response[Any]:
    """The file an export job produced (kept for seven days), streamed through the service."""
    return await exports.download(db, objects, caller, export_id)


@get("/exports/{export_id:uuid}/link")
async def export_link(
    db: Db, objects: Objects, caller: Who, export_id: FromPath[UUID]
) -> DownloadLink:
    """A presigned link to the file in the object store, working without a token until
    ``expires_at`` (for clients that reach the store: see the README)."""
    return await exports.link(db, objects, caller, export_id)


@get(MATERIAL)
async def get_material(db: Db, caller: Who, material_id: MaterialId) -> Response[Material]:
    material = await materials.get(db, caller, material_id)
    return _tagged(material, material.version)


@patch(MATERIAL)
async def update_material(
    db: Db,
    caller: Who,
    material_id: MaterialId,
    data: JSONBody[MaterialUpdate],
    if_match: IfMatch = None,
) -> Response[Material]:
    version = expected_version(if_match)
    material = await materials.update(db, caller, material_id, data, version)
    return _tagged(material, material.version)


@delete(MATERIAL)
async def delete_material(
    db: Db, caller: Who, material_id: MaterialId, if_match: IfMatch = None
) -> None:
    await materials.delete(db, caller, material_id, expected_version(if_match))


@get(MATERIAL + "/history")
async def material_history(
    db: Db, caller: Who, material_id: MaterialId, limit: Limit = 50, cursor: Cursor = None
) -> Page[AuditEntry]:
    return await lists.history(db, caller, material_id, cursor, limit)


@get(MATERIAL + "/conversion")
async def convert_quantity(
    db: Db,
    caller: Who,
    material_id: MaterialId,
    quantity: Annotated[str, QueryParameter()],
    source: Annotated[str, QueryParameter(name="from")],
    target: Annotated[str, QueryParameter(name="to")],
) -> Conversion:
    return await units.convert(db, caller, material_id, quantity, source, target)


# ------------------------------------------------------------------ alternative units


@get(MATERIAL + "/units")
async def list_alternative_units(
    db: Db, caller: Who, material_id: MaterialId
) -> Page[AlternativeUnit]:
    return Page(items=await units.alternative_units(db, caller, material_id))


@put(MATERIAL + "/units/{unit:str}")
async def put_alternative_unit(
    db: Db,
    caller: Who,
    material_id: MaterialId,
    unit: FromPath[str],
    data: JSONBody[AlternativeUnitPut],
    if_match: IfMatch = None,
) -> Response[AlternativeUnit]:
    """Set the unit's ratio; the ETag is the material's (alternative units are part of it)."""
    version = _optional_version(if_match)
    saved, material_version = await units.put_alternative_unit(
        db, caller, material_id, unit, data, version
    )
    return _tagged(saved, material_version)


# Documented by hand: from ``Response[None]`` Litestar would promise a JSON body on the 204.
_UNIT_DELETED = {204: ResponseSpec(None, description="Deleted; the ETag is the material's")}


@delete(MATERIAL + "/units/{unit:str}", status_code=204, responses=_UNIT_DELETED)
async def delete_alternative_unit(
    db: Db, caller: Who, material_id: MaterialId, unit: FromPath[str], if_match: IfMatch = None
) -> Response[None]:
    version = await units.delete_alternative_unit(
        db, caller, material_id, unit, _optional_version(if_match)
    )
    return Response(None, status_code=204, headers={"ETag": etag_of(version)})


# ------------------------------------------------------------------ plant data


@get(MATERIAL + "/plants")
async def list_plant_data(db: Db, caller: Who, material_id: MaterialId) -> Page[PlantData]:
    return Page(items=await plants.list_for_material(db, caller, material_id))


@get(MATERIAL + "/plants/{plant_id:uuid}")
async def get_plant_data(
    db: Db, caller: Who, material_id: MaterialId, plant_id: FromPath[UUID]
) -> Response[PlantData]:
    found = await plants.get(db, caller, material_id, plant_id)
    return _tagged(found, found.version)


@put(MATERIAL + "/plants/{plant_id:uuid}")
async def put_plant_data(
    db: Db,
    caller: Who,
    material_id: MaterialId,
    plant_id: FromPath[UUID],
    data: JSONBody[PlantDataPut],
    if_match: IfMatch = None,
) -> Response[PlantData]:
    saved = await plants.put(db, caller, material_id, plant_id, data, _optional_version(if_match))
    return _tagged(saved.plant_data, saved.plant_data.version, 201 if saved.created else 200)


@delete(MATERIAL + "/plants/{plant_id:uuid}")
async def delete_plant_data(
    db: Db, caller: Who, material_id: MaterialId, plant_id: FromPath[UUID], if_match: IfMatch = None
) -> None:
    await plants.delete(db, caller, material_id, plant_id, _optional_version(if_match))


def api_router() -> Router:
    return Router(
        path=BASE,
        tags=["inventory"],
        route_handlers=[
            list_units,
            create_unit,
            get_unit,
            create_material,
            list_materials,
            export_materials,
            download_export,
            export_link,
            get_material,
            update_material,
            delete_material,
            material_history,
            convert_quantity,
            list_alternative_units,
            put_alternative_unit,
            delete_alternative_unit,
            list_plant_data,
            get_plant_data,
            put_plant_data,
            delete_plant_data,
        ],
    )

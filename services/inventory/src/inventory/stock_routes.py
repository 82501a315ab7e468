"""HTTP routes of the stock ledger under ``/api/inventory``: storage locations, goods
movements and on-hand stock."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Response, Router, delete, get, patch, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, HeaderParameter, JSONBody, QueryParameter

from inventory.models import (
    GoodsMovement,
    GoodsMovementCreate,
    Location,
    LocationCreate,
    LocationUpdate,
    StockBalance,
    StockCategory,
)
from inventory.routes import BASE, Cursor, Db, Limit, Who
from inventory.service import idempotency, locations, movements, stock
from inventory.stock_repo import StockFilter
from unison_web.paging import Page

LOCATIONS = "/plants/{plant_id:uuid}/locations"
MOVEMENT = "/goods-movements/{movement_id:uuid}"


@post(LOCATIONS, status_code=201)
async def create_location(
    db: Db, caller: Who, plant_id: FromPath[UUID], data: JSONBody[LocationCreate]
) -> Response[Location]:
    created = await locations.create(db, caller, plant_id, data)
    href = f"{BASE}/plants/{plant_id}/locations/{created.id}"
    return Response(created, status_code=201, headers={"Location": href})


@get(LOCATIONS)
async def list_locations(
    db: Db, caller: Who, plant_id: FromPath[UUID], limit: Limit = 50, cursor: Cursor = None
) -> Page[Location]:
    return await locations.list_locations(db, caller, plant_id, cursor, limit)


@get(LOCATIONS + "/{location_id:uuid}")
async def get_location(
    db: Db, caller: Who, plant_id: FromPath[UUID], location_id: FromPath[UUID]
) -> Location:
    return await locations.get(db, caller, plant_id, location_id)


@patch(LOCATIONS + "/{location_id:uuid}")
async def rename_location(
    db: Db,
    caller: Who,
    plant_id: FromPath[UUID],
    location_id: FromPath[UUID],
    data: JSONBody[LocationUpdate],
) -> Location:
    return await locations.rename(db, caller, plant_id, location_id, data)


@delete(LOCATIONS + "/{location_id:uuid}", status_code=204)
async def delete_location(
    db: Db, caller: Who, plant_id: FromPath[UUID], location_id: FromPath[UUID]
) -> None:
    """Only a location with no sub-locations and no stock history (else 409)."""
    await locations.delete(db, caller, plant_id, location_id)


@post(
    "/goods-movements",
    status_code=201,
    responses={201: ResponseSpec(GoodsMovement, description="the document (or the first one)")},
)
async def post_goods_movement(
    db: Db,
    caller: Who,
    data: JSONBody[GoodsMovementCreate],
    idempotency_key: Annotated[str | None, HeaderParameter(name=idempotency.HEADER)] = None,
) -> Response[bytes]:
    """Post a document; not enough stock is 409 naming the line as ``/lines/N/quantity``.

    ``Idempotency-Key`` makes a retry safe: the same key and body replay the first answer.
    """
    key = idempotency.check_key(idempotency_key) if idempotency_key is not None else None
    posted = await movements.post(db, caller, data, key)
    headers = {"Location": f"{BASE}/goods-movements/{posted.movement_id}"}
    if posted.replayed:
        headers["Idempotent-Replayed"] = "true"
    return Response(
        posted.body, status_code=posted.status, media_type="application/json", headers=headers
    )


@post(MOVEMENT + "/reversal", status_code=201)
async def reverse_goods_movement(
    db: Db, caller: Who, movement_id: FromPath[UUID]
) -> Response[GoodsMovement]:
    """Post the reversal (type + 1: 102, 262, 302, ...); once per document (else 409)."""
    movement = await movements.reverse(db, caller, movement_id)
    href = f"{BASE}/goods-movements/{movement.id}"
    return Response(movement, status_code=201, headers={"Location": href})


@get(MOVEMENT)
async def get_goods_movement(db: Db, caller: Who, movement_id: FromPath[UUID]) -> GoodsMovement:
    return await movements.get(db, caller, movement_id)


@get("/stock")
async def list_stock(
    db: Db,
    caller: Who,
    material_id: Annotated[UUID | None, QueryParameter()] = None,
    plant_id: Annotated[UUID | None, QueryParameter()] = None,
    location_id: Annotated[UUID | None, QueryParameter()] = None,
    lot: Annotated[str | None, QueryParameter()] = None,
    category: Annotated[StockCategory | None, QueryParameter()] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[StockBalance]:
    where = StockFilter(
        material_id=material_id,
        plant_id=plant_id,
        location_id=location_id,
        lot=lot,
        category=category,
    )
    return await stock.on_hand(db, caller, where, cursor, limit)


def stock_router() -> Router:
    return Router(
        path=BASE,
        tags=["stock"],
        route_handlers=[
            create_location,
            list_locations,
            get_location,
            rename_location,
            delete_location,
            post_goods_movement,
            reverse_goods_movement,
            get_goods_movement,
            list_stock,
        ],
    )

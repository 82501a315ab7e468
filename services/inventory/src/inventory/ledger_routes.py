"""HTTP routes of lots, reservations, availability, valuation, period close and batch
postings under ``/api/inventory``."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from litestar import Response, Router, get, patch, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, HeaderParameter, JSONBody, QueryParameter

from inventory.routes import BASE, Cursor, Db, IfMatch, Limit, Who
from inventory.service import idempotency, lots, movements, periods, reservations, stock
from inventory.stock_models import (
    Availability,
    BatchCreate,
    BatchPosted,
    LotCreate,
    LotRecord,
    LotStatus,
    LotUpdate,
    Period,
    PeriodValuation,
    Reservation,
    ReservationsCreate,
    Valuation,
)
from unison_web.etag import etag_of, expected_version
from unison_web.paging import Page

LOTS = "/materials/{material_id:uuid}/lots"
LOT = LOTS + "/{lot:str}"
PERIODS = "/plants/{plant_id:uuid}/periods"


# ------------------------------------------------------------------ lots


@post(LOTS, status_code=201)
async def create_lot(
    db: Db, caller: Who, material_id: FromPath[UUID], data: JSONBody[LotCreate]
) -> Response[LotRecord]:
    created = await lots.create(db, caller, material_id, data)
    href = f"{BASE}/materials/{material_id}/lots/{created.lot}"
    headers = {"ETag": etag_of(created.version), "Location": href}
    return Response(created, status_code=201, headers=headers)


@get(LOTS)
async def list_lots(
    db: Db,
    caller: Who,
    material_id: FromPath[UUID],
    status: Annotated[LotStatus | None, QueryParameter()] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[LotRecord]:
    return await lots.list_lots(db, caller, material_id, status, cursor, limit)


@get(LOT)
async def get_lot(
    db: Db, caller: Who, material_id: FromPath[UUID], lot: FromPath[str]
) -> Response[LotRecord]:
    found = await lots.get(db, caller, material_id, lot)
    return Response(found, headers={"ETag": etag_of(found.version)})


@patch(LOT)
async def update_lot(
    db: Db,
    caller: Who,
    material_id: FromPath[UUID],
    lot: FromPath[str],
    data: JSONBody[LotUpdate],
    if_match: IfMatch = None,
) -> Response[LotRecord]:
    """Release, quarantine or block a lot, or correct its dates; needs If-Match."""
    saved = await lots.update(db, caller, material_id, lot, data, expected_version(if_match))
    return Response(saved, headers={"ETag": etag_of(saved.version)})


@get("/lots/expiring")
async def expiring_lots(
    db: Db,
    caller: Who,
    until: Annotated[date, QueryParameter(description="expiring on or before")],
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[LotRecord]:
    return await lots.expiring(db, caller, until, cursor, limit)


# ------------------------------------------------------------------ availability, valuation


@get("/availability")
async def get_availability(
    db: Db,
    caller: Who,
    material_id: Annotated[UUID, QueryParameter()],
    plant_id: Annotated[UUID, QueryParameter()],
    location_id: Annotated[UUID | None, QueryParameter()] = None,
    lot: Annotated[str | None, QueryParameter()] = None,
) -> Availability:
    """On hand by category, reserved and available of a material in a plant."""
    return await reservations.availability(db, caller, material_id, plant_id, location_id, lot)


@get("/valuations")
async def list_valuations(
    db: Db,
    caller: Who,
    material_id: Annotated[UUID | None, QueryParameter()] = None,
    plant_id: Annotated[UUID | None, QueryParameter()] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[Valuation]:
    return await stock.valuations(db, caller, material_id, plant_id, cursor, limit)


# ------------------------------------------------------------------ reservations


@post("/reservations", status_code=201)
async def create_reservations(
    db: Db, caller: Who, data: JSONBody[ReservationsCreate]
) -> list[Reservation]:
    """Reserve every line or none; 409 naming the line when not enough is available."""
    return await reservations.create(db, caller, data)


@get("/reservations")
async def list_reservations(
    db: Db,
    caller: Who,
    reference: Annotated[str | None, QueryParameter()] = None,
    material_id: Annotated[UUID | None, QueryParameter()] = None,
    plant_id: Annotated[UUID | None, QueryParameter()] = None,
    open_only: Annotated[bool, QueryParameter(description="only open, unexpired")] = False,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[Reservation]:
    return await reservations.list_reservations(
        db, caller, reference, material_id, plant_id, open_only, cursor, limit
    )


@get("/reservations/{reservation_id:uuid}")
async def get_reservation(db: Db, caller: Who, reservation_id: FromPath[UUID]) -> Reservation:
    return await reservations.get(db, caller, reservation_id)


@post("/reservations/{reservation_id:uuid}/cancel", status_code=200)
async def cancel_reservation(db: Db, caller: Who, reservation_id: FromPath[UUID]) -> Reservation:
    return await reservations.cancel(db, caller, reservation_id)


# ------------------------------------------------------------------ periods


@get(PERIODS)
async def list_periods(
    db: Db, caller: Who, plant_id: FromPath[UUID], limit: Limit = 50, cursor: Cursor = None
) -> Page[Period]:
    """The plant's closed months, latest first."""
    return await periods.list_periods(db, caller, plant_id, cursor, limit)


@post(PERIODS + "/{period:str}/close", status_code=201)
async def close_period(
    db: Db, caller: Who, plant_id: FromPath[UUID], period: FromPath[str]
) -> Period:
    """Close a month (YYYY-MM): no posting may land in it after this; in sequence."""
    return await periods.close(db, caller, plant_id, period)


@post(PERIODS + "/{period:str}/reopen", status_code=200)
async def reopen_period(
    db: Db, caller: Who, plant_id: FromPath[UUID], period: FromPath[str]
) -> Period:
    return await periods.reopen(db, caller, plant_id, period)


@get(PERIODS + "/{period:str}/valuations")
async def period_valuations(
    db: Db,
    caller: Who,
    plant_id: FromPath[UUID],
    period: FromPath[str],
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[PeriodValuation]:
    """Stock quantity and value per material at the end of a closed month."""
    return await periods.valuation_at_close(db, caller, plant_id, period, cursor, limit)


# ------------------------------------------------------------------ batch


@post(
    "/goods-movements/batch",
    status_code=201,
    responses={201: ResponseSpec(BatchPosted, description="the documents posted")},
)
async def post_goods_movement_batch(
    db: Db,
    caller: Who,
    data: JSONBody[BatchCreate],
    idempotency_key: Annotated[str | None, HeaderParameter(name=idempotency.HEADER)] = None,
) -> Response[bytes]:
    """Up to 10,000 lines in one transaction, all or nothing; a refusal names the line
    (``/lines/N/...``). Lines with the same type, date, reference and plant form one
    document."""
    key = idempotency.check_key(idempotency_key) if idempotency_key is not None else None
    posted = await movements.post_batch(db, caller, data, key)
    headers = {"Idempotent-Replayed": "true"} if posted.replayed else {}
    return Response(
        posted.body, status_code=posted.status, media_type="application/json", headers=headers
    )


def ledger_router() -> Router:
    return Router(
        path=BASE,
        tags=["stock"],
        route_handlers=[
            create_lot,
            list_lots,
            get_lot,
            update_lot,
            expiring_lots,
            get_availability,
            list_valuations,
            create_reservations,
            list_reservations,
            get_reservation,
            cancel_reservation,
            list_periods,
            close_period,
            reopen_period,
            period_valuations,
            post_goods_movement_batch,
        ],
    )

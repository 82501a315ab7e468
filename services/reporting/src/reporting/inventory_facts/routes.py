"""Routes of the inventory KPIs: each answers from the dashboard cache (``X-Cache``)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import MediaType, Response, Router, get
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.params import FromQuery, QueryParameter

from reporting.dashboard_cache.oee import DashboardCache
from reporting.http import BASE, Db, Who
from reporting.inventory_facts import service
from reporting.inventory_facts.cache import EVER, NEVER, View, cached
from reporting.inventory_facts.models import (
    BelowReorderPage,
    LotAgeing,
    MovementSeries,
    StockSeries,
)
from reporting.quality_facts.routes import First, Granularity, Last

Group = Annotated[str | None, QueryParameter(description="material group (as inventory's)")]


def _json(body: bytes, hit: bool) -> Response[bytes]:
    return Response(body, media_type=MediaType.JSON, headers={"X-Cache": "hit" if hit else "miss"})


def _spec(kind: Any) -> dict[int, ResponseSpec]:
    return {200: ResponseSpec(kind, description="X-Cache: hit or miss")}


@get("/inventory/stock", responses=_spec(StockSeries))
async def inventory_stock(
    db: Db,
    caller: Who,
    dashboards: NamedDependency[DashboardCache],
    first: First,
    last: Last,
    granularity: Granularity = "day",
    plant_id: FromQuery[UUID | None] = None,
    material_id: FromQuery[UUID | None] = None,
    material_group: Group = None,
) -> Response[bytes]:
    """Stock value, inventory turns and days of supply per bucket and for the period."""
    where = (plant_id, material_id, material_group)
    service.check_period((first, last), granularity)
    body, hit = await cached(
        dashboards,
        db,
        caller,
        View("stock", plant_id, material_group, (*where, first, last, granularity), (EVER, last)),
        lambda: service.stock_series(db, caller, (first, last), granularity, where),
    )
    return _json(body, hit)


@get("/inventory/movements", responses=_spec(MovementSeries))
async def inventory_movements(
    db: Db,
    caller: Who,
    dashboards: NamedDependency[DashboardCache],
    first: First,
    last: Last,
    granularity: Granularity = "day",
    plant_id: FromQuery[UUID | None] = None,
    material_id: FromQuery[UUID | None] = None,
    material_group: Group = None,
) -> Response[bytes]:
    """Goods movements by SAP movement type: documents, lines, quantities and values."""
    where = (plant_id, material_id, material_group)
    service.check_period((first, last), granularity)
    body, hit = await cached(
        dashboards,
        db,
        caller,
        View(
            "movements", plant_id, material_group, (*where, first, last, granularity), (first, last)
        ),
        lambda: service.movement_series(db, caller, (first, last), granularity, where),
    )
    return _json(body, hit)


@get("/inventory/lot-ageing", responses=_spec(LotAgeing))
async def inventory_lot_ageing(
    db: Db,
    caller: Who,
    dashboards: NamedDependency[DashboardCache],
    plant_id: FromQuery[UUID | None] = None,
    material_id: FromQuery[UUID | None] = None,
    material_group: Group = None,
) -> Response[bytes]:
    """Lots in stock now by age: 0-30, 31-90, 91-180, 181-365, over 365 days."""
    where = (plant_id, material_id, material_group)
    as_of = service.today()  # ages grow every day: the day is part of the key
    body, hit = await cached(
        dashboards,
        db,
        caller,
        View("lot-ageing", plant_id, material_group, (*where, as_of), (EVER, NEVER)),
        lambda: service.lot_ageing(db, caller, where),
    )
    return _json(body, hit)


@get("/inventory/below-reorder", responses=_spec(BelowReorderPage))
async def inventory_below_reorder(
    db: Db,
    caller: Who,
    dashboards: NamedDependency[DashboardCache],
    plant_id: FromQuery[UUID | None] = None,
    material_group: Group = None,
    cursor: FromQuery[str | None] = None,
    limit: FromQuery[int] = 50,
) -> Response[bytes]:
    """Materials below their reorder point now, longest below first (keyset paged)."""
    body, hit = await cached(
        dashboards,
        db,
        caller,
        View("below-reorder", plant_id, material_group, (cursor, limit), (EVER, NEVER)),
        lambda: service.below_reorder(db, caller, (plant_id, material_group), cursor, limit),
    )
    return _json(body, hit)


def inventory_router() -> Router:
    return Router(
        path=BASE,
        tags=["inventory"],
        route_handlers=[
            inventory_stock,
            inventory_movements,
            inventory_lot_ageing,
            inventory_below_reorder,
        ],
    )

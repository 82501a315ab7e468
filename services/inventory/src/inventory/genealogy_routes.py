"""HTTP routes of lot genealogy under ``/api/inventory``: backward and forward traces."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Router, get
from litestar.params import QueryParameter

from inventory.genealogy_models import LotTrace
from inventory.routes import BASE, Db, Who
from inventory.service import genealogy

MaterialParam = Annotated[UUID, QueryParameter(description="the lot's material")]
LotParam = Annotated[
    str | None,
    QueryParameter(max_length=40, description="lot number; omitted: the material without lots"),
]
Depth = Annotated[
    int,
    QueryParameter(
        ge=1,
        le=genealogy.MAX_DEPTH,
        description=f"orders to follow (default {genealogy.DEFAULT_DEPTH})",
    ),
]


@get("/lots/trace/backward")
async def trace_backward(
    db: Db,
    caller: Who,
    material_id: MaterialParam,
    lot: LotParam = None,
    max_depth: Depth = genealogy.DEFAULT_DEPTH,
) -> LotTrace:
    """What went into the lot: the input lots of the orders that produced it, and theirs."""
    return await genealogy.trace(db, caller, "backward", material_id, lot, max_depth)


@get("/lots/trace/forward")
async def trace_forward(
    db: Db,
    caller: Who,
    material_id: MaterialParam,
    lot: LotParam = None,
    max_depth: Depth = genealogy.DEFAULT_DEPTH,
) -> LotTrace:
    """Where the lot went: the lots made from it, and theirs, down to deliveries and scrap."""
    return await genealogy.trace(db, caller, "forward", material_id, lot, max_depth)


def genealogy_router() -> Router:
    return Router(path=BASE, tags=["genealogy"], route_handlers=[trace_backward, trace_forward])

"""HTTP routes of serial numbers under ``/api/inventory``: a material's serials, and where
one serial is with its history."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Router, get
from litestar.params import FromPath, QueryParameter

from inventory.routes import BASE, Cursor, Db, Limit, Who
from inventory.serial_models import SerialDetail, SerialNumber
from inventory.service import serials
from unison_web.paging import Page

SERIALS = "/materials/{material_id:uuid}/serials"


@get(SERIALS)
async def list_serials(
    db: Db,
    caller: Who,
    material_id: FromPath[UUID],
    in_stock: Annotated[bool | None, QueryParameter(description="in stock or not")] = None,
    plant_id: Annotated[UUID | None, QueryParameter(description="where it is")] = None,
    location_id: Annotated[UUID | None, QueryParameter(description="where it is")] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[SerialNumber]:
    """The material's serials in serial order (keyset); a serial not in stock shows the
    place it left."""
    return await serials.list_serials(
        db, caller, material_id, in_stock, plant_id, location_id, cursor, limit
    )


@get(SERIALS + "/{serial:str}")
async def get_serial(
    db: Db,
    caller: Who,
    material_id: FromPath[UUID],
    serial: FromPath[str],
    limit: Annotated[
        int,
        QueryParameter(
            ge=1,
            le=serials.HISTORY_MAX,
            description=f"history lines (default {serials.HISTORY_DEFAULT})",
        ),
    ] = serials.HISTORY_DEFAULT,
) -> SerialDetail:
    """Where the serial is now, and the ledger lines that moved it, newest first."""
    return await serials.get(db, caller, material_id, serial, limit)


def serial_router() -> Router:
    return Router(path=BASE, tags=["serial numbers"], route_handlers=[list_serials, get_serial])

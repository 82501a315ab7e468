"""An NCR's disposition carried out, all or nothing in the caller's transaction:

- ``use_as_is``: the lots are released and their blocked stock (up to the NCR's quantity)
  goes back to unrestricted (343);
- ``scrap`` (551) and ``return_to_supplier`` (122): the quantity of each lot leaves the
  plant, from its blocked stock first (rejected stock goes first), then unrestricted;
- ``rework`` and ``sort``: the lots stay held, blocked (rework) or in quarantine (sort);
  nothing moves.

Stock without a lot has no status: holding or releasing it changes nothing.
"""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import asyncpg
import msgspec

from inventory import ledger_repo
from inventory.ledger_repo import NO_LOT, PostingMaterial
from inventory.models import GoodsMovement, GoodsMovementLineCreate, MovementType
from inventory.quality import documents, lot_status, repo, stock_places
from inventory.service.caller import Caller
from inventory.stock_models import LotStatus
from unison_events.quality import NcrDispositionDecided
from unison_web import Conflict, Invalid

HOLDS: dict[str, LotStatus] = {"rework": "blocked", "sort": "quarantine"}
TAKES: dict[str, tuple[MovementType, str]] = {
    "scrap": ("551", "scrap"),
    "return_to_supplier": ("122", "return"),
}
DISPOSITIONS = ("use_as_is", *TAKES, *HOLDS)


class Asked(msgspec.Struct, frozen=True, kw_only=True):
    """A lot of the request, its quantity in the base unit, and where it is in the request."""

    lot: str
    quantity: Decimal
    at: str  # "/lots/0"


async def _asked(
    conn: asyncpg.Connection, request: NcrDispositionDecided, material: PostingMaterial
) -> list[Asked]:
    """The request's lots, each named once and known (a blank lot is stock without one)."""
    if not request.lots:
        raise Invalid("names no lot", "/lots")
    asked: list[Asked] = []
    for index, x in enumerate(request.lots):
        at, lot = f"/lots/{index}", x.lot.strip()
        if lot == NO_LOT and material.lot_managed:
            raise Invalid(
                f"material {material.number} is managed in lots: name the lot", f"{at}/lot"
            )
        if any(a.lot == lot for a in asked):
            raise Invalid("is named twice", f"{at}/lot")
        quantity = await stock_places.to_base(
            conn, material, x.quantity, request.unit, f"{at}/quantity"
        )
        asked.append(Asked(lot=lot, quantity=quantity, at=at))
    known = await ledger_repo.lots(conn, [(material.id, a.lot) for a in asked if a.lot != NO_LOT])
    for a in asked:
        if a.lot != NO_LOT and (material.id, a.lot) not in known:
            raise Conflict(
                f"lot {a.lot} of material {material.number} does not exist",
                errors=[{"pointer": f"{a.at}/lot", "detail": "no such lot"}],
            )
    return asked


def _short(
    material: PostingMaterial, a: Asked, verb: str, blocked: Decimal, free: Decimal
) -> Conflict:
    unit = material.base_unit
    lot = f"lot {a.lot} of {material.number}" if a.lot != NO_LOT else material.number
    detail = (
        f"blocked {blocked} {unit} and unrestricted {free} {unit} in the plant,"
        f" to {verb} {a.quantity} {unit}"
    )
    return Conflict(
        f"not enough stock of {lot} to {verb}: {detail}",
        errors=[{"pointer": f"{a.at}/quantity", "detail": detail}],
    )


async def _take(
    conn: asyncpg.Connection,
    caller: Caller,
    request: NcrDispositionDecided,
    material: PostingMaterial,
    plant_id: UUID,
    asked: list[Asked],
) -> list[GoodsMovement]:
    """551 or 122 of each lot's quantity, blocked stock first."""
    movement_type, verb = TAKES[request.disposition]
    places = await repo.lot_places(conn, plant_id, material.id, [a.lot for a in asked])
    lines: list[tuple[str, GoodsMovementLineCreate]] = []
    for a in asked:
        takes = stock_places.take(places, a.lot, a.quantity, ("blocked", "unrestricted"))
        if takes is None:
            blocked = stock_places.available(places, a.lot, "blocked")
            free = stock_places.available(places, a.lot, "unrestricted")
            raise _short(material, a, verb, blocked, free)
        lines += [
            (a.at, documents.line(material, plant_id, a.lot, x, named_category=True)) for x in takes
        ]
    number = documents.checked_reference(request.reference, "/reference")
    return await documents.post(conn, caller, plant_id, movement_type, number, lines)


async def _use_as_is(
    conn: asyncpg.Connection,
    caller: Caller,
    request: NcrDispositionDecided,
    material: PostingMaterial,
    plant_id: UUID,
    asked: list[Asked],
) -> list[GoodsMovement]:
    """343 of the lots' blocked stock, up to each lot's quantity (what is not blocked is
    usable once the lot is released), then the lots released."""
    places = await repo.lot_places(conn, plant_id, material.id, [a.lot for a in asked])
    lines: list[tuple[str, GoodsMovementLineCreate]] = []
    for a in asked:
        blocked = min(a.quantity, stock_places.available(places, a.lot, "blocked"))
        takes = stock_places.take(places, a.lot, blocked, ("blocked",)) or []
        lines += [
            (a.at, documents.line(material, plant_id, a.lot, x, named_category=False))
            for x in takes
        ]
    number = documents.checked_reference(request.reference, "/reference")
    posted = await documents.post(conn, caller, plant_id, "343", number, lines)
    await _set_status(conn, caller, request, material, asked, "released")
    return posted


async def _set_status(
    conn: asyncpg.Connection,
    caller: Caller,
    request: NcrDispositionDecided,
    material: PostingMaterial,
    asked: list[Asked],
    status: LotStatus,
) -> None:
    reason = f"NCR {request.reference}: {request.disposition.replace('_', ' ')}"
    for a in asked:
        if a.lot != NO_LOT:
            await lot_status.decide(conn, caller, material, a.lot, status, reason, f"{a.at}/lot")


async def carry_out(
    conn: asyncpg.Connection, caller: Caller, request: NcrDispositionDecided, plant_id: UUID
) -> list[GoodsMovement]:
    """The disposition's documents (none for rework and sort) and lot status changes."""
    if request.disposition not in DISPOSITIONS:
        raise Invalid(f"must be one of {', '.join(DISPOSITIONS)}", "/disposition")
    material = await stock_places.material(conn, request.material_id)
    asked = await _asked(conn, request, material)
    if request.disposition in TAKES:
        return await _take(conn, caller, request, material, plant_id, asked)
    if request.disposition == "use_as_is":
        return await _use_as_is(conn, caller, request, material, plant_id, asked)
    await _set_status(conn, caller, request, material, asked, HOLDS[request.disposition])
    return []

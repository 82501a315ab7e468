"""Where a lot's stock is taken from for quality's postings, and in which unit.

Quality names a lot and a quantity, never a location: the quantity is taken from the
plant's locations holding the lot's stock, largest first (the fewest ledger lines), and
from the categories in the order the posting prefers (blocked before unrestricted for
what leaves the plant: rejected stock goes first).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from uuid import UUID

import asyncpg
import msgspec

from inventory import ledger_repo
from inventory.ledger_repo import PostingMaterial
from inventory.models import StockCategory
from inventory.quality.models import StockPlace
from inventory.service import checks, posting
from unison_web import Invalid, NotFound


class Take(msgspec.Struct, frozen=True, kw_only=True):
    """A quantity (base unit) taken from one location and category."""

    location_id: UUID
    category: StockCategory
    quantity: Decimal


async def material(conn: asyncpg.Connection, material_id: UUID) -> PostingMaterial:
    found = await ledger_repo.materials(conn, [material_id])
    if material_id not in found:
        raise NotFound(
            f"material {material_id} does not exist",
            errors=[{"pointer": "/material_id", "detail": "no such material"}],
        )
    return found[material_id]


async def to_base(
    conn: asyncpg.Connection, of: PostingMaterial, quantity: Decimal, unit: str, pointer: str
) -> Decimal:
    """``quantity`` (at ``pointer``) of ``unit`` (the request's ``/unit``) in the material's
    base unit, exactly as the engine converts it."""
    checks.decimal(quantity, pointer, positive=True)
    code = checks.unit_code(unit)
    if code == of.base_unit:
        return quantity
    units = await posting.units_for(conn, {code, of.base_unit, *of.alt_units})
    try:
        return posting.base_quantity(of, units, quantity, code, "")
    except Invalid as refusal:
        # The engine names a line's fields; here the unit is the request's, the quantity
        # the lot's.
        unit_refused = any(e.get("pointer") == "/unit" for e in refusal.errors)
        raise Invalid(refusal.detail, "/unit" if unit_refused else pointer) from None


def available(places: Sequence[StockPlace], lot: str, category: StockCategory) -> Decimal:
    return sum((p.quantity for p in places if p.lot == lot and p.category == category), Decimal(0))


def take(
    places: Sequence[StockPlace], lot: str, wanted: Decimal, categories: Sequence[StockCategory]
) -> list[Take] | None:
    """``wanted`` of ``lot`` from ``places`` (largest first within each category, the
    categories in the order given); None when they hold less."""
    takes: list[Take] = []
    left = wanted
    for category in categories:
        for place in (p for p in places if p.lot == lot and p.category == category):
            if left <= 0:
                return takes
            quantity = min(left, place.quantity)
            takes.append(Take(location_id=place.location_id, category=category, quantity=quantity))
            left -= quantity
    return takes if left <= 0 else None

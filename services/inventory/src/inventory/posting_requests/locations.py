"""Where a requested line (production's, maintenance's) takes from or puts to when the
request names no storage location.

A receipt (101, 531) goes to the material's plant data default storage location. An
issue takes from that default too; without one, from the single location holding
unrestricted stock of the material (of its lot, when the line names one); with stock in
several locations or in none, the line is refused: the asking service names the location
or the default is maintained.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import asyncpg
import msgspec

from inventory import ledger_repo
from inventory.ledger_repo import PostingMaterial
from inventory.posting_requests import repo
from inventory.posting_requests.models import DefaultLocation, Line, StockLocation
from unison_web import Conflict, Invalid


class Wanted(msgspec.Struct, frozen=True, kw_only=True):
    """A line that needs a location: where it is in the request, and whether it takes."""

    pointer: str  # "/consumption/0"
    line: Line
    issue: bool


def _lot_key(line: Line) -> str:
    return (line.lot or "").strip()


def _refused(pointer: str, detail: str) -> Conflict:
    return Conflict(detail, errors=[{"pointer": f"{pointer}/location_id", "detail": detail}])


def _from_default(
    default: DefaultLocation, material: PostingMaterial, plant_id: UUID, pointer: str
) -> UUID:
    if default.location_id is None:
        raise _refused(
            pointer,
            f"the default storage location {default.code} of {material.number} in plant"
            f" {plant_id} is no storage location of the plant",
        )
    return default.location_id


def _from_stock(
    held: list[StockLocation], material: PostingMaterial, wanted: Wanted, plant_id: UUID
) -> UUID:
    if len(held) == 1:
        return held[0].location_id
    what = material.number + (f" lot {wanted.line.lot}" if wanted.line.lot else "")
    if not held:
        detail = f"no unrestricted stock of {what} in plant {plant_id}"
    else:
        codes = ", ".join(h.code for h in held)
        detail = f"stock of {what} lies in {len(held)} locations ({codes}): name one"
    raise _refused(wanted.pointer, f"{detail}; {material.number} has no default storage location")


async def _check_named(conn: asyncpg.Connection, plant_id: UUID, wanted: Sequence[Wanted]) -> None:
    """A location the request names is one of the order's plant (checked before lots are
    chosen there, so the refusal names the location, not a shortage)."""
    named = {w.line.location_id for w in wanted if w.line.location_id is not None}
    plant_of = await ledger_repo.locations(conn, sorted(named)) if named else {}
    for w in wanted:
        if w.line.location_id is not None and plant_of.get(w.line.location_id) != plant_id:
            raise Invalid(
                f"no such storage location in plant {plant_id}", f"{w.pointer}/location_id"
            )


async def resolve(
    conn: asyncpg.Connection,
    plant_id: UUID,
    materials: dict[UUID, PostingMaterial],
    wanted: Sequence[Wanted],
) -> dict[str, UUID]:
    """The location of every line in ``wanted`` (by pointer); the request's own where it
    names one. At most three reads, whatever the number of lines."""
    found = {w.pointer: w.line.location_id for w in wanted if w.line.location_id is not None}
    await _check_named(conn, plant_id, wanted)
    missing = [w for w in wanted if w.line.location_id is None]
    if not missing:
        return found
    defaults = await repo.default_locations(conn, plant_id, [w.line.material_id for w in missing])
    undecided = [w for w in missing if w.line.material_id not in defaults]
    searched = [(w.line.material_id, _lot_key(w.line)) for w in undecided if w.issue]
    held = await repo.stock_locations(conn, plant_id, searched) if searched else {}
    for w in missing:
        material = materials[w.line.material_id]
        default = defaults.get(material.id)
        if default is not None:
            found[w.pointer] = _from_default(default, material, plant_id, w.pointer)
        elif w.issue:
            places = held[(material.id, _lot_key(w.line))]
            found[w.pointer] = _from_stock(places, material, w, plant_id)
        else:
            raise _refused(
                w.pointer,
                f"the request names no storage location for {material.number} and it has"
                f" no default storage location in plant {plant_id}",
            )
    return found

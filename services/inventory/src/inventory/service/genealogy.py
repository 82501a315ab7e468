"""Lot genealogy: which lots went into which, kept with every posting, traced both ways.

For one order (a plant and the header reference, the work order number), every lot issued
to it (261, net of 262) went into every lot received from it (101 and 531, net of 102 and
532). The links are kept set-based in the posting's own transaction, so they are never
behind the ledger and a trace never reads the ledger. Deliveries (601) and scrap (551) are
kept too: they are where a forward trace ends.

Decisions:

- A link whose input or output nets to zero (reversed out) is deleted: the lot did not go
  into that order. The ledger keeps the history of the mistake.
- Materials without lots (lot '') are linked at material level, so a recall still finds
  the orders that used them, but a trace does not follow them further: without a lot
  there is no identity, and following "all screws" would reach everything.
- Genealogy is organization-wide: a user of one plant sees the lots and orders of every
  plant a lot passed through (a recall needs the whole picture); the documents and stock
  of those plants stay behind the ledger's plant access.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg
import msgspec

from inventory import genealogy_repo
from inventory.genealogy_models import LotTrace, TraceDirection
from inventory.genealogy_repo import FlowRole
from inventory.ledger_repo import NO_LOT, Header
from inventory.service.caller import Caller
from unison_pg import Database
from unison_web import NotFound

# The role of each movement type's lines and the sign that makes its quantity positive
# (the ledger's quantities are signed: + into a location, - out of it). A reversal has
# its original's role and sign: its negated lines take the quantity back.
ROLES: dict[str, tuple[FlowRole, int]] = {
    "261": ("input", -1),
    "262": ("input", -1),
    "101": ("output", 1),
    "102": ("output", 1),
    "531": ("output", 1),
    "532": ("output", 1),
    "601": ("delivery", -1),
    "602": ("delivery", -1),
    "551": ("scrap", -1),
    "552": ("scrap", -1),
}
DEFAULT_DEPTH = 20
MAX_DEPTH = 100
# A trace answers at most this many links (and as many ends); beyond, it says incomplete.
MAX_LINKS = 10_000


async def record(conn: asyncpg.Connection, movement: Header) -> None:
    """Add a posted document (its lines already in the ledger) to the genealogy."""
    entry = ROLES.get(movement.movement_type)
    if entry is None:
        return
    role, sign = entry
    reference = movement.reference or ""
    if role == "input" and not reference:
        return  # an issue to no order goes into nothing that can be traced
    if reference and role in ("input", "output"):
        await genealogy_repo.order_lock(conn, reference)
    await genealogy_repo.record(conn, movement.id, movement.posting_date, reference, role, sign)


async def trace(
    db: Database,
    caller: Caller,
    direction: TraceDirection,
    material_id: UUID,
    lot: str | None,
    max_depth: int = DEFAULT_DEPTH,
) -> LotTrace:
    """Backward (what went into the lot) or forward (where it went), ``max_depth`` orders
    deep; ``lot`` None is the material's stock without lots."""
    key = (lot or "").strip() or NO_LOT
    async with db.transaction(caller.tenant, readonly=True) as conn:
        document = await genealogy_repo.trace(
            conn, direction, material_id, key, max_depth, MAX_LINKS
        )
    if document is None:
        raise NotFound(f"material {material_id} does not exist")
    return msgspec.json.decode(document, type=LotTrace)


async def rebuild(conn: asyncpg.Connection) -> None:
    """Recompute the organization's genealogy from its whole ledger: a backfill when the
    movement types that count change, or a repair. The transaction must be scoped to
    every plant of the organization: the ledger's policy hides the others' lines."""
    await genealogy_repo.rebuild(conn, ROLES)

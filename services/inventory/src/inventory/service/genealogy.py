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

from collections import defaultdict
from decimal import Decimal
from uuid import UUID

import asyncpg
import msgspec

from inventory import genealogy_repo
from inventory.genealogy_models import LotTrace, TraceDirection
from inventory.genealogy_repo import FlowRole
from inventory.ledger_repo import NO_LOT, Header, Line
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


async def record(conn: asyncpg.Connection, headers: list[Header], lines: list[Line]) -> None:
    """Add posted documents and their lines to the genealogy, in three statements whatever
    their number: the orders' locks, the flows, then the links of the orders that changed,
    recomputed from their flows."""
    roles: dict[UUID, tuple[str, FlowRole, int]] = {}
    for header in headers:
        entry = ROLES.get(header.movement_type)
        if entry is None:
            continue
        role, sign = entry
        reference = header.reference or ""
        if role == "input" and not reference:
            continue  # an issue to no order goes into nothing that can be traced
        roles[header.id] = (reference, role, sign)
    flows: dict[tuple[UUID, str, FlowRole, UUID, str], Decimal] = defaultdict(Decimal)
    for x in lines:
        found = roles.get(x.movement_id)
        if found is not None:
            reference, role, sign = found
            flows[(x.plant_id, reference, role, x.material_id, x.lot)] += sign * x.quantity
    if not flows:
        return
    references = [r for r, role, _ in roles.values() if r and role in ("input", "output")]
    if references:
        await genealogy_repo.orders_lock(conn, references)
    changed = await genealogy_repo.flows_add(conn, flows)
    if changed:
        await genealogy_repo.links_refresh(conn, changed, _shrunk(flows))


def _shrunk(flows: dict[tuple[UUID, str, FlowRole, UUID, str], Decimal]) -> list[tuple[UUID, str]]:
    """The orders an input or output of which went down (a reversal): only there can a link
    have lost its positive end."""
    return sorted(
        {
            (plant_id, reference)
            for (plant_id, reference, role, _, _), quantity in flows.items()
            if quantity < 0 and reference and role in ("input", "output")
        }
    )


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

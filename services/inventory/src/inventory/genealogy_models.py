"""What a lot trace answers: the lots reached, each once, and the links between them.

The answer is a graph, not a tree: a lot reached along several paths is one entry in
``lots`` (at the depth of its shortest path) and every path to it is a chain of ``links``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal
from uuid import UUID

import msgspec

TraceDirection = Literal["backward", "forward"]
# receipt: received with no recorded input (purchased, or its order not issued to yet);
# order: issued to an order that has produced nothing yet; delivery and scrap: gone.
TraceEndKind = Literal["receipt", "order", "delivery", "scrap"]


class TraceEnd(msgspec.Struct, kw_only=True):
    """Where a lot's trail leaves the genealogy, with the net quantity (lot's base unit)."""

    kind: TraceEndKind
    plant_id: UUID
    reference: str | None
    quantity: Decimal


class TraceLot(msgspec.Struct, kw_only=True):
    """A lot reached by the trace; ``lot`` null is the material's stock without lots, shown
    but not followed further. ``depth`` counts orders from the traced lot (0)."""

    material_id: UUID
    material_number: str
    lot: str | None
    unit: str
    depth: int
    ends: list[TraceEnd]


class TraceLink(msgspec.Struct, kw_only=True):
    """Input lot went into output lot through one order; quantities are the order's net
    issue of the input and net receipt of the output, each in its material's base unit."""

    depth: int
    plant_id: UUID
    order_reference: str
    input_material_id: UUID
    input_lot: str | None
    input_quantity: Decimal
    output_material_id: UUID
    output_lot: str | None
    output_quantity: Decimal


class LotTrace(msgspec.Struct, kw_only=True):
    """A backward (what went into it) or forward (where did it go) trace of one lot.

    ``complete`` is false when lots lie beyond ``max_depth`` or the answer was cut at the
    size limit.
    """

    direction: TraceDirection
    material_id: UUID
    lot: str | None
    max_depth: int
    complete: bool
    lots: list[TraceLot]
    links: list[TraceLink]

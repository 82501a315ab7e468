"""Lot determination for issues that name no lot (SAP's batch determination, FEFO).

A lot-managed material's issue without a lot takes released lots that have not expired
on the posting date, from unrestricted stock at the line's location: the first expiring
first, lots without an expiry date last, then the oldest lot (first in), splitting the
line across as many lots as it needs. Lines of one request that take the same material
at the same location share the lots: a later line starts where the earlier one stopped.
"""

from __future__ import annotations

from decimal import Decimal

from inventory.posting_requests.models import LotStock


class Shortfall(Exception):
    """The usable lots hold ``available`` where ``requested`` was asked for."""

    def __init__(self, available: Decimal, requested: Decimal) -> None:
        super().__init__(f"available {available}, requested {requested}")
        self.available = available
        self.requested = requested


def split(quantity: Decimal, lots: list[LotStock], taken: dict[str, Decimal]) -> list[LotStock]:
    """``quantity`` taken from ``lots`` in their order, as (lot, quantity) pieces.

    ``taken`` holds what earlier lines took of each lot and is updated; raises
    :class:`Shortfall` (and takes nothing) when the lots hold too little.
    """
    pieces: list[LotStock] = []
    remaining = quantity
    for lot in lots:
        if remaining <= 0:
            break
        left = lot.quantity - taken.get(lot.lot, Decimal(0))
        if left <= 0:
            continue
        amount = min(left, remaining)
        pieces.append(LotStock(lot=lot.lot, quantity=amount))
        remaining -= amount
    if remaining > 0:
        raise Shortfall(quantity - remaining, quantity)
    for piece in pieces:
        taken[piece.lot] = taken.get(piece.lot, Decimal(0)) + piece.quantity
    return pieces

"""Replenishment and count arithmetic, free of I/O: what to order for a material below its
reorder point, and whether a counted difference is out of a sheet's tolerance.

All quantities are in the material's base unit.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

ZERO = Decimal(0)


def _lots(quantity: Decimal, lot_size: Decimal, rounding: str) -> Decimal:
    return (quantity / lot_size).to_integral_value(rounding=rounding) * lot_size


def suggested_quantity(
    on_hand: Decimal,
    reorder_point: Decimal,
    max_stock: Decimal | None,
    lot_size: Decimal | None,
) -> Decimal:
    """What to order so stock is replenished (zero when it is not below the reorder point).

    With a max stock level the order fills up to it; a fixed lot size then rounds *down*
    to whole lots (the max is a ceiling), but never below one lot. Without a max the order
    covers the gap to the reorder point, rounded *up* to whole lots (the gap must close).
    """
    if on_hand >= reorder_point:
        return ZERO
    if max_stock is not None:
        needed = max_stock - on_hand
        if lot_size is None:
            return needed
        return max(_lots(needed, lot_size, ROUND_FLOOR), lot_size)
    needed = reorder_point - on_hand
    if lot_size is None:
        return needed
    return max(_lots(needed, lot_size, ROUND_CEILING), lot_size)


def out_of_tolerance(
    difference: Decimal,
    book_quantity: Decimal,
    tolerance_percent: Decimal | None,
    tolerance_quantity: Decimal | None,
) -> bool:
    """Whether a counted difference calls for a recount.

    A difference is within tolerance when it stays within any limit the sheet sets (an
    absolute quantity, a percentage of the book quantity): "recount when off by more than
    2 pieces and more than 5 %". A sheet without limits tolerates no difference.
    """
    size = abs(difference)
    if size == 0:
        return False
    limits = []
    if tolerance_quantity is not None:
        limits.append(tolerance_quantity)
    if tolerance_percent is not None:
        limits.append(abs(book_quantity) * tolerance_percent / 100)
    return all(size > limit for limit in limits)

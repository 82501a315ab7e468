"""Pure replenishment arithmetic: order suggestions and count tolerances."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inventory.reorder import out_of_tolerance, suggested_quantity


@pytest.mark.parametrize(
    ("on_hand", "reorder_point", "max_stock", "lot_size", "expected"),
    [
        # Up to the max.
        ("5", "10", "50", None, "45"),
        # Up to the max in whole lots, rounded down so the max holds...
        ("5", "10", "50", "20", "40"),
        # ...but never less than one lot.
        ("9", "10", "20", "50", "50"),
        # No max: the gap to the reorder point, in whole lots rounded up.
        ("4", "10", None, None, "6"),
        ("4", "10", None, "25", "25"),
        ("4", "60", None, "25", "75"),
        # Negative stock (allowed for some materials) is a bigger gap.
        ("-5", "10", "50", None, "55"),
        # Not below: nothing to order.
        ("10", "10", "50", "20", "0"),
        ("12.5", "10", None, None, "0"),
        # Decimal quantities stay exact.
        ("0.125", "1.5", "2.25", None, "2.125"),
    ],
)
def test_suggested_quantity(
    on_hand: str, reorder_point: str, max_stock: str | None, lot_size: str | None, expected: str
) -> None:
    result = suggested_quantity(
        Decimal(on_hand),
        Decimal(reorder_point),
        None if max_stock is None else Decimal(max_stock),
        None if lot_size is None else Decimal(lot_size),
    )
    assert result == Decimal(expected)


@pytest.mark.parametrize(
    ("difference", "book", "percent", "quantity", "expected"),
    [
        ("0", "10", None, None, False),
        # No limits: any difference is out.
        ("-1", "10", None, None, True),
        # Absolute limit only.
        ("-2", "10", None, "2", False),
        ("-2.5", "10", None, "2", True),
        # Percentage of the book only.
        ("1", "10", "10", None, False),
        ("1.01", "10", "10", None, True),
        # A book of zero: any difference exceeds a percentage.
        ("1", "0", "50", None, True),
        # Both: within either one is within tolerance.
        ("3", "100", "5", "2", False),
        ("3", "10", "5", "2", True),
        ("1", "1", "5", "2", False),
    ],
)
def test_out_of_tolerance(
    difference: str, book: str, percent: str | None, quantity: str | None, expected: bool
) -> None:
    result = out_of_tolerance(
        Decimal(difference),
        Decimal(book),
        None if percent is None else Decimal(percent),
        None if quantity is None else Decimal(quantity),
    )
    assert result is expected

"""Quantities as a shop floor reads them: nine decimal places at most, no trailing zeros,
never in exponent notation ("10", not "1E+1")."""

from __future__ import annotations

from decimal import Decimal

NINE_PLACES = Decimal("0.000000001")


def plain(value: Decimal) -> Decimal:
    rounded = value.quantize(NINE_PLACES).normalize()
    exponent = rounded.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        return rounded.quantize(Decimal(1))
    return rounded

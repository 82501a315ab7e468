"""Input rules msgspec cannot express; each failure names the field as a JSON pointer.

Nothing is written before these pass: use cases run them before their first write.
"""

from __future__ import annotations

import re
from decimal import Decimal

from unison_web import Invalid

# Quantities and factors: at most 15 digits before the point and 9 after, like the widest
# quantity fields a plant uses; anything larger is a typo or an attack on the arithmetic.
MAX_INTEGER_DIGITS = 15
MAX_FRACTION_DIGITS = 9
_CONTROL = re.compile(r"[\x00-\x1f]")


def decimal(value: Decimal, pointer: str, *, positive: bool = False) -> Decimal:
    """A finite, non-negative (or positive) decimal within the digits a plant uses."""
    if not value.is_finite():
        raise Invalid("must be a finite number", pointer)
    if value < 0 or (positive and value == 0):
        raise Invalid("must be greater than 0" if positive else "must not be negative", pointer)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_FRACTION_DIGITS:
        raise Invalid(f"at most {MAX_FRACTION_DIGITS} decimal places", pointer)
    if value != 0 and value.adjusted() >= MAX_INTEGER_DIGITS:
        raise Invalid(f"at most {MAX_INTEGER_DIGITS} digits before the decimal point", pointer)
    return value


def optional_decimal(
    value: Decimal | None, pointer: str, *, positive: bool = False
) -> Decimal | None:
    return None if value is None else decimal(value, pointer, positive=positive)


def text(value: str, pointer: str, max_length: int) -> str:
    """Trimmed text that is not empty and not longer than ``max_length``."""
    trimmed = value.strip()
    if not trimmed:
        raise Invalid("must not be empty", pointer)
    if len(trimmed) > max_length:
        raise Invalid(f"at most {max_length} characters", pointer)
    if _CONTROL.search(trimmed):
        raise Invalid("must not contain control characters", pointer)
    return trimmed


def optional_text(value: str | None, pointer: str, max_length: int) -> str | None:
    return None if value is None else text(value, pointer, max_length)


def unit_code(value: str) -> str:
    """Unit codes compare in upper case: ``kg`` and ``KG`` are one unit."""
    return value.strip().upper()


def optional_unit_code(value: str | None) -> str | None:
    return None if value is None else unit_code(value)

"""Input rules msgspec cannot express, the same in every service; each failure names the
field as a JSON pointer. Use cases run them before their first write."""

from __future__ import annotations

from decimal import Decimal

from unison_web.errors import Invalid

MAX_INTEGER_DIGITS = 15
MAX_FRACTION_DIGITS = 9


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


def within(value: Decimal, pointer: str, low: Decimal, high: Decimal) -> Decimal:
    """``low < value <= high``."""
    decimal(value, pointer)
    if not low < value <= high:
        raise Invalid(f"must be greater than {low} and at most {high}", pointer)
    return value


def text(value: str, pointer: str, max_length: int) -> str:
    """Trimmed text that is not empty and not longer than ``max_length``."""
    trimmed = value.strip()
    if not trimmed:
        raise Invalid("must not be blank", pointer)
    if len(trimmed) > max_length:
        raise Invalid(f"at most {max_length} characters", pointer)
    return trimmed


def code(value: str) -> str:
    """Codes are compared and shown in upper case, like SAP's."""
    return value.strip().upper()

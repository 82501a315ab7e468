"""Exact unit conversion for one material: its alternative units first, then global factors.

Everything is a :class:`fractions.Fraction`, so 1/3 stays 1/3 until it is shown. A
quantity converts from unit A to unit B through the material's base unit:

- the base unit is 1 base unit;
- an alternative unit of the material (SAP MARM) is ``numerator / denominator`` base units;
- any other unit with a global factor converts within its dimension to an *anchor*, the
  base unit or an alternative unit of the same dimension (G -> KG when KG is the base or
  an alternative unit), and from there to the base unit.

Two units of the same dimension that both have global factors convert directly, without
the material: the material's units only matter across dimensions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

DEFAULT_SCALE = 12


class NotConvertibleError(Exception):
    """No path leads from one unit to the other for this material; the message says why."""


@dataclass(frozen=True)
class UnitFactor:
    """A unit of the organization: its dimension and, unless packaging, its global factor."""

    code: str
    dimension: str
    factor: Fraction | None  # reference units per 1 unit


@dataclass(frozen=True)
class MaterialUnits:
    """What a conversion needs to know about one material."""

    base_unit: str
    alternatives: Mapping[str, Fraction]  # base units per 1 alternative unit


@dataclass(frozen=True)
class Shown:
    """A converted quantity as text: exact when the decimal expansion ends."""

    value: str
    exact: bool
    scale: int | None = None


def ratio(numerator: Decimal | int, denominator: Decimal | int) -> Fraction:
    """``numerator / denominator`` exactly; both must be positive."""
    result = Fraction(numerator) / Fraction(denominator)
    if result <= 0:
        raise ValueError("a conversion factor must be positive")
    return result


def _global_ratio(source: UnitFactor, target: UnitFactor) -> Fraction | None:
    if source.dimension != target.dimension or source.factor is None or target.factor is None:
        return None
    return source.factor / target.factor


def _own_factor(code: str, material: MaterialUnits) -> Fraction | None:
    if code == material.base_unit:
        return Fraction(1)
    return material.alternatives.get(code)


def base_units_per(code: str, material: MaterialUnits, units: Mapping[str, UnitFactor]) -> Fraction:
    """How many base units one ``code`` is, for this material."""
    own = _own_factor(code, material)
    if own is not None:
        return own
    unit = units.get(code)
    if unit is None:
        raise NotConvertibleError(f"unit {code} does not exist")
    # Prefer the base unit as anchor, then alternative units in code order: deterministic.
    for anchor_code in [material.base_unit, *sorted(material.alternatives)]:
        anchor = units.get(anchor_code)
        if anchor is None:
            continue
        step = _global_ratio(unit, anchor)
        anchor_factor = _own_factor(anchor_code, material)
        if step is not None and anchor_factor is not None:
            return step * anchor_factor
    raise NotConvertibleError(
        f"unit {code} ({unit.dimension}) cannot be converted to the base unit"
        f" {material.base_unit} of this material"
    )


def convert(
    quantity: Fraction,
    source: str,
    target: str,
    material: MaterialUnits,
    units: Mapping[str, UnitFactor],
) -> Fraction:
    """``quantity`` in ``source`` expressed in ``target``, exactly."""
    if source == target:
        return quantity
    in_source, in_target = units.get(source), units.get(target)
    if (
        in_source is not None
        and in_target is not None
        and _own_factor(source, material) is None
        and _own_factor(target, material) is None
    ):
        direct = _global_ratio(in_source, in_target)
        if direct is not None:
            return quantity * direct
    return (
        quantity * base_units_per(source, material, units) / base_units_per(target, material, units)
    )


def _decimal_exponent(denominator: int) -> int | None:
    """The k with 10^k divisible by ``denominator``, or None when no such k exists."""
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    return max(twos, fives) if denominator == 1 else None


def _plain(digits: int, places: int) -> str:
    # Built from a string: exact, whatever the decimal context's precision.
    text = format(Decimal(f"{digits}E-{places}"), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def show(value: Fraction, scale: int = DEFAULT_SCALE) -> Shown:
    """The exact decimal when it terminates, otherwise rounded half-even to ``scale`` places.

    Integer arithmetic throughout: no decimal context can round behind our back.
    """
    places = _decimal_exponent(value.denominator)
    if places is not None:
        return Shown(_plain(value.numerator * 10**places // value.denominator, places), True)
    # round() of a Fraction rounds half to even, exactly.
    return Shown(_plain(round(value * 10**scale), scale), exact=False, scale=scale)

"""The pure conversion arithmetic: exact fractions, shown exactly when they end."""

from __future__ import annotations

from fractions import Fraction

import pytest

from inventory.conversions import (
    MaterialUnits,
    NotConvertibleError,
    UnitFactor,
    convert,
    ratio,
    show,
)

UNITS = {
    "EA": UnitFactor("EA", "count", Fraction(1)),
    "DZ": UnitFactor("DZ", "count", Fraction(12)),
    "KG": UnitFactor("KG", "mass", Fraction(1)),
    "G": UnitFactor("G", "mass", Fraction(1, 1000)),
    "LB": UnitFactor("LB", "mass", Fraction("0.45359237")),
    "M": UnitFactor("M", "length", Fraction(1)),
    "MM": UnitFactor("MM", "length", Fraction(1, 1000)),
    "L": UnitFactor("L", "volume", Fraction(1)),
    "BOX": UnitFactor("BOX", "package", None),
    "PAL": UnitFactor("PAL", "package", None),
}

BEARING = MaterialUnits("EA", {"BOX": Fraction(10)})
# A steel sheet kept in kilograms; one sheet (EA) weighs 49.0625 kg.
SHEET = MaterialUnits("KG", {"EA": Fraction("49.0625")})


def test_same_dimension_converts_with_global_factors() -> None:
    assert convert(Fraction("12.5"), "G", "KG", BEARING, UNITS) == Fraction(1, 80)


def test_grams_to_kilograms_is_shown_exactly() -> None:
    assert show(convert(Fraction("12.5"), "G", "KG", BEARING, UNITS)).value == "0.0125"


def test_alternative_unit_converts_to_base_unit() -> None:
    assert convert(Fraction(3), "BOX", "EA", BEARING, UNITS) == 30


def test_base_unit_converts_to_alternative_unit() -> None:
    assert convert(Fraction(25), "EA", "BOX", BEARING, UNITS) == Fraction(5, 2)


def test_packaging_unit_of_another_material_is_not_convertible() -> None:
    with pytest.raises(NotConvertibleError):
        convert(Fraction(1), "PAL", "EA", BEARING, UNITS)


def test_conversion_across_dimensions_goes_through_the_material() -> None:
    # 2 sheets = 98.125 kg = 98125 g
    assert convert(Fraction(2), "EA", "G", SHEET, UNITS) == 98125


def test_global_unit_reaches_the_base_through_an_alternative_unit_anchor() -> None:
    # A dozen sheets, in pounds: 12 * 49.0625 / 0.45359237
    expected = 12 * Fraction("49.0625") / Fraction("0.45359237")
    assert convert(Fraction(1), "DZ", "LB", SHEET, UNITS) == expected


def test_units_of_unrelated_dimensions_are_not_convertible() -> None:
    with pytest.raises(NotConvertibleError, match="cannot be converted"):
        convert(Fraction(1), "L", "EA", BEARING, UNITS)


def test_unknown_unit_is_not_convertible() -> None:
    with pytest.raises(NotConvertibleError, match="does not exist"):
        convert(Fraction(1), "XX", "EA", BEARING, UNITS)


def test_converting_to_the_same_unit_changes_nothing() -> None:
    assert convert(Fraction("1.5"), "BOX", "BOX", BEARING, UNITS) == Fraction(3, 2)


def test_alternative_unit_wins_over_the_global_factor() -> None:
    # The material says a "KG" of it is 3 EA: the global mass factors must not interfere.
    odd = MaterialUnits("EA", {"KG": Fraction(3)})
    assert convert(Fraction(1000), "G", "EA", odd, UNITS) == 3


def test_repeating_decimal_is_rounded_half_even_and_marked_inexact() -> None:
    shown = show(Fraction(2, 3))
    assert (shown.value, shown.exact, shown.scale) == ("0.666666666667", False, 12)


def test_rounding_to_a_smaller_scale_uses_half_even() -> None:
    assert show(Fraction(1, 3), scale=2).value == "0.33"
    assert show(Fraction(5, 6), scale=1).value == "0.8"


def test_terminating_fraction_is_shown_exactly_without_trailing_zeros() -> None:
    shown = show(Fraction(1, 8))
    assert (shown.value, shown.exact, shown.scale) == ("0.125", True, None)


def test_integers_and_negatives_are_shown_plainly() -> None:
    assert show(Fraction(50_000_000_000_000)).value == "50000000000000"
    assert show(Fraction(-5, 2)).value == "-2.5"
    assert show(Fraction(0)).value == "0"


def test_very_small_exact_values_are_not_shown_in_exponent_notation() -> None:
    assert show(Fraction(1, 2 * 10**15)).value == "0.0000000000000005"


def test_long_exact_expansions_keep_every_digit() -> None:
    value = Fraction(10**40 + 1, 2**50)
    shown = show(value)
    assert shown.exact
    assert Fraction(shown.value) == value


def test_ratio_of_decimals_is_exact() -> None:
    from decimal import Decimal

    assert ratio(Decimal("0.45359237"), Decimal(1)) == Fraction(45359237, 100000000)


def test_ratio_refuses_non_positive_factors() -> None:
    with pytest.raises(ValueError, match="positive"):
        ratio(0, 1)

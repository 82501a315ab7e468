"""The control chart factors: textbook values, and agreement with their definitions."""

from __future__ import annotations

import math

import pytest

from quality.spc import FACTORS, factors


def exact_c4(n: int) -> float:
    return math.sqrt(2 / (n - 1)) * math.gamma(n / 2) / math.gamma((n - 1) / 2)


def test_the_table_covers_subgroups_of_2_to_25() -> None:
    assert sorted(FACTORS) == list(range(2, 26))
    assert all(f.n == n for n, f in FACTORS.items())


def test_subgroups_of_five_have_montgomerys_factors() -> None:
    f = factors(5)
    assert (f.A2, f.A3, f.B3, f.B4, f.D3, f.D4, f.d2, f.c4) == (
        0.577,
        1.427,
        0.0,
        2.089,
        0.0,
        2.114,
        2.326,
        0.9400,
    )


def test_individuals_use_2_66_and_3_267_from_the_moving_range_of_two() -> None:
    f = factors(2)
    assert f.E2 == 2.660
    assert f.D4 == 3.267
    assert f.d2 == 1.128


def test_large_subgroups_have_positive_lower_factors() -> None:
    assert factors(25).D3 == 0.459
    assert factors(25).B3 == 0.565
    assert factors(6).D3 == 0.0
    assert factors(7).D3 == 0.076


@pytest.mark.parametrize("n", range(2, 26))
def test_c4_agrees_with_its_gamma_function_definition(n: int) -> None:
    assert factors(n).c4 == pytest.approx(exact_c4(n), abs=0.5e-4)


@pytest.mark.parametrize("n", range(2, 26))
def test_a_b_and_e_factors_agree_with_their_definitions(n: int) -> None:
    f = factors(n)
    c4 = exact_c4(n)
    spread = 3 * math.sqrt(1 - c4**2) / c4
    # One unit in the third decimal: the table rounds each factor from unrounded inputs.
    assert math.isclose(f.A2, 3 / (f.d2 * math.sqrt(n)), abs_tol=1e-3)
    assert math.isclose(f.A3, 3 / (c4 * math.sqrt(n)), abs_tol=1e-3)
    assert math.isclose(f.B4, 1 + spread, abs_tol=1e-3)
    assert math.isclose(f.B3, max(0.0, 1 - spread), abs_tol=1e-3)
    assert round(3 / f.d2, 3) == f.E2


@pytest.mark.parametrize("n", range(7, 26))
def test_range_chart_limits_are_symmetric_once_the_lower_one_is_positive(n: int) -> None:
    # D3 = 1 - 3 d3/d2 and D4 = 1 + 3 d3/d2.
    assert math.isclose(factors(n).D3 + factors(n).D4, 2.0, abs_tol=1e-3)


@pytest.mark.parametrize("n", [0, 1, 26, 100])
def test_subgroup_sizes_outside_the_table_are_rejected(n: int) -> None:
    with pytest.raises(ValueError, match="subgroup size"):
        factors(n)

"""Capability and performance indices against textbook examples and their formulas."""

from __future__ import annotations

import statistics

import pytest

from quality.spc import capability, capability_from_estimates, capability_individuals
from tests.quality.unit.test_spc_charts import LOAN_COSTS, PISTON_RINGS


def test_nist_handbook_example_gives_cp_one_and_cpk_two_thirds() -> None:
    # NIST/SEMATECH e-Handbook of Statistical Methods, 6.1.6: USL 20, LSL 8, mean 16,
    # sigma 2: Cp = 1.00, Cpu = 0.667, Cpl = 1.333, Cpk = 0.667.
    result = capability_from_estimates(
        mean=16.0, sigma_within=2.0, sigma_overall=2.0, lsl=8.0, usl=20.0
    )
    assert result.cp == pytest.approx(1.0)
    assert result.cpu == pytest.approx(4 / 6)
    assert result.cpl == pytest.approx(8 / 6)
    assert result.cpk == pytest.approx(4 / 6)
    assert (result.pp, result.ppk) == (result.cp, result.cpk)
    assert result.sigma_method == "given"


def test_montgomerys_piston_ring_ratio_from_the_rounded_estimates() -> None:
    # Montgomery, section 6.2: sigma = R-bar/d2 = 0.023/2.326 = 0.0099 and specifications
    # 74.000 +- 0.05 mm give Cp = 0.10 / (6 x 0.0099) = 1.68.
    result = capability_from_estimates(
        mean=74.001, sigma_within=0.0099, sigma_overall=0.0099, lsl=73.95, usl=74.05
    )
    assert result.cp is not None
    assert round(result.cp, 2) == 1.68


def test_piston_ring_capability_from_the_data_uses_r_bar_over_d2_within() -> None:
    result = capability(PISTON_RINGS, lsl=73.95, usl=74.05)
    flat = [x for g in PISTON_RINGS for x in g]
    rbar = statistics.fmean([max(g) - min(g) for g in PISTON_RINGS])
    sigma = rbar / 2.326
    mean = statistics.fmean(flat)
    assert result.sigma_method == "range"
    assert result.mean == pytest.approx(mean, abs=1e-12)
    assert result.sigma_within == pytest.approx(sigma, abs=1e-15)
    assert result.cp == pytest.approx(0.10 / (6 * sigma))
    assert result.cpk == pytest.approx((74.05 - mean) / (3 * sigma))  # nearer the USL
    # What R's qcc reports for these data (process.capability): Cp 1.70, Cpk 1.66.
    assert result.cp is not None
    assert result.cpk is not None
    assert (round(result.cp, 2), round(result.cpk, 2)) == (1.70, 1.66)


def test_performance_indices_use_the_overall_sample_standard_deviation() -> None:
    result = capability(PISTON_RINGS, lsl=73.95, usl=74.05)
    flat = [x for g in PISTON_RINGS for x in g]
    overall = statistics.stdev(flat)
    assert result.sigma_overall == pytest.approx(overall, abs=1e-15)
    assert result.pp == pytest.approx(0.10 / (6 * overall))
    assert result.ppu == pytest.approx((74.05 - statistics.fmean(flat)) / (3 * overall))
    assert result.ppl == pytest.approx((statistics.fmean(flat) - 73.95) / (3 * overall))
    assert result.ppk == min(result.ppu or 0, result.ppl or 0)


def test_the_s_method_uses_s_bar_over_c4_within() -> None:
    result = capability(PISTON_RINGS, lsl=73.95, usl=74.05, method="stdev")
    sbar = statistics.fmean([statistics.stdev(g) for g in PISTON_RINGS])
    assert result.sigma_method == "stdev"
    assert result.sigma_within == pytest.approx(sbar / 0.9400, abs=1e-15)


def test_individuals_use_the_mean_moving_range_over_d2_within() -> None:
    result = capability_individuals(LOAN_COSTS, usl=330.0)
    mrbar = statistics.fmean([abs(LOAN_COSTS[i] - LOAN_COSTS[i - 1]) for i in range(1, 20)])
    assert result.sigma_method == "moving_range"
    assert result.sigma_within == pytest.approx(mrbar / 1.128, abs=1e-12)
    assert result.cpu == pytest.approx((330.0 - 300.5) / (3 * mrbar / 1.128))


def test_an_upper_limit_alone_defines_only_the_upper_indices() -> None:
    result = capability_from_estimates(mean=10.0, sigma_within=1.0, sigma_overall=1.25, usl=13.0)
    assert (result.cp, result.cpl, result.pp, result.ppl) == (None, None, None, None)
    assert result.cpu == pytest.approx(1.0)
    assert result.cpk == result.cpu
    assert result.ppk == pytest.approx(0.8)


def test_a_lower_limit_alone_defines_only_the_lower_indices() -> None:
    result = capability_from_estimates(mean=10.0, sigma_within=0.5, sigma_overall=0.5, lsl=8.5)
    assert (result.cp, result.cpu) == (None, None)
    assert result.cpk == result.cpl == pytest.approx(1.0)


def test_without_specification_limits_no_index_is_defined() -> None:
    result = capability(PISTON_RINGS)
    assert {result.cp, result.cpk, result.pp, result.ppk} == {None}
    assert result.sigma_within > 0


def test_a_process_without_variation_has_no_indices() -> None:
    result = capability_individuals([5.0, 5.0, 5.0], lsl=4.0, usl=6.0)
    assert (result.sigma_within, result.sigma_overall) == (0.0, 0.0)
    assert (result.cp, result.cpk, result.pp, result.ppk) == (None, None, None, None)


def test_a_mean_outside_the_specification_gives_a_negative_cpk() -> None:
    result = capability_from_estimates(
        mean=21.0, sigma_within=1.0, sigma_overall=1.0, lsl=8.0, usl=20.0
    )
    assert result.cpk == pytest.approx(-1 / 3)


@pytest.mark.parametrize(
    ("lsl", "usl", "values", "message"),
    [
        (10.0, 10.0, [1.0, 2.0], "LSL must be below USL"),
        (12.0, 10.0, [1.0, 2.0], "LSL must be below USL"),
        (None, None, [1.0], "at least 2"),
        (None, None, [1.0, float("nan")], "finite"),
    ],
)
def test_invalid_input_is_rejected(
    lsl: float | None, usl: float | None, values: list[float], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        capability_individuals(values, lsl=lsl, usl=usl)


def test_an_unknown_within_method_is_rejected() -> None:
    with pytest.raises(ValueError, match="method"):
        capability(PISTON_RINGS, method="mad")  # type: ignore[arg-type]

"""Control charts against worked examples from Montgomery, and their phase I/II limits."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from quality.spc import ControlChart, individuals, xbar_r, xbar_s

# Inside diameter of forged piston rings (mm), subgroups of 5: Montgomery, Introduction to
# Statistical Quality Control, section 6.2, Tables 6.3 (25 phase I samples) and 6.4 (15
# later samples), in the machine-readable copy R's qcc package ships as ``pistonrings``.
# The book reports X-bar-bar = 74.001 and R-bar = 0.023, X-bar limits 74.014 / 73.988
# (with A2 = 0.577), and R chart limits 0 .. 0.049 (D4 = 2.114 times R-bar rounded to
# 0.023; the unrounded R-bar of this copy, 0.02276, gives 0.0481).
PISTON_RINGS: list[list[float]] = [
    [74.030, 74.002, 74.019, 73.992, 74.008],
    [73.995, 73.992, 74.001, 74.011, 74.004],
    [73.988, 74.024, 74.021, 74.005, 74.002],
    [74.002, 73.996, 73.993, 74.015, 74.009],
    [73.992, 74.007, 74.015, 73.989, 74.014],
    [74.009, 73.994, 73.997, 73.985, 73.993],
    [73.995, 74.006, 73.994, 74.000, 74.005],
    [73.985, 74.003, 73.993, 74.015, 73.988],
    [74.008, 73.995, 74.009, 74.005, 74.004],
    [73.998, 74.000, 73.990, 74.007, 73.995],
    [73.994, 73.998, 73.994, 73.995, 73.990],
    [74.004, 74.000, 74.007, 74.000, 73.996],
    [73.983, 74.002, 73.998, 73.997, 74.012],
    [74.006, 73.967, 73.994, 74.000, 73.984],
    [74.012, 74.014, 73.998, 73.999, 74.007],
    [74.000, 73.984, 74.005, 73.998, 73.996],
    [73.994, 74.012, 73.986, 74.005, 74.007],
    [74.006, 74.010, 74.018, 74.003, 74.000],
    [73.984, 74.002, 74.003, 74.005, 73.997],
    [74.000, 74.010, 74.013, 74.020, 74.003],
    [73.988, 74.001, 74.009, 74.005, 73.996],
    [74.004, 73.999, 73.990, 74.006, 74.009],
    [74.010, 73.989, 73.990, 74.009, 74.014],
    [74.015, 74.008, 73.993, 74.000, 74.010],
    [73.982, 73.984, 73.995, 74.017, 74.013],
]
PISTON_RINGS_PHASE_II: list[list[float]] = [
    [74.012, 74.015, 74.030, 73.986, 74.000],
    [73.995, 74.010, 73.990, 74.015, 74.001],
    [73.987, 73.999, 73.985, 74.000, 73.990],
    [74.008, 74.010, 74.003, 73.991, 74.006],
    [74.003, 74.000, 74.001, 73.986, 73.997],
    [73.994, 74.003, 74.015, 74.020, 74.004],
    [74.008, 74.002, 74.018, 73.995, 74.005],
    [74.001, 74.004, 73.990, 73.996, 73.998],
    [74.015, 74.000, 74.016, 74.025, 74.000],
    [74.030, 74.005, 74.000, 74.016, 74.012],
    [74.001, 73.990, 73.995, 74.010, 74.024],
    [74.015, 74.020, 74.024, 74.005, 74.019],
    [74.035, 74.010, 74.012, 74.015, 74.026],
    [74.017, 74.013, 74.036, 74.025, 74.026],
    [74.010, 74.005, 74.029, 74.000, 74.020],
]

# Weekly mortgage loan processing costs: Montgomery, section 6.4 (individuals control
# chart example). The book reports x-bar = 300.5, MR-bar = 7.79, I chart limits 321.22 /
# 279.78 and MR chart UCL 25.45.
LOAN_COSTS: list[float] = [
    310, 288, 297, 298, 307, 303, 294, 297, 308, 306,
    294, 299, 297, 299, 314, 295, 293, 306, 301, 304,
]  # fmt: skip


def test_piston_ring_xbar_r_chart_reproduces_montgomerys_limits() -> None:
    chart = xbar_r(PISTON_RINGS)
    assert round(chart.location.center, 3) == 74.001
    assert round(chart.location.ucl, 3) == 74.014
    assert round(chart.location.lcl, 3) == 73.988
    assert round(chart.dispersion.center, 3) == 0.023
    assert chart.dispersion.lcl == 0.0
    assert round(2.114 * round(chart.dispersion.center, 3), 3) == 0.049


def test_piston_ring_xbar_r_chart_matches_the_formulas_on_the_unrounded_data() -> None:
    chart = xbar_r(PISTON_RINGS)
    means = [statistics.fmean(g) for g in PISTON_RINGS]
    rbar = statistics.fmean([max(g) - min(g) for g in PISTON_RINGS])
    assert chart.location.center == pytest.approx(statistics.fmean(means), abs=1e-12)
    assert chart.location.ucl == pytest.approx(74.001176 + 0.577 * 0.02276, abs=1e-9)
    assert chart.dispersion.center == pytest.approx(rbar, abs=1e-12)
    assert chart.dispersion.ucl == pytest.approx(2.114 * 0.02276, abs=1e-9)
    assert chart.sigma_within == pytest.approx(0.02276 / 2.326, abs=1e-12)
    assert chart.location.sigma == pytest.approx(0.577 * 0.02276 / 3, abs=1e-12)
    assert [p.value for p in chart.location.points] == pytest.approx(means, abs=1e-12)


def test_piston_ring_phase_one_is_in_control() -> None:
    for ruleset in ("nelson", "western_electric"):
        chart = xbar_r(PISTON_RINGS, ruleset=ruleset)
        assert chart.location.violations == ()
        assert chart.dispersion.violations == ()


def test_piston_ring_xbar_s_chart_reproduces_montgomerys_xbar_limits() -> None:
    chart = xbar_s(PISTON_RINGS)
    sbar = statistics.fmean([statistics.stdev(g) for g in PISTON_RINGS])
    assert chart.kind == "xbar_s"
    assert round(chart.location.ucl, 3) == 74.014
    assert round(chart.location.lcl, 3) == 73.988
    assert chart.location.ucl == pytest.approx(chart.location.center + 1.427 * sbar, abs=1e-12)
    assert chart.dispersion.center == pytest.approx(sbar, abs=1e-12)
    assert chart.dispersion.ucl == pytest.approx(2.089 * sbar, abs=1e-12)
    assert chart.dispersion.lcl == 0.0
    assert chart.sigma_within == pytest.approx(sbar / 0.9400, abs=1e-12)
    assert round(sbar, 4) == 0.0092


def test_phase_two_points_are_judged_against_the_phase_one_limits() -> None:
    baseline = xbar_r(PISTON_RINGS)
    chart = xbar_r(PISTON_RINGS + PISTON_RINGS_PHASE_II, baseline=25)
    assert chart.baseline == 25
    assert len(chart.location.points) == 40
    assert (chart.location.center, chart.location.ucl, chart.location.lcl) == (
        baseline.location.center,
        baseline.location.ucl,
        baseline.location.lcl,
    )
    means = [statistics.fmean(g) for g in PISTON_RINGS + PISTON_RINGS_PHASE_II]
    beyond = [i for i, m in enumerate(means) if m > chart.location.ucl]
    assert beyond == [36, 37, 38]  # samples 37 to 39
    assert [v.indices for v in chart.location.violations if v.rule == 1] == [(36,), (37,), (38,)]


def test_the_upward_shift_in_phase_two_also_triggers_the_zone_rules_earlier() -> None:
    chart = xbar_r(PISTON_RINGS + PISTON_RINGS_PHASE_II, baseline=25)
    first = {v.rule: v.triggered_at for v in reversed(chart.location.violations)}
    assert first == {1: 36, 5: 34, 6: 34}


def test_loan_costs_individuals_chart_reproduces_montgomerys_limits() -> None:
    chart = individuals(LOAN_COSTS)
    assert chart.kind == "i_mr"
    assert chart.subgroup_size == 1
    assert chart.location.center == pytest.approx(300.5, abs=1e-9)
    assert round(chart.dispersion.center, 2) == 7.79
    assert round(chart.location.ucl, 2) == 321.22
    assert round(chart.location.lcl, 2) == 279.78
    assert round(chart.dispersion.ucl, 2) == 25.45
    assert chart.dispersion.lcl == 0.0
    assert chart.sigma_within == pytest.approx(chart.dispersion.center / 1.128, abs=1e-12)
    assert chart.location.violations == ()


def test_moving_ranges_are_indexed_by_the_later_value_and_carry_its_label() -> None:
    start = datetime(2026, 3, 2, 6, tzinfo=UTC)
    stamps = [start + timedelta(hours=h) for h in range(4)]
    labels = ["A1", "A2", "A3", "A4"]
    chart = individuals([10.0, 12.0, 11.0, 11.5], labels=labels, timestamps=stamps)
    assert [(p.index, p.value, p.label) for p in chart.dispersion.points] == [
        (1, 2.0, "A2"),
        (2, 1.0, "A3"),
        (3, 0.5, "A4"),
    ]
    assert chart.dispersion.points[0].timestamp == stamps[1]
    assert [(p.index, p.label) for p in chart.location.points] == list(enumerate(labels))


def test_individuals_baseline_limits_come_from_the_leading_values_only() -> None:
    chart = individuals(LOAN_COSTS, baseline=10)
    head = LOAN_COSTS[:10]
    mrbar = statistics.fmean([abs(head[i] - head[i - 1]) for i in range(1, 10)])
    assert chart.location.center == pytest.approx(statistics.fmean(head), abs=1e-12)
    assert chart.dispersion.center == pytest.approx(mrbar, abs=1e-12)
    assert chart.location.ucl == pytest.approx(statistics.fmean(head) + 2.66 * mrbar, abs=1e-9)
    assert chart.dispersion.ucl == pytest.approx(3.267 * mrbar, abs=1e-9)
    assert len(chart.location.points) == 20


def test_a_moving_range_beyond_its_limit_is_flagged_at_the_later_value() -> None:
    values = [10.0, 10.2, 9.9, 10.1, 10.0, 9.8, 10.1, 10.0, 9.9, 10.2, 11.5, 10.0]
    chart = individuals(values, baseline=10, ruleset="western_electric")
    assert [v.indices for v in chart.dispersion.violations] == [(10,), (11,)]
    assert [v.indices for v in chart.location.violations] == [(10,)]


def test_a_chart_is_flagged_on_the_first_change_of_a_perfectly_constant_process() -> None:
    chart = individuals([5.0] * 10 + [5.01], baseline=10)
    assert chart.location.ucl == chart.location.lcl == 5.0
    assert [(v.rule, v.triggered_at) for v in chart.location.violations] == [(1, 10)]


def test_a_control_chart_round_trips_through_json() -> None:
    chart = xbar_r(PISTON_RINGS, labels=[f"sample {i}" for i in range(1, 26)])
    decoded = msgspec.json.decode(msgspec.json.encode(chart), type=ControlChart)
    assert decoded == chart


def test_a_large_individuals_chart_keeps_one_point_per_value() -> None:
    values = [math.sin(i / 7) + (i % 13) / 20 for i in range(100_000)]
    chart = individuals(values)
    assert len(chart.location.points) == 100_000
    assert len(chart.dispersion.points) == 99_999
    assert chart.location.points[-1].index == 99_999


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: xbar_r([[1.0, 2.0], [1.0, 2.0, 3.0]]), "same size"),
        (lambda: xbar_r([[1.0]] * 3), "subgroup size"),
        (lambda: xbar_s([[1.0] * 26] * 3), "subgroup size"),
        (lambda: xbar_r([]), "at least one subgroup"),
        (lambda: xbar_r(PISTON_RINGS, baseline=0), "baseline"),
        (lambda: xbar_r(PISTON_RINGS, baseline=26), "baseline"),
        (lambda: xbar_r(PISTON_RINGS, labels=["a"]), "labels"),
        (lambda: xbar_r([[1.0, float("nan")], [1.0, 2.0]]), "finite"),
        (lambda: individuals([1.0]), "at least 2"),
        (lambda: individuals([1.0, 2.0, 3.0], baseline=1), "baseline"),
        (lambda: individuals([1.0, float("inf")]), "finite"),
        (lambda: individuals([1.0, 2.0], ruleset="shewhart"), "ruleset"),  # type: ignore[arg-type]
    ],
)
def test_invalid_input_is_rejected_with_the_reason(
    call: Callable[[], object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        call()

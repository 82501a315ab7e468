"""Western Electric and Nelson run rules: one pattern per rule, boundaries, episodes.

The hand-made series use center 0 and sigma 1, so a value is its distance in sigmas.
Each triggers exactly one rule at a known point; a reference implementation written
straight from the definitions (point by point, no encoding) checks random series.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from itertools import pairwise

import pytest

from quality.spc import Ruleset, Violation, outside_limits, violations

Episode = tuple[int, int, tuple[int, ...]]
Fire = tuple[int, str, tuple[int, ...]]  # rule, side, the points involved

# Stays within the rules: both sides, some points beyond 1 sigma, no trends or alternation.
STABLE = [0.3, -0.6, 1.2, 0.4, -1.1, -0.2, 0.7, -0.9] * 8

NELSON_PATTERNS: list[tuple[int, list[float], int, tuple[int, ...]]] = [
    (1, [0.5, -0.5, 3.5, -0.5], 2, (2,)),
    (2, [-0.5] + [0.5] * 9, 9, tuple(range(1, 10))),
    (3, [-0.5, -0.3, -0.1, 0.1, 0.3, 0.5], 5, tuple(range(6))),
    (4, [0.5, -0.5] * 7, 13, tuple(range(14))),
    (5, [0.5, 2.5, 0.5, 2.5, -0.5], 3, (1, 3)),
    (6, [1.5, 1.5, 0.5, 1.5, 1.5], 4, (0, 1, 3, 4)),
    (7, [0.2, 0.4, -0.2, -0.4] * 3 + [0.2, 0.4, -0.2], 14, tuple(range(15))),
    (8, [1.5, -1.5] * 4, 7, tuple(range(8))),
]

WESTERN_ELECTRIC_PATTERNS: list[tuple[int, list[float], int, tuple[int, ...]]] = [
    (1, [0.5, -0.5, 3.5, -0.5], 2, (2,)),
    (2, [0.5, 2.5, 0.5, 2.5, -0.5], 3, (1, 3)),
    (3, [1.5, 1.5, 0.5, 1.5, 1.5], 4, (0, 1, 3, 4)),
    (4, [-0.5] + [0.5] * 8, 8, tuple(range(1, 9))),
]


def found(values: Sequence[float], ruleset: Ruleset = "nelson") -> list[tuple[int, int]]:
    return [(v.rule, v.triggered_at) for v in violations(values, 0.0, 1.0, ruleset)]


@pytest.mark.parametrize(("rule", "values", "at", "indices"), NELSON_PATTERNS)
def test_each_nelson_pattern_triggers_only_its_own_rule_at_the_completing_point(
    rule: int, values: list[float], at: int, indices: tuple[int, ...]
) -> None:
    [violation] = violations(values, 0.0, 1.0, "nelson")
    assert (violation.rule, violation.triggered_at, violation.indices) == (rule, at, indices)


@pytest.mark.parametrize(("rule", "values", "at", "indices"), WESTERN_ELECTRIC_PATTERNS)
def test_each_western_electric_pattern_triggers_only_its_own_rule(
    rule: int, values: list[float], at: int, indices: tuple[int, ...]
) -> None:
    [violation] = violations(values, 0.0, 1.0, "western_electric")
    assert (violation.rule, violation.triggered_at, violation.indices) == (rule, at, indices)


def test_a_violation_names_its_pattern() -> None:
    assert violations([0.5, 2.5, 0.5, 2.5], 0.0, 1.0, "western_electric") == [
        Violation(
            rule=2, name="2 of 3 points beyond 2 sigma, same side", triggered_at=3, indices=(1, 3)
        )
    ]
    assert [v.name for v in violations([-0.5] + [0.5] * 9, 0.0, 1.0)] == [
        "9 points in a row on the same side"
    ]


@pytest.mark.parametrize("ruleset", ["nelson", "western_electric"])
def test_a_stable_series_triggers_no_rule(ruleset: Ruleset) -> None:
    assert found(STABLE, ruleset) == []


def test_eight_in_a_row_on_one_side_is_a_western_electric_signal_but_not_a_nelson_one() -> None:
    values = [-0.5] + [0.5] * 8
    assert found(values, "western_electric") == [(4, 8)]
    assert found(values, "nelson") == []


def test_the_lower_side_triggers_like_the_upper_side() -> None:
    assert found([-0.5, -2.5, -0.5, -2.5, 0.5]) == [(5, 3)]
    assert found([0.5, 0.5, -3.5]) == [(1, 2)]


def test_a_point_exactly_on_a_zone_line_is_not_beyond_it() -> None:
    assert found([0.5, 3.0, -0.5]) == []
    assert found([0.5, 2.0, 2.0, -0.5]) == []
    assert found([0.5, 3.0000001, -0.5]) == [(1, 1)]


def test_a_point_on_the_center_line_breaks_a_run_on_one_side() -> None:
    assert found([0.5] * 5 + [0.0] + [0.5] * 5) == []


def test_equal_neighbours_break_a_trend() -> None:
    assert found([-0.5, -0.3, -0.1, -0.1, 0.1, 0.3]) == []


def test_a_longer_run_is_one_episode_listing_all_its_points() -> None:
    [violation] = violations([-0.5] + [0.5] * 12 + [-0.5], 0.0, 1.0)
    assert violation.rule == 2
    assert violation.triggered_at == 9
    assert violation.indices == tuple(range(1, 13))


def test_overlapping_two_of_three_windows_merge_into_one_episode() -> None:
    values = [0.5, 2.5, 2.5, 0.5, 2.5, 0.5, 0.5, 0.5, 2.5, 0.5, 2.5]
    two_of_three = [v for v in violations(values, 0.0, 1.0) if v.rule == 5]
    assert [(v.triggered_at, v.indices) for v in two_of_three] == [(2, (1, 2, 4)), (10, (8, 10))]


def test_every_point_beyond_3_sigma_is_its_own_violation() -> None:
    beyond = [v for v in violations([4.0, 4.0, 0.5], 0.0, 1.0) if v.rule == 1]
    assert [v.indices for v in beyond] == [(0,), (1,)]


def test_zones_come_from_the_given_center_and_sigma() -> None:
    # 74.0 +- 3 x 0.004: 74.013 is beyond 3 sigma, 74.011 is not.
    flagged = violations([74.0, 74.013, 74.0, 74.0, 74.011], 74.0, 0.004, "western_electric")
    assert [(v.rule, v.triggered_at) for v in flagged] == [(1, 1)]


def test_with_zero_sigma_any_point_off_center_is_beyond_the_limits() -> None:
    flagged = violations([5.0, 5.0, 5.1, 5.0, 4.9], 5.0, 0.0, "western_electric")
    assert [(v.rule, v.triggered_at) for v in flagged] == [(1, 2), (1, 4)]


def test_violations_are_ordered_by_trigger_point_then_rule() -> None:
    values = [1.5, 1.5, 1.5, 3.5]  # rule 1 at 3, and 4 of 5 beyond 1 sigma at 3
    assert found(values) == [(1, 3), (6, 3)]


def test_outside_limits_numbers_points_from_the_first_index() -> None:
    flagged = outside_limits([0.1, 0.9, 0.2, -0.1], 0.0, 0.8, first_index=1)
    assert [(v.rule, v.indices) for v in flagged] == [(1, (2,)), (1, (4,))]


@pytest.mark.parametrize(
    ("values", "center", "sigma", "ruleset", "message"),
    [
        ([1.0], 0.0, -1.0, "nelson", "sigma"),
        ([1.0], 0.0, float("nan"), "nelson", "sigma"),
        ([1.0, float("nan")], 0.0, 1.0, "nelson", "finite"),
        ([1.0], 0.0, 1.0, "shewhart", "ruleset"),
    ],
)
def test_invalid_arguments_are_rejected(
    values: list[float], center: float, sigma: float, ruleset: Ruleset, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        violations(values, center, sigma, ruleset)


# --- the reference: each rule tested at each point, straight from its wording ----------


def sided(up: bool, k: float) -> Callable[[float], bool]:
    return (lambda x: x > k) if up else (lambda x: x < -k)


def reference(values: Sequence[float], ruleset: Ruleset) -> list[Episode]:
    """(rule, triggered_at, indices) by the definitions, merged into episodes the same way:
    a run goes on while its rule fires at every next point; a window joins the episode
    before it when they share a point; rule 1 never merges."""
    episodes: list[tuple[int, int, list[int]]] = []
    latest: dict[tuple[int, str], tuple[int, int]] = {}  # -> (episode, last firing point)
    windowed = {5, 6} if ruleset == "nelson" else {2, 3}
    for i in range(len(values)):
        for rule, side, involved in reference_at(values, i, ruleset):
            before = latest.get((rule, side))
            if before is not None and rule != 1:
                indices = episodes[before[0]][2]
                joins = involved[0] <= indices[-1] if rule in windowed else before[1] == i - 1
                if joins:
                    indices.extend(x for x in involved if x > indices[-1])
                    latest[(rule, side)] = (before[0], i)
                    continue
            latest[(rule, side)] = (len(episodes), i)
            episodes.append((rule, i, list(involved)))
    return sorted([(r, at, tuple(ix)) for r, at, ix in episodes], key=lambda e: (e[1], e[0]))


def reference_at(x: Sequence[float], i: int, ruleset: Ruleset) -> list[Fire]:
    hits: list[Fire] = []
    if abs(x[i]) > 3:
        hits.append((1, "", (i,)))
    two, four = (5, 6) if ruleset == "nelson" else (2, 3)
    for up in (True, False):
        side = "up" if up else "down"
        for rule, k, m, limit in ((two, 2, 3, 2.0), (four, 4, 5, 1.0)):
            beyond = sided(up, limit)
            window = [j for j in range(max(0, i - m + 1), i + 1) if beyond(x[j])]
            if beyond(x[i]) and len(window) >= k:
                hits.append((rule, side, tuple(window)))
        hits += reference_runs(x, i, up, side, ruleset)
    if ruleset == "nelson":
        hits += reference_nelson_runs(x, i)
    return hits


def reference_runs(x: Sequence[float], i: int, up: bool, side: str, ruleset: Ruleset) -> list[Fire]:
    rule, length = (2, 9) if ruleset == "nelson" else (4, 8)
    span = range(i - length + 1, i + 1)
    on_side = sided(up, 0.0)
    if i >= length - 1 and all(on_side(x[j]) for j in span):
        return [(rule, side, tuple(span))]
    return []


def reference_nelson_runs(x: Sequence[float], i: int) -> list[Fire]:
    hits: list[Fire] = []
    for up in (True, False):
        span = range(i - 5, i + 1)
        if i >= 5 and all((x[j + 1] > x[j]) == up and x[j + 1] != x[j] for j in span[:-1]):
            hits.append((3, "up" if up else "down", tuple(span)))
    span = range(i - 13, i + 1)
    diffs = [x[j + 1] - x[j] for j in span[:-1]] if i >= 13 else []
    if diffs and all(a * b < 0 for a, b in pairwise(diffs)):
        hits.append((4, "up" if (diffs[0] > 0) == (i % 2 == 1) else "down", tuple(span)))
    if i >= 14 and all(abs(x[j]) <= 1 for j in range(i - 14, i + 1)):
        hits.append((7, "", tuple(range(i - 14, i + 1))))
    if i >= 7 and all(abs(x[j]) > 1 for j in range(i - 7, i + 1)):
        hits.append((8, "", tuple(range(i - 7, i + 1))))
    return hits


def shifted_series(seed: int) -> list[float]:
    """Noise with a shift, a trend, an alternating stretch and a quiet stretch: every rule
    gets something to find."""
    rng = random.Random(seed)
    noise = [rng.gauss(0, 1) for _ in range(600)]
    noise[100:130] = [v + 1.5 for v in noise[100:130]]
    noise[200:210] = [0.3 * k - 1.5 + 0.05 * rng.random() for k in range(10)]
    noise[300:320] = [(-1) ** k * rng.uniform(1.1, 1.8) for k in range(20)]
    noise[400:425] = [rng.uniform(-0.8, 0.8) for _ in range(25)]
    noise[500] = 3.5
    return noise


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("ruleset", ["nelson", "western_electric"])
def test_random_series_agree_with_the_point_by_point_reference(seed: int, ruleset: Ruleset) -> None:
    values = shifted_series(seed)
    got = [(v.rule, v.triggered_at, v.indices) for v in violations(values, 0.0, 1.0, ruleset)]
    assert got == reference(values, ruleset)
    assert {rule for rule, _, _ in got} == set(range(1, 9 if ruleset == "nelson" else 5))

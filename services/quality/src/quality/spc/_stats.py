"""Summary statistics shared by the charts and the capability indices."""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise

from quality.spc.constants import MAX_SUBGROUP, MIN_SUBGROUP


def require_finite(values: Sequence[float], what: str) -> None:
    # NaN compares false with everything, so it would silently fall out of every zone and
    # every limit check: reject it (and infinities) up front.
    if not all(map(math.isfinite, values)):
        raise ValueError(f"{what} must be finite numbers")


def mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def sample_stdev(values: Sequence[float]) -> float:
    """Standard deviation with n - 1 in the denominator, in two passes.

    Not ``statistics.stdev``: it computes exactly with fractions, which is two orders of
    magnitude slower, and the one-pass sum-of-squares formula loses the digits of a small
    spread around a large mean (74.001 +- 0.01 mm).
    """
    m = mean(values)
    return math.sqrt(math.fsum([(x - m) * (x - m) for x in values]) / (len(values) - 1))


def subgroup_size(subgroups: Sequence[Sequence[float]]) -> int:
    """The common size of the subgroups: the limits use one set of factors."""
    if not subgroups:
        raise ValueError("at least one subgroup is required")
    sizes = {len(g) for g in subgroups}
    if len(sizes) != 1:
        raise ValueError(f"all subgroups must have the same size, got sizes {sorted(sizes)}")
    n = sizes.pop()
    if not MIN_SUBGROUP <= n <= MAX_SUBGROUP:
        raise ValueError(f"subgroup size must be {MIN_SUBGROUP}..{MAX_SUBGROUP}, got {n}")
    return n


def subgroup_means(subgroups: Sequence[Sequence[float]], n: int) -> list[float]:
    means = [sum(g) / n for g in subgroups]
    # A NaN or infinity anywhere in a subgroup makes its mean non-finite: one cheap check.
    require_finite(means, "measurements")
    return means


def subgroup_ranges(subgroups: Sequence[Sequence[float]]) -> list[float]:
    return [max(g) - min(g) for g in subgroups]


def subgroup_stdevs(subgroups: Sequence[Sequence[float]], means: Sequence[float]) -> list[float]:
    n1 = len(subgroups[0]) - 1
    return [
        math.sqrt(sum([(x - m) * (x - m) for x in g]) / n1)
        for g, m in zip(subgroups, means, strict=True)
    ]


def moving_ranges(values: Sequence[float]) -> list[float]:
    """|x[i] - x[i-1]| for i = 1..len-1 (moving range of span 2)."""
    return [abs(b - a) for a, b in pairwise(values)]

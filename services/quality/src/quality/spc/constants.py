"""Factors for Shewhart variables control charts, subgroup sizes n = 2..25.

Source: D. C. Montgomery, *Introduction to Statistical Quality Control* (7th ed., Wiley,
2013), Appendix VI, "Factors for Constructing Variables Control Charts"; ASTM E2587,
"Standard Practice for Use of Control Charts in Statistical Process Control", tabulates
the same factors. Their definitions, for a normal process with subgroups of n:

* d2 = E[R]/sigma, the mean relative range; d3 its standard deviation;
* c4 = E[S]/sigma = sqrt(2/(n-1)) * Gamma(n/2) / Gamma((n-1)/2);
* A2 = 3/(d2 sqrt n), D3 = max(0, 1 - 3 d3/d2), D4 = 1 + 3 d3/d2 (X-bar and R charts);
* A3 = 3/(c4 sqrt n), B3 = max(0, 1 - 3 sqrt(1-c4^2)/c4), B4 = 1 + 3 sqrt(1-c4^2)/c4;
* E2 = 3/d2 (individuals chart limits from the mean moving range, span n).

The values are the table's, not recomputed: worked examples in the literature use them,
and limits should reproduce those examples digit for digit. The table computed D3 and D4
from d2 and d3 already rounded, so for n = 3, 18, 19, 22 and 24 they differ from the exact
definition by one unit in the third decimal. E2 is not in Montgomery's table; it is 3/d2
rounded to three decimals, which gives the tabulated 2.660 for n = 2 (the "2.66" of I-MR).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import msgspec

MIN_SUBGROUP = 2
MAX_SUBGROUP = 25


class Factors(msgspec.Struct, frozen=True, kw_only=True):
    """The control chart factors for one subgroup size (named as in the tables)."""

    n: int
    A2: float
    A3: float
    B3: float
    B4: float
    D3: float
    D4: float
    d2: float
    c4: float
    E2: float


# n, A2, A3, c4, B3, B4, d2, D3, D4: Montgomery, Appendix VI.
_TABLE: tuple[tuple[int, float, float, float, float, float, float, float, float], ...] = (
    (2, 1.880, 2.659, 0.7979, 0.000, 3.267, 1.128, 0.000, 3.267),
    (3, 1.023, 1.954, 0.8862, 0.000, 2.568, 1.693, 0.000, 2.574),
    (4, 0.729, 1.628, 0.9213, 0.000, 2.266, 2.059, 0.000, 2.282),
    (5, 0.577, 1.427, 0.9400, 0.000, 2.089, 2.326, 0.000, 2.114),
    (6, 0.483, 1.287, 0.9515, 0.030, 1.970, 2.534, 0.000, 2.004),
    (7, 0.419, 1.182, 0.9594, 0.118, 1.882, 2.704, 0.076, 1.924),
    (8, 0.373, 1.099, 0.9650, 0.185, 1.815, 2.847, 0.136, 1.864),
    (9, 0.337, 1.032, 0.9693, 0.239, 1.761, 2.970, 0.184, 1.816),
    (10, 0.308, 0.975, 0.9727, 0.284, 1.716, 3.078, 0.223, 1.777),
    (11, 0.285, 0.927, 0.9754, 0.321, 1.679, 3.173, 0.256, 1.744),
    (12, 0.266, 0.886, 0.9776, 0.354, 1.646, 3.258, 0.283, 1.717),
    (13, 0.249, 0.850, 0.9794, 0.382, 1.618, 3.336, 0.307, 1.693),
    (14, 0.235, 0.817, 0.9810, 0.406, 1.594, 3.407, 0.328, 1.672),
    (15, 0.223, 0.789, 0.9823, 0.428, 1.572, 3.472, 0.347, 1.653),
    (16, 0.212, 0.763, 0.9835, 0.448, 1.552, 3.532, 0.363, 1.637),
    (17, 0.203, 0.739, 0.9845, 0.466, 1.534, 3.588, 0.378, 1.622),
    (18, 0.194, 0.718, 0.9854, 0.482, 1.518, 3.640, 0.391, 1.608),
    (19, 0.187, 0.698, 0.9862, 0.497, 1.503, 3.689, 0.403, 1.597),
    (20, 0.180, 0.680, 0.9869, 0.510, 1.490, 3.735, 0.415, 1.585),
    (21, 0.173, 0.663, 0.9876, 0.523, 1.477, 3.778, 0.425, 1.575),
    (22, 0.167, 0.647, 0.9882, 0.534, 1.466, 3.819, 0.434, 1.566),
    (23, 0.162, 0.633, 0.9887, 0.545, 1.455, 3.858, 0.443, 1.557),
    (24, 0.157, 0.619, 0.9892, 0.555, 1.445, 3.895, 0.451, 1.548),
    (25, 0.153, 0.606, 0.9896, 0.565, 1.435, 3.931, 0.459, 1.541),
)

FACTORS: Mapping[int, Factors] = MappingProxyType(
    {
        n: Factors(n=n, A2=a2, A3=a3, B3=b3, B4=b4, D3=d3, D4=d4, d2=d2, c4=c4, E2=round(3 / d2, 3))
        for n, a2, a3, c4, b3, b4, d2, d3, d4 in _TABLE
    }
)


def factors(n: int) -> Factors:
    """The factors for subgroups of ``n``; ValueError outside the tabulated 2..25."""
    found = FACTORS.get(n)
    if found is None:
        raise ValueError(
            f"subgroup size must be {MIN_SUBGROUP}..{MAX_SUBGROUP} (tabulated), got {n}"
        )
    return found

"""Run rules: non-random patterns on a Shewhart chart that signal an assignable cause.

Two rulesets. Western Electric (Statistical Quality Control Handbook, 1956), zones of one
sigma each side of the center line:

1. one point beyond 3 sigma;
2. 2 of 3 consecutive points beyond 2 sigma, on the same side;
3. 4 of 5 consecutive points beyond 1 sigma, on the same side;
4. 8 points in a row on the same side.

Nelson (Journal of Quality Technology 16(4), 1984), as numbered there and by Minitab:

1. one point beyond 3 sigma;
2. 9 points in a row on the same side;
3. 6 points in a row steadily increasing or decreasing;
4. 14 points in a row alternating up and down;
5. 2 of 3 points beyond 2 sigma, on the same side;
6. 4 of 5 points beyond 1 sigma, on the same side;
7. 15 points in a row within 1 sigma (either side);
8. 8 points in a row beyond 1 sigma (either side).

Boundaries: "beyond k sigma" is strictly beyond (|x - center| > k sigma) and "within 1
sigma" is its complement, so a point exactly on a zone line is within; a point exactly on
the center line is on neither side, and so are equal consecutive points neither up nor
down. Sigma is the chart's own (for X-bar, (UCL - center) / 3), not the process sigma.

Reporting: a pattern is reported once per episode, not at every point that prolongs it.
``triggered_at`` is the index where the pattern first became complete and ``indices`` are
all the points of the episode: a run of 12 on one side is one rule-2 violation triggered at
its 9th point, listing all 12; overlapping "k of m" windows merge the same way. Rule 1 is
reported per point.

Speed: each point is encoded once as a character (its zone, and the direction of each
step), and the patterns are regular expressions over those strings, so the per-point work
happens in C; only the "k of m" rules walk, in Python, the points beyond 2 or 1 sigma.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from functools import cached_property
from itertools import pairwise
from typing import Literal

import msgspec

Ruleset = Literal["nelson", "western_electric"]

BEYOND_LIMITS = "1 point beyond 3 sigma"


# gc=False: an unstable process can yield a violation per point, and a violation holds
# only numbers and a string, nothing that could form a reference cycle. order=True with
# triggered_at and rule first: the result list sorts in C, without a key function.
class Violation(msgspec.Struct, frozen=True, kw_only=True, gc=False, order=True):
    """One episode of one rule: ``rule`` is its number within the ruleset."""

    triggered_at: int
    rule: int
    name: str
    indices: tuple[int, ...]


# Zone symbol by bisect_left + bisect_right over the seven lines center -3..+3 sigma: a
# value strictly between lines k-1 and k gives 2k, a value on line k gives 2k + 1, so the
# code also tells "on the line" apart and the strict "beyond" needs no float tests.
# Lower side in capitals, upper side in lower case: X beyond 3, A beyond 2, B beyond 1,
# C within 1 sigma, 0 on the center line. With sigma 0 all lines coincide and any point off
# the center is beyond 3 sigma, as the collapsed control limits say.
_ZONES = "XAABBCC0ccbbaax"
_UP, _DOWN, _LEVEL = "+", "-", "="
_FLIP = str.maketrans("+-", "-+")

_BEYOND_3 = re.compile("[xX]")
_BEYOND_2_UP, _BEYOND_2_DOWN = re.compile("[ax]"), re.compile("[AX]")
_BEYOND_1_UP, _BEYOND_1_DOWN = re.compile("[abx]"), re.compile("[ABX]")
_SAME_SIDE_9 = re.compile("[abcx]{9,}|[ABCX]{9,}")
_SAME_SIDE_8 = re.compile("[abcx]{8,}|[ABCX]{8,}")
_WITHIN_1_15 = re.compile("[0cC]{15,}")
_BEYOND_1_8 = re.compile("[abxABX]{8,}")
# On steps: 5 steps the same way are 6 points; 13 equal steps after flipping every other
# one are 13 alternating steps, 14 points.
_STEPS_5 = re.compile(r"\+{5,}|-{5,}")
_STEPS_13 = re.compile(r"\+{13,}|-{13,}")

_Finding = tuple[int, tuple[int, ...]]


class _Series:
    """The values encoded for pattern matching, each encoding made only if a rule asks."""

    def __init__(self, values: Sequence[float], center: float, sigma: float) -> None:
        self.values = values
        self.lines = tuple(center + k * sigma for k in (-3, -2, -1, 0, 1, 2, 3))

    @cached_property
    def zones(self) -> str:
        lines, left, right, zones = self.lines, bisect_left, bisect_right, _ZONES
        return "".join([zones[left(lines, x) + right(lines, x)] for x in self.values])

    @cached_property
    def steps(self) -> str:
        """Direction from each point to the next: '+' up, '-' down, '=' level."""
        pairs = pairwise(self.values)
        return "".join([_UP if b > a else _DOWN if b < a else _LEVEL for a, b in pairs])

    @cached_property
    def flipped_steps(self) -> str:
        """Steps with every other one reversed: alternation becomes a run of one symbol."""
        chars = list(self.steps)
        chars[1::2] = self.steps[1::2].translate(_FLIP)
        return "".join(chars)


_Check = Callable[[_Series], list[_Finding]]


def _beyond_3(series: _Series) -> list[_Finding]:
    return [(m.start(), (m.start(),)) for m in _BEYOND_3.finditer(series.zones)]


def _runs(pattern: re.Pattern[str], text: str, need: int, on_steps: bool) -> list[_Finding]:
    # A match over steps [s, e) covers points s..e: one point more than steps.
    extra = int(on_steps)
    return [
        (m.start() + need - 1 + extra, tuple(range(m.start(), m.end() + extra)))
        for m in pattern.finditer(text)
    ]


def _zone_run(pattern: re.Pattern[str], need: int) -> _Check:
    return lambda series: _runs(pattern, series.zones, need, on_steps=False)


def _trend(series: _Series) -> list[_Finding]:
    return _runs(_STEPS_5, series.steps, 5, on_steps=True)


def _alternating(series: _Series) -> list[_Finding]:
    return _runs(_STEPS_13, series.flipped_steps, 13, on_steps=True)


def _windows(hits: list[int], k: int, m: int) -> list[_Finding]:
    """Episodes of at least k of ``hits`` (sorted indices) within m consecutive points.

    A window is reported at a hit (the latest hit completes it); a window that still holds
    the last point of the episode before extends it rather than starting another.
    """
    found: list[tuple[int, list[int]]] = []
    last = -1  # position in hits of the last point of the latest episode
    for j in range(k - 1, len(hits)):
        end = hits[j]
        if hits[j - k + 1] <= end - m:
            continue
        if last >= 0 and hits[last] > end - m:
            found[-1][1].extend(hits[last + 1 : j + 1])
        else:
            first = j - k + 1
            while first > 0 and hits[first - 1] > end - m:
                first -= 1
            found.append((end, hits[first : j + 1]))
        last = j
    return [(at, tuple(indices)) for at, indices in found]


def _k_of_m(up: re.Pattern[str], down: re.Pattern[str], k: int, m: int) -> _Check:
    def check(series: _Series) -> list[_Finding]:
        zones = series.zones
        return [
            *_windows([x.start() for x in up.finditer(zones)], k, m),
            *_windows([x.start() for x in down.finditer(zones)], k, m),
        ]

    return check


_RULES: dict[Ruleset, tuple[tuple[int, str, _Check], ...]] = {
    "nelson": (
        (1, BEYOND_LIMITS, _beyond_3),
        (2, "9 points in a row on the same side", _zone_run(_SAME_SIDE_9, 9)),
        (3, "6 points in a row increasing or decreasing", _trend),
        (4, "14 points in a row alternating up and down", _alternating),
        (5, "2 of 3 points beyond 2 sigma, same side", _k_of_m(_BEYOND_2_UP, _BEYOND_2_DOWN, 2, 3)),
        (6, "4 of 5 points beyond 1 sigma, same side", _k_of_m(_BEYOND_1_UP, _BEYOND_1_DOWN, 4, 5)),
        (7, "15 points in a row within 1 sigma", _zone_run(_WITHIN_1_15, 15)),
        (8, "8 points in a row beyond 1 sigma", _zone_run(_BEYOND_1_8, 8)),
    ),
    "western_electric": (
        (1, BEYOND_LIMITS, _beyond_3),
        (2, "2 of 3 points beyond 2 sigma, same side", _k_of_m(_BEYOND_2_UP, _BEYOND_2_DOWN, 2, 3)),
        (3, "4 of 5 points beyond 1 sigma, same side", _k_of_m(_BEYOND_1_UP, _BEYOND_1_DOWN, 4, 5)),
        (4, "8 points in a row on the same side", _zone_run(_SAME_SIDE_8, 8)),
    ),
}


def violations(
    values: Sequence[float], center: float, sigma: float, ruleset: Ruleset = "nelson"
) -> list[Violation]:
    """The episodes of every rule of ``ruleset`` in ``values``, by trigger point then rule.

    Indices are positions in ``values``. ``sigma`` is the width of one zone.
    """
    rules = _RULES.get(ruleset)
    if rules is None:
        raise ValueError(f"unknown ruleset {ruleset!r}: use one of {sorted(_RULES)}")
    if not (math.isfinite(center) and math.isfinite(sigma) and sigma >= 0):
        raise ValueError("center must be finite and sigma finite and not negative")
    if not all(map(math.isfinite, values)):
        raise ValueError("values must be finite numbers")
    series = _Series(values, center, sigma)
    found = [
        Violation(rule=number, name=name, triggered_at=at, indices=indices)
        for number, name, check in rules
        for at, indices in check(series)
    ]
    found.sort()
    return found


def outside_limits(
    values: Sequence[float], lcl: float, ucl: float, *, first_index: int = 0
) -> list[Violation]:
    """Rule 1 alone against explicit limits: what a range, S or moving-range chart gets.

    The zone rules assume a symmetric, independent statistic; ranges and standard
    deviations are skewed and moving ranges overlap (correlated), so only points beyond
    the limits are signals there. Indices start at ``first_index``.
    """
    return [
        Violation(rule=1, name=BEYOND_LIMITS, triggered_at=i, indices=(i,))
        for i, v in enumerate(values, first_index)
        if v > ucl or v < lcl
    ]

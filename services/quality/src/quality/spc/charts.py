"""Shewhart control charts for variables: X-bar and R, X-bar and S, individuals and MR.

Each chart is a pair: a location chart (subgroup means, or the individual values) and a
dispersion chart (ranges, standard deviations, or moving ranges of span 2). Limits are
three sigma from the tabulated factors (see ``constants``):

* X-bar/R: X-bar-bar +- A2 R-bar; R chart D3 R-bar .. D4 R-bar; sigma = R-bar / d2.
* X-bar/S: X-bar-bar +- A3 S-bar; S chart B3 S-bar .. B4 S-bar; sigma = S-bar / c4.
* I-MR: X-bar +- E2 MR-bar (2.66); MR chart 0 .. D4 MR-bar (3.267); sigma = MR-bar / d2.

``baseline`` is the number of leading subgroups (or values) the limits are computed from:
phase I limits, against which the later points are then judged (phase II). Without it,
all points make the limits. The location chart is checked against the chosen run rules
with zones of its own sigma, (UCL - center) / 3; the dispersion chart only for points
beyond its limits (see ``rules.outside_limits``).

Point ``index`` is the position of the subgroup or value in the input; a moving range has
the index (and the label and timestamp) of the later of its two values, so it starts at 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from itertools import repeat
from typing import Literal, NamedTuple

import msgspec

from quality.spc import _stats
from quality.spc.constants import factors
from quality.spc.rules import Ruleset, Violation, outside_limits, violations

ChartKind = Literal["xbar_r", "xbar_s", "i_mr"]
Statistic = Literal["mean", "range", "stdev", "individual", "moving_range"]


# gc=False: a chart of 100,000 values carries 200,000 points, and points hold no
# references that could form a cycle, so keeping them out of the cyclic collector costs
# nothing and saves its repeated scans of them.
class Point(msgspec.Struct, frozen=True, gc=False):
    """One plotted value; ``label`` and ``timestamp`` come from the caller unchanged."""

    index: int
    value: float
    label: str | None = None
    timestamp: datetime | None = None


class Chart(msgspec.Struct, frozen=True, kw_only=True):
    """One of the two charts of a pair. ``sigma`` is its zone width, (UCL - center) / 3."""

    statistic: Statistic
    center: float
    ucl: float
    lcl: float
    sigma: float
    points: tuple[Point, ...]
    violations: tuple[Violation, ...]


class ControlChart(msgspec.Struct, frozen=True, kw_only=True):
    """A location chart and its dispersion chart, with the estimate of process sigma.

    ``sigma_within`` (R-bar/d2, S-bar/c4 or MR-bar/d2, from the baseline) is what
    capability indices use for Cp and Cpk. ``baseline`` is the number of leading points
    the limits came from.
    """

    kind: ChartKind
    subgroup_size: int
    baseline: int
    ruleset: Ruleset
    sigma_within: float
    location: Chart
    dispersion: Chart


class _Tags(NamedTuple):
    labels: Sequence[str] | None
    timestamps: Sequence[datetime] | None


def _baseline(baseline: int | None, count: int, minimum: int) -> int:
    if count < minimum:
        raise ValueError(f"at least {minimum} points are required, got {count}")
    if baseline is None:
        return count
    if not minimum <= baseline <= count:
        raise ValueError(f"baseline must be {minimum}..{count} (the point count), got {baseline}")
    return baseline


def _tags(labels: Sequence[str] | None, timestamps: Sequence[datetime] | None, n: int) -> _Tags:
    for name, given in (("labels", labels), ("timestamps", timestamps)):
        if given is not None and len(given) != n:
            raise ValueError(f"{name} must have one entry per point ({n}), got {len(given)}")
    return _Tags(labels, timestamps)


def _points(values: Sequence[float], first: int, tags: _Tags) -> tuple[Point, ...]:
    # map() over the positional constructor keeps the per-point work in C.
    labels = repeat(None) if tags.labels is None else tags.labels[first:]
    stamps = repeat(None) if tags.timestamps is None else tags.timestamps[first:]
    return tuple(map(Point, range(first, first + len(values)), values, labels, stamps))


def _location(
    statistic: Statistic,
    values: Sequence[float],
    center: float,
    sigma: float,
    ruleset: Ruleset,
    tags: _Tags,
) -> Chart:
    # UCL and LCL computed as center +- 3 sigma, the same expression the rules use for
    # their outer zone lines, so "beyond a limit" and rule 1 agree to the last bit.
    return Chart(
        statistic=statistic,
        center=center,
        ucl=center + 3 * sigma,
        lcl=center - 3 * sigma,
        sigma=sigma,
        points=_points(values, 0, tags),
        violations=tuple(violations(values, center, sigma, ruleset)),
    )


def _dispersion(
    statistic: Statistic,
    values: Sequence[float],
    center: float,
    limits: tuple[float, float],
    *,
    first: int,
    tags: _Tags,
) -> Chart:
    lcl, ucl = limits
    return Chart(
        statistic=statistic,
        center=center,
        ucl=ucl,
        lcl=lcl,
        sigma=(ucl - center) / 3,
        points=_points(values, first, tags),
        violations=tuple(outside_limits(values, lcl, ucl, first_index=first)),
    )


def _xbar(
    kind: Literal["xbar_r", "xbar_s"],
    subgroups: Sequence[Sequence[float]],
    baseline: int | None,
    given: _Tags,
    ruleset: Ruleset,
) -> ControlChart:
    n = _stats.subgroup_size(subgroups)
    f = factors(n)
    tags = _tags(given.labels, given.timestamps, len(subgroups))
    base = _baseline(baseline, len(subgroups), 1)
    means = _stats.subgroup_means(subgroups, n)
    statistic: Statistic
    if kind == "xbar_r":
        statistic, spreads = "range", _stats.subgroup_ranges(subgroups)
        a, lower, upper, unbias = f.A2, f.D3, f.D4, f.d2
    else:
        statistic, spreads = "stdev", _stats.subgroup_stdevs(subgroups, means)
        a, lower, upper, unbias = f.A3, f.B3, f.B4, f.c4
    bar = _stats.mean(spreads[:base])
    return ControlChart(
        kind=kind,
        subgroup_size=n,
        baseline=base,
        ruleset=ruleset,
        sigma_within=bar / unbias,
        location=_location("mean", means, _stats.mean(means[:base]), a * bar / 3, ruleset, tags),
        dispersion=_dispersion(
            statistic, spreads, bar, (lower * bar, upper * bar), first=0, tags=tags
        ),
    )


def xbar_r(
    subgroups: Sequence[Sequence[float]],
    *,
    baseline: int | None = None,
    labels: Sequence[str] | None = None,
    timestamps: Sequence[datetime] | None = None,
    ruleset: Ruleset = "nelson",
) -> ControlChart:
    """X-bar and R charts for equal-size subgroups of 2..25 measurements."""
    return _xbar("xbar_r", subgroups, baseline, _Tags(labels, timestamps), ruleset)


def xbar_s(
    subgroups: Sequence[Sequence[float]],
    *,
    baseline: int | None = None,
    labels: Sequence[str] | None = None,
    timestamps: Sequence[datetime] | None = None,
    ruleset: Ruleset = "nelson",
) -> ControlChart:
    """X-bar and S charts for equal-size subgroups of 2..25 measurements."""
    return _xbar("xbar_s", subgroups, baseline, _Tags(labels, timestamps), ruleset)


def individuals(
    values: Sequence[float],
    *,
    baseline: int | None = None,
    labels: Sequence[str] | None = None,
    timestamps: Sequence[datetime] | None = None,
    ruleset: Ruleset = "nelson",
) -> ControlChart:
    """Individuals and moving-range (I-MR) charts; ``baseline`` needs at least 2 values."""
    _stats.require_finite(values, "values")
    tags = _tags(labels, timestamps, len(values))
    base = _baseline(baseline, len(values), 2)
    f = factors(2)
    ranges = _stats.moving_ranges(values)
    mrbar = _stats.mean(ranges[: base - 1])
    return ControlChart(
        kind="i_mr",
        subgroup_size=1,
        baseline=base,
        ruleset=ruleset,
        sigma_within=mrbar / f.d2,
        location=_location(
            "individual", values, _stats.mean(values[:base]), f.E2 * mrbar / 3, ruleset, tags
        ),
        dispersion=_dispersion(
            "moving_range", ranges, mrbar, (f.D3 * mrbar, f.D4 * mrbar), first=1, tags=tags
        ),
    )

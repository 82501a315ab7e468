"""Process capability (Cp, Cpk) and performance (Pp, Ppk) against specification limits.

With mean mu and a sigma (Montgomery, Introduction to Statistical Quality Control, ch. 8;
NIST/SEMATECH e-Handbook of Statistical Methods, 6.1.6):

* Cp = (USL - LSL) / 6 sigma; Cpu = (USL - mu) / 3 sigma; Cpl = (mu - LSL) / 3 sigma;
* Cpk = min(Cpu, Cpl), or the one that exists when the specification is one-sided.

The C indices use the within-subgroup sigma (R-bar/d2, S-bar/c4, or MR-bar/d2 for
individuals): the short-term variation the process is capable of. The P indices use the
overall sample standard deviation of all measurements (n - 1), which also contains any
drift between subgroups. An index is None when undefined: Cp and Pp need both limits, Cpu
and Ppu an upper one, Cpl and Ppl a lower one, and none exists for a sigma of zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import msgspec

from quality.spc import _stats
from quality.spc.constants import factors

SigmaMethod = Literal["range", "stdev", "moving_range", "given"]


class Capability(msgspec.Struct, frozen=True, kw_only=True):
    """The indices with the estimates they came from."""

    mean: float
    sigma_within: float
    sigma_overall: float
    sigma_method: SigmaMethod
    lsl: float | None
    usl: float | None
    cp: float | None
    cpu: float | None
    cpl: float | None
    cpk: float | None
    pp: float | None
    ppu: float | None
    ppl: float | None
    ppk: float | None


def _indices(
    mean: float, sigma: float, lsl: float | None, usl: float | None
) -> tuple[float | None, float | None, float | None, float | None]:
    """(C, Cu, Cl, Ck) for one sigma: the same formulas serve Cp... and Pp...."""
    if sigma <= 0:
        return None, None, None, None
    upper = None if usl is None else (usl - mean) / (3 * sigma)
    lower = None if lsl is None else (mean - lsl) / (3 * sigma)
    both = None if usl is None or lsl is None else (usl - lsl) / (6 * sigma)
    sides = [x for x in (upper, lower) if x is not None]
    return both, upper, lower, min(sides) if sides else None


def capability_from_estimates(
    *,
    mean: float,
    sigma_within: float,
    sigma_overall: float,
    lsl: float | None = None,
    usl: float | None = None,
    sigma_method: SigmaMethod = "given",
) -> Capability:
    """The indices from a mean and sigmas already estimated (e.g. a chart's baseline)."""
    if lsl is not None and usl is not None and lsl >= usl:
        raise ValueError(f"LSL must be below USL, got LSL {lsl} and USL {usl}")
    # Written as "not >= 0" so that NaN is rejected too.
    if not (sigma_within >= 0 and sigma_overall >= 0):
        raise ValueError("sigmas must be numbers, not negative")
    cp, cpu, cpl, cpk = _indices(mean, sigma_within, lsl, usl)
    pp, ppu, ppl, ppk = _indices(mean, sigma_overall, lsl, usl)
    return Capability(
        mean=mean,
        sigma_within=sigma_within,
        sigma_overall=sigma_overall,
        sigma_method=sigma_method,
        lsl=lsl,
        usl=usl,
        cp=cp,
        cpu=cpu,
        cpl=cpl,
        cpk=cpk,
        pp=pp,
        ppu=ppu,
        ppl=ppl,
        ppk=ppk,
    )


def capability(
    subgroups: Sequence[Sequence[float]],
    *,
    lsl: float | None = None,
    usl: float | None = None,
    method: Literal["range", "stdev"] = "range",
) -> Capability:
    """Indices for equal-size subgroups (2..25); sigma within is R-bar/d2 or S-bar/c4."""
    n = _stats.subgroup_size(subgroups)
    f = factors(n)
    means = _stats.subgroup_means(subgroups, n)
    if method == "range":
        within = _stats.mean(_stats.subgroup_ranges(subgroups)) / f.d2
    elif method == "stdev":
        within = _stats.mean(_stats.subgroup_stdevs(subgroups, means)) / f.c4
    else:
        raise ValueError(f"method must be 'range' or 'stdev', got {method!r}")
    flat = [x for g in subgroups for x in g]
    return capability_from_estimates(
        mean=_stats.mean(flat),
        sigma_within=within,
        sigma_overall=_stats.sample_stdev(flat),
        lsl=lsl,
        usl=usl,
        sigma_method=method,
    )


def capability_individuals(
    values: Sequence[float], *, lsl: float | None = None, usl: float | None = None
) -> Capability:
    """Indices for individual values; sigma within is MR-bar/d2 (moving range of 2)."""
    if len(values) < 2:
        raise ValueError(f"at least 2 values are required, got {len(values)}")
    _stats.require_finite(values, "values")
    return capability_from_estimates(
        mean=_stats.mean(values),
        sigma_within=_stats.mean(_stats.moving_ranges(values)) / factors(2).d2,
        sigma_overall=_stats.sample_stdev(values),
        lsl=lsl,
        usl=usl,
        sigma_method="moving_range",
    )

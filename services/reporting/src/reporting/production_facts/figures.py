"""OEE and its loss tree from summed inputs, defined as production defines them
(production/oee.py) so both show the same numbers:

* planned production time = scheduled - breaks - planned stops
* run time = planned production time - breakdowns - setup
* availability = run time / planned production time
* performance = ideal run time / run time
* quality = (good - quality rejected) / (good + scrap + rework)
* OEE = fully productive time / planned production time, where fully productive time is
  (good - quality rejected) x the average ideal cycle (ideal run time / total count)

Exact arithmetic (Fraction) on the sums; factors rounded half-even to 4 places from the
exact quotient, as production rounds them. Inputs are summed first, never the factors.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import msgspec

from reporting.production_facts.repo import BucketSums

MINUTE = Fraction(60)


class Factors(msgspec.Struct, frozen=True, kw_only=True):
    availability: Decimal | None
    performance: Decimal | None
    quality: Decimal | None
    oee: Decimal | None


class Losses(msgspec.Struct, frozen=True, kw_only=True):
    """The loss tree in minutes. planned production = run + unplanned downtime; run =
    minor stops + speed loss + quality loss + fully productive (when the counts agree)."""

    planned_downtime_minutes: Decimal  # breaks and planned stops: not OEE losses
    unplanned_downtime_minutes: Decimal  # breakdowns and setup: availability losses
    breakdown_minutes: Decimal
    setup_minutes: Decimal
    minor_stop_minutes: Decimal
    speed_loss_minutes: Decimal
    quality_loss_minutes: Decimal  # scrap, rework and later rejections at ideal cycle
    planned_production_minutes: Decimal
    run_minutes: Decimal
    fully_productive_minutes: Decimal


def _ratio(numerator: Fraction, denominator: Fraction) -> Decimal | None:
    if not denominator:
        return None
    return Decimal(round(numerator / denominator * 10_000)).scaleb(-4)


def _minutes(seconds: Fraction) -> Decimal:
    return Decimal(round(seconds / MINUTE * 1000)).scaleb(-3)


def calculate(s: BucketSums) -> tuple[Factors, Losses]:
    f = Fraction
    planned = f(s.scheduled_seconds) - f(s.break_seconds) - f(s.planned_stop_seconds)
    run = planned - f(s.breakdown_seconds) - f(s.setup_seconds)
    ideal_run = f(s.ideal_run_seconds)
    total = f(s.good_count) + f(s.scrap_count) + f(s.rework_count)
    cycle = ideal_run / total if total else Fraction(0)
    good_net = f(s.good_count) - f(s.quality_rejected_count)
    factors = Factors(
        availability=_ratio(run, planned),
        performance=_ratio(ideal_run, run),
        # Nothing planned, nothing expected: no quality figure either (as production).
        quality=_ratio(good_net, total) if planned else None,
        oee=_ratio(good_net * cycle, planned),
    )
    bad = f(s.scrap_count) + f(s.quality_rejected_count) + f(s.rework_count)
    losses = Losses(
        planned_downtime_minutes=_minutes(f(s.break_seconds) + f(s.planned_stop_seconds)),
        unplanned_downtime_minutes=_minutes(f(s.breakdown_seconds) + f(s.setup_seconds)),
        breakdown_minutes=_minutes(f(s.breakdown_seconds)),
        setup_minutes=_minutes(f(s.setup_seconds)),
        minor_stop_minutes=_minutes(f(s.minor_stop_seconds)),
        speed_loss_minutes=_minutes(max(run - ideal_run - f(s.minor_stop_seconds), Fraction(0))),
        quality_loss_minutes=_minutes(bad * cycle),
        planned_production_minutes=_minutes(planned),
        run_minutes=_minutes(run),
        fully_productive_minutes=_minutes(good_net * cycle),
    )
    return factors, losses

"""Reporting's OEE from summed inputs equals production's ``oee.calculate`` on the same
inputs, factor for factor and loss for loss (random periods, seeded)."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from decimal import Decimal

from production import oee
from reporting.production_facts import figures
from reporting.production_facts.repo import BucketSums

ZERO = Decimal(0)


def _sums(rng: random.Random) -> BucketSums:
    scheduled = Decimal(rng.choice([0, 3600, 28800, 86400 * 7]))
    breaks = min(scheduled, Decimal(rng.randint(0, 3600)))
    planned_stop = min(scheduled - breaks, Decimal(rng.randint(0, 1800)))
    planned = scheduled - breaks - planned_stop
    breakdown = min(planned, Decimal(rng.randint(0, 7200)) + Decimal("0.5"))
    setup = min(planned - breakdown, Decimal(rng.randint(0, 1800)))
    good, scrap, rework = rng.randint(0, 900), rng.randint(0, 40), rng.randint(0, 9)
    total = good + scrap + rework
    return BucketSums(
        bucket=datetime(2026, 11, 2, tzinfo=UTC),
        shifts=1,
        scheduled_seconds=scheduled,
        break_seconds=breaks,
        planned_stop_seconds=planned_stop,
        breakdown_seconds=breakdown,
        setup_seconds=setup,
        minor_stop_seconds=min(planned - breakdown - setup, Decimal(rng.randint(0, 600))),
        ideal_run_seconds=Decimal(total) * Decimal(rng.choice(["12.5", "30", "41.7"])),
        good_count=Decimal(good),
        scrap_count=Decimal(scrap),
        rework_count=Decimal(rework),
        quality_rejected_count=Decimal(rng.randint(0, min(good, 5))),
        logged_good=ZERO,
        logged_scrap=ZERO,
        logged_rework=ZERO,
        downtime_planned_seconds=ZERO,
        downtime_unplanned_seconds=ZERO,
    )


def test_the_factors_and_losses_are_productions_on_the_same_inputs() -> None:
    rng = random.Random(42)
    for _ in range(500):
        s = _sums(rng)
        theirs = oee.calculate(
            oee.OeeInputs(
                scheduled_seconds=s.scheduled_seconds,
                break_seconds=s.break_seconds,
                planned_stop_seconds=s.planned_stop_seconds,
                breakdown_seconds=s.breakdown_seconds,
                setup_seconds=s.setup_seconds,
                minor_stop_seconds=s.minor_stop_seconds,
                ideal_run_seconds=s.ideal_run_seconds,
                total_count=s.good_count + s.scrap_count + s.rework_count,
                good_count=s.good_count,
                scrap_count=s.scrap_count,
                rework_count=s.rework_count,
                quality_rejected_count=s.quality_rejected_count,
            )
        )
        factors, losses = figures.calculate(s)
        assert (factors.availability, factors.performance, factors.quality, factors.oee) == (
            theirs.availability,
            theirs.performance,
            theirs.quality,
            theirs.oee,
        )
        tolerance = Decimal("0.06")  # minutes to 3 places against seconds to 3 places
        assert abs(losses.speed_loss_minutes * 60 - theirs.speed_loss) < tolerance
        quality_loss = theirs.scrap_loss + theirs.rework_loss
        assert abs(losses.quality_loss_minutes * 60 - quality_loss) < tolerance
        assert abs(losses.run_minutes * 60 - theirs.run_seconds) < tolerance

"""Overall Equipment Effectiveness (OEE) and its loss tree, as a pure calculation.

Definitions follow Nakajima's six big losses as OEE.com (Vorne) computes them:

* planned production time = scheduled - breaks - planned stops (not OEE losses)
* run time = planned production time - breakdowns - setup          (availability losses)
* availability = run time / planned production time
* performance = ideal run time / run time  (minor stops and reduced speed are its losses)
* quality = (good - quality rejected) / total  (scrap and rework are its losses)
* OEE = availability x performance x quality
      = fully productive time / planned production time

"Ideal run time" is the caller's sum of ideal cycle time x total count over the
operations run (the ideal cycle differs per operation). Arithmetic is exact (Fraction);
only the output is rounded: factors to 4 places, seconds to milliseconds, both half-even.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import msgspec

ZERO = Decimal(0)
_SECOND_FIELDS = (
    "scheduled_seconds",
    "break_seconds",
    "planned_stop_seconds",
    "breakdown_seconds",
    "setup_seconds",
    "minor_stop_seconds",
    "ideal_run_seconds",
)
_COUNT_FIELDS = (
    "total_count",
    "good_count",
    "scrap_count",
    "rework_count",
    "quality_rejected_count",
)


class OeeInputs(msgspec.Struct, frozen=True, kw_only=True):
    """One period of one work center (or a sum of them, see ``total``).

    ``scheduled_seconds`` is shift time from the calendar, breaks included. Planned stops
    lie in shift time outside breaks. Minor stops are short unplanned stops recorded as
    such: they count as run time (a performance loss), not as breakdowns.
    ``quality_rejected_count`` pieces were counted good at the machine and rejected by a
    later inspection: for OEE they move from good to scrap. total = good + scrap + rework
    is expected; a mismatch is a warning, not an error.
    """

    scheduled_seconds: Decimal
    break_seconds: Decimal = ZERO
    planned_stop_seconds: Decimal = ZERO
    breakdown_seconds: Decimal = ZERO
    setup_seconds: Decimal = ZERO
    minor_stop_seconds: Decimal = ZERO
    ideal_run_seconds: Decimal = ZERO
    total_count: Decimal | int = 0
    good_count: Decimal | int = 0
    scrap_count: Decimal | int = 0
    rework_count: Decimal | int = 0
    quality_rejected_count: Decimal | int = 0


class OeeResult(msgspec.Struct, frozen=True, kw_only=True):
    """Factors (None where undefined) and the loss tree in seconds.

    With counts that add up and no warnings, the tree is complete: planned production
    time = breakdowns + setup + minor stops + speed loss + scrap loss + rework loss + fully
    productive time. ``planned_stops`` (breaks + planned stops) is shown but is no loss.
    """

    availability: Decimal | None
    performance: Decimal | None
    quality: Decimal | None
    oee: Decimal | None
    planned_production_seconds: Decimal
    run_seconds: Decimal
    planned_stops: Decimal
    breakdowns: Decimal
    setup: Decimal
    minor_stops: Decimal
    speed_loss: Decimal
    scrap_loss: Decimal
    rework_loss: Decimal
    fully_productive_seconds: Decimal
    warnings: tuple[str, ...] = ()


class _Times(msgspec.Struct, frozen=True):
    """The exact intermediate values the factors and the loss tree share."""

    planned_production: Fraction
    run: Fraction
    ideal_run: Fraction
    ideal_cycle: Fraction
    good_net: Fraction


def calculate(inputs: OeeInputs) -> OeeResult:
    """OEE of one period. Raises ValueError for negative or impossible inputs.

    No planned production time leaves every factor None. Otherwise OEE is fully productive
    time / planned production time, which equals A x P x Q whenever all three are defined
    and is 0 when the machine never ran (performance and perhaps quality undefined).
    """
    check(inputs)
    t = _times(inputs)
    # Without planned production time nothing was expected of the machine: even counts
    # (which then contradict the times) yield no quality figure.
    defined = bool(t.planned_production)
    return OeeResult(
        availability=_ratio(t.run, t.planned_production),
        performance=_ratio(t.ideal_run, t.run),
        quality=_ratio(t.good_net, _exact(inputs.total_count)) if defined else None,
        oee=_ratio(t.good_net * t.ideal_cycle, t.planned_production),
        planned_production_seconds=_seconds(t.planned_production),
        run_seconds=_seconds(t.run),
        planned_stops=_seconds(_exact(inputs.break_seconds) + _exact(inputs.planned_stop_seconds)),
        breakdowns=_seconds(_exact(inputs.breakdown_seconds)),
        setup=_seconds(_exact(inputs.setup_seconds)),
        minor_stops=_seconds(_exact(inputs.minor_stop_seconds)),
        speed_loss=_seconds(max(_unexplained_run(inputs, t), Fraction(0))),
        scrap_loss=_seconds(
            (_exact(inputs.scrap_count) + _exact(inputs.quality_rejected_count)) * t.ideal_cycle
        ),
        rework_loss=_seconds(_exact(inputs.rework_count) * t.ideal_cycle),
        fully_productive_seconds=_seconds(t.good_net * t.ideal_cycle),
        warnings=tuple(_warnings(inputs, t)),
    )


def total(periods: Iterable[OeeInputs]) -> OeeInputs:
    """The field-wise sum of several periods or work centers (nothing: all zero).

    Each period is checked on its own first, so a bad period cannot hide in a sum.
    """
    sums: dict[str, Any] = dict.fromkeys(_SECOND_FIELDS, ZERO) | dict.fromkeys(_COUNT_FIELDS, ZERO)
    for period in periods:
        check(period)
        for name in sums:
            sums[name] += getattr(period, name)
    return OeeInputs(**sums)


def combine(periods: Iterable[OeeInputs]) -> OeeResult:
    """OEE of a line, a week, a plant: sum the inputs, then compute.

    The average of the periods' OEEs would weigh a two-hour shift like a ten-hour one;
    results cannot be combined at all for the same reason, so this takes inputs.
    """
    return calculate(total(periods))


def check(inputs: OeeInputs) -> None:
    """Raise ValueError naming the first negative, non-finite or impossible input."""
    for name in _SECOND_FIELDS:
        value = getattr(inputs, name)
        if not Decimal(value).is_finite() or value < 0:
            raise ValueError(f"{name} must be a finite number of seconds >= 0, not {value}")
    for name in _COUNT_FIELDS:
        if getattr(inputs, name) < 0:
            raise ValueError(f"{name} must not be negative, not {getattr(inputs, name)}")
    _check_times(inputs)
    _check_counts(inputs)


def _check_times(i: OeeInputs) -> None:
    if i.break_seconds + i.planned_stop_seconds > i.scheduled_seconds:
        raise ValueError(
            f"breaks ({i.break_seconds} s) and planned stops ({i.planned_stop_seconds} s)"
            f" exceed the scheduled time ({i.scheduled_seconds} s)"
        )
    planned = i.scheduled_seconds - i.break_seconds - i.planned_stop_seconds
    if i.breakdown_seconds + i.setup_seconds > planned:
        raise ValueError(
            f"breakdowns ({i.breakdown_seconds} s) and setup ({i.setup_seconds} s)"
            f" exceed the planned production time ({planned} s)"
        )
    run = planned - i.breakdown_seconds - i.setup_seconds
    if i.minor_stop_seconds > run:
        raise ValueError(
            f"minor stops ({i.minor_stop_seconds} s) exceed the run time ({run} s):"
            " minor stops happen while the machine is running"
        )


def _check_counts(i: OeeInputs) -> None:
    if i.good_count > i.total_count:
        raise ValueError(f"good_count {i.good_count} exceeds total_count {i.total_count}")
    if i.quality_rejected_count > i.good_count:
        raise ValueError(
            f"quality_rejected_count {i.quality_rejected_count} exceeds good_count"
            f" {i.good_count}: only pieces counted good can be rejected later"
        )
    if i.total_count == 0 and i.ideal_run_seconds > 0:
        raise ValueError(
            "ideal_run_seconds without pieces: ideal run time is the ideal cycle time"
            " x total count, so it is 0 when total_count is 0"
        )


def _times(i: OeeInputs) -> _Times:
    planned = _exact(i.scheduled_seconds) - _exact(i.break_seconds) - _exact(i.planned_stop_seconds)
    run = planned - _exact(i.breakdown_seconds) - _exact(i.setup_seconds)
    ideal_run = _exact(i.ideal_run_seconds)
    # The average ideal cycle over the mix run: what one piece is worth in time.
    cycle = ideal_run / _exact(i.total_count) if i.total_count else Fraction(0)
    good_net = _exact(i.good_count) - _exact(i.quality_rejected_count)
    return _Times(planned, run, ideal_run, cycle, good_net)


def _unexplained_run(i: OeeInputs, t: _Times) -> Fraction:
    """Run time that neither ideal production nor minor stops account for: slow cycles."""
    return t.run - t.ideal_run - _exact(i.minor_stop_seconds)


def _warnings(i: OeeInputs, t: _Times) -> list[str]:
    warnings: list[str] = []
    if not t.planned_production:
        warnings.append("no planned production time: the factors are undefined")
    if i.good_count + i.scrap_count + i.rework_count != i.total_count:
        warnings.append(
            f"counts do not add up: good {i.good_count} + scrap {i.scrap_count}"
            f" + rework {i.rework_count} = {i.good_count + i.scrap_count + i.rework_count},"
            f" but total is {i.total_count}"
        )
    if t.run and t.ideal_run > t.run:
        warnings.append(
            f"performance is {float(t.ideal_run / t.run):.1%}, above 100%: the ideal cycle"
            " time is too long; it must be the fastest cycle the machine can run"
        )
    elif _unexplained_run(i, t) < 0:
        warnings.append(
            "ideal run time and minor stops exceed the run time: speed loss is shown as 0;"
            " are minor stops also booked as breakdowns, or is the ideal cycle time too long?"
        )
    if t.run and i.total_count and not t.ideal_run:
        warnings.append("pieces were made but ideal_run_seconds is 0: is the ideal cycle missing?")
    return warnings


def _exact(value: Decimal | int) -> Fraction:
    return Fraction(value)


def _ratio(numerator: Fraction, denominator: Fraction) -> Decimal | None:
    """Rounded to 4 places half-even from the exact quotient (no double rounding)."""
    if not denominator:
        return None
    return Decimal(round(numerator / denominator * 10_000)).scaleb(-4)


def _seconds(value: Fraction) -> Decimal:
    return Decimal(round(value * 1000)).scaleb(-3)

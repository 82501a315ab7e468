"""OEE: worked examples from the literature, rounding, the loss tree, warnings and errors."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import msgspec
import pytest

from production.oee import OeeInputs, OeeResult, calculate, combine, total

D = Decimal
MIN = 60


def vorne() -> OeeInputs:
    """OEE.com (Vorne Industries), "Calculate OEE: Definitions, Formulas, and Examples".

    Shift 8 h = 480 min; breaks 2 x 15 min plus a 30 min meal; 47 min down time; ideal
    cycle time 1.0 s; total count 19,271; reject count 423.
    """
    return OeeInputs(
        scheduled_seconds=D(480 * MIN),
        break_seconds=D(60 * MIN),
        breakdown_seconds=D(47 * MIN),
        ideal_run_seconds=D(19_271) * D("1.0"),
        total_count=19_271,
        good_count=19_271 - 423,
        scrap_count=423,
    )


def nakajima() -> OeeInputs:
    """S. Nakajima, "Introduction to TPM" (Productivity Press, 1988), chapter 2, the
    worked example of overall equipment effectiveness.

    One day of 480 min with 20 min planned downtime: loading time 460 min. Downtime 60 min
    (breakdowns 20, setup 20, adjustment 20; setup and adjustment are one loss): operating
    time 400 min. 400 pieces at a theoretical cycle of 0.5 min against an actual cycle of
    0.8 min, so net operating time is 400 x 0.8 = 320 min: 80 min minor stoppages and
    320 - 200 = 120 min speed loss. Defect rate 2 %: 392 good. The book reports availability
    87 %, performance efficiency 50 % (speed rate 62.5 % x net operating rate 80 %), quality
    98 % and OEE 0.87 x 0.50 x 0.98 = 42.6 %.
    """
    return OeeInputs(
        scheduled_seconds=D(480 * MIN),
        planned_stop_seconds=D(20 * MIN),
        breakdown_seconds=D(20 * MIN),
        setup_seconds=D(40 * MIN),
        minor_stop_seconds=D(80 * MIN),
        ideal_run_seconds=D(400 * 30),
        total_count=400,
        good_count=392,
        scrap_count=8,
    )


def run_only(scheduled: int, run: int, pieces: int = 0) -> OeeInputs:
    """``scheduled`` seconds of which ``run`` ran (the rest broke down), making ``pieces``
    good pieces at an ideal cycle of 1 s."""
    return OeeInputs(
        scheduled_seconds=D(scheduled),
        breakdown_seconds=D(scheduled - run),
        ideal_run_seconds=D(pieces),
        total_count=pieces,
        good_count=pieces,
    )


def tree_total(r: OeeResult) -> Decimal:
    return (
        r.breakdowns
        + r.setup
        + r.minor_stops
        + r.speed_loss
        + r.scrap_loss
        + r.rework_loss
        + r.fully_productive_seconds
    )


def test_the_vorne_example_gives_its_published_factors() -> None:
    result = calculate(vorne())
    assert result.planned_production_seconds == 420 * MIN
    assert result.run_seconds == 373 * MIN
    assert (result.availability, result.performance, result.quality, result.oee) == (
        D("0.8881"),
        D("0.8611"),
        D("0.9780"),
        D("0.7479"),
    )
    assert result.warnings == ()


def test_the_vorne_factors_are_the_exact_quotients_rounded_half_even_to_four_places() -> None:
    result = calculate(vorne())
    exact = {
        "availability": Fraction(373, 420),  # 0.888095...
        "performance": Fraction(19_271, 373 * MIN),  # 0.861081...
        "quality": Fraction(18_848, 19_271),  # 0.978049...
        "oee": Fraction(18_848, 420 * MIN),  # 0.747936...
    }
    for name, value in exact.items():
        shown = getattr(result, name)
        assert shown.as_tuple().exponent == -4, name
        assert abs(Fraction(shown) - value) <= Fraction(1, 20_000), name
    assert exact["oee"] == exact["availability"] * exact["performance"] * exact["quality"]


def test_the_vorne_loss_tree_accounts_for_all_planned_production_time() -> None:
    result = calculate(vorne())
    assert result.planned_stops == 60 * MIN
    assert result.breakdowns == 47 * MIN
    assert result.speed_loss == 373 * MIN - 19_271
    assert result.scrap_loss == 423
    assert result.fully_productive_seconds == 18_848
    assert tree_total(result) == result.planned_production_seconds


def test_the_nakajima_example_gives_its_published_factors() -> None:
    result = calculate(nakajima())
    assert (result.availability, result.performance, result.quality, result.oee) == (
        D("0.8696"),
        D("0.5000"),
        D("0.9800"),
        D("0.4261"),
    )
    assert result.availability is not None
    assert result.availability.quantize(D("0.01")) == D("0.87")  # the book's 87 %
    # The book multiplies factors already rounded to 87 %: 42.6 %; exactly it is 42.61 %.
    assert D("0.87") * D("0.50") * D("0.98") == D("0.42630")


def test_the_nakajima_losses_match_the_books_minor_stoppage_and_speed_split() -> None:
    result = calculate(nakajima())
    assert result.planned_production_seconds == 460 * MIN
    assert result.run_seconds == 400 * MIN
    assert (result.minor_stops, result.speed_loss) == (D(80 * MIN), D(120 * MIN))
    assert result.scrap_loss == 8 * 30
    assert tree_total(result) == result.planned_production_seconds


def test_oee_is_computed_exactly_not_from_the_rounded_factors() -> None:
    # A = 5/7, P = 2/3, Q = 0.83: the rounded factors multiply to 0.39526, exactly it is 0.395238.
    result = calculate(
        OeeInputs(
            scheduled_seconds=D(25_200),
            breakdown_seconds=D(7_200),
            ideal_run_seconds=D(12_000),
            total_count=100,
            good_count=83,
            scrap_count=17,
        )
    )
    assert (result.availability, result.performance, result.quality) == (
        D("0.7143"),
        D("0.6667"),
        D("0.8300"),
    )
    # Multiplying the shown factors would round up; the exact 166/420 rounds down.
    assert (D("0.7143") * D("0.6667") * D("0.8300")).quantize(D("0.0001")) == D("0.3953")
    assert result.oee == D("0.3952")


def test_a_factor_exactly_halfway_rounds_to_the_even_digit() -> None:
    assert calculate(run_only(100_000, 12_345)).availability == D("0.1234")
    assert calculate(run_only(100_000, 12_355)).availability == D("0.1236")


def test_minor_stops_are_a_performance_loss_not_an_availability_loss() -> None:
    inputs = OeeInputs(
        scheduled_seconds=D(3600),
        minor_stop_seconds=D(600),
        ideal_run_seconds=D(3000),
        total_count=3000,
        good_count=3000,
    )
    result = calculate(inputs)
    assert (result.availability, result.performance, result.oee) == (D(1), D("0.8333"), D("0.8333"))
    assert (result.minor_stops, result.speed_loss) == (D(600), D(0))


def test_pieces_rejected_by_a_later_inspection_move_from_good_to_scrap() -> None:
    inputs = OeeInputs(
        scheduled_seconds=D(1000),
        ideal_run_seconds=D(1000),
        total_count=500,
        good_count=500,
        quality_rejected_count=25,
    )
    result = calculate(inputs)
    assert (result.quality, result.oee) == (D("0.9500"), D("0.9500"))
    assert (result.scrap_loss, result.fully_productive_seconds) == (D(50), D(950))


def test_rework_is_a_quality_loss() -> None:
    inputs = OeeInputs(
        scheduled_seconds=D(100),
        ideal_run_seconds=D(100),
        total_count=100,
        good_count=90,
        rework_count=10,
    )
    result = calculate(inputs)
    assert (result.quality, result.rework_loss, result.scrap_loss) == (D("0.9"), D(10), D(0))
    assert tree_total(result) == result.planned_production_seconds


def test_loss_seconds_keep_fractions_of_a_second_to_the_millisecond() -> None:
    inputs = OeeInputs(
        scheduled_seconds=D(10),
        ideal_run_seconds=D("5.6"),  # 7 pieces at 0.8 s
        total_count=7,
        good_count=4,
        scrap_count=3,
    )
    result = calculate(inputs)
    assert (result.scrap_loss, result.fully_productive_seconds) == (D("2.400"), D("3.200"))
    assert result.speed_loss == D("4.400")


def test_no_planned_production_time_leaves_every_factor_undefined() -> None:
    result = calculate(OeeInputs(scheduled_seconds=D(1800), break_seconds=D(1800)))
    assert (result.availability, result.performance, result.quality, result.oee) == (
        None,
        None,
        None,
        None,
    )
    assert result.warnings == ("no planned production time: the factors are undefined",)


def test_a_machine_that_never_ran_has_zero_availability_and_zero_oee() -> None:
    result = calculate(run_only(28_800, 0))
    assert (result.availability, result.performance, result.quality, result.oee) == (
        D(0),
        None,
        None,
        D(0),
    )


def test_performance_above_100_percent_is_kept_and_blames_the_ideal_cycle_time() -> None:
    inputs = OeeInputs(
        scheduled_seconds=D(1000),
        ideal_run_seconds=D(1050),
        total_count=1050,
        good_count=1050,
    )
    result = calculate(inputs)
    assert result.performance == D("1.0500")
    assert result.speed_loss == 0
    assert result.warnings == (
        "performance is 105.0%, above 100%: the ideal cycle time is too long;"
        " it must be the fastest cycle the machine can run",
    )


def test_ideal_time_and_minor_stops_beyond_the_run_time_clamp_speed_loss_to_zero() -> None:
    inputs = OeeInputs(
        scheduled_seconds=D(1000),
        minor_stop_seconds=D(200),
        ideal_run_seconds=D(900),
        total_count=900,
        good_count=900,
    )
    result = calculate(inputs)
    assert result.speed_loss == 0
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith("ideal run time and minor stops exceed the run time")


def test_counts_that_do_not_add_up_are_a_warning() -> None:
    result = calculate(
        OeeInputs(
            scheduled_seconds=D(100),
            ideal_run_seconds=D(100),
            total_count=100,
            good_count=90,
            scrap_count=5,
        )
    )
    assert result.quality == D("0.9000")
    assert result.warnings == (
        "counts do not add up: good 90 + scrap 5 + rework 0 = 95, but total is 100",
    )


def test_pieces_without_an_ideal_run_time_are_a_warning() -> None:
    result = calculate(OeeInputs(scheduled_seconds=D(100), total_count=10, good_count=10))
    assert result.performance == 0
    assert result.warnings == (
        "pieces were made but ideal_run_seconds is 0: is the ideal cycle missing?",
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"breakdown_seconds": D(-1)}, "breakdown_seconds must be a finite number of seconds >= 0"),
        ({"setup_seconds": D("NaN")}, "setup_seconds must be a finite number of seconds >= 0"),
        ({"ideal_run_seconds": D("Infinity")}, "ideal_run_seconds must be a finite number"),
        ({"scrap_count": -1}, "scrap_count must not be negative"),
        ({"break_seconds": D(28_801)}, r"breaks \(28801 s\) and planned stops \(0 s\) exceed"),
        ({"breakdown_seconds": D(25_201)}, "exceed the planned production time"),
        ({"minor_stop_seconds": D(23_000)}, "minor stops .* exceed the run time"),
        ({"quality_rejected_count": 18_849}, "quality_rejected_count 18849 exceeds good_count"),
        ({"good_count": 19_272}, "good_count 19272 exceeds total_count 19271"),
    ],
)
def test_negative_or_impossible_inputs_raise_a_clear_value_error(
    change: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        calculate(msgspec.structs.replace(vorne(), **change))


def test_an_ideal_run_time_without_pieces_is_impossible() -> None:
    with pytest.raises(ValueError, match="ideal_run_seconds without pieces"):
        calculate(OeeInputs(scheduled_seconds=D(100), ideal_run_seconds=D(10)))


def test_the_oee_of_two_shifts_is_not_the_average_of_their_oees() -> None:
    long_good = run_only(36_000, 36_000, pieces=28_800)
    short_bad = run_only(7_200, 7_200, pieces=1_440)
    assert (calculate(long_good).oee, calculate(short_bad).oee) == (D("0.8000"), D("0.2000"))
    combined = combine([long_good, short_bad])
    assert combined.oee == D("0.7000")  # not 0.5: ten hours weigh more than two
    assert combined.planned_production_seconds == 43_200


def test_total_sums_every_input_field() -> None:
    summed = total([vorne(), nakajima()])
    assert summed.scheduled_seconds == 960 * MIN
    assert summed.break_seconds == 60 * MIN
    assert summed.planned_stop_seconds == 20 * MIN
    assert summed.breakdown_seconds == 67 * MIN
    assert summed.ideal_run_seconds == 19_271 + 12_000
    assert (summed.total_count, summed.good_count, summed.scrap_count) == (19_671, 19_240, 431)


def test_a_bad_period_cannot_hide_in_a_combined_sum() -> None:
    bad = msgspec.structs.replace(vorne(), breakdown_seconds=D(-100))
    with pytest.raises(ValueError, match="breakdown_seconds"):
        combine([vorne(), bad])


def test_combining_nothing_has_no_planned_time() -> None:
    assert combine([]).oee is None


def test_a_result_encodes_to_json_with_exact_decimal_strings() -> None:
    encoded = msgspec.json.decode(msgspec.json.encode(calculate(vorne())))
    assert (encoded["oee"], encoded["quality"], encoded["speed_loss"]) == (
        "0.7479",
        "0.9780",
        "3109.000",
    )

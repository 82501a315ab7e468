"""Single sampling plans looked up the way an inspector reads ISO 2859-1:1999 Tables 2-A to 2-C.

Each expected plan is (code letter used, sample size, Ac, Re) as read from the standard,
including the arrows that move the look-up to another code letter.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec
import pytest

from quality.aql import InspectionLevel, SamplingPlan, Severity, sampling_plan

Expected = tuple[str, int, int, int]

KNOWN_PLANS: list[tuple[int, str, InspectionLevel, Severity, Expected]] = [
    # Table 2-A, normal inspection.
    (1000, "1.0", "II", "normal", ("J", 80, 2, 3)),
    (1000, "2.5", "II", "normal", ("J", 80, 5, 6)),
    (1000, "0.65", "II", "normal", ("J", 80, 1, 2)),
    (1000, "4.0", "II", "normal", ("J", 80, 7, 8)),
    (1000, "0.15", "II", "normal", ("J", 80, 0, 1)),
    (2000, "1.0", "II", "normal", ("K", 125, 3, 4)),
    (2000, "0.65", "II", "normal", ("K", 125, 2, 3)),
    (500, "1.5", "II", "normal", ("H", 50, 2, 3)),
    (500, "0.40", "II", "normal", ("G", 32, 0, 1)),  # arrow up
    (500, "0.65", "II", "normal", ("J", 80, 1, 2)),  # arrow down
    (150, "1.0", "II", "normal", ("E", 13, 0, 1)),  # arrow up
    (150, "1.5", "II", "normal", ("G", 32, 1, 2)),  # arrow down
    (5000, "0.065", "II", "normal", ("L", 200, 0, 1)),
    (5000, "0.10", "II", "normal", ("K", 125, 0, 1)),  # arrow up
    (5000, "0.15", "II", "normal", ("M", 315, 1, 2)),  # arrow down
    (50_000, "0.25", "II", "normal", ("N", 500, 3, 4)),
    (50_000, "1.0", "III", "normal", ("P", 800, 14, 15)),
    (600_000, "1.0", "III", "normal", ("Q", 1250, 21, 22)),  # arrow up from R
    (600_000, "0.010", "III", "normal", ("Q", 1250, 0, 1)),  # arrow up from R
    (1000, "2.5", "I", "normal", ("G", 32, 2, 3)),
    (10_000, "0.10", "I", "normal", ("K", 125, 0, 1)),  # arrow down
    (1000, "1.0", "S-3", "normal", ("E", 13, 0, 1)),
    (100_000, "4.0", "S-1", "normal", ("E", 13, 1, 2)),  # arrow down from D
    (50, "65", "II", "normal", ("D", 8, 10, 11)),  # nonconformities per 100 items
    (50, "250", "II", "normal", ("D", 8, 30, 31)),
    (1000, "25", "II", "normal", ("H", 50, 21, 22)),  # arrow up
    (10, "1000", "II", "normal", ("B", 3, 44, 45)),
    # Table 2-B, tightened inspection: same sample sizes, smaller acceptance numbers.
    (1000, "1.0", "II", "tightened", ("J", 80, 1, 2)),
    (1000, "2.5", "II", "tightened", ("J", 80, 3, 4)),
    (1000, "6.5", "II", "tightened", ("J", 80, 8, 9)),
    (1000, "0.65", "II", "tightened", ("K", 125, 1, 2)),  # arrow down
    (2000, "1.0", "II", "tightened", ("K", 125, 2, 3)),
    (120, "1.0", "II", "tightened", ("F", 20, 0, 1)),
    (600_000, "0.025", "III", "tightened", ("S", 3150, 1, 2)),  # down to row S
    (200_000, "0.025", "III", "tightened", ("S", 3150, 1, 2)),  # down past R to S
    (10, "1000", "II", "tightened", ("B", 3, 41, 42)),
    # Table 2-C, reduced inspection: smaller samples, Re = Ac + 1 (1999 edition).
    (1000, "1.0", "II", "reduced", ("J", 32, 1, 2)),
    (1000, "2.5", "II", "reduced", ("J", 32, 3, 4)),
    (1000, "0.65", "II", "reduced", ("K", 50, 1, 2)),  # arrow down
    (2000, "1.0", "II", "reduced", ("K", 50, 2, 3)),
    (120, "1.0", "II", "reduced", ("E", 5, 0, 1)),  # arrow up
    (20_000, "6.5", "II", "reduced", ("L", 80, 10, 11)),  # arrow up
]


@pytest.mark.parametrize(
    ("lot_size", "aql", "level", "severity", "expected"),
    KNOWN_PLANS,
    ids=[f"N={lot} {level} AQL {aql} {sev}" for lot, aql, level, sev, _ in KNOWN_PLANS],
)
def test_the_plan_is_the_one_printed_in_the_standard(
    lot_size: int, aql: str, level: InspectionLevel, severity: Severity, expected: Expected
) -> None:
    plan = sampling_plan(lot_size, Decimal(aql), level, severity)
    found = (plan.code_letter, plan.sample_size, plan.acceptance_number, plan.rejection_number)
    assert found == expected
    assert not plan.full_inspection


def test_a_plan_reports_what_was_asked_and_the_aql_used() -> None:
    plan = sampling_plan(1000, Decimal("1.0"))
    assert plan == SamplingPlan(
        lot_size=1000,
        aql=Decimal("1.0"),
        level="II",
        severity="normal",
        initial_code_letter="J",
        code_letter="J",
        table_sample_size=80,
        sample_size=80,
        acceptance_number=2,
        rejection_number=3,
        full_inspection=False,
        notes=(),
    )


def test_an_arrow_up_changes_the_code_letter_and_says_so() -> None:
    plan = sampling_plan(150, Decimal("1.0"))
    assert (plan.initial_code_letter, plan.code_letter) == ("F", "E")
    assert plan.notes == (
        "Table 2-A (normal inspection): arrow ↑ at code letter F, AQL 1.0: "
        "used the first plan above it, code letter E (n = 13)",
    )


def test_an_arrow_down_passes_over_further_arrows_to_the_first_plan_below() -> None:
    # Tightened G at 1.0 points down; H below points down too; J holds the plan.
    plan = sampling_plan(200, Decimal("1.0"), severity="tightened")
    assert (plan.initial_code_letter, plan.code_letter, plan.sample_size) == ("G", "J", 80)
    assert "arrow ↓ at code letter G" in plan.notes[0]
    assert "first plan below it, code letter J (n = 80)" in plan.notes[0]


@pytest.mark.parametrize(
    ("lot_size", "aql", "level", "table_n", "expected"),
    [
        (20, "0.65", "II", 20, ("F", 20, 0, 1)),  # n equals the lot
        (16, "0.65", "II", 20, ("F", 16, 0, 1)),
        (8, "0.65", "III", 20, ("F", 8, 0, 1)),
        (2, "0.10", "II", 125, ("K", 2, 0, 1)),
    ],
)
def test_a_sample_as_large_as_the_lot_means_inspecting_every_item(
    lot_size: int, aql: str, level: InspectionLevel, table_n: int, expected: Expected
) -> None:
    plan = sampling_plan(lot_size, Decimal(aql), level)
    found = (plan.code_letter, plan.sample_size, plan.acceptance_number, plan.rejection_number)
    assert found == expected
    assert plan.full_inspection
    assert plan.table_sample_size == table_n
    assert "100% inspection" in plan.notes[-1]


def test_a_sample_smaller_than_the_lot_is_not_full_inspection() -> None:
    plan = sampling_plan(30, Decimal("0.65"))
    assert (plan.code_letter, plan.sample_size, plan.full_inspection) == ("F", 20, False)


def test_an_aql_written_without_trailing_zeros_is_the_series_value() -> None:
    assert sampling_plan(1000, Decimal("1")).aql == Decimal("1.0")
    assert str(sampling_plan(1000, Decimal("0.01")).aql) == "0.010"


@pytest.mark.parametrize("aql", ["0.5", "3", "2000", "0", "-1"])
def test_an_aql_outside_the_series_is_refused_with_the_series_listed(aql: str) -> None:
    with pytest.raises(ValueError, match=r"not one of the ISO 2859-1 preferred AQLs: 0\.010"):
        sampling_plan(1000, Decimal(aql))


@pytest.mark.parametrize("aql", [Decimal("NaN"), Decimal("Infinity"), 1.0, "1.0"])
def test_an_aql_that_is_not_a_finite_decimal_is_refused(aql: Decimal) -> None:
    with pytest.raises(ValueError, match="AQL must be a finite Decimal"):
        sampling_plan(1000, aql)


def test_a_lot_of_one_item_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 2, got 1"):
        sampling_plan(1, Decimal("1.0"))


def test_an_unknown_severity_is_refused() -> None:
    with pytest.raises(ValueError, match="severity must be one of normal, tightened, reduced"):
        sampling_plan(1000, Decimal("1.0"), severity="strict")  # type: ignore[arg-type]


def test_a_plan_survives_a_json_round_trip() -> None:
    plan = sampling_plan(150, Decimal("1.5"), "II", "tightened")
    assert msgspec.json.decode(msgspec.json.encode(plan), type=SamplingPlan) == plan

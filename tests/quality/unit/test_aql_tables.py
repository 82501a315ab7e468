"""The transcribed tables hang together the way the printed standard does.

These checks catch a mistyped cell: every arrow leads to a plan, acceptance numbers grow
with the sample and with the AQL, and tightened never accepts more than normal.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from quality.aql import AQL_SERIES, InspectionLevel, sampling_plan, tighter_acceptance_number
from quality.aql.tables import (
    CODE_LETTERS,
    INSPECTION_LEVELS,
    MASTER_TABLES,
    SAMPLE_SIZES,
    SEVERITIES,
    TABLE_1,
    Cell,
)


def plan_cells(row: tuple[Cell, ...]) -> Iterator[tuple[int, tuple[int, int]]]:
    for column, cell in enumerate(row):
        if isinstance(cell, tuple):
            yield column, cell


def a_lot_for_each_code_letter() -> dict[str, tuple[int, InspectionLevel]]:
    lots: dict[str, tuple[int, InspectionLevel]] = {}
    for low, _high, letters in TABLE_1:
        for level in INSPECTION_LEVELS:
            lots.setdefault(letters[level], (low, level))
    return lots


def test_every_table_has_a_row_per_code_letter_and_a_cell_per_aql() -> None:
    for severity in SEVERITIES:
        letters = "".join(MASTER_TABLES[severity])
        assert letters == (CODE_LETTERS + "S" if severity == "tightened" else CODE_LETTERS)
        assert set(SAMPLE_SIZES[severity]) == set(letters)
        for row in MASTER_TABLES[severity].values():
            assert len(row) == len(AQL_SERIES) == 26


def test_the_rejection_number_is_always_one_more_than_the_acceptance_number() -> None:
    for table in MASTER_TABLES.values():
        for row in table.values():
            for _column, (acceptance, rejection) in plan_cells(row):
                assert rejection == acceptance + 1


def test_table_1_reaches_every_code_letter() -> None:
    assert "".join(sorted(a_lot_for_each_code_letter())) == CODE_LETTERS


def test_every_code_letter_and_aql_leads_to_a_plan_under_every_severity() -> None:
    for severity in SEVERITIES:
        for letter, (lot, level) in a_lot_for_each_code_letter().items():
            for aql in AQL_SERIES:
                plan = sampling_plan(lot, aql, level, severity)
                assert plan.code_letter in SAMPLE_SIZES[severity], (severity, letter, aql)


def test_sample_sizes_grow_down_the_table_and_reduced_uses_two_letters_smaller() -> None:
    normal = [SAMPLE_SIZES["normal"][letter] for letter in CODE_LETTERS]
    reduced = [SAMPLE_SIZES["reduced"][letter] for letter in CODE_LETTERS]
    assert normal == sorted(normal)
    assert reduced == [normal[max(index - 2, 0)] for index in range(len(CODE_LETTERS))]
    assert SAMPLE_SIZES["tightened"] == {**SAMPLE_SIZES["normal"], "S": 3150}


def test_acceptance_numbers_never_fall_down_a_column() -> None:
    for severity, table in MASTER_TABLES.items():
        for column in range(len(AQL_SERIES)):
            cells = [row[column] for row in table.values()]
            numbers = [cell[0] for cell in cells if isinstance(cell, tuple)]
            assert numbers == sorted(numbers), (severity, AQL_SERIES[column])


def test_acceptance_numbers_never_fall_along_a_row() -> None:
    for severity, table in MASTER_TABLES.items():
        for letter, row in table.items():
            numbers = [acceptance for _column, (acceptance, _re) in plan_cells(row)]
            assert numbers == sorted(numbers), (severity, letter)


def test_tightened_never_accepts_more_than_normal_for_the_same_cell() -> None:
    for letter in CODE_LETTERS:
        normal = MASTER_TABLES["normal"][letter]
        for column, (tightened_ac, _re) in plan_cells(MASTER_TABLES["tightened"][letter]):
            cell = normal[column]
            if isinstance(cell, tuple):
                assert tightened_ac <= cell[0], (letter, AQL_SERIES[column])


def test_every_normal_plan_with_ac_two_or_more_has_a_plan_one_aql_step_tighter() -> None:
    # The switching score (clause 9.3.3) relies on this for every plan it can meet.
    for letter, row in MASTER_TABLES["normal"].items():
        for column, (acceptance, _re) in plan_cells(row):
            if acceptance >= 2:
                tighter = tighter_acceptance_number(letter, AQL_SERIES[column])
                assert tighter is not None, (letter, AQL_SERIES[column])
                assert tighter < acceptance


def test_the_tightest_aql_has_no_plan_with_ac_above_one() -> None:
    for letter, (lot, level) in a_lot_for_each_code_letter().items():
        plan = sampling_plan(lot, Decimal("0.010"), level)
        assert plan.acceptance_number <= 1, letter
    assert tighter_acceptance_number("Q", Decimal("0.010")) is None


def test_the_aql_series_is_the_standards_26_preferred_values_in_order() -> None:
    assert [str(aql) for aql in AQL_SERIES[:10]] == [
        "0.010", "0.015", "0.025", "0.040", "0.065", "0.10", "0.15", "0.25", "0.40", "0.65",
    ]  # fmt: skip
    assert list(AQL_SERIES) == sorted(AQL_SERIES)
    assert AQL_SERIES[-1] == Decimal(1000)

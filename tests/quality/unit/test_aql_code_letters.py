"""Table 1 of ISO 2859-1:1999: lot size and inspection level give the sample size code letter."""

from __future__ import annotations

import pytest

from quality.aql import INSPECTION_LEVELS, InspectionLevel, code_letter


@pytest.mark.parametrize(
    ("lot_size", "level", "letter"),
    [
        (2, "II", "A"),
        (8, "II", "A"),
        (9, "II", "B"),
        (500, "II", "H"),
        (501, "II", "J"),
        (1000, "II", "J"),
        (1200, "II", "J"),
        (1201, "II", "K"),
        (150_000, "II", "N"),
        (500_000, "II", "P"),
        (500_001, "II", "Q"),
        (10_000_000, "II", "Q"),
        (8, "III", "B"),
        (500_001, "III", "R"),
        (1000, "I", "G"),
        (10_000, "I", "J"),
        (1000, "S-1", "C"),
        (1000, "S-2", "C"),
        (1000, "S-3", "E"),
        (1000, "S-4", "F"),
        (100_000, "S-1", "D"),
        (35_001, "S-4", "J"),
        (500_001, "S-4", "K"),
    ],
)
def test_the_code_letter_is_read_from_table_1(
    lot_size: int, level: InspectionLevel, letter: str
) -> None:
    assert code_letter(lot_size, level) == letter


def test_level_ii_is_the_default_inspection_level() -> None:
    assert code_letter(1000) == "J"


def test_every_level_gets_larger_or_equal_letters_for_larger_lots() -> None:
    lots = [2, 9, 16, 26, 51, 91, 151, 281, 501, 1201, 3201, 10001, 35001, 150001, 500001]
    for level in INSPECTION_LEVELS:
        letters = [code_letter(lot, level) for lot in lots]
        assert letters == sorted(letters), level


@pytest.mark.parametrize("lot_size", [1, 0, -5])
def test_lots_smaller_than_two_are_refused(lot_size: int) -> None:
    with pytest.raises(ValueError, match="lot size must be a whole number of at least 2"):
        code_letter(lot_size)


def test_a_boolean_is_not_taken_for_a_lot_size() -> None:
    with pytest.raises(ValueError, match="lot size"):
        code_letter(True)


def test_an_unknown_inspection_level_is_refused() -> None:
    with pytest.raises(ValueError, match="inspection level must be one of S-1"):
        code_letter(1000, "IV")  # type: ignore[arg-type]

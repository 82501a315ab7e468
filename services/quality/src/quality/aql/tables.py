"""The data of ISO 2859-1:1999 for single sampling: Table 1 and master tables 2-A, 2-B, 2-C.

Source edition: ISO 2859-1:1999 (second edition), "Sampling procedures for inspection by
attributes - Part 1: Sampling schemes indexed by acceptance quality limit (AQL) for
lot-by-lot inspection". The identical national adoption GB/T 2828.1-2012 prints the same
tables. The tables were reconstructed from knowledge of the standard, then every resolved
cell was cross-checked against a public GB/T 2828.1-2012 transcription, and Tables 2-A and
2-B also against a public ANSI/ASQ Z1.4 one (Z1.4 keeps the older reduced plans, so it
cannot check 2-C). Cells where sources disagree or only one source exists are marked
"UNSURE" below.

Each master-table row reads like the printed row: one cell per AQL of ``AQL_SERIES``, where
a number is the acceptance number Ac, "↓"/"↑" is the standard's arrow ("use the first
sampling plan below/above the arrow") and "-" is a blank cell. The rejection number is
always Ac + 1 in the 1999 edition's single sampling tables: that edition removed the gap
between Ac and Re that reduced inspection had in ISO 2859-1:1989 and ANSI/ASQ Z1.4, so
rows carry Ac only (which also keeps them within the line length).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Final, Literal, TypeAlias

InspectionLevel: TypeAlias = Literal["S-1", "S-2", "S-3", "S-4", "I", "II", "III"]
Severity: TypeAlias = Literal["normal", "tightened", "reduced"]
Arrow: TypeAlias = Literal["↓", "↑"]
# A master-table cell: a plan (Ac, Re), an arrow, or a blank (None).
Cell: TypeAlias = tuple[int, int] | Arrow | None

DOWN: Final[Arrow] = "↓"
UP: Final[Arrow] = "↑"

INSPECTION_LEVELS: Final[tuple[InspectionLevel, ...]] = (
    "S-1",
    "S-2",
    "S-3",
    "S-4",
    "I",
    "II",
    "III",
)
SEVERITIES: Final[tuple[Severity, ...]] = ("normal", "tightened", "reduced")

# The preferred AQLs the tables are built on. Up to 10 they may be percent nonconforming or
# nonconformities per 100 items; from 15 up they are nonconformities per 100 items only.
AQL_SERIES: Final[tuple[Decimal, ...]] = tuple(
    Decimal(value)
    for value in (
        "0.010", "0.015", "0.025", "0.040", "0.065", "0.10", "0.15", "0.25", "0.40",
        "0.65", "1.0", "1.5", "2.5", "4.0", "6.5", "10", "15", "25", "40", "65",
        "100", "150", "250", "400", "650", "1000",
    )
)  # fmt: skip

# The standard skips I and O so that code letters are never read as 1 and 0.
CODE_LETTERS: Final = "ABCDEFGHJKLMNPQR"

# Table 1 - sample size code letters: (smallest lot, largest lot or None for "and over",
# the letters for S-1 S-2 S-3 S-4 I II III).
_TABLE_1: Final[tuple[tuple[int, int | None, str], ...]] = (
    (2, 8, "A A A A A A B"),
    (9, 15, "A A A A A B C"),
    (16, 25, "A A B B B C D"),
    (26, 50, "A B B C C D E"),
    (51, 90, "B B C C C E F"),
    (91, 150, "B B C D D F G"),
    (151, 280, "B C D E E G H"),
    (281, 500, "B C D E F H J"),
    (501, 1200, "C C E F G J K"),
    (1201, 3200, "C D E G H K L"),
    (3201, 10000, "C D F G J L M"),
    (10001, 35000, "C D F H K M N"),
    (35001, 150000, "D E G J L N P"),
    (150001, 500000, "D E G J M P Q"),
    (500001, None, "D E H K N Q R"),
)

LotSizeRow: TypeAlias = tuple[int, int | None, Mapping[InspectionLevel, str]]

TABLE_1: Final[tuple[LotSizeRow, ...]] = tuple(
    (low, high, dict(zip(INSPECTION_LEVELS, letters.split(), strict=True)))
    for low, high, letters in _TABLE_1
)

_NORMAL_SIZES: Final = (2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800, 1250, 2000)
# Reduced sample sizes are those of the code letter two steps smaller (never below 2).
_REDUCED_SIZES: Final = (2, 2, 2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800)

SAMPLE_SIZES: Final[Mapping[Severity, Mapping[str, int]]] = {
    "normal": dict(zip(CODE_LETTERS, _NORMAL_SIZES, strict=True)),
    # Table 2-B has one extra row, S (n = 3150), reached only through arrows.
    "tightened": {**dict(zip(CODE_LETTERS, _NORMAL_SIZES, strict=True)), "S": 3150},
    "reduced": dict(zip(CODE_LETTERS, _REDUCED_SIZES, strict=True)),
}

TABLE_NAMES: Final[Mapping[Severity, str]] = {
    "normal": "Table 2-A (normal inspection)",
    "tightened": "Table 2-B (tightened inspection)",
    "reduced": "Table 2-C (reduced inspection)",
}

# Column AQLs, for reading the rows below:
#     0.010 .015 .025 .040 .065 0.10 0.15 0.25 0.40 0.65 1.0 1.5 2.5 4.0 6.5 10
#     | 15 25 40 65 100 150 250 400 650 1000
_TABLE_2A: Final = {
    # Both transcriptions agree on every cell. The only cells off the diagonal pattern are
    # forced by the table's edges: A at 10 points down (nothing above A) and R at 0.015
    # points up (nothing below R).
    "A": " ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↓  ↓  1  2  3  5  7 10 14 21 30",
    "B": " ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  1  2  3  5  7 10 14 21 30 44",
    "C": " ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  1  2  3  5  7 10 14 21 30 44  ↑",
    "D": " ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  1  2  3  5  7 10 14 21 30 44  ↑  ↑",
    "E": " ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  1  2  3  5  7 10 14 21 30 44  ↑  ↑  ↑",
    "F": " ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  1  2  3  5  7 10 14 21  ↑  ↑  ↑  ↑  ↑  ↑",
    "G": " ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  1  2  3  5  7 10 14 21  ↑  ↑  ↑  ↑  ↑  ↑  ↑",
    "H": " ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  1  2  3  5  7 10 14 21  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑",
    "J": " ↓  ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  1  2  3  5  7 10 14 21  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑",
    "K": " ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  1  2  3  5  7 10 14 21  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑",
    "L": " ↓  ↓  ↓  ↓  0  ↑  ↓  1  2  3  5  7 10 14 21  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑",
    "M": " ↓  ↓  ↓  0  ↑  ↓  1  2  3  5  7 10 14 21  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑",
    "N": " ↓  ↓  0  ↑  ↓  1  2  3  5  7 10 14 21  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑",
    "P": " ↓  0  ↑  ↓  1  2  3  5  7 10 14 21  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑",
    "Q": " 0  ↑  ↓  1  2  3  5  7 10 14 21  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑",
    "R": " ↑  ↑  1  2  3  5  7 10 14 21  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑",
}

_TABLE_2B: Final = {
    # Tightened shifts the normal diagonal one step: 0 then two down arrows (no up arrow),
    # and the larger numbers run 8, 12, 18, 27, 41 instead of 7, 10, 14, 21, 30, 44.
    # UNSURE: A at 10 is 0 (n = 2) in the GB/T 2828.1-2012 transcription and on the diagonal;
    # the ANSI/ASQ Z1.4 transcription has a down arrow there (to D, n = 8, Ac 1).
    "A": " ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↓  ↓  1  2  3  5  8 12 18 27",
    "B": " ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↓  ↓  1  2  3  5  8 12 18 27 41",
    "C": " ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↓  ↓  1  2  3  5  8 12 18 27 41  ↑",
    "D": " ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↓  ↓  1  2  3  5  8 12 18 27 41  ↑  ↑",
    "E": " ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↓  ↓  1  2  3  5  8 12 18 27 41  ↑  ↑  ↑",
    "F": " ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↓  ↓  1  2  3  5  8 12 18  ↑  ↑  ↑  ↑  ↑  ↑",
    "G": " ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↓  ↓  1  2  3  5  8 12 18  ↑  ↑  ↑  ↑  ↑  ↑  ↑",
    "H": " ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↓  ↓  1  2  3  5  8 12 18  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑",
    "J": " ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↓  ↓  1  2  3  5  8 12 18  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑",
    "K": " ↓  ↓  ↓  ↓  ↓  ↓  0  ↓  ↓  1  2  3  5  8 12 18  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑",
    "L": " ↓  ↓  ↓  ↓  ↓  0  ↓  ↓  1  2  3  5  8 12 18  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑",
    "M": " ↓  ↓  ↓  ↓  0  ↓  ↓  1  2  3  5  8 12 18  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑",
    "N": " ↓  ↓  ↓  0  ↓  ↓  1  2  3  5  8 12 18  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑",
    "P": " ↓  ↓  0  ↓  ↓  1  2  3  5  8 12 18  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑",
    "Q": " ↓  0  ↓  ↓  1  2  3  5  8 12 18  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑",
    "R": " 0  ↑  ↓  1  2  3  5  8 12 18  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑",
    # Row S exists only so that Q and R at AQL 0.025 have a plan below them.
    "S": " -  -  1  -  -  -  -  -  -  -  -  -  -  -  -  -  -  -  -  -  -  -  -  -  -  -",
}

_TABLE_2C: Final = {
    # UNSURE, the least certain table: the 1999 edition's reduced plans (Re = Ac + 1, numbers
    # 1 2 3 5 6 8 10 after the 0 and three arrows) are taken from the GB/T 2828.1-2012
    # transcription; the gapped 1989/Z1.4 plans (e.g. 1/3, 2/5) are deliberately not used.
    # Irregular cells, as transcribed: rows A and B (both n = 2) share the top-right numbers
    # of row A of Table 2-A, A at 25 is a plan (1), and Q/R at 0.015-0.025 point up because
    # nothing below R has a plan.
    "A": " ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↓  ↓  1  2  3  5  7 10 14 21 30",
    "B": " ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  ↓  1  2  3  5  7 10 14 21 30",
    "C": " ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  ↓  1  2  3  5  6  8 10 14 21  ↑",
    "D": " ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  ↓  1  2  3  5  6  8 10 14 21  ↑  ↑",
    "E": " ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  ↓  1  2  3  5  6  8 10 14 21  ↑  ↑  ↑",
    "F": " ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  ↓  1  2  3  5  6  8 10  ↑  ↑  ↑  ↑  ↑  ↑",
    "G": " ↓  ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  ↓  1  2  3  5  6  8 10  ↑  ↑  ↑  ↑  ↑  ↑  ↑",
    "H": " ↓  ↓  ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  ↓  1  2  3  5  6  8 10  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑",
    "J": " ↓  ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  ↓  1  2  3  5  6  8 10  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑",
    "K": " ↓  ↓  ↓  ↓  ↓  0  ↑  ↓  ↓  1  2  3  5  6  8 10  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑",
    "L": " ↓  ↓  ↓  ↓  0  ↑  ↓  ↓  1  2  3  5  6  8 10  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑",
    "M": " ↓  ↓  ↓  0  ↑  ↓  ↓  1  2  3  5  6  8 10  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑",
    "N": " ↓  ↓  0  ↑  ↓  ↓  1  2  3  5  6  8 10  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑",
    "P": " ↓  0  ↑  ↓  ↓  1  2  3  5  6  8 10  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑",
    "Q": " 0  ↑  ↑  ↓  1  2  3  5  6  8 10  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑",
    "R": " ↑  ↑  ↑  1  2  3  5  6  8 10  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑  ↑",
}


def _cell(text: str) -> Cell:
    if text == DOWN:
        return DOWN
    if text == UP:
        return UP
    if text == "-":
        return None
    acceptance = int(text)
    return (acceptance, acceptance + 1)


def _parse(rows: Mapping[str, str]) -> dict[str, tuple[Cell, ...]]:
    parsed = {letter: tuple(_cell(text) for text in row.split()) for letter, row in rows.items()}
    for letter, cells in parsed.items():
        # A mistyped row would shift every AQL after the typo: fail at import instead.
        if len(cells) != len(AQL_SERIES):
            raise RuntimeError(f"master table row {letter} has {len(cells)} cells")
    return parsed


# Severity -> code letter (in table order, top to bottom) -> one cell per AQL_SERIES entry.
MASTER_TABLES: Final[Mapping[Severity, Mapping[str, tuple[Cell, ...]]]] = {
    "normal": _parse(_TABLE_2A),
    "tightened": _parse(_TABLE_2B),
    "reduced": _parse(_TABLE_2C),
}

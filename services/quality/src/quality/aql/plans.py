"""Single sampling plans of ISO 2859-1:1999: lot size, level and AQL to n, Ac and Re.

The look-up is the one an inspector does by hand: Table 1 gives the code letter for the lot
size and inspection level, then the master table of the current severity gives the plan
at that letter and AQL, following arrows to the first plan below or above them (which
changes the code letter and sample size). When the sample would be as large as the lot,
every item is inspected.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec

from quality.aql.tables import (
    AQL_SERIES,
    DOWN,
    INSPECTION_LEVELS,
    MASTER_TABLES,
    SAMPLE_SIZES,
    SEVERITIES,
    TABLE_1,
    TABLE_NAMES,
    UP,
    InspectionLevel,
    Severity,
)

_SERIES_TEXT = ", ".join(str(aql) for aql in AQL_SERIES)


class SamplingPlan(msgspec.Struct, frozen=True, kw_only=True):
    """A single sampling plan for one lot.

    ``initial_code_letter`` is Table 1's letter; ``code_letter`` the one of the plan used
    after arrows. ``sample_size`` never exceeds the lot: when the table's n is as large as
    the lot, ``full_inspection`` is set and every item is inspected against the same Ac/Re.
    """

    lot_size: int
    aql: Decimal
    level: InspectionLevel
    severity: Severity
    initial_code_letter: str
    code_letter: str
    table_sample_size: int
    sample_size: int
    acceptance_number: int
    rejection_number: int
    full_inspection: bool
    notes: tuple[str, ...] = ()


def code_letter(lot_size: int, level: InspectionLevel = "II") -> str:
    """Table 1: the sample size code letter for a lot size and inspection level."""
    _check_lot_size(lot_size)
    _check_level(level)
    for low, high, letters in TABLE_1:
        if low <= lot_size and (high is None or lot_size <= high):
            return letters[level]
    raise AssertionError(f"Table 1 has no row for lot size {lot_size}")  # rows cover 2 and up


def sampling_plan(
    lot_size: int,
    aql: Decimal,
    level: InspectionLevel = "II",
    severity: Severity = "normal",
) -> SamplingPlan:
    """The plan for a lot; ValueError names what is wrong with an invalid input."""
    column = aql_column(aql)
    _check_severity(severity)
    initial = code_letter(lot_size, level)
    letter, (acceptance, rejection), notes = _resolve(severity, initial, column)
    table_n = SAMPLE_SIZES[severity][letter]
    full = table_n >= lot_size
    if full:
        notes += (
            f"sample size {table_n} is not smaller than the lot size {lot_size}: "
            "inspect every item (100% inspection) with the same Ac and Re",
        )
    return SamplingPlan(
        lot_size=lot_size,
        aql=AQL_SERIES[column],
        level=level,
        severity=severity,
        initial_code_letter=initial,
        code_letter=letter,
        table_sample_size=table_n,
        sample_size=min(table_n, lot_size),
        acceptance_number=acceptance,
        rejection_number=rejection,
        full_inspection=full,
        notes=notes,
    )


def tighter_acceptance_number(code_letter: str, aql: Decimal) -> int | None:
    """Ac in Table 2-A for the same code letter with the AQL one step tighter.

    The switching score (clause 9.3.3) asks whether a lot would have been accepted had the
    AQL been one step tighter; keeping the code letter keeps the sample that was actually
    inspected. None when there is no tighter AQL or that cell holds no plan (the tests show
    neither happens for a normal plan with Ac >= 2).
    """
    column = aql_column(aql)
    row = MASTER_TABLES["normal"].get(code_letter)
    if row is None or column == 0:
        return None
    cell = row[column - 1]
    return cell[0] if isinstance(cell, tuple) else None


def aql_column(aql: Decimal) -> int:
    """The index of an AQL in the standard's series; ValueError for any other value."""
    # Comparing as Decimal accepts 1, 1.0 and 1.00 alike; floats would compare inexactly.
    if not isinstance(aql, Decimal) or not aql.is_finite():
        raise ValueError(f"AQL must be a finite Decimal, got {aql!r}")
    for index, value in enumerate(AQL_SERIES):
        if value == aql:
            return index
    raise ValueError(f"AQL {aql} is not one of the ISO 2859-1 preferred AQLs: {_SERIES_TEXT}")


def _resolve(
    severity: Severity, letter: str, column: int
) -> tuple[str, tuple[int, int], tuple[str, ...]]:
    """Follow the arrows from (letter, column) to the first plan in the arrow's direction."""
    table = MASTER_TABLES[severity]
    order = list(table)
    row = order.index(letter)
    cell = table[letter][column]
    if isinstance(cell, tuple):
        return letter, cell, ()
    if cell is None:
        raise AssertionError(f"{TABLE_NAMES[severity]} has a blank cell at {letter}")
    # "Use the first sampling plan below/above the arrow": keep the first arrow's
    # direction and pass over any further arrows in the same column.
    step = 1 if cell == DOWN else -1
    while 0 <= row + step < len(order):
        row += step
        found = table[order[row]][column]
        if isinstance(found, tuple):
            final = order[row]
            return final, found, (_arrow_note(severity, cell == DOWN, letter, final, column),)
    raise AssertionError(f"{TABLE_NAMES[severity]}: the arrow at {letter} leads off the table")


def _arrow_note(severity: Severity, down: bool, start: str, final: str, column: int) -> str:
    arrow, where = (DOWN, "below") if down else (UP, "above")
    return (
        f"{TABLE_NAMES[severity]}: arrow {arrow} at code letter {start}, AQL "
        f"{AQL_SERIES[column]}: used the first plan {where} it, code letter {final} "
        f"(n = {SAMPLE_SIZES[severity][final]})"
    )


def _check_lot_size(lot_size: int) -> None:
    # bool is an int subclass; True as a lot size is a caller bug, not a lot of 1.
    if isinstance(lot_size, bool) or not isinstance(lot_size, int) or lot_size < 2:
        raise ValueError(f"lot size must be a whole number of at least 2, got {lot_size!r}")


def _check_level(level: str) -> None:
    if level not in INSPECTION_LEVELS:
        raise ValueError(
            f"inspection level must be one of {', '.join(INSPECTION_LEVELS)}, got {level!r}"
        )


def _check_severity(severity: str) -> None:
    if severity not in SEVERITIES:
        raise ValueError(f"severity must be one of {', '.join(SEVERITIES)}, got {severity!r}")

"""The file writers on their own: XLSX continues on a new sheet when one is full, and a
Parquet file tells a null from an empty text whether its rows came from Python or from
PostgreSQL's COPY."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import duckdb
import openpyxl  # type: ignore[import-untyped]

from reporting.exports.models import Column
from reporting.exports.writers import ParquetWriter, XlsxWriter

COLUMNS = [
    Column("at", "timestamp"),
    Column("id", "uuid"),
    Column("day", "date"),
    Column("quantity", "number"),
    Column("count", "integer"),
    Column("planned", "boolean"),
    Column("reason", "text"),
]
ROW = [
    datetime(2026, 11, 2, 6, 30, tzinfo=UTC),
    UUID(int=7),
    date(2026, 11, 2),
    Decimal("12.5"),
    3,
    True,
    "JAM",
]


def test_a_full_sheet_continues_on_the_next(tmp_path: Path) -> None:
    writer = XlsxWriter(tmp_path, COLUMNS, "out.xlsx", sheet_rows=3)
    writer.write([[*ROW[:4], n, *ROW[5:]] for n in range(7)])
    book = openpyxl.load_workbook(writer.close(), read_only=True)
    assert book.sheetnames == ["data", "data 2", "data 3"]
    counts = []
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0] == tuple(c.name for c in COLUMNS)
        counts += [r[4] for r in rows[1:]]
    assert counts == list(range(7))
    first = next(book["data"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert first == (
        datetime(2026, 11, 2, 6, 30),
        str(UUID(int=7)),
        datetime(2026, 11, 2),
        12.5,
        0,
        True,
        "JAM",
    )


def _parquet(path: Path) -> list[tuple[object, ...]]:
    with duckdb.connect() as con:
        con.execute("SET TimeZone = 'UTC'")
        return con.sql(
            f'SELECT CAST("at" AS TIMESTAMP), "id", "day", "quantity", "count", "planned",'
            f" \"reason\" FROM read_parquet('{path}')"
        ).fetchall()


def test_parquet_keeps_nulls_apart_from_empty_texts_from_python_rows(tmp_path: Path) -> None:
    writer = ParquetWriter(tmp_path, COLUMNS, "out.parquet")
    writer.write([ROW, [None] * 7, [*ROW[:6], ""]])
    rows = _parquet(writer.close())
    assert rows[0] == (
        datetime(2026, 11, 2, 6, 30),
        UUID(int=7),
        date(2026, 11, 2),
        12.5,
        3,
        True,
        "JAM",
    )
    assert rows[1] == (None,) * 7
    assert rows[2][6] == ""


def test_parquet_keeps_nulls_apart_from_empty_texts_from_copy(tmp_path: Path) -> None:
    writer = ParquetWriter(tmp_path, COLUMNS, "out.parquet")
    raw = writer.raw()
    # As PostgreSQL's COPY (FORMAT csv) writes them, times in UTC.
    raw.write(
        b"2026-11-02 06:30:00+00,00000000-0000-0000-0000-000000000007,2026-11-02,12.5,3,t,JAM\n"
    )
    raw.write(b",,,,,,\n")
    raw.write(
        b'2026-11-02 06:30:00+00,00000000-0000-0000-0000-000000000007,2026-11-02,12.5,3,f,""\n'
    )
    rows = _parquet(writer.close())
    assert rows[0] == (
        datetime(2026, 11, 2, 6, 30),
        UUID(int=7),
        date(2026, 11, 2),
        12.5,
        3,
        True,
        "JAM",
    )
    assert rows[1] == (None,) * 7
    assert rows[2][5:] == (False, "")

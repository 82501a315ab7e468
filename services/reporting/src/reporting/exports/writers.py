"""File writers that take rows a batch at a time and keep none of them: CSV straight to
disk, XLSX with xlsxwriter's constant-memory mode (each row flushed as written), Parquet
through a typed CSV on disk that DuckDB turns into zstd-compressed Parquet.

Writers are blocking (run them in a thread); each writes into a directory the caller
owns and removes."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol, TextIO
from uuid import UUID

import duckdb
import xlsxwriter  # type: ignore[import-untyped]

from reporting.exports.models import Column

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}
# Excel's last row is 1,048,576: a longer export continues on a new sheet.
SHEET_ROWS = 1_048_575
_NULL = "\\N"
_PARQUET_TYPES = {
    "text": "VARCHAR",
    "uuid": "UUID",
    "timestamp": "TIMESTAMPTZ",
    "date": "DATE",
    "number": "DOUBLE",
    "integer": "BIGINT",
    "boolean": "BOOLEAN",
}


class Writer(Protocol):
    def write(self, rows: Iterable[Sequence[Any]]) -> None: ...

    def close(self) -> Path:
        """Finish the file and return where it is."""
        ...


def _text(value: Any) -> Any:
    """A cell of a CSV: ISO dates and times (UTC), plain decimals, true/false."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | UUID):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


class CsvWriter:
    def __init__(self, directory: Path, columns: Sequence[Column], filename: str) -> None:
        self.path = directory / filename
        # A BOM, so Excel opens UTF-8 correctly.
        self._file: TextIO = self.path.open("w", encoding="utf-8-sig", newline="")
        self._csv = csv.writer(self._file)
        self._csv.writerow([c.name for c in columns])

    def write(self, rows: Iterable[Sequence[Any]]) -> None:
        self._csv.writerows([_text(v) for v in row] for row in rows)

    def close(self) -> Path:
        self._file.close()
        return self.path


class XlsxWriter:
    """Rows go to the sheet in order and are flushed as written (``constant_memory``):
    memory stays flat whatever the row count. Numbers are numbers, times are Excel
    date-times in UTC, uuids text."""

    def __init__(self, directory: Path, columns: Sequence[Column], filename: str) -> None:
        self.path = directory / filename
        self._book = xlsxwriter.Workbook(
            str(self.path), {"constant_memory": True, "tmpdir": str(directory)}
        )
        self._columns = list(columns)
        self._header = self._book.add_format({"bold": True})
        self._formats = {
            "timestamp": self._book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
            "date": self._book.add_format({"num_format": "yyyy-mm-dd"}),
        }
        self._sheets = 0
        self._new_sheet()

    def _new_sheet(self) -> None:
        self._sheets += 1
        self._sheet = self._book.add_worksheet(
            "data" if self._sheets == 1 else f"data {self._sheets}"
        )
        self._sheet.write_row(0, 0, [c.name for c in self._columns], self._header)
        for i, column in enumerate(self._columns):
            if column.kind in ("timestamp", "uuid"):
                self._sheet.set_column(i, i, 20 if column.kind == "timestamp" else 36)
        self._row = 1

    def write(self, rows: Iterable[Sequence[Any]]) -> None:
        kinds = [c.kind for c in self._columns]
        for row in rows:
            if self._row > SHEET_ROWS:
                self._new_sheet()
            for col, (kind, value) in enumerate(zip(kinds, row, strict=True)):
                self._cell(col, kind, value)
            self._row += 1

    def _cell(self, col: int, kind: str, value: Any) -> None:
        if value is None:
            return
        sheet, row = self._sheet, self._row
        if kind == "timestamp":
            sheet.write_datetime(
                row, col, value.astimezone(UTC).replace(tzinfo=None), self._formats[kind]
            )
        elif kind == "date":
            sheet.write_datetime(row, col, value, self._formats[kind])
        elif kind in ("number", "integer"):
            sheet.write_number(row, col, float(value))
        elif kind == "boolean":
            sheet.write_boolean(row, col, value)
        else:
            sheet.write_string(row, col, str(value))

    def close(self) -> Path:
        self._book.close()
        return self.path


class ParquetWriter:
    """Rows to a typed CSV on disk; on close DuckDB streams it into Parquet (zstd) under
    a memory limit, so neither step holds the rows."""

    def __init__(self, directory: Path, columns: Sequence[Column], filename: str) -> None:
        self.path = directory / filename
        self._directory = directory
        self._columns = list(columns)
        self._staging = directory / "staging.csv"
        self._file: TextIO = self._staging.open("w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._file)
        self._csv.writerow([c.name for c in columns])

    def write(self, rows: Iterable[Sequence[Any]]) -> None:
        self._csv.writerows([_NULL if v is None else _text(v) for v in row] for row in rows)

    def close(self) -> Path:
        self._file.close()
        types = ", ".join(f"'{c.name}': '{_PARQUET_TYPES[c.kind]}'" for c in self._columns)
        with duckdb.connect(
            config={
                "memory_limit": "256MB",
                "threads": 2,
                "temp_directory": str(self._directory / "duckdb"),
            }
        ) as con:
            con.execute("SET TimeZone = 'UTC'")
            # Paths are this writer's own (a temp directory), never user input.
            con.execute(
                f"COPY (SELECT * FROM read_csv('{self._staging}', header = true,"
                f" columns = {{{types}}}, nullstr = '{_NULL}', allow_quoted_nulls = false,"
                f" quote = '\"', escape = '\"', delim = ',', auto_detect = false))"
                f" TO '{self.path}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)"
            )
        self._staging.unlink()
        return self.path


def writer_for(fmt: str, directory: Path, columns: Sequence[Column], stem: str) -> Writer:
    kinds: dict[str, type[CsvWriter] | type[XlsxWriter] | type[ParquetWriter]] = {
        "csv": CsvWriter,
        "xlsx": XlsxWriter,
        "parquet": ParquetWriter,
    }
    return kinds[fmt](directory, columns, f"{stem}.{fmt}")

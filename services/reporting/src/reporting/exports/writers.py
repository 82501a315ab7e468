"""File writers that take rows a batch at a time and keep none of them: CSV straight to
disk, XLSX with xlsxwriter's constant-memory mode (each row flushed as written), Parquet
through a typed CSV on disk that DuckDB turns into zstd-compressed Parquet.

Writers are blocking (run them in a thread); each writes into a directory the caller
owns and removes."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO, Protocol, TextIO
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

    def raw(self) -> BinaryIO | None:
        """Where CSV bytes from PostgreSQL's ``COPY`` go directly, if this format takes
        them (after the header; a writer is fed one way only)."""
        ...

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


class _CsvFile:
    """A CSV file written by the csv module or, raw, by ``COPY``."""

    def __init__(self, path: Path, columns: Sequence[Column], bom: bool) -> None:
        self._raw = path.open("wb")
        if bom:  # so Excel opens UTF-8 correctly
            self._raw.write(codecs.BOM_UTF8)
        self._text: TextIO = io.TextIOWrapper(
            self._raw, encoding="utf-8", newline="", write_through=True
        )
        # \n as COPY ends its lines: one file, one line ending.
        self.csv = csv.writer(self._text, lineterminator="\n")
        self.csv.writerow([c.name for c in columns])
        self.copied = False

    def raw(self) -> BinaryIO:
        self._text.flush()
        self.copied = True
        return self._raw

    def close(self) -> None:
        self._text.close()


class CsvWriter:
    def __init__(self, directory: Path, columns: Sequence[Column], filename: str) -> None:
        self.path = directory / filename
        self._file = _CsvFile(self.path, columns, bom=True)

    def write(self, rows: Iterable[Sequence[Any]]) -> None:
        self._file.csv.writerows([_text(v) for v in row] for row in rows)

    def raw(self) -> BinaryIO:
        return self._file.raw()

    def close(self) -> Path:
        self._file.close()
        return self.path


class XlsxWriter:
    """Rows go to the sheet in order and are flushed as written (``constant_memory``):
    memory stays flat whatever the row count. Numbers are numbers, times are Excel
    date-times in UTC, uuids text."""

    def __init__(
        self,
        directory: Path,
        columns: Sequence[Column],
        filename: str,
        sheet_rows: int = SHEET_ROWS,
    ) -> None:
        self.path = directory / filename
        self._sheet_rows = sheet_rows
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

    def raw(self) -> None:
        return None  # cells are typed: rows come through write()

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
            if self._row > self._sheet_rows:
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
        self._file = _CsvFile(self._staging, columns, bom=False)

    def write(self, rows: Iterable[Sequence[Any]]) -> None:
        self._file.csv.writerows([_NULL if v is None else _text(v) for v in row] for row in rows)

    def raw(self) -> BinaryIO:
        return self._file.raw()

    def close(self) -> Path:
        self._file.close()
        # COPY writes a null as an empty unquoted field (and an empty text as ""); rows
        # written here mark nulls with \N.
        null = "" if self._file.copied else _NULL
        types = ", ".join(f"'{c.name}': '{_PARQUET_TYPES[c.kind]}'" for c in self._columns)
        with duckdb.connect(
            config={
                "memory_limit": "128MB",
                "threads": 1,
                "temp_directory": str(self._directory / "duckdb"),
            }
        ) as con:
            con.execute("SET TimeZone = 'UTC'")
            # Paths are this writer's own (a temp directory), never user input.
            con.execute(
                f"COPY (SELECT * FROM read_csv('{self._staging}', header = true,"
                f" columns = {{{types}}}, nullstr = '{null}', allow_quoted_nulls = false,"
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

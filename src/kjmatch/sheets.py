"""Spreadsheets as tables of text: CSV (UTF-8, Excel's quirks) and the first sheet of an
XLSX, read whole, with every cell too long to take and every formula whose value the
workbook did not save reported at its cell (`file:row:col`)."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import DataError, Problem

MAX_ROWS = 100_000

MAX_CELL = 131_072  # characters in one cell (the csv module's own default limit)
NO_VALUE = "formula with no saved value; open and save the workbook in Excel, or paste values"


def read_table(
    path: Path,
    data: bytes,
    label: Callable[[list[list[str]], int, int], str] | None = None,
    problems: list[Problem] | None = None,
) -> list[list[str]]:
    """The sheet's cells as text, row by row (CSV or the first sheet of an XLSX); row n
    of the list is row n + 1 as a spreadsheet shows it. An empty sheet is an error, and
    so is a cell over MAX_CELL characters or a formula whose value the workbook did not
    save, each at its cell; `label(table, row, col)` (1-based) names a cell's field
    (by default its column's header in row 1). Given `problems`, the cell problems are
    added to it (the cells read as empty) for the caller to report with its own."""
    formulas: list[tuple[int, int]] = []
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        table, formulas = _xlsx_rows(path, data)
    else:
        text = _decode(data, str(path))
        # the first row decides the delimiter (Excel writes ; in many locales); cells
        # below may hold commas of their own
        head = text.split("\n", 1)[0]
        delimiter = max(",;\t", key=head.count) if any(d in head for d in ",;\t") else ","
        limit = csv.field_size_limit()  # a process-wide setting: raised for this file only
        csv.field_size_limit(max(limit, len(text) + 1))  # the file's size is bounded already
        try:
            table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        finally:
            csv.field_size_limit(limit)
    if not table:
        raise DataError([Problem(str(path), 1, 1, "", "the spreadsheet is empty")])
    name = label or _header_label
    long = f"cell over {MAX_CELL:,} characters; shorten it"
    found = [
        Problem(str(path), r, c, name(table, r, c), long)
        for r, row in enumerate(table, 1)
        for c, cell in enumerate(row, 1)
        if len(cell) > MAX_CELL
    ]
    found += [Problem(str(path), r, c, name(table, r, c), NO_VALUE) for r, c in formulas]
    if found and problems is None:
        raise DataError(found)
    if found and problems is not None:
        problems += found
        for p in found:  # a cell too long is not read either
            table[p.line - 1][p.col - 1] = ""
    return table


def _header_label(table: list[list[str]], row: int, col: int) -> str:
    """A cell's field: its column's header in row 1 (none for row 1 itself)."""
    return table[0][col - 1].strip()[:40] if col <= len(table[0]) and row > 1 else ""


def _decode(data: bytes, file: str) -> str:
    """UTF-8 (with or without Excel's BOM), else UTF-16 with a BOM, else a clear error."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return unicodedata.normalize("NFC", data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise DataError(
            [
                Problem(
                    file,
                    data[: exc.start].count(b"\n") + 1,
                    1,
                    "",
                    "not UTF-8; save the sheet as 'CSV UTF-8' (Excel) or 'Unicode (UTF-8)' "
                    "(LibreOffice), or as .xlsx",
                )
            ]
        ) from None


def _xlsx_rows(path: Path, data: bytes) -> tuple[list[list[str]], list[tuple[int, int]]]:
    """The first sheet's cells, and where a formula's value was not saved (a workbook
    written by a program, not by Excel): those cells read as empty, and are not."""
    try:
        import openpyxl
    except ImportError:
        raise DataError(
            [
                Problem(
                    str(path), 1, 1, "", "reading .xlsx needs openpyxl: pip install 'kjmatch[xlsx]'"
                )
            ]
        ) from None
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise DataError(
            [Problem(str(path), 1, 1, "", f"not a readable .xlsx file: {exc}")]
        ) from None
    out = []
    empty: set[tuple[int, int]] = set()
    for r, values in enumerate(
        book.worksheets[0].iter_rows(values_only=True, max_row=MAX_ROWS + 2), 1
    ):
        out.append(["" if v is None else _cell(v) for v in values])
        empty.update((r, c) for c, v in enumerate(values, 1) if v is None)
    book.close()
    formulas: list[tuple[int, int]] = []
    if empty:  # read again for the formulas, whose saved values the first read gave
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = book.worksheets[0].iter_rows(values_only=True, max_row=MAX_ROWS + 2)
        for r, values in enumerate(sheet, 1):
            formulas += [
                (r, c)
                for c, v in enumerate(values, 1)
                if (r, c) in empty and isinstance(v, str) and v.startswith("=")
            ]
        book.close()
    return out, formulas


def _cell(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return unicodedata.normalize("NFC", str(v))

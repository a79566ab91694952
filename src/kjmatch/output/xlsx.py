"""An `Output`'s flat table as an Excel workbook (openpyxl, the `xlsx` extra).

An .xlsx file has no text encoding for a spreadsheet to guess, so Hangul and Kanji
arrive intact. One sheet: a bold, frozen header row with a filter, columns as wide
as their text (wide characters count twice, capped), numbers as numbers, and text
that a spreadsheet would run as a formula neutralised as in CSV (a leading ')."""

from __future__ import annotations

import io
import unicodedata
from typing import IO, Any

from kjmatch.errors import OutputError, printable

from .documents import Output
from .formats import neutralised

MIN_WIDTH = 6
MAX_WIDTH = 60


def _number(value: Any, numeric: bool) -> int | float | None:
    """The cell's number, if it is one: an int or float, or number text in a numeric column."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if numeric and isinstance(value, str) and value.strip():
        try:
            return int(value)
        except ValueError:
            pass
        try:
            return float(value)
        except ValueError:
            return None
    return None


def cell_value(value: Any, numeric: bool) -> int | float | str | None:
    """What goes into one cell: a number, None for an empty cell, or safe text
    (no formula, no control characters, which openpyxl refuses)."""
    if value is None or value == "":
        return None
    number = _number(value, numeric)
    if number is not None:
        return number
    return printable(neutralised(value, False), keep="\n\t")


def display_width(text: str) -> int:
    """Columns `text` takes on screen: East Asian wide and full-width characters count 2."""
    longest = max((line for line in text.split("\n")), key=len, default="")
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def write_xlsx(out: Output, stream: IO[bytes]) -> None:
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font
        from openpyxl.utils import get_column_letter
    except ImportError:
        raise OutputError(
            "writing .xlsx needs openpyxl: pip install 'kjmatch[xlsx]' (or use --format csv)"
        ) from None
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = (out.kind or "kjmatch")[:31]
    numeric = [c in out.numeric for c in out.columns]
    sheet.append([cell_value(c, False) for c in out.columns])
    widths = [display_width(str(c)) for c in out.columns]
    for row in out.rows:
        cells = [
            cell_value(v, numeric[i] if i < len(numeric) else False) for i, v in enumerate(row)
        ]
        sheet.append(cells)
        for i, v in enumerate(cells[: len(widths)]):
            if v is not None:
                widths[i] = max(widths[i], display_width(str(v)))
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
        cell.alignment = Alignment(vertical="top")
    for i, w in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(i)].width = min(MAX_WIDTH, max(MIN_WIDTH, w + 2))
    sheet.freeze_panes = "A2"
    if out.columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(out.columns))}{len(out.rows) + 1}"
    # built in memory, then written at once: a failing stream (a full disk) then fails
    # one write, not a zip file half written that complains again when collected
    buf = io.BytesIO()
    book.save(buf)
    stream.write(buf.getvalue())

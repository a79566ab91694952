"""An event as a sheet (CSV or XLSX, read as `kjmatch import` reads its sheets):
optional `setting, value` rows (the event file's top-level keys), then a header row
with columns country, firm, capacity, available, must_meet, never_meet and requests,
one row per participant, lists separated by `;` (`1-4;7`, `toyota;honda`). Its
problems are located `file:row:col: column: message`."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any, cast

from .errors import Problem, RequestError
from .event import EventFile
from .model import Dataset

SHEETS = (".csv", ".tsv", ".xlsx", ".xlsm")
COLUMNS = ("country", "firm", "capacity", "available", "must_meet", "never_meet", "requests")
SETTINGS = tuple(
    f.name for f in dataclasses.fields(EventFile) if f.name not in ("korea", "japan")
)  # name, sector, date, start, slot_minutes, break_minutes, slots, tables, …
_COUNTRY = {"kr": "korea", "korea": "korea", "jp": "japan", "japan": "japan"}
_LIST = re.compile(r"\s*;\s*")
_KEY = re.compile(r"[^a-z0-9]+")
_SECONDS = re.compile(r"^(\d{1,2}:\d{2}):00$")  # a time cell of a workbook: 10:00:00
SHEET_HINT = (
    "an event sheet has a row `country, firm, …` heading one row per participant "
    f"(columns {', '.join(COLUMNS)}), under optional `setting, value` rows "
    f"({', '.join(SETTINGS)})"
)


class SheetChecker:
    """Problems of an event sheet, located `file:row:col` by the cell they concern."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.cells: dict[tuple[str | int, ...], tuple[int, int, str]] = {}
        self.rows: dict[tuple[str, int], int] = {}  # (korea|japan, index) → sheet row

    def at(self, row: int, col: int, label: str, message: str) -> None:
        self.problems.append(Problem(self.file, row, col, label, message))

    def add(self, file: str, path: tuple[str | int, ...], message: str) -> None:
        for n in range(len(path), 0, -1):
            if path[:n] in self.cells:
                row, col, label = self.cells[path[:n]]
                self.problems.append(Problem(file, row, col, label, message))
                return
        self.problems.append(Problem(file, 0, 0, str(path[0]) if path else "", message))

    def resolve(self) -> list[Problem]:
        return sorted(self.problems, key=lambda p: (p.line, p.col))

    def where(self, key: str, i: int) -> str:
        return f"row {self.rows[(key, i)]}"


def _key(text: str) -> str:
    return _KEY.sub("_", text.strip().lower()).strip("_")


def _cell_label(table: list[list[str]], row: int, col: int) -> str:
    """A cell's field, as a problem names it: its column under the participants' header
    row, or the setting its row names above it."""
    head = next(
        (n for n, cells in enumerate(table, 1) if {"country", "firm"} <= {_key(c) for c in cells}),
        0,
    )
    if head and row > head:
        cells = table[head - 1]
        return _key(cells[col - 1]) if col <= len(cells) else ""
    return _key(table[row - 1][0]) if row != head and col > 1 else ""


def sheet_document(
    path: Path, ds: Dataset, given: dict[str, Any]
) -> tuple[SheetChecker, EventFile | None, Any]:
    """The sheet as an `EventFile`: the settings rows, the options in `given` over them,
    and the participants; every problem located at its cell."""
    from pydantic import ValidationError

    from . import lookup
    from .errors import nearest
    from .sheets import read_table
    from .validation import _schema_message, adapter, clean_text
    from .yamlio import read_bytes

    file = str(path)
    checker = SheetChecker(file)
    table = read_table(path, read_bytes(path, file), _cell_label)
    head = next(
        (n for n, row in enumerate(table) if {"country", "firm"} <= {_key(c) for c in row}), None
    )
    if head is None:
        checker.problems.append(Problem(file, 1, 1, "", f"no participants; {SHEET_HINT}"))
        return checker, None, None
    data: dict[str, Any] = {}
    seen: dict[str, int] = {}  # setting → its row: a second row would silently win
    for n, row in enumerate(table[:head], 1):
        texts = [c.strip() for c in row]
        if not any(texts):
            continue
        key = _key(texts[0])
        if key not in SETTINGS:
            close = nearest(key, SETTINGS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            checker.at(n, 1, texts[0], f"unknown setting {texts[0]!r}{hint} "
                       f"(settings: {', '.join(SETTINGS)})")  # fmt: skip
            continue
        if key in seen:
            checker.at(n, 1, texts[0], f"setting {key!r} is given twice (also row {seen[key]})")
            continue
        seen[key] = n
        value = next((c for c in texts[1:] if c), "")
        if key == "start":
            value = _SECONDS.sub(r"\1", value)
        checker.cells[(key,)] = (n, 2, key)
        if key == "sector" and value and "sector" not in given:
            try:  # a sheet may name the sector as people do: Batteries, 이차전지
                value = lookup.sector(ds, value)
            except RequestError as exc:
                checker.at(n, 2, key, str(exc))
                continue
        if value:
            data[key] = value
    data.update(given)
    columns: dict[int, str] = {}
    for c, name in enumerate(table[head]):
        key = _key(name)
        if key in COLUMNS and key in columns.values():  # one would silently win
            first = next(i for i, k in columns.items() if k == key)
            checker.at(
                head + 1, c + 1, name, f"column {key!r} is given twice (also column {first + 1})"
            )
        elif key in COLUMNS:
            columns[c] = key
        elif key:
            close = nearest(key, COLUMNS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            message = f"unknown column {name!r}{hint} (columns: {', '.join(COLUMNS)})"
            checker.at(head + 1, c + 1, name, message)
    sides: dict[str, list[dict[str, Any]]] = {"korea": [], "japan": []}
    for n, row in enumerate(table[head + 1 :], head + 2):
        cells = {columns[c]: v.strip() for c, v in enumerate(row) if c in columns}
        if not any(cells.values()):
            continue
        col = {k: c + 1 for c, k in columns.items()}
        side = _COUNTRY.get(cells.get("country", "").lower())
        if side is None:
            got = cells.get("country", "")
            checker.at(n, col.get("country", 1), "country", f"must be KR or JP, got {got!r}")
            continue
        i = len(sides[side])
        checker.rows[(side, i)] = n
        entry: dict[str, Any] = {}
        for k, text in cells.items():
            checker.cells[(side, i, k)] = (n, col[k], k)
            if k == "country" or not text:
                continue
            if k in ("must_meet", "never_meet", "requests"):
                entry[k] = [x for x in _LIST.split(text) if x]
            elif k == "available":
                entry[k] = [int(x) if x.isdigit() else x for x in _LIST.split(text) if x]
            else:
                entry[k] = text
        if not entry.get("firm"):
            checker.at(n, col.get("firm", 1), "firm", "no firm named")
            continue
        sides[side].append(entry)
    data.update(sides)
    for key in ("sector", "slots"):
        if key not in data and not any(p.path == key for p in checker.problems):
            checker.at(1, 1, key, f"no {key}: give a `{key}, …` row above the participants, "
                       f"or --{key}")  # fmt: skip
    data = clean_text(cast(Any, checker), file, data)  # control characters, NFC
    if "sector" not in data or "slots" not in data:  # reported above, at its cell or 1:1
        return checker, None, data
    try:
        return checker, adapter(EventFile).validate_python(data), data
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not str(p).startswith("function-"))
            loc, message = _schema_message(err, EventFile, loc)
            checker.add(file, loc, message)
        return checker, None, data

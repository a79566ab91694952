"""The header row and rows of a firms sheet (`kjmatch import`): which columns are read,
which are typos of one (refused), which are left out (listed), and each row as
{field: text} with the column each field came from."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from pathlib import Path

from .errors import DataError, Problem
from .sheets import MAX_ROWS, read_table

HEADERS = {  # accepted header spellings → field
    "name": "name",
    "firm": "name",
    "company": "name",
    "company_name": "name",
    "firm_name": "name",
    "native_name": "native_name",
    "native": "native_name",
    "id": "id",
    "country": "country",
    "sector": "sector",
    "products": "products",
    "product": "products",
    "hs_codes": "hs_codes",
    "hs_code": "hs_codes",
    "hs": "hs_codes",
    "level": "level",
    "rating": "level",
    "note": "note",
    "notes": "note",
    "source_url": "url",
    "url": "url",
    "source": "publisher",
    "publisher": "publisher",
    "year": "year",
    "as_of": "as_of",
    "aliases": "aliases",
    "captive": "captive",
    "own_use": "captive",
    "home_market": "home_market",
    "home_market_only": "home_market",
}
# a header this close to an accepted one is a typo, refused with the nearest (difflib ratio)
_TYPO = 0.75
SLUG_CHARS = re.compile(r"[^a-z0-9]+")  # runs of what an id or header key drops
# hints in a header, as templates write them: "Level (1-5)", "(1-5) Level", "Name [EN]"
_BRACKETED = re.compile(r"[(\[（［][^)\]）］]*[)\]）］]?")
_AFTER_COLON = re.compile(r"[:：].*$", re.DOTALL)  # "Level: 1-5"
# fields whose column, left out, would silently change a firm's scores: a header that
# starts with one of them and goes on in words ("Level/score") is refused, not left out
_GUARDED = ("level", "captive", "own_use", "home_market")


class Row(dict[str, str]):
    """One sheet row as {field: text}; `columns` gives each field's column (1 = A), so a
    problem can point at the cell."""

    columns: dict[str, int]

    def __init__(self, cells: dict[str, str], columns: dict[str, int]) -> None:
        super().__init__(cells)
        self.columns = columns


def read_rows(
    path: Path, data: bytes, ignored: list[str] | None = None, cells: list[Problem] | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number as a spreadsheet shows it, {field: text}) for each non-empty row.

    A header that is a near miss of an accepted column (`levle`) is an error naming
    the nearest; other columns import does not know (a contact, a phone number) are
    left out and their headers added to `ignored`, for a warning."""
    table = read_table(path, data, _label, cells)
    header = [_field(h) for h in table[0]]
    typos: list[Problem] = []
    first: dict[str, tuple[int, str]] = {}  # field → its first column and header
    for col, (text, got) in enumerate(zip(table[0], header, strict=True), 1):
        key = _key(text)
        if got in first:  # `level` twice, or `company` beside `name`: one would win
            at, said = first[got]
            typos.append(
                Problem(str(path), 1, col, "", f"column {text.strip()[:40]!r} repeats column "
                        f"{at} ({said!r}): both give the {got}; keep one")
            )  # fmt: skip
            continue
        if got:
            first[got] = (col, text.strip()[:40])
        if got or not key:
            continue
        close = difflib.get_close_matches(key, sorted(HEADERS), n=1, cutoff=_TYPO) or [
            g for g in _GUARDED if key.startswith(f"{g}_")
        ]
        if close:
            typos.append(
                Problem(
                    str(path),
                    1,
                    col,
                    "",
                    f"unknown column {text.strip()[:40]!r}; did you mean {close[0]!r}? "
                    f"(accepted columns: {', '.join(sorted(set(HEADERS)))})",
                )
            )
        elif ignored is not None:
            ignored.append(text.strip()[:40])
    if ignored is not None:  # a column of data under no header is left out too: say so
        width = len(table[0])
        ignored += [
            f"(column {col}, no header)"
            for col, text in enumerate(table[0], 1)
            if not _key(text)
            and any(len(r) >= col and (r[col - 1] or "").strip() for r in table[1:])
        ]
        ignored += [
            f"(column {col}, no header)"
            for col in range(width + 1, max(map(len, table), default=0) + 1)
            if any(len(r) >= col and (r[col - 1] or "").strip() for r in table[1:])
        ]
    if typos:
        raise DataError(typos)
    if "name" not in header:
        raise DataError(
            [
                Problem(
                    str(path),
                    1,
                    1,
                    "",
                    "no 'name' column; the header row needs name (and products or hs_codes); "
                    f"accepted columns: {', '.join(sorted(set(HEADERS)))}",
                )
            ]
        )
    if len(table) > MAX_ROWS + 1:
        raise DataError(
            [Problem(str(path), MAX_ROWS + 2, 1, "", f"more than {MAX_ROWS} rows; split the file")]
        )
    columns = {h: i for i, h in enumerate(header, 1) if h}  # the last of a repeated field wins
    for n, raw in enumerate(table[1:], 2):
        row = {h: (v or "").strip() for h, v in zip(header, raw, strict=False) if h}
        if any(row.values()):
            yield n, Row(row, columns)


def _label(table: list[list[str]], row: int, col: int) -> str:
    """A cell's field, as a problem names it: its column's field (`note`), or the
    header's own text for a column import does not know."""
    head = table[0][col - 1].strip()[:40] if col <= len(table[0]) and row > 1 else ""
    return _field(head) or head


def _key(header: str) -> str:
    """A header as a key: lower case, words joined by `_`, hints in brackets and after a
    colon dropped, as are digits and signs after a known name ("Level 1-5")."""
    key = SLUG_CHARS.sub("_", _AFTER_COLON.sub("", _BRACKETED.sub(" ", header)).lower())
    key = key.strip("_")
    if key not in HEADERS:
        for known in sorted(HEADERS, key=len, reverse=True):
            if key.startswith(f"{known}_") and not re.search("[a-z]", key[len(known) :]):
                return known
    return key


def _field(header: str) -> str:
    return HEADERS.get(_key(header), "")

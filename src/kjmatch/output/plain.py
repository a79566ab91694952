"""Grids drawn as text without rich, where no colour is wanted (a pipe, a file).

rich costs a table command about 25 ms (its import, then the layout of every cell),
a fifth of the whole command. A grid whose every line fits its column is drawn here
instead, character for character as rich draws it (tests compare the two on random
grids and on every bundled sector); anything rich would wrap, cut or colour is left to
rich (None).
"""

from __future__ import annotations

import os
import re
from typing import IO, Any

from .documents import Output
from .grids import GRIDS, RICH_VIEWS, Grid, cell_len, flat_grid, grid_widths, text_of

# rich's HEAVY_HEAD box: top, header row, header separator, body rows, bottom
_TOP = ("┏", "━", "┳", "┓")
_HEAD = ("┃", "┃", "┃")
_HEAD_RULE = ("┡", "━", "╇", "┩")
_ROW = ("│", "│", "│")
_BOTTOM = ("└", "─", "┴", "┘")


def wants_plain(stream: IO[Any], *, to_file: bool = False) -> bool:
    """Whether rich would draw to `stream` without colour or terminal controls, and with
    Unicode boxes: a file, or a pipe (unless FORCE_COLOR or TTY_COMPATIBLE=1 says it
    is a terminal), in a UTF encoding."""
    encoding = (getattr(stream, "encoding", None) or "utf-8").lower()
    if not encoding.startswith("utf"):
        return False  # rich draws ASCII boxes there
    if to_file:
        return True
    env = os.environ
    if env.get("TTY_COMPATIBLE") == "1" or env.get("FORCE_COLOR"):
        return False
    try:
        return not stream.isatty()
    except (AttributeError, ValueError):
        return True


def _fits(text: str) -> bool:
    # rich expands tabs and trims the spaces around wrapped words: such text is rich's
    return "\t" not in text and text == text.strip(" ") and "  " not in text


def _pad(text: str, width: int, justify: str) -> str:
    room = width - cell_len(text)
    if justify == "right":
        return " " * room + text
    if justify == "center":
        left = room // 2
        return " " * left + text + " " * (room - left)
    return text + " " * room


def draw(grid: Grid, width: int) -> str | None:
    """The grid as rich draws it `width` cells wide without colour, or None where rich
    would wrap or cut a text (or the grid needs rich's narrow, stacked layout)."""
    sizes = grid_widths(grid, width)
    if sizes is None or not grid.columns:
        return None
    heads = [c.header for c in grid.columns]
    body = [[text_of(c).split("\n") for c in row] for row in grid.rows]
    if any(len(row) != len(sizes) for row in body):
        return None
    for n, size in enumerate(sizes):
        for line in (heads[n], *(ln for row in body for ln in row[n])):
            if cell_len(line) > size or (line and not _fits(line)):
                return None
    total = sum(sizes) + 3 * len(sizes) + 1
    lines = []
    if grid.title:
        if cell_len(grid.title) > total or not _fits(grid.title):
            return None
        lines.append(_pad(grid.title, total, "left"))

    def rule(parts: tuple[str, str, str, str]) -> str:
        left, fill, cross, right = parts
        return left + cross.join(fill * (s + 2) for s in sizes) + right

    def row_lines(cells: list[list[str]], parts: tuple[str, str, str]) -> list[str]:
        edge, inner, end = parts
        height = max((len(c) for c in cells), default=1)
        out = []
        for i in range(height):
            padded = [
                " " + _pad(c[i] if i < len(c) else "", s, col.justify) + " "
                for c, s, col in zip(cells, sizes, grid.columns, strict=True)
            ]
            out.append(edge + inner.join(padded) + end)
        return out

    lines.append(rule(_TOP))
    lines += row_lines([[h] for h in heads], _HEAD)
    lines.append(rule(_HEAD_RULE))
    for row in body:
        lines += row_lines(row, _ROW)
    lines.append(rule(_BOTTOM))
    for note, _ in grid.notes:
        wrapped = wrap(note, width)
        if wrapped is None:
            return None
        lines += wrapped
    return "\n".join(lines) + "\n"


_WORD = re.compile(r"\s*\S+\s*")


def wrap(text: str, width: int) -> list[str] | None:
    """One line of text wrapped at spaces as rich prints it (a word with the spaces
    after it moves whole to the next line; a line keeps its trailing spaces unless they
    pass the width), or None where rich would do more (fold a long word, expand a
    tab, break at a line break)."""
    if "\t" in text or "\n" in text or text != text.lstrip():
        return None
    lines: list[str] = []
    line, used = "", 0
    for match in _WORD.finditer(text):
        word = match.group()
        size = cell_len(word.rstrip())
        if size > width:
            return None
        if used and size > width - used:
            lines.append(line)
            line, used = "", 0
        line += word
        used += cell_len(word)
    lines.append(line)
    return [_rstrip_past(one, width) for one in lines]


def _rstrip_past(line: str, width: int) -> str:
    """Trailing spaces that pass the width are dropped, the others kept."""
    excess = cell_len(line) - width
    while excess > 0 and line.endswith(" "):
        line, excess = line[:-1], excess - 1
    return line


PIPE_WIDTH = 160  # piped or redirected: do not squeeze tables into 80 columns
FILE_WIDTH = 120


def pipe_width() -> int:
    cols = os.environ.get("COLUMNS", "")
    return int(cols) if cols.isdigit() else PIPE_WIDTH


def document(out: Output, width: int) -> str | None:
    """A document's table and footer as text, or None where its picture needs rich
    (a view of its own, or a layout rich would wrap)."""
    if out.kind in GRIDS:
        grid = GRIDS[out.kind](dict(out.data))
    elif out.kind in RICH_VIEWS:
        return None
    else:
        grid = flat_grid(out)
    return draw(grid._replace(notes=(*grid.notes, *((line, "dim") for line in out.footer))), width)

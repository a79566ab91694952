"""Grids drawn without rich, as rich draws them.

rich costs a table command about 25 ms (its import, then the layout of every cell),
a fifth of the whole command. A grid whose every line fits its column is drawn here
instead, character for character as rich draws it, colours included on a terminal
(tests compare the two on random grids and on every bundled ranking); anything rich
would wrap, cut or draw differently (ASCII boxes, a dumb or Windows console) is left
to rich (None).
"""

from __future__ import annotations

import os
import re
from typing import IO, Any, NamedTuple

from .documents import Output
from .grids import GRIDS, RICH_VIEWS, Grid, Segment, cell_len, flat_grid, grid_widths

# rich's HEAVY_HEAD box: top, header row, header separator, body rows, bottom
_TOP = ("┏", "━", "┳", "┓")
_HEAD = ("┃", "┃", "┃")
_HEAD_RULE = ("┡", "━", "╇", "┩")
_ROW = ("│", "│", "│")
_BOTTOM = ("└", "─", "┴", "┘")

PIPE_WIDTH = 160  # piped or redirected: do not squeeze tables into 80 columns
FILE_WIDTH = 120


class Surface(NamedTuple):
    """Where a table goes, as rich would see it: its width and whether it is coloured."""

    width: int
    colour: bool


def pipe_width() -> int:
    cols = os.environ.get("COLUMNS", "")
    return int(cols) if cols.isdigit() else PIPE_WIDTH


def terminal_width() -> int:
    """A terminal's width as rich reads it: COLUMNS, else the first standard stream
    that is a terminal, else 80."""
    cols = os.environ.get("COLUMNS", "")
    if cols.isdigit():
        return int(cols)
    for fd in (0, 1, 2):
        try:
            return os.get_terminal_size(fd).columns or 80
        except (AttributeError, ValueError, OSError):
            continue
    return 80


def surface(stream: IO[Any], *, to_file: bool = False) -> Surface | None:
    """How rich would draw to `stream`, where it is one this module draws the same way: a
    file, a pipe, or a POSIX terminal (coloured unless NO_COLOR); None for anything
    else (ASCII boxes for a non-UTF encoding, FORCE_COLOR or TTY_COMPATIBLE, a dumb
    terminal)."""
    encoding = (getattr(stream, "encoding", None) or "utf-8").lower()
    if not encoding.startswith("utf"):
        return None  # rich draws ASCII boxes there
    if to_file:
        return Surface(FILE_WIDTH, False)
    env = os.environ
    if "TTY_COMPATIBLE" in env or "FORCE_COLOR" in env:
        return None
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    if not tty:
        return Surface(pipe_width(), False)
    if os.name != "posix" or env.get("TERM", "").lower() in ("dumb", "unknown"):
        return None
    return Surface(terminal_width(), not env.get("NO_COLOR"))


# SGR codes of the styles the grids use, as rich writes them: attributes, then colour
_ATTRS = {"bold": 1, "dim": 2, "italic": 3, "underline": 4}
_COLOURS = {
    "black": 30, "red": 31, "green": 32, "yellow": 33,
    "blue": 34, "magenta": 35, "cyan": 36, "white": 37,
}  # fmt: skip


def _sgr(style: str) -> str | None:
    """The escape sequence's codes for a style ("" for none), or None if it is rich's own."""
    attrs, colours = [], []
    for word in style.split():
        if word in _ATTRS:
            attrs.append(_ATTRS[word])
        elif word in _COLOURS:
            colours.append(_COLOURS[word])
        else:
            return None
    if len(colours) > 1:
        return None
    return ";".join(str(c) for c in (*sorted(set(attrs)), *colours))


def _paint(pieces: list[Segment], colour: bool) -> str | None:
    """One line of a cell: its pieces, coloured as rich colours them."""
    if not colour:
        return "".join(text for text, _ in pieces)
    out = []
    for text, style in pieces:
        if not text:
            continue
        code = _sgr(style)
        if code is None:
            return None
        out.append(f"\x1b[{code}m{text}\x1b[0m" if code else text)
    return "".join(out)


def _lines(cell: tuple[Segment, ...]) -> list[list[Segment]]:
    """A cell's pieces line by line (a piece may hold line breaks)."""
    lines: list[list[Segment]] = [[]]
    for text, style in cell:
        first, *rest = text.split("\n")
        lines[-1].append((first, style))
        lines += [[(part, style)] for part in rest]
    return lines


def _fits(text: str) -> bool:
    # rich expands tabs and trims the spaces around wrapped words: such text is rich's
    return "\t" not in text and text == text.strip(" ") and "  " not in text


def _room(text: str, width: int, justify: str) -> tuple[int, int]:
    """The spaces before and after a text justified in `width` cells."""
    room = width - cell_len(text)
    if justify == "right":
        return room, 0
    if justify == "center":
        return room // 2, room - room // 2
    return 0, room


def draw(grid: Grid, where: Surface) -> str | None:
    """The grid as rich draws it on `where`, or None where rich would wrap or cut a text
    (or the grid needs rich's narrow, stacked layout)."""
    sizes = grid_widths(grid, where.width)
    if sizes is None or not grid.columns or 0 in sizes:
        return None
    heads = [c.header for c in grid.columns]
    body = [[_lines(c) for c in row] for row in grid.rows]
    if any(len(row) != len(sizes) for row in body):
        return None
    for row in body:
        for n, cell in enumerate(row):
            for pieces in cell:
                line = "".join(text for text, _ in pieces)
                if cell_len(line) > sizes[n] or (line and not _fits(line)):
                    return None
    for n, head in enumerate(heads):
        if cell_len(head) > sizes[n] or (head and not _fits(head)):
            return None
    total = sum(sizes) + 3 * len(sizes) + 1
    lines = []
    if grid.title:
        if cell_len(grid.title) > total or not _fits(grid.title):
            return None
        lines.append(grid.title + " " * (total - cell_len(grid.title)))

    def rule(parts: tuple[str, str, str, str]) -> str:
        left, fill, cross, right = parts
        return left + cross.join(fill * (s + 2) for s in sizes) + right

    bold = "\x1b[1m{}\x1b[0m" if where.colour else "{}"
    head_cells = []
    for head, size, col in zip(heads, sizes, grid.columns, strict=True):
        before, after = _room(head, size, col.justify)
        padded = " " * before + head + " " * after
        head_cells.append(bold.format(" ") + bold.format(padded) + bold.format(" "))
    lines += [rule(_TOP), _HEAD[0] + _HEAD[1].join(head_cells) + _HEAD[2], rule(_HEAD_RULE)]
    for row in body:
        for i in range(max(len(c) for c in row)):
            cells = []
            for cell, size, col in zip(row, sizes, grid.columns, strict=True):
                pieces = cell[i] if i < len(cell) else []
                painted = _paint(pieces, where.colour)
                if painted is None:
                    return None
                before, after = _room("".join(t for t, _ in pieces), size, col.justify)
                cells.append(" " * (before + 1) + painted + " " * (after + 1))
            lines.append(_ROW[0] + _ROW[1].join(cells) + _ROW[2])
    lines.append(rule(_BOTTOM))
    for note, style in grid.notes:
        wrapped = wrap(note, where.width)
        if wrapped is None:
            return None
        for one in wrapped:
            painted = _paint([(one, style)], where.colour)
            if painted is None:
                return None
            lines.append(painted)
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


def document(out: Output, where: Surface) -> str | None:
    """A document's table and footer as rich draws them on `where`, or None where its
    picture needs rich (a view of its own, or a layout rich would wrap)."""
    if out.kind in GRIDS:
        grid = GRIDS[out.kind](dict(out.data))
    elif out.kind in RICH_VIEWS:
        return None
    else:
        grid = flat_grid(out)
    notes = (*grid.notes, *((line, "dim") for line in out.footer))
    return draw(grid._replace(notes=notes), where)

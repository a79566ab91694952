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
from .grids import (
    GRIDS,
    RICH_VIEWS,
    Grid,
    Segment,
    cell_len,
    flat_grid,
    grid_widths,
    note_lines,
)

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
    if any(len(row) != len(sizes) for row in grid.rows):
        return None
    body: list[list[list[list[Segment]]]] = []
    for given in grid.rows:
        folded_row = []
        for c, size, col in zip(given, sizes, grid.columns, strict=True):
            folded = _fold(_lines(c), size, col.justify)
            if folded is None:
                return None
            folded_row.append(folded)
        body.append(folded_row)
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
    for note, style in note_lines(grid, where.width):
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


def _breaks(text: str, width: int) -> list[int] | None:
    """Where rich starts each line of a text it wraps at spaces in `width` cells (a word
    with the spaces after it moves whole to the next line), or None where rich would do
    more (fold a long word, expand a tab, break at a line break)."""
    if "\t" in text or "\n" in text or text != text.lstrip():
        return None
    starts = [0]
    used = 0
    for match in _WORD.finditer(text):
        word = match.group()
        size = cell_len(word.rstrip())
        if size > width:
            return None
        if used and size > width - used:
            starts.append(match.start())
            used = 0
        used += cell_len(word)
    return starts


def wrap(text: str, width: int) -> list[str] | None:
    """One line of text wrapped at spaces as rich prints it (a line keeps its trailing
    spaces unless they pass the width), or None where rich would do more (`_breaks`)."""
    starts = _breaks(text, width)
    if starts is None:
        return None
    ends = [*starts[1:], len(text)]
    lines = [_rstrip_past(text[a:b], width) for a, b in zip(starts, ends, strict=True)]
    return None if any(cell_len(one) > width for one in lines) else lines


def _fold(cell: list[list[Segment]], width: int, justify: str) -> list[list[Segment]] | None:
    """A cell's lines wrapped to `width` as rich wraps them, styles cut where the lines
    break; None where rich would do more than break at spaces. Only left-justified
    cells wrap here: rich trims the spaces ending a centred or right-justified line."""
    out: list[list[Segment]] = []
    for pieces in cell:
        text = "".join(t for t, _ in pieces)
        if cell_len(text) <= width:
            if text and not _fits(text):
                return None
            out.append(pieces)
            continue
        starts = _breaks(text, width) if justify == "left" else None
        if starts is None:
            return None
        ends = [*starts[1:], len(text)]
        for a, b in zip(starts, ends, strict=True):
            line: list[Segment] = []
            at = 0
            for t, style in pieces:
                lo, hi = max(a, at), min(b, at + len(t))
                if lo < hi:
                    line.append((t[lo - at : hi - at], style))
                at += len(t)
            kept = _rstrip_past("".join(t for t, _ in line), width)
            if cell_len(kept) > width:
                return None  # rich would cut it
            if len(kept) < b - a:  # spaces past the width: drop them from the last pieces
                line = _cut(line, len(kept))
            out.append(line)
    return out


def _cut(line: list[Segment], keep: int) -> list[Segment]:
    out: list[Segment] = []
    for t, style in line:
        if keep <= 0:
            break
        out.append((t[:keep], style))
        keep -= len(t)
    return out


def _rstrip_past(line: str, width: int) -> str:
    """Trailing spaces past the width are dropped, the others kept; as rich does it,
    counting characters, not cells (a line of wide characters may keep a space that
    passes the width, which rich then cuts: `draw` leaves that to rich)."""
    excess = len(line) - width
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

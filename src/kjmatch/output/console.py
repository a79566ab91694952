"""Terminal drawing with rich: the console, the generic table, text for files.

Imported only when a table or a progress bar is drawn."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from typing import IO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from kjmatch.output.documents import Output
from kjmatch.output.formats import isatty
from kjmatch.output.grids import Grid, flat_grid, grid_widths, note_lines
from kjmatch.output.plain import FILE_WIDTH, pipe_width


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """The reader went away (`| head`): raise, as the data formats do, so that the CLI
        exits 0 quietly (rich's default exits 1)."""
        self.quiet = True
        raise BrokenPipeError


def console(
    file: IO[str] | None = None, *, width: int | None = None, color: bool | None = None
) -> Console:
    """A console that colours only a terminal, honours NO_COLOR and TERM=dumb."""
    no_color = (
        bool(os.environ.get("NO_COLOR")) or os.environ.get("TERM") == "dumb" or color is False
    )
    target = file if file is not None else sys.stdout
    if width is None and not isatty(target):
        width = pipe_width()
    return _Console(
        file=file,
        width=width,
        no_color=no_color,
        color_system=None if no_color else "auto",
        highlight=False,
        soft_wrap=False,
        emoji=False,
    )


def rich_table(grid: Grid, sizes: list[int] | None = None) -> Table:
    """A grid as a rich table; text is never read as rich markup. Words wrap at spaces,
    never inside (too long a word ends in …); ids and numbers never wrap."""
    t = Table(
        title=Text(grid.title) if grid.title else None,
        title_justify="left",
        show_lines=False,
        expand=False,
    )
    for n, col in enumerate(grid.columns):
        t.add_column(
            Text(col.header),
            width=sizes[n] if sizes else None,
            justify=col.justify,  # type: ignore[arg-type]
            overflow=col.overflow,  # type: ignore[arg-type]
            no_wrap=col.no_wrap,
        )
    for row in grid.rows:
        t.add_row(*[Text.assemble(*((text, style or "") for text, style in c)) for c in row])
    return t


def print_notes(grid: Grid, con: Console) -> None:
    for line, style in note_lines(grid, con.width):
        con.print(Text(line, style=style))


def stacked(out: Output, con: Console) -> None:
    """The flat table for a narrow terminal: one block per row, `column: value` lines."""
    if out.title:
        con.print(Text(out.title, style="bold"))
    shown = [i for i, col in enumerate(out.columns) if col not in out.constant]
    for row in out.rows:
        con.print(Text("" if row[shown[0]] is None else str(row[shown[0]]), style="bold"))
        grid = Table.grid(padding=(0, 2), pad_edge=True)
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(overflow="fold")
        for i in shown[1:]:
            value = "" if i >= len(row) or row[i] is None else str(row[i])
            if value:
                grid.add_row(Text(out.columns[i]), Text(value))
        con.print(grid)


def print_table(out: Output, con: Console) -> None:
    """The flat table, or the stacked layout where the table would break words."""
    grid = flat_grid(out)
    sizes = grid_widths(grid, con.width)
    if sizes is not None or not out.columns:
        con.print(rich_table(grid, sizes))
    else:
        stacked(out, con)


def print_footer(out: Output, con: Console) -> None:
    for line in out.footer:
        con.print(Text(line, style="dim"))


def render_to_string(draw: Callable[[Console], None], width: int = FILE_WIDTH) -> str:
    """Draw into text for a file: no colour, fixed width."""
    buf = io.StringIO()
    draw(console(buf, width=width, color=False))
    return buf.getvalue()


def hanging(
    con: Console, lead: str, text: str, *, style: str = "", indent: int | None = None
) -> None:
    """`lead` then `text`, wrapped at spaces to the console's width, every further line
    indented under the text's first character (or by `indent`): a long bullet reads as
    one block. A word longer than a line is folded, as the terminal would."""
    from rich.cells import cell_len

    pad = cell_len(lead) if indent is None else indent
    lines: list[str] = []
    line, used, fresh = lead, cell_len(lead), True
    for word in text.split():
        size = cell_len(word)
        if not fresh and used + 1 + size > con.width:
            lines.append(line)
            line, used, fresh = " " * pad, pad, True
        sep = "" if fresh else " "
        line, used, fresh = line + sep + word, used + len(sep) + size, False
    lines.append(line)
    for one in lines:
        con.print(Text(one, style=style), overflow="fold")

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

PIPE_WIDTH = 160
FILE_WIDTH = 120


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
        # piped or redirected: do not squeeze tables into 80 columns
        cols = os.environ.get("COLUMNS", "")
        width = int(cols) if cols.isdigit() else PIPE_WIDTH
    return _Console(
        file=file,
        width=width,
        no_color=no_color,
        color_system=None if no_color else "auto",
        highlight=False,
        soft_wrap=False,
        emoji=False,
    )


def table(out: Output) -> Table:
    """Any document's flat table; text is never read as rich markup."""
    t = Table(
        title=Text(out.title) if out.title else None,
        title_justify="left",
        show_lines=False,
        expand=False,
    )
    for col in out.columns:
        t.add_column(Text(col), justify="right" if col in out.numeric else "left", overflow="fold")
    for row in out.rows:
        t.add_row(*[Text("" if v is None else str(v)) for v in row])
    return t


def print_footer(out: Output, con: Console) -> None:
    for line in out.footer:
        con.print(Text(line, style="dim"))


def render_to_string(draw: Callable[[Console], None], width: int = FILE_WIDTH) -> str:
    """Draw into text for a file: no colour, fixed width."""
    buf = io.StringIO()
    draw(console(buf, width=width, color=False))
    return buf.getvalue()

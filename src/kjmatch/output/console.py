"""Terminal drawing with rich: the console, the generic table, text for files.

Imported only when a table or a progress bar is drawn."""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Callable
from typing import IO, Literal

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


# ids, ranks, scores and years are never wrapped: a split id cannot be copied
NO_WRAP = frozenset({"id", "sector", "korea_id", "japan_id", "rank", "#", "score", "year"})


def _no_wrap(out: Output, col: str) -> bool:
    return col in out.numeric or col in NO_WRAP or col == "as of"


def min_width(columns: list[tuple[list[str], bool]]) -> int:
    """The width a boxed table needs so that no word breaks: per column (its texts,
    header included, and whether it may wrap) the longest word, or the longest text
    if it must not wrap; plus borders and padding (3 per column, 1 more)."""

    return sum(column_min(texts, no_wrap) for texts, no_wrap in columns) + 3 * len(columns) + 1


def column_min(texts: list[str], no_wrap: bool) -> int:
    """The narrowest a column can be without breaking a word (or the text, if no_wrap)."""
    from rich.cells import cell_len

    parts = [line for t in texts for line in t.split("\n")]
    if not no_wrap:  # Japanese (Kanji, Kana) may break between any two characters
        parts = [w for line in parts for w in _WIDE.sub(" ", line).split()]
        parts += ["漢"] if any(_WIDE.search(t) for t in texts) else []
    widest = max((cell_len(x) for x in parts), default=0)
    # rich needs a cell more where a double-width character meets the column's edge
    return widest + (1 if any(cell_len(t) != len(t) for t in texts) else 0)


# Japanese and Chinese script (CJK ideographs, Kana, full-width forms), which breaks
# between any two characters; Korean separates its words with spaces, as English does
_WIDE = re.compile("[\u2e80-\u303e\u3041-\ua4cf\uf900-\ufaff\uff00-\uff60\uffe0-\uffe6]")


def _overflow(texts: list[str]) -> Literal["fold", "ellipsis"]:
    """Japanese text folds between characters, as that script breaks; other text
    (Korean included) wraps at spaces and never inside a word."""
    return "fold" if any(_WIDE.search(t) for t in texts) else "ellipsis"


def fits(con: Console, columns: list[tuple[list[str], bool]]) -> bool:
    return min_width(columns) <= con.width


def widths(con: Console, columns: list[tuple[list[str], bool]]) -> list[int] | None:
    """Each column's width so that the table fits the console without breaking a word,
    or None if it cannot. Every column gets its minimum (`column_min`); what is left is
    given a cell at a time to the narrowest column short of its natural width."""
    from rich.cells import cell_len

    if not fits(con, columns):
        return None
    mins = [column_min(texts, no_wrap) for texts, no_wrap in columns]
    natural = [
        max((cell_len(line) for t in texts for line in t.split("\n")), default=0)
        for texts, _ in columns
    ]
    natural = [max(m, n) for m, n in zip(mins, natural, strict=True)]
    spare = con.width - min_width(columns)
    if sum(natural) - sum(mins) <= spare:
        return natural
    out = list(mins)
    for _ in range(spare):  # to the narrowest column still short of its natural width
        short = [i for i in range(len(out)) if out[i] < natural[i]]
        out[min(short, key=lambda i: out[i])] += 1
    return out


def table(out: Output, sizes: list[int] | None = None) -> Table:
    """Any document's flat table; text is never read as rich markup. Words wrap at
    spaces, never inside (too long a word ends in …); ids and numbers never wrap."""
    t = Table(
        title=Text(out.title) if out.title else None,
        title_justify="left",
        show_lines=False,
        expand=False,
    )
    shown = [i for i, col in enumerate(out.columns) if col not in out.constant]
    for n, i in enumerate(shown):
        col = out.columns[i]
        t.add_column(
            Text(col),
            width=sizes[n] if sizes else None,
            justify="right" if col in out.numeric else "left",
            overflow=_overflow([str(r[i]) for r in out.rows if i < len(r)]),
            no_wrap=_no_wrap(out, col),
        )
    for row in out.rows:
        t.add_row(*[Text("" if row[i] is None else str(row[i])) for i in shown if i < len(row)])
    return t


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
    shown = [i for i, col in enumerate(out.columns) if col not in out.constant]
    columns = [
        (
            [out.columns[i], *("" if i >= len(r) or r[i] is None else str(r[i]) for r in out.rows)],
            _no_wrap(out, out.columns[i]),
        )
        for i in shown
    ]
    sizes = widths(con, columns)
    if sizes is not None or not out.columns:
        con.print(table(out, sizes))
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

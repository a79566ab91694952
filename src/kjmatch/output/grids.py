"""What a boxed table shows, without rich: its title, columns, styled cells and the
lines under it, and how wide each column may be.

The rich views (`views.py`, `console.py`) and `plain.py` (rich's output without rich's
console) draw the same grids, so they cannot show different things. Only a table's
drawing imports this module; of rich it reads the table of character widths alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Any, NamedTuple

from rich.cells import cell_len as cell_len  # the table of character widths alone

from kjmatch.weights import DIRECTION_LABELS, components

from .documents import Output
from .ties import brief

Segment = tuple[str, str]  # text, rich style ("" for none)
Cell = tuple[Segment, ...]


class Column(NamedTuple):
    header: str
    justify: str  # left, right or center
    no_wrap: bool  # ids and numbers: a split id cannot be copied
    overflow: str = "ellipsis"  # "fold" where Japanese text breaks between characters


class Grid(NamedTuple):
    """A boxed table: a title, columns, rows of cells, and lines printed under it."""

    title: str
    columns: tuple[Column, ...]
    rows: list[list[Cell]]
    notes: tuple[Segment, ...] = ()  # one line each, drawn after the table
    # a key of entries drawn (dim) between the table and its notes, as many to a line as
    # fit, never one split across lines (see `note_lines`)
    legend: tuple[str, ...] = ()


def note_lines(grid: Grid, width: int) -> list[Segment]:
    """The lines under a grid: its legend packed into lines of at most `width` cells,
    entries 3 spaces apart (an entry wider than a line alone on its own), then its notes."""
    packed: list[str] = []
    for entry in grid.legend:
        if packed and cell_len(packed[-1]) + 3 + cell_len(entry) <= width:
            packed[-1] += "   " + entry
        else:
            packed.append(entry)
    return [*((line, "dim") for line in packed), *grid.notes]


def cell(*segments: Segment | str) -> Cell:
    return tuple((s, "") if isinstance(s, str) else s for s in segments)


def text_of(c: Cell) -> str:
    return "".join(t for t, _ in c)


# ---------------------------------------------------------------- widths


# Japanese and Chinese script (CJK ideographs, Kana, full-width forms), which breaks
# between any two characters; Korean separates its words with spaces, as English does
_WIDE_FROM = "\u2e80"


@cache
def _wide() -> re.Pattern[str]:
    # compiled on first use: the character set alone costs 2 ms of start-up
    return re.compile("[\u2e80-\u303e\u3041-\ua4cf\uf900-\ufaff\uff00-\uff60\uffe0-\uffe6]")


def has_wide(text: str) -> bool:
    return bool(text) and max(text) >= _WIDE_FROM and _wide().search(text) is not None


def overflow(texts: Sequence[str]) -> str:
    """Japanese text folds between characters, as that script breaks; other text
    (Korean included) wraps at spaces and never inside a word."""
    return "fold" if any(has_wide(t) for t in texts) else "ellipsis"


def column_min(texts: Sequence[str], no_wrap: bool) -> int:
    """The narrowest a column can be without breaking a word (or the text, if no_wrap)."""
    parts = [line for t in texts for line in t.split("\n")]
    wide = any(has_wide(t) for t in texts)
    if not no_wrap:  # Japanese (Kanji, Kana) may break between any two characters
        if wide:
            parts = [_wide().sub(" ", line) for line in parts]
        parts = [w for line in parts for w in line.split()]
        parts += ["漢"] if wide else []
    widest = max((cell_len(x) for x in parts), default=0)
    # rich needs a cell more where a double-width character meets the column's edge
    return widest + (1 if any(cell_len(t) != len(t) for t in texts) else 0)


def min_width(columns: Sequence[tuple[Sequence[str], bool]]) -> int:
    """The width a boxed table needs so that no word breaks: per column (its texts,
    header included, and whether it may wrap) the longest word, or the longest text
    if it must not wrap; plus borders and padding (3 per column, 1 more)."""
    return sum(column_min(texts, no_wrap) for texts, no_wrap in columns) + 3 * len(columns) + 1


def widths(width: int, columns: Sequence[tuple[Sequence[str], bool]]) -> list[int] | None:
    """Each column's width so that the table fits `width` cells without breaking a
    word, or None if it cannot. Every column gets its minimum (`column_min`); what is
    left is given a cell at a time to the narrowest column short of its natural width."""
    if min_width(columns) > width:
        return None
    mins = [column_min(texts, no_wrap) for texts, no_wrap in columns]
    natural = [
        max((cell_len(line) for t in texts for line in t.split("\n")), default=0)
        for texts, _ in columns
    ]
    natural = [max(m, n) for m, n in zip(mins, natural, strict=True)]
    spare = width - min_width(columns)
    if sum(natural) - sum(mins) <= spare:
        return natural
    out = list(mins)
    for _ in range(spare):  # to the narrowest column still short of its natural width
        short = [i for i in range(len(out)) if out[i] < natural[i]]
        out[min(short, key=lambda i: out[i])] += 1
    return out


def grid_widths(grid: Grid, width: int) -> list[int] | None:
    """`widths` for a grid: its headers and cells' text."""
    columns = [
        ([col.header, *(text_of(row[n]) for row in grid.rows if n < len(row))], col.no_wrap)
        for n, col in enumerate(grid.columns)
    ]
    return widths(width, columns)


# ---------------------------------------------------------------- the grids


# ids, ranks, scores and years are never wrapped: a split id cannot be copied
NO_WRAP = frozenset({"id", "sector", "korea_id", "japan_id", "rank", "#", "score", "year"})


def flat_grid(out: Output) -> Grid:
    """Any document's flat table (the columns that are not constant)."""
    shown = [i for i, col in enumerate(out.columns) if col not in out.constant]
    columns = []
    for i in shown:
        col = out.columns[i]
        no_wrap = col in out.numeric or col in NO_WRAP or col == "as of"
        texts = [str(r[i]) for r in out.rows if i < len(r)]
        justify = "right" if col in out.numeric else "left"
        columns.append(Column(col, justify, no_wrap, overflow(texts)))
    rows = [
        [cell("" if row[i] is None else str(row[i])) for i in shown if i < len(row)]
        for row in out.rows
    ]
    return Grid(out.title or "", tuple(columns), rows)


ARROW = {d: labels[1] for d, labels in DIRECTION_LABELS.items()}
STYLE = {"KR": "bold blue", "JP": "bold red"}
LEGEND = (
    "◀ Japanese supplier → Korean buyer",
    "▶ Korean supplier → Japanese buyer",
    "⇄ documented cooperation",
    "≈ rivals (one product, or made in-house)",
    "3= shared rank",
)  # the evidence year is in the footer (`pairings.py`), said once


def pairings_grid(
    title: str, pairings: list[dict[str, Any]], weights: dict[str, float], with_sector: bool
) -> Grid:
    """Ranked pairings: each side on two lines (name, then product and level), the
    direction between, the points per weighted component and the newest tie."""
    label = {c.name: c.label for c in components()}
    comps = [c for c in weights if weights[c]]
    stab = any("stability" in p for p in pairings)
    rows: list[list[Cell]] = []
    for p in pairings:
        k, j = p["korea"], p["japan"]
        why: list[Segment] = [(" ".join(f"{p['contributions'][c]:.0f}" for c in comps), "")]
        if p["relationships"]:
            r = p["relationships"][0]
            more = f" +{len(p['relationships']) - 1}" if len(p["relationships"]) > 1 else ""
            if p["contributions"].get("relationship"):
                why.append((f"\n{brief(r)}{more}", "green"))
            else:  # the pair's tie is about other products or another sector
                why.append((f"\n{brief(r)}{more}, not counted here", "dim"))
        rank = f"{p['rank']}{'=' if p['tied'] else ''}" if p["rank"] else "–"
        row = [cell(rank), cell(f"{p['score']:.2f}")]
        if with_sector:
            row.append(cell(p["sector"]["id"]))
        row += [
            cell((k["name"], STYLE["KR"]), (f"\n{k['product_name']} · L{k['level']}", "dim")),
            cell(ARROW["same-stage"] if p["in_house"] else ARROW[p["direction"]]),
            cell((j["name"], STYLE["JP"]), (f"\n{j['product_name']} · L{j['level']}", "dim")),
            tuple(why),
        ]
        if stab:
            s = p["stability"]
            span = "–" if s["rank_min"] is None else f"#{s['rank_min']}–{s['rank_max']}"
            row.append(cell(f"{s['top_share']:.0%}\n{span}"))
        rows.append(row)
    columns = [Column("#", "right", True), Column("score", "right", True)]
    columns += [Column("sector", "left", True)] if with_sector else []
    columns += [
        Column("Korea", "left", False),
        Column("", "center", True),
        Column("Japan", "left", False),
        Column("/".join(label.get(c, c) for c in comps), "left", False),
    ]
    columns += [Column("in top", "right", True)] if stab else []
    return Grid(title, tuple(columns), rows)


def _sector_title(doc: dict[str, Any]) -> str:
    return f" in {doc['sectors'][0]}" if len(doc["sectors"]) == 1 else ""


def match_grid(doc: dict[str, Any]) -> Grid:
    title = f"{doc['sector']['name']}: Korea–Japan pairings" + (
        f" (scenario {doc['scenario']})" if doc["scenario"] else ""
    )
    notes: list[Segment] = []
    if "stability" in doc:
        s = doc["stability"]
        notes.append(
            (
                f"Stability: {s['samples']} samples, weights ±{s['spread']:.0%}, seed {s['seed']}; "
                f"Kendall's tau vs baseline top {s['top_n']}: mean {s['kendall_tau_mean']:.2f}, min {s['kendall_tau_min']:.2f}",
                "dim",
            )
        )
    grid = pairings_grid(title, doc["pairings"], doc["weights"], with_sector=False)
    return grid._replace(notes=tuple(notes), legend=LEGEND)


def partners_grid(doc: dict[str, Any]) -> Grid:
    names = ", ".join(f["name"] for f in doc["firms"])
    title = f"Partners for {names}{_sector_title(doc)}" + (
        " (new partners only)" if doc["new_only"] else ""
    )
    # one sector searched: its column would be constant, so the title names it instead
    grid = pairings_grid(title, doc["pairings"], doc["weights"], len(doc["sectors"]) != 1)
    notes = (("# is the pair's rank in its sector's full ranking.", "dim"),)
    return grid._replace(notes=notes, legend=LEGEND)


# documents drawn as a grid; those with a picture of their own (views.py, rich only);
# every other document is drawn as its flat table
GRIDS = {"match": match_grid, "partners": partners_grid}
RICH_VIEWS = frozenset({"chain", "explain", "sector", "company"})

"""Tables drawn without rich (`plain.py`) are, character for character, what rich draws
without colour; where they could differ, rich draws them."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kjmatch.model import Dataset
from kjmatch.output import plain
from kjmatch.output.console import console, print_footer, print_notes, rich_table
from kjmatch.output.documents import Output
from kjmatch.output.grids import GRIDS, RICH_VIEWS, Column, Grid, cell, grid_widths
from kjmatch.output.pairings import match_output, partners_output
from kjmatch.output.views import VIEWS


def rich_text(grid: Grid, width: int) -> str:
    """What rich draws for a grid that fits: the reference."""
    buf = io.StringIO()
    con = console(buf, width=width)
    con.print(rich_table(grid, grid_widths(grid, width)))
    print_notes(grid, con)
    return buf.getvalue()


def rich_document(out: Output, width: int) -> str:
    buf = io.StringIO()
    con = console(buf, width=width)
    VIEWS[out.kind](con, dict(out.data)) if out.kind in VIEWS else None
    print_footer(out, con)
    return buf.getvalue()


words = st.sampled_from(
    ["LG", "Energy", "Solution", "Toyota", "L5", "·", "▶", "–", "3=", "92.27", "ab",
     "한국", "삼성전자", "東レ", "トヨタ自動車", "x" * 12, "", "e\u0301cole", "👍", "🇰🇷",
     "①", "ｱｲｳ", "Ａｂ", "a\u3000b",]
)  # fmt: skip
lines = st.lists(words, min_size=0, max_size=5).map(" ".join)
cells = st.lists(lines, min_size=1, max_size=3).map("\n".join)
styles = st.sampled_from(["", "dim", "bold blue", "green"])


@st.composite
def grids(draw: Any) -> Grid:
    n = draw(st.integers(1, 6))
    columns = tuple(
        Column(
            draw(lines),
            draw(st.sampled_from(["left", "right", "center"])),
            draw(st.booleans()),
        )
        for _ in range(n)
    )
    rows = [
        [cell((draw(cells), draw(styles))) for _ in range(n)]
        for _ in range(draw(st.integers(0, 5)))
    ]
    notes = tuple((draw(lines), "dim") for _ in range(draw(st.integers(0, 2))))
    return Grid(draw(lines), columns, rows, notes)


@settings(max_examples=300, deadline=None)
@given(grids(), st.integers(20, 120))
def test_plain_text_is_what_rich_draws(grid: Grid, width: int) -> None:
    text = plain.draw(grid, width)
    if text is not None:
        assert text == rich_text(grid, width)


def test_a_typical_grid_is_drawn_without_rich() -> None:
    grid = Grid(
        "Pairings",
        (Column("#", "right", True), Column("", "center", True), Column("Korea", "left", False)),
        [
            [
                cell("1"),
                cell("▶"),
                cell(("LG Energy Solution", "bold blue"), ("\nCells · L5", "dim")),
            ]
        ],
        (("◀ supplier   ▶ buyer " * 6, "dim"),),  # longer than the width: wrapped as rich does
    )
    text = plain.draw(grid, 60)
    assert text is not None
    assert text == rich_text(grid, 60)


@pytest.mark.parametrize("width", [160, 120, 100])
def test_bundled_rankings_drawn_as_rich_draws_them(bundled: Dataset, width: int) -> None:
    from kjmatch.scoring.partners import partners
    from kjmatch.scoring.ranking import match

    drawn = 0
    for sid in sorted(bundled.sectors):
        for top in (5, 20):
            out = match_output(match(bundled, sid, top=top))
            text = plain.document(out, width)
            if text is not None:
                drawn += 1
                assert text == rich_document(out, width), (sid, top)
            elif width == 160:
                pytest.fail(f"{sid} top {top} fits 160 cells but was left to rich")
    out = partners_output(bundled, partners(bundled, ["samsung-electronics"]))
    text = plain.document(out, width)
    assert text is None or text == rich_document(out, width)
    if width == 160:
        assert drawn == 12


def test_flat_tables_drawn_as_rich_draws_them(bundled: Dataset) -> None:
    from kjmatch.output.documents import sectors_output

    out = sectors_output(bundled)
    text = plain.document(out, 160)
    assert text is not None
    buf = io.StringIO()
    con = console(buf, width=160)
    from kjmatch.output.console import print_table

    print_table(out, con)
    print_footer(out, con)
    assert text == buf.getvalue()


def test_views_of_their_own_are_left_to_rich(bundled: Dataset) -> None:
    from kjmatch.output.documents import chain_output

    assert plain.document(chain_output(bundled, bundled.sectors["batteries"]), 160) is None
    assert set(VIEWS) == {*GRIDS, *RICH_VIEWS}


class _Stream(io.StringIO):
    def __init__(self, tty: bool, encoding: str = "utf-8") -> None:
        super().__init__()
        self._tty, self._encoding = tty, encoding

    def isatty(self) -> bool:
        return self._tty

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._encoding


def test_plain_only_where_rich_would_not_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)
    assert plain.wants_plain(_Stream(tty=False))
    assert not plain.wants_plain(_Stream(tty=True))
    assert plain.wants_plain(_Stream(tty=True), to_file=True)
    assert not plain.wants_plain(_Stream(tty=False, encoding="ascii"))  # rich: ASCII boxes
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert not plain.wants_plain(_Stream(tty=False))
    monkeypatch.delenv("FORCE_COLOR")
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    assert not plain.wants_plain(_Stream(tty=False))


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    return subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "kjmatch", *args],
        capture_output=True,
        text=True,
        env={**clean, **env},
        check=True,
    )


def test_a_piped_match_table_never_imports_rich_console() -> None:
    run = _run("match", "--sector", "batteries")
    assert run.stdout.startswith("Secondary batteries: Korea–Japan pairings")
    assert "┏" in run.stdout and "\x1b[" not in run.stdout
    assert " rich.console" not in run.stderr
    forced = _run("match", "--sector", "batteries", FORCE_COLOR="1")
    assert "\x1b[" in forced.stdout  # rich, colouring what it was told is a terminal
    assert " rich.console" in forced.stderr

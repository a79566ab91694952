"""Tables drawn without rich (`plain.py`) are, character for character, what rich draws,
to a pipe or a file and in colour on a terminal; where they could differ, rich draws them."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from kjmatch.model import Dataset
from kjmatch.output import plain
from kjmatch.output.console import console, print_footer, print_notes, rich_table
from kjmatch.output.documents import Output
from kjmatch.output.grids import GRIDS, RICH_VIEWS, Column, Grid, cell, grid_widths
from kjmatch.output.pairings import match_output, partners_output
from kjmatch.output.views import VIEWS


def reference(buf: io.StringIO, where: plain.Surface, system: str = "truecolor") -> Console:
    """The console kjmatch draws on with rich: a pipe's, or a terminal's in colour."""
    if not where.colour:
        return console(buf, width=where.width)
    return Console(
        file=buf,
        width=where.width,
        force_terminal=True,
        color_system=system,  # type: ignore[arg-type]
        highlight=False,
        soft_wrap=False,
        emoji=False,
    )


def rich_text(grid: Grid, where: plain.Surface, system: str = "truecolor") -> str:
    """What rich draws for a grid that fits: the reference."""
    buf = io.StringIO()
    con = reference(buf, where, system)
    con.print(rich_table(grid, grid_widths(grid, where.width)))
    print_notes(grid, con)
    return buf.getvalue()


def rich_document(out: Output, where: plain.Surface) -> str:
    buf = io.StringIO()
    con = reference(buf, where)
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
    # a cell may hold pieces of several styles: wrapping cuts them where lines break
    pieces = st.lists(st.tuples(cells, styles), min_size=1, max_size=3)
    rows = [[cell(*draw(pieces)) for _ in range(n)] for _ in range(draw(st.integers(0, 5)))]
    notes = tuple((draw(lines), "dim") for _ in range(draw(st.integers(0, 2))))
    return Grid(draw(lines), columns, rows, notes)


@settings(max_examples=600, deadline=None)
@given(grids(), st.integers(20, 120), st.booleans(), st.sampled_from(["standard", "truecolor"]))
def test_plain_text_is_what_rich_draws(grid: Grid, width: int, colour: bool, system: str) -> None:
    where = plain.Surface(width, colour)
    text = plain.draw(grid, where)
    if text is not None:
        assert text == rich_text(grid, where, system)


@pytest.mark.parametrize("colour", [False, True])
def test_a_typical_grid_is_drawn_without_rich(colour: bool) -> None:
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
    where = plain.Surface(60, colour)
    text = plain.draw(grid, where)
    assert text is not None
    assert ("\x1b[1;34mLG Energy Solution\x1b[0m" in text) is colour
    assert text == rich_text(grid, where)


@pytest.mark.parametrize("colour", [False, True])
def test_a_long_cell_wraps_at_spaces_as_rich_wraps_it(colour: bool) -> None:
    # a product name longer than its column: rich breaks it at spaces, styles cut there
    grid = Grid(
        "",
        (Column("#", "right", True), Column("Korea", "left", False), Column("x", "left", False)),
        [
            [
                cell("18="),
                cell(
                    ("HD Hyundai Heavy Industries", "bold blue"),
                    ("\nMedium-speed four-stroke and generator engines · L5", "dim"),
                ),
                cell("Imabari Shipbuilding and a long neighbour"),
            ]
        ],
        (),
    )
    where = plain.Surface(60, colour)
    text = plain.draw(grid, where)
    assert text is not None
    assert text.count("\n") > 6  # header, rules and at least two lines in the row
    assert text == rich_text(grid, where)


@pytest.mark.parametrize(
    "where",
    [
        plain.Surface(160, False),
        plain.Surface(120, False),
        plain.Surface(100, False),
        plain.Surface(160, True),
    ],
)
def test_bundled_rankings_drawn_as_rich_draws_them(bundled: Dataset, where: plain.Surface) -> None:
    from kjmatch.scoring.partners import partners
    from kjmatch.scoring.ranking import match

    drawn = 0
    for sid in sorted(bundled.sectors):
        for top in (5, 20):
            out = match_output(match(bundled, sid, top=top), bundled)
            text = plain.document(out, where)
            if text is not None:
                drawn += 1
                assert text == rich_document(out, where), (sid, top)
            elif where.width == 160:
                pytest.fail(f"{sid} top {top} fits 160 cells but was left to rich")
    out = partners_output(bundled, partners(bundled, ["samsung-electronics"]))
    text = plain.document(out, where)
    assert text is None or text == rich_document(out, where)
    if where.width == 160:
        assert drawn == 12


@pytest.mark.parametrize("colour", [False, True])
def test_flat_tables_drawn_as_rich_draws_them(bundled: Dataset, colour: bool) -> None:
    from kjmatch.output.console import print_table
    from kjmatch.output.documents import sectors_output

    out = sectors_output(bundled)
    where = plain.Surface(160, colour)
    text = plain.document(out, where)
    assert text is not None
    buf = io.StringIO()
    con = reference(buf, where)
    print_table(out, con)
    print_footer(out, con)
    assert text == buf.getvalue()


def test_views_of_their_own_are_left_to_rich(bundled: Dataset) -> None:
    from kjmatch.output.documents import chain_output

    where = plain.Surface(160, False)
    assert plain.document(chain_output(bundled, bundled.sectors["batteries"]), where) is None
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


def test_surface_is_where_rich_would_draw_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "NO_COLOR", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert plain.surface(_Stream(tty=False)) == plain.Surface(160, False)
    assert plain.surface(_Stream(tty=True), to_file=True) == plain.Surface(120, False)
    assert plain.surface(_Stream(tty=False, encoding="ascii")) is None  # rich: ASCII boxes
    monkeypatch.setattr(os, "get_terminal_size", lambda fd: os.terminal_size((132, 40)))
    assert plain.surface(_Stream(tty=True)) == plain.Surface(132, True)
    assert Console(file=_Stream(tty=True)).width == 132  # rich reads the same width
    monkeypatch.setenv("COLUMNS", "90")
    assert plain.surface(_Stream(tty=True)) == plain.Surface(90, True)
    assert plain.surface(_Stream(tty=False)) == plain.Surface(90, False)
    monkeypatch.setenv("NO_COLOR", "1")
    assert plain.surface(_Stream(tty=True)) == plain.Surface(90, False)
    monkeypatch.delenv("NO_COLOR")
    for name, value in (("FORCE_COLOR", "1"), ("TTY_COMPATIBLE", "1"), ("TERM", "dumb")):
        with monkeypatch.context() as m:
            m.setenv(name, value)
            assert plain.surface(_Stream(tty=True)) is None
            assert name == "TERM" or plain.surface(_Stream(tty=False)) is None


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


def _on_terminal(*args: str, **env: str) -> tuple[bytes, str]:
    """A command's output on a terminal (a pty, 160 × 50) and its stderr."""
    import fcntl
    import pty
    import struct
    import tempfile
    import termios

    clean = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR", "COLUMNS")}
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 160, 0, 0))
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            [sys.executable, "-X", "importtime", "-m", "kjmatch", *args],
            stdin=subprocess.DEVNULL,
            stdout=slave,
            stderr=err,
            env={**clean, "TERM": "xterm-256color", **env},
        )
        os.close(slave)
        out = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
        assert proc.wait() == 0
        os.close(master)
        err.seek(0)
        return out, err.read()


@pytest.mark.skipif(os.name != "posix", reason="a pseudo-terminal needs POSIX")
def test_a_match_table_on_a_terminal_is_rich_s_without_rich() -> None:
    ours, imported = _on_terminal("match", "--sector", "batteries")
    theirs, imported_forced = _on_terminal("match", "--sector", "batteries", FORCE_COLOR="1")
    assert b"\x1b[1;34mLG Energy Solution\x1b[0m" in ours  # coloured, as rich colours it
    assert ours == theirs
    assert " rich.console" not in imported
    assert " rich.console" in imported_forced

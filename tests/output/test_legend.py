"""The key under a ranking: its entries are never split across lines, at any width,
and nothing in it is said again in the footer (round-2 audit, item 12j)."""

from __future__ import annotations

import io

import pytest

from kjmatch.model import Dataset
from kjmatch.output import plain
from kjmatch.output.console import console, print_footer
from kjmatch.output.documents import Output
from kjmatch.output.grids import LEGEND, Grid, note_lines
from kjmatch.output.pairings import match_output, partners_output
from kjmatch.output.views import VIEWS

WIDTHS = [200, 160, 120, 100, 80, 60, 45]


def _rich(out: Output, width: int) -> str:
    buf = io.StringIO()
    con = console(buf, width=width)
    VIEWS[out.kind](con, dict(out.data))
    print_footer(out, con)
    return buf.getvalue()


def _outputs(ds: Dataset) -> list[Output]:
    from kjmatch.scoring.partners import partners
    from kjmatch.scoring.ranking import match

    return [
        match_output(match(ds, "batteries", top=3), ds),
        partners_output(ds, partners(ds, ["toyota"], top=3)),
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_each_legend_entry_is_whole_on_one_line(bundled: Dataset, width: int) -> None:
    for out in _outputs(bundled):
        texts = [_rich(out, width)]
        drawn = plain.document(out, plain.Surface(width, False))
        if drawn is not None:
            texts.append(drawn)
        for text in texts:
            lines = text.splitlines()
            for entry in LEGEND:
                assert sum(entry in line for line in lines) == 1, (out.kind, width, entry)
            keyed = [line for line in lines if any(e in line for e in LEGEND)]
            assert all(len(line) <= width for line in keyed)
            # as few lines as the entries fit on
            assert len(keyed) == len(note_lines(Grid("", (), [], legend=LEGEND), width))


def test_a_wide_pipe_has_the_whole_legend_on_one_line(bundled: Dataset) -> None:
    out = _outputs(bundled)[0]
    text = plain.document(out, plain.Surface(160, False))
    assert text is not None
    assert "   ".join(LEGEND) in text.splitlines()


@pytest.mark.parametrize("width", [160, 100])
def test_the_evidence_year_and_the_rank_notes_are_said_once(bundled: Dataset, width: int) -> None:
    for out in _outputs(bundled):
        text = " ".join(_rich(out, width).split())
        assert text.count("evidence aged from 2026") == 1, out.kind
        assert text.count("shared rank") == 1, out.kind
        assert text.count("full ranking") == (1 if out.kind == "partners" else 0)


def test_entries_pack_greedily_and_a_long_one_stands_alone() -> None:
    grid = Grid("", (), [], notes=(("after", "dim"),), legend=("aa", "bb", "c" * 10, "dd"))
    assert note_lines(grid, 8) == [
        ("aa   bb", "dim"),
        ("c" * 10, "dim"),
        ("dd", "dim"),
        ("after", "dim"),
    ]

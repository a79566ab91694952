"""Views for people render at any width, without colour when asked, and when piped."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kjmatch.cli import app
from kjmatch.model import Dataset
from kjmatch.output.console import console
from kjmatch.output.documents import chain_output, company_output, sector_output
from kjmatch.output.pairings import explain_output
from kjmatch.output.views import draw_chain, draw_company, draw_explain, draw_sector

ANSI = re.compile(r"\x1b\[[0-9;]*m")


View = tuple[Callable[[Any, dict[str, Any]], None], dict[str, Any]]


@pytest.fixture(scope="module")
def views(bundled: Dataset) -> dict[str, View]:
    from kjmatch.scoring.ranking import explain
    from kjmatch.weights import default_weights

    ds = bundled
    sector = ds.sectors["batteries"]
    pair = explain(ds, "lg-energy-solution", "toyota", sector="batteries")
    return {
        "chain": (draw_chain, dict(chain_output(ds, sector).data)),
        "explain": (
            draw_explain,
            explain_output(
                ds,
                ds.players["lg-energy-solution"],
                ds.players["toyota"],
                pair,
                default_weights(),
                None,
            ).data,
        ),  # type: ignore[dict-item]
        "sector": (draw_sector, dict(sector_output(ds, sector).data)),
        "company": (draw_company, dict(company_output(ds, ds.players["tokyo-ohka-kogyo"]).data)),
    }


@pytest.mark.parametrize("width", [60, 200])
@pytest.mark.parametrize("view", ["chain", "explain", "sector", "company"])
def test_views_fit_the_width(view: str, width: int, views: dict[str, View]) -> None:
    draw, doc = views[view]
    buf = io.StringIO()
    draw(console(buf, width=width, color=False), doc)
    text = buf.getvalue()
    assert text.strip()
    # every line fits, but an address on its own line is never broken (copy gives it whole)
    lines = [
        line for line in text.splitlines() if not line.strip().startswith(("https://", "http://"))
    ]
    assert max(len(line) for line in lines) <= width
    assert not ANSI.search(text)


def test_chain_marks_gaps_controls_and_stronger_side(views: dict[str, View]) -> None:
    buf = io.StringIO()
    draw, doc = views["chain"]
    draw(console(buf, width=100, color=False), doc)
    text = buf.getvalue()
    assert "⚠ CN export controls" in text
    assert "◆ gap" in text and "▲ Japan stronger" in text and "▲ Korea stronger" in text
    assert "↓ feeds" in text and "1. Refined minerals" in text


def test_chain_tells_a_sourced_absence_from_a_hole(bundled: Dataset) -> None:
    def drawn(sector: str) -> tuple[dict[str, Any], str]:
        doc = dict(chain_output(bundled, bundled.sectors[sector]).data)
        buf = io.StringIO()
        draw_chain(console(buf, width=160, color=False), doc)
        return {p["id"]: p for st in doc["stages"] for p in st["products"]}, buf.getvalue()

    products, text = drawn("semiconductors")
    (dram,) = products["dram"]["absent"]
    assert dram["country"] == "JP" and dram["source"]["url"] and dram["year"] >= 2020
    assert "SK hynix (5)  JP no maker (sourced)" in text  # DRAM: documented
    products, text = drawn("shipbuilding")
    # a hole: nobody has entered Korea's makers, and no source says there are none
    hole = products["turbocharger-licences"]
    assert hole["absent"] == [] and hole["korea"] == [] and hole["japan"]
    assert "Turbocharger design licences: KR —  JP " in text


def test_no_color_env_is_honoured(monkeypatch: pytest.MonkeyPatch, views: dict[str, View]) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    buf = io.StringIO()
    con = console(buf, width=80)
    con._force_terminal = True  # even on a terminal
    draw, doc = views["chain"]
    draw(con, doc)
    assert not ANSI.search(buf.getvalue())


@pytest.mark.parametrize(
    "args",
    [
        ["chain", "-s", "shipbuilding"],
        ["show", "sector", "ammonia"],
        ["show", "company", "hanwha-ocean"],
        ["explain", "sk-hynix", "namics"],
    ],
)
def test_views_piped_have_no_escape_codes(args: list[str]) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    proc = subprocess.run(
        [sys.executable, "-m", "kjmatch", *args], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() and not ANSI.search(proc.stdout)


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "markdown", "table"])
@pytest.mark.parametrize(
    "args",
    [
        ["chain", "-s", "hydrogen"],
        ["show", "sector", "hydrogen"],
        ["show", "company", "kawasaki-heavy"],
        ["scenarios"],
    ],
)
def test_views_every_format(args: list[str], fmt: str) -> None:
    r = CliRunner().invoke(app, [*args, "--format", fmt])
    assert r.exit_code == 0 and r.stderr == "" and r.stdout.strip()


def test_show_unknown_company_suggests(tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["show", "company", "tokyo-ohka"])
    assert r.exit_code == 2 and "did you mean 'tokyo-ohka-kogyo'" in r.stderr

"""Tables at 60, 80 and 100 columns: no word, id, rank, score or year broken; columns a
filter makes constant left out; addresses in `explain` whole."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest

from clirun import jrun, run

WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-]*")


def _table(monkeypatch: pytest.MonkeyPatch, width: int, *args: str) -> str:
    monkeypatch.setenv("COLUMNS", str(width))
    code, out, err = run(*args)
    assert code == 0, err
    return out


def _fits(out: str, width: int) -> None:
    lines = [x for x in out.splitlines() if not x.strip().startswith("https://")]
    assert max(len(x) for x in lines) <= width
    assert "…" not in out  # nothing cut short either


def _words(*texts: str) -> set[str]:
    return {w for t in texts for w in WORD.findall(t)}


def _pair_words(doc: dict[str, Any]) -> set[str]:
    found = set()
    for p in doc["pairings"]:
        for side in ("korea", "japan"):
            found |= _words(p[side]["name"], p[side]["product_name"])
        found |= _words(f"{p['score']:.2f}", str(p["rank"]))
    return found


WIDTHS = [60, 80, 100]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "args",
    [
        ["match", "-s", "semiconductors", "--top", "10"],
        ["match", "-s", "hydrogen", "--top", "10"],
        ["partners", "toyota", "--top", "8"],
        ["partners", "hyundai-motor", "--top", "8"],
    ],
)
def test_pairings_never_break_a_word(
    args: list[str], width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _pair_words(jrun(*args))
    out = _table(monkeypatch, width, *args)
    _fits(out, width)
    missing = expected - _words(out)
    assert not missing, (width, missing, out)


@pytest.mark.parametrize("width", WIDTHS)
def test_sectors_and_companies_never_break_a_word(
    width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    sectors = jrun("sectors")["sectors"]
    out = _table(monkeypatch, width, "sectors")
    _fits(out, width)
    assert _words(*(s["id"] for s in sectors), *(s["name"] for s in sectors)) <= _words(out)
    companies = jrun("companies", "-s", "batteries", "-c", "JP")["companies"]
    out = _table(monkeypatch, width, "companies", "-s", "batteries", "-c", "JP")
    _fits(out, width)
    ids = {c["id"] for c in companies}
    years = {str(s["as_of"]) for c in companies for s in c["strengths"]}
    tokens = set(re.findall(r"[a-z0-9][a-z0-9\-]*", out))
    assert ids <= tokens and years <= tokens
    assert _words(*(c["name"] for c in companies)) <= _words(out)


def test_a_wide_terminal_still_gets_a_table(monkeypatch: pytest.MonkeyPatch) -> None:
    out = _table(monkeypatch, 100, "match", "-s", "semiconductors", "--top", "5")
    assert out.splitlines()[1].startswith("┏")
    assert "semicond\n" not in out and "Semicondu…" not in out
    out = _table(monkeypatch, 100, "sectors")
    assert "┃ id" in out and "semiconductors" in out and "Semiconductors" in out


def test_columns_a_filter_makes_constant_are_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    out = _table(monkeypatch, 200, "companies", "-s", "batteries", "-c", "JP")
    header = next(line for line in out.splitlines() if "┃ id" in line)
    assert "country" not in header and "sector" not in header
    assert out.startswith("Companies · batteries · JP")
    out = _table(monkeypatch, 200, "companies", "-c", "JP")
    header = next(line for line in out.splitlines() if "┃ id" in line)
    assert "sector" in header and "country" not in header
    # data formats keep every column
    rows = list(
        csv.DictReader(io.StringIO(run("companies", "-s", "batteries", "-c", "JP", "-f", "csv")[1]))
    )
    assert rows[0]["country"] == "JP" and rows[0]["sector"] == "batteries"
    # partners in one sector: no sector column, the title names it
    out = _table(monkeypatch, 200, "partners", "toyota", "-s", "batteries")
    assert out.startswith("Partners for Toyota Motor Corporation in batteries")
    header = next(line for line in out.splitlines() if "┃" in line and "score" in line)
    assert "sector" not in header


@pytest.mark.parametrize("width", WIDTHS)
def test_explain_keeps_addresses_whole(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = jrun("explain", "sk-hynix", "namics")
    urls = {
        src["url"]
        for sec in doc["sectors"]
        for link in sec["links"]
        for side in ("korea_strength", "japan_strength")
        for src in link[side]["sources"]
        if src["url"]
    }
    out = _table(monkeypatch, width, "explain", "sk-hynix", "namics")
    lines = {line.strip() for line in out.splitlines()}
    assert urls and urls <= lines

"""QA finding 13's rough edges: narrow terminals, name lookup, validate's staleness
warnings and dependence's order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clirun import jrun, run


def test_component_points_stay_with_their_labels_at_40_columns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    code, out, err = run("match", "-s", "batteries", "-n", "3")
    assert code == 0 and err == ""
    assert "fit/str/gap" not in out  # no bare list of numbers to pair up by position
    doc = jrun("match", "-s", "batteries", "-n", "3")
    names = ("fit", "strength", "gap", "security", "relationship", "peer")
    short = ("fit", "str", "gap", "sec", "tie", "peer")
    at = 0
    for p in doc["pairings"]:
        at = out.index(f"{p['score']:.2f}", at)
        block = out[at : out.find("active", at)]
        for k, c in zip(short, names, strict=True):  # each "label points" on one line
            unit = f"{k} {p['contributions'][c]:.0f}"
            assert re.search(rf"(^|\s){re.escape(unit)}(\s|$)", block), unit
    assert max(len(x) for x in out.splitlines()) <= 40


def test_a_partial_name_suggests_the_firm_it_starts() -> None:
    code, out, err = run("show", "company", "hyundai")
    assert code == 2 and out == ""
    named = re.findall(r"'([a-z0-9-]+)'", err.split("did you mean", 1)[1])
    assert named[0] == "hyundai-motor" and len(named) <= 5


def test_a_name_pasted_with_spaces_is_found() -> None:
    assert jrun("show", "company", "  Toyota  ")["id"] == "toyota"
    assert jrun("show", "company", "Showa  Denko")["id"] == "resonac"


def test_validate_tells_alike_stale_facts_apart_and_says_ages_plainly() -> None:
    doc = jrun("validate", "--max-age", "3")
    lng = [w for w in doc["warnings"] if w["where"].startswith("ammonia/feedstock: LNG")]
    assert len(lng) >= 3 and len({w["where"] for w in lng}) == len(lng)
    assert any("KR imports from QA" in w["where"] for w in lng)
    zero = jrun("validate", "--max-age", "0")["warnings"]
    texts = [w["message"] for w in zero]
    assert not any("(0 years)" in t for t in texts)
    stale = [t for t in texts if t.startswith("as_of ")]
    assert stale and all(
        re.match(r"as_of \d{4} is \d+ years? old, over the 0-year", t) for t in stale
    )


def test_dependence_puts_the_heaviest_aged_share_first() -> None:
    rows = jrun("dependence", "--importer", "KR", "--from", "JP")["dependence"]
    aged = [r["aged_value"] for r in rows]
    assert aged == sorted(aged, reverse=True)
    assert rows[0]["year"] >= 2022  # not a 2019 100% aged to 0.38


def test_superseded_figures_do_not_take_the_top_slots(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[2] / "data" / "examples" / "trade"
    out = tmp_path / "evidence"
    code, _, err = run("trade", "import", *map(str, sorted(example.glob("*.csv"))), "-o", str(out))
    assert code == 0, err
    rows = jrun("dependence", "--evidence", str(out), "--sector", "batteries")["dependence"]
    flags = [r["superseded_by"] is not None for r in rows]
    assert any(flags) and flags == sorted(flags)  # every superseded row after the rest
    counted = sum(1 for f in flags if not f)
    top = jrun("dependence", "--evidence", str(out), "--sector", "batteries", "--top", str(counted))
    assert not any(r["superseded_by"] for r in top["dependence"])

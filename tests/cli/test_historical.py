"""The curators' `historical` reasons reach users: on strengths, ties and sector figures
in `show`, `companies`, `dependence` and `explain` (next to what they drive), and as a
`historical` key (null when absent) in the JSON documents."""

from __future__ import annotations

import csv
import io

import pytest

from clirun import jrun, run

JTEKT_WHY = "Kept as a dated judgement: rests on JTEKT"
KYUNGSHIN_WHY = "rests on the 2020 Reuters and Hankyoreh reports of Kyungshin"
DNP_TIE = "No contract-level source after 2019 names this tie"
POUCH_2019 = "The 2019 all-Japan figure is kept as the record"


@pytest.fixture(autouse=True)
def _wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # reasons on one line each, for the checks


def _ok(*args: str) -> str:
    code, out, err = run(*args)
    assert code == 0, err
    assert err == ""
    return out


def test_show_company_shows_a_strengths_reason_in_every_format() -> None:
    out = _ok("show", "company", "jtekt")
    assert f"historical: {JTEKT_WHY}" in out
    doc = jrun("show", "company", "jtekt")
    reasons = {s["sector"]: s["historical"] for s in doc["strengths"]}
    assert reasons["automobiles"].startswith(JTEKT_WHY)
    assert all("historical" in s for s in doc["strengths"])
    assert all("historical" in r for r in doc["relationships"])
    md = _ok("show", "company", "jtekt", "-f", "markdown")
    assert any(line.startswith(f"- historical: {JTEKT_WHY}") for line in md.splitlines())
    rows = list(csv.DictReader(io.StringIO(_ok("companies", "-f", "csv"))))
    hy = [r for r in rows if r["id"] == "jtekt" and r["sector"] == "automobiles"]
    assert hy and hy[0]["historical"].startswith(JTEKT_WHY)


def test_companies_json_has_the_key_null_when_absent() -> None:
    doc = jrun("companies", "--sector", "batteries")
    values = [s["historical"] for p in doc["companies"] for s in p["strengths"]]
    assert None in values and any(isinstance(v, str) and v for v in values)


def test_a_ties_reason_is_shown_with_the_tie() -> None:
    out = _ok("show", "company", "dai-nippon-printing")
    lines = out.splitlines()
    at = next(i for i, x in enumerate(lines) if "SK On" in x or "sk-on" in x)
    assert any(DNP_TIE in x for x in lines[at : at + 8])
    doc = jrun("show", "company", "dai-nippon-printing")
    tie = next(r for r in doc["relationships"] if r["id"] == "dnp-sk-on-pouch-film-supply")
    assert tie["historical"].startswith(DNP_TIE)


def test_sector_figures_carry_their_reason_in_show_sector_and_dependence() -> None:
    doc = jrun("show", "sector", "batteries")
    shares = [x for st in doc["stages"] for x in st["import_shares"]]
    controls = [x for st in doc["stages"] for x in st["export_controls"]]
    assert all("historical" in x for x in shares + controls)
    assert any((x["historical"] or "").startswith(POUCH_2019) for x in shares)
    assert f"historical: {POUCH_2019}" in _ok("show", "sector", "batteries")
    dep = jrun("dependence", "--importer", "KR", "--from", "JP")
    assert any((r["historical"] or "").startswith(POUCH_2019) for r in dep["dependence"])


def test_explain_prints_the_reason_next_to_the_evidence_it_drives() -> None:
    args = ("explain", "lg-energy-solution", "dai-nippon-printing", "-s", "batteries")
    lines = _ok(*args).splitlines()
    gap = next(
        i for i, x in enumerate(lines) if x.startswith("  [gap] aluminium pouch film (2019;")
    )
    assert lines[gap + 1].strip().startswith(f"historical: {POUCH_2019}")
    peer = next(i for i, x in enumerate(lines) if "[peer] supply (active 2019): dnp-sk-on" in x)
    assert any(DNP_TIE in x for x in lines[peer + 1 : peer + 3])
    link = jrun(*args)["sectors"][0]["links"][0]
    by_text = {e["text"]: e["historical"] for e in link["evidence"]}
    assert (by_text["aluminium pouch film"] or "").startswith(POUCH_2019)
    assert None in by_text.values()  # the 2025 figure is not historical


def test_explain_names_a_historical_rating_that_sets_the_gap() -> None:
    args = ("explain", "hyundai-motor", "yazaki", "-s", "automobiles")
    out = _ok(*args)
    assert "[gap] historical: Kyungshin at Wiring harnesses" in out
    assert KYUNGSHIN_WHY in out
    link = jrun(*args)["sectors"][0]["links"][0]
    assert [n["component"] for n in link["historical"]] == ["gap"]
    assert KYUNGSHIN_WHY in link["historical"][0]["text"]

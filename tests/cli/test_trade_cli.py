"""`kjmatch trade import` / `trade show`, and the computed facts in match, explain and
dependence through --evidence."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from clirun import jrun, run
from tradedata import write_baci

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "examples" / "trade"


@pytest.fixture
def evidence(tmp_path: Path) -> Path:
    out = tmp_path / "evidence"
    code, stdout, stderr = run(
        "trade", "import", *map(str, sorted(EXAMPLE.glob("*.csv"))), "-o", str(out), "--json"
    )
    assert code == 0, stderr
    doc = json.loads(stdout)
    assert doc["kjmatch"]["document"] == "trade-import"
    assert doc["years"] == [2022, 2023] and doc["facts"] > 0
    assert {s["file"] for s in doc["sources"]} == {
        "SYNTHETIC_BACI_HS22_Y2022_V000000.csv",
        "SYNTHETIC_BACI_HS22_Y2023_V000000.csv",
    }
    assert "--evidence" in stderr
    return out


def test_dependence_shows_computed_figures_and_what_they_supersede(evidence: Path) -> None:
    doc = jrun("dependence", "--evidence", str(evidence), "--sector", "batteries")
    rows = doc["dependence"]
    computed = [r for r in rows if r["computed"]]
    assert computed and all(r["source"]["sha256"] for r in computed)
    assert all("SYNTHETIC" in r["source"]["publisher"] for r in computed)
    pouch = next(r for r in rows if r["item"] == "aluminium pouch film")
    assert not pouch["computed"] and pouch["superseded_by"].endswith(", 2023")
    plain = jrun("dependence", "--sector", "batteries")["dependence"]
    assert not any(r["computed"] for r in plain)


def test_a_figure_on_a_line_with_an_hs_note_points_to_it(evidence: Path) -> None:
    """Ammonia crackers enter under a catch-all machinery line (its hs_note says so): a
    share computed on it is no share of crackers alone, so every view of it points to
    the note and the fact quotes it (QA round 5, doubt D; round 6: without claiming
    breadth for lines whose note says something else)."""
    rows = jrun("dependence", "--evidence", str(evidence), "--sector", "ammonia")["dependence"]
    crackers = [r for r in rows if r["computed"] and r["item"].startswith("Ammonia crackers")]
    assert crackers
    for r in crackers:
        assert r["item"].endswith("(HS 8419.89, see its HS note)")
    facts = json.loads((evidence / "trade-facts.json").read_text("utf-8"))
    notes = [x["note"] for f in facts["facts"] for x in f["import_shares"]
             if x["item"].startswith("Ammonia crackers")]  # fmt: skip
    assert notes and all("Ammonia crackers: Indicative: cracking units" in n for n in notes)
    # a product without an HS note has no such words
    assert any(r["computed"] and "HS note" not in r["item"] for r in rows)


def test_the_hs_note_a_figure_points_to_is_shown(evidence: Path) -> None:
    """ "see its HS note" must lead somewhere: explain prints the fact's note under its
    evidence line and carries it in JSON, dependence's JSON has it, and show sector and
    chain show each product's HS note (QA round 8, finding 4)."""
    chain = jrun("chain", "-s", "automobiles")
    notes = {p["id"]: p["hs_note"] for st in chain["stages"] for p in st["products"]}
    assert "non-automotive" in notes["adas-sensors"]
    assert any(n is None for n in notes.values())
    rows = jrun("dependence", "--evidence", str(evidence), "--sector", "automobiles")
    pointed = [r for r in rows["dependence"] if r["computed"] and "see its HS note" in r["item"]]
    assert pointed
    for r in pointed:
        assert all(notes[p] in r["note"] for p in r["products"] if notes[p]), r
    doc = jrun("explain", "lg-innotek", "toyota", "-s", "automobiles", "--evidence", str(evidence))
    items = [e for link in doc["sectors"][0]["links"] for e in link["evidence"]]
    adas = [e for e in items if "see its HS note" in e["text"]]
    assert adas and all(notes["adas-sensors"] in e["note"] for e in adas)
    assert all(e["note"] is None for e in items if e["kind"] == "tie")
    code, out, _ = run("explain", "lg-innotek", "toyota", "-s", "automobiles",
                       "--evidence", str(evidence))  # fmt: skip
    assert code == 0 and "note: US$" in out and "non-automotive" in out
    code, out, _ = run("show", "sector", "automobiles")
    assert code == 0 and "HS note: " in out


def test_explain_counts_the_computed_figure_and_cites_file_and_hash(evidence: Path) -> None:
    code, out, err = run(
        "explain", "lg-energy-solution", "dai-nippon-printing", "--evidence", str(evidence)
    )
    assert code == 0, err
    assert "superseded by the computed 2023 figure" in out
    assert "SYNTHETIC_BACI_HS22_Y2023_V000000.csv sha256:" in out
    doc = jrun("explain", "lg-energy-solution", "dai-nippon-printing", "--evidence", str(evidence))
    text = json.dumps(doc)
    assert "shown, not counted" in text


def test_match_ranks_with_the_evidence(evidence: Path) -> None:
    with_ev = jrun("match", "--sector", "batteries", "--evidence", str(evidence), "--top", "300")
    without = jrun("match", "--sector", "batteries", "--top", "300")
    score = {(p["korea"]["id"], p["japan"]["id"]): p["score"] for p in with_ev["pairings"]}
    assert any(
        score.get((p["korea"]["id"], p["japan"]["id"])) != p["score"] for p in without["pairings"]
    )


def test_trade_show_by_code_and_product(evidence: Path) -> None:
    doc = jrun("trade", "show", "7607.20", "--evidence", str(evidence))
    years = {(r["importer"], r["year"]) for r in doc["years"]}
    assert years == {("KR", 2022), ("KR", 2023), ("JP", 2022), ("JP", 2023)}
    assert all(r["source"].startswith("SYNTHETIC_BACI") for r in doc["years"])
    by_product = jrun("trade", "show", "pouch-film", "--evidence", str(evidence))
    assert by_product["years"][0]["basket"] == "batteries/pouch-film"
    sector = jrun("trade", "show", "batteries", "--evidence", str(evidence))
    assert all(r["michaely"] is None or 0 <= r["michaely"] <= 100 for r in sector["years"])
    code, _, err = run("trade", "show", "pouch-flim", "--evidence", str(evidence))
    assert code == 2 and "pouch-film" in err


def test_unknown_partners_show_alike_and_products_once(tmp_path: Path) -> None:
    """QA finding 13: a partner code missing from the country list was `490` in `trade
    import` and `?` in `trade show`; a product two sectors list was named twice."""
    out = tmp_path / "ev"
    files = [str(p) for p in sorted(EXAMPLE.glob("*.csv"))]
    code, table, _ = run("trade", "import", *files, "-o", str(out), "-f", "csv")
    assert code == 0
    rows = {r["HS"]: r for r in csv.DictReader(io.StringIO(table))}
    assert rows["8414.80"]["products"] == "turbochargers, refuelling-station-equipment"
    for r in rows.values():
        names = r["products"].split(", ")
        assert len(names) == len(set(names)), r
    code, shown, _ = run("trade", "show", "2711.11", "--evidence", str(out), "-f", "csv")
    assert code == 0
    thirds = [r["top third"] for r in csv.DictReader(io.StringIO(shown))]
    assert "490 80%" in rows["2711.11"]["KR top third"]
    assert any(t.startswith("490 80%") for t in thirds), thirds
    assert not any("?" in t for t in thirds)


def test_errors_are_located_and_nothing_is_written(tmp_path: Path) -> None:
    files = write_baci(tmp_path / "in", "t,i,j,k,v,q\n2022,392,410,39202A,5,\n")
    code, out, err = run("trade", "import", *map(str, files), "-o", str(tmp_path / "ev"))
    assert code == 1 and out == ""
    assert "BACI_HS22_Y2022_V202401.csv:2:14: k (product)" in err
    assert not (tmp_path / "ev").exists()


def test_many_bad_rows_are_listed_fifty_at_a_time_with_a_count(tmp_path: Path) -> None:
    rows = "t,i,j,k,v,q\n" + "2022,392,410,39202A,5,\n" * 60 + "2022,392,410,392020,-4,\n"
    files = write_baci(tmp_path / "in", rows)
    code, out, err = run("trade", "import", *map(str, files), "-o", str(tmp_path / "ev"))
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert len(lines) == 51
    assert lines[0] == f"{files[0]}:2:14: k (product): '39202A' is not a 6-digit HS code"
    assert lines[-1] == (f"kjmatch: error: 61 problems in {files[0]} (the first 50 shown; 11 more)")
    assert not (tmp_path / "ev").exists()


def test_import_refuses_to_replace_without_force(tmp_path: Path) -> None:
    files = list(map(str, write_baci(tmp_path / "in")))
    out = str(tmp_path / "ev")
    assert run("trade", "import", *files, "-o", out)[0] == 0
    code, _, err = run("trade", "import", *files, "-o", out)
    assert code == 1 and "--force" in err
    assert run("trade", "import", *files, "-o", out, "--force")[0] == 0


def test_missing_evidence_folder_is_an_error(tmp_path: Path) -> None:
    code, _, err = run("dependence", "--evidence", str(tmp_path / "nope"))
    assert code == 1 and "evidence folder not found" in err
    code, _, err = run("trade", "show", "3920.20")
    assert code == 2 and "--evidence" in err


@pytest.mark.parametrize("command", [["match", "-s", "batteries"], ["trade", "show", "batteries"]])
def test_an_evidence_folder_without_facts_is_an_error_that_finds_them(
    evidence: Path, tmp_path: Path, command: list[str]
) -> None:
    """QA finding 8: an empty folder, or the folder above the real one, ranked silently
    without the evidence."""
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, err = run(*command, "--evidence", str(empty))
    assert code == 1 and out == ""
    expected = "trade-facts.json" if command[0] == "match" else "figures/trade.json"
    assert err.startswith(f"kjmatch: error: {empty}: no ") and f"(expected {expected}," in err
    above = tmp_path / "above"
    above.mkdir()
    (above / "evidence").symlink_to(evidence)
    code, out, err = run(*command, "--evidence", str(above))
    assert code == 1 and out == ""
    assert err.endswith(f"; did you mean --evidence {above / 'evidence'}?\n")
    assert run(*command, "--evidence", str(above / "evidence"))[0] == 0


def test_a_hand_edited_fact_is_located_in_the_evidence_file(evidence: Path) -> None:
    path = evidence / "trade-facts.json"
    doc = json.loads(path.read_text())
    doc["facts"][0]["stage"] = "cell-materialz"
    path.write_text(json.dumps(doc, indent=1))
    code, _, err = run("match", "--sector", "batteries", "--evidence", str(evidence), "--no-cache")
    assert code == 1 and "trade-facts.json" in err and "unknown stage 'cell-materialz'" in err


@pytest.mark.parametrize("engine", ["python", "duckdb"])
def test_a_fifo_is_refused_at_once_not_waited_on(tmp_path: Path, engine: str) -> None:
    if engine == "duckdb":
        pytest.importorskip("duckdb")
    fifo = tmp_path / "BACI_HS22_Y2022_V202401.csv"
    os.mkfifo(fifo)  # nobody writes to it: reading it would block for ever
    countries = EXAMPLE / "country_codes_V000000.csv"
    code, out, err = run(
        "trade", "import", str(fifo), str(countries), "-o", str(tmp_path / "ev"), "--engine", engine
    )
    assert code == 1 and out == ""
    assert "FIFO" in err and "not a regular file" in err and "Traceback" not in err
    assert not (tmp_path / "ev").exists()


def test_import_warnings_go_to_stderr_only(tmp_path: Path) -> None:
    """QA round 3, finding 10a: stdout carries data; the notes are on stderr (and in JSON)."""
    files = [str(p) for p in sorted(EXAMPLE.glob("*.csv"))]
    code, out, err = run("trade", "import", *files, "-o", str(tmp_path / "ev"))
    assert code == 0, err
    doc = jrun("trade", "import", *files, "-o", str(tmp_path / "ev2"))
    assert doc["warnings"]  # the sample files have notes to give
    for warning in doc["warnings"]:
        assert warning not in out
        assert f"kjmatch: note: {warning}" in err
    assert "note:" not in out


def test_a_value_too_large_for_any_trade_figure_is_refused(tmp_path: Path) -> None:
    """QA round 12: two rows of 1e308 passed the per-cell check, overflowed when summed
    and became a 100% share, NaN in the JSON and `nan%` in trade show."""
    from tradedata import BACI_ROWS

    rows = BACI_ROWS + "2022,392,410,760720,1e308,1\n2022,156,410,760720,1e308,1\n"
    files = write_baci(tmp_path / "in", rows)
    code, out, err = run("trade", "import", *map(str, files), "-o", str(tmp_path / "ev"))
    assert code == 1 and out == ""
    assert "v (value): '1e308' is larger than any trade figure" in err
    assert not (tmp_path / "ev").exists()


def test_a_file_given_twice_is_refused(tmp_path: Path) -> None:
    """QA round 12: a Comtrade file given twice (or a copy of it) was summed twice, and
    RCA moved from 5.5 to 4.0 without a word."""
    from tradedata import comtrade_text

    one = tmp_path / "kr.csv"
    one.write_text(comtrade_text(), encoding="utf-8")
    copy = tmp_path / "kr-again.csv"
    copy.write_text(comtrade_text(), encoding="utf-8")
    code, out, err = run("trade", "import", str(one), str(one), "-o", str(tmp_path / "ev"))
    assert code == 2 and out == "" and "kr.csv is given twice: give each file once" in err
    code, out, err = run("trade", "import", str(one), str(copy), "-o", str(tmp_path / "ev"))
    assert code == 1 and out == "" and "are also in kr.csv" in err
    assert not (tmp_path / "ev").exists()


def test_a_reporters_flow_and_year_in_two_files_is_refused(tmp_path: Path) -> None:
    """QA round 13: the same rows in a file with other bytes were summed twice (RCA for
    Korea 5.5 → 6.73) without a word."""
    from tradedata import comtrade_text

    one = tmp_path / "kr.csv"
    one.write_text(comtrade_text(), encoding="utf-8")
    again = tmp_path / "kr-again.csv"
    again.write_text(comtrade_text().replace("\n", "\r\n"), encoding="utf-8")  # other bytes
    code, out, err = run("trade", "import", str(one), str(again), "-o", str(tmp_path / "ev"))
    assert code == 1 and out == ""
    assert "imports for 2022 are also in kr.csv: give each reporter's flow and year" in err
    assert not (tmp_path / "ev").exists()

"""explain, weights, scenarios and rank stability."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from conftest import default_files, write_dataset
from kjmatch.cli import app

runner = CliRunner()
FORMATS = ["table", "json", "jsonl", "csv", "markdown"]


def run(*args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, list(args))
    return r.exit_code, r.stdout, r.stderr


def jrun(*args: str) -> dict:  # type: ignore[type-arg]
    code, out, err = run(*args, "--format", "json")
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


@pytest.mark.parametrize("fmt", FORMATS)
def test_explain_every_format(tiny: Path, fmt: str) -> None:
    code, out, err = run("explain", "kr-cellco", "jp-filmco", "--data-dir", str(tiny), "-f", fmt)
    assert code == 0 and err == ""
    assert out.strip()
    if fmt == "table":
        assert "Kr Cellco" in out and "contribution" in out and "source:" in out


def test_explain_contributions_add_up_to_match_score(tiny: Path) -> None:
    doc = jrun("explain", "kr-cellco", "jp-filmco", "--data-dir", str(tiny))
    [sec] = doc["sectors"]
    best = sec["links"][0]
    assert sum(best["contributions"].values()) == pytest.approx(best["score"])
    total_weight = sum(doc["weights"].values())
    assert best["components"].keys() == best["contributions"].keys() == doc["weights"].keys()
    assert all(
        points == pytest.approx(100 * value * doc["weights"][name] / total_weight, abs=0.01)
        for name, value, points in zip(
            best["components"],
            best["components"].values(),
            best["contributions"].values(),
            strict=True,
        )
    )
    pairings = jrun("match", "-s", "widgets", "--data-dir", str(tiny))["pairings"]
    shown = next(
        p for p in pairings if p["korea"]["id"] == "kr-cellco" and p["japan"]["id"] == "jp-filmco"
    )
    assert shown["score"] == sec["score"] == best["score"] and shown["rank"] == sec["rank"]
    assert best["korea_strength"]["sources"][0]["publisher"] == "Test Publisher"
    assert sec["relationships"][0]["id"] == "cellco-filmco-supply"


def test_explain_matches_match_on_bundled_data() -> None:
    pairings = jrun("match", "-s", "batteries", "--top", "5")["pairings"]
    for p in pairings:
        doc = jrun("explain", p["korea"]["id"], p["japan"]["id"], "--sector", "batteries")
        [sec] = doc["sectors"]
        assert sec["score"] == p["score"] and sec["rank"] == p["rank"]
        total = sum(sec["links"][0]["contributions"].values())
        assert total == pytest.approx(p["score"], abs=1e-6)


def test_explain_wrong_sides_and_unlinked(tiny: Path) -> None:
    code, out, err = run("explain", "jp-filmco", "kr-cellco", "--data-dir", str(tiny))
    assert code == 2 and "give the Korean firm first (kr-cellco jp-filmco)" in err and out == ""
    code, out, err = run("explain", "kr-carco", "jp-oreco", "--data-dir", str(tiny), "--json")
    assert code == 0 and json.loads(out)["sectors"] == []
    assert "no linked products" in err


def test_explain_shows_an_unlinked_pairs_documented_ties(tmp_path: Path) -> None:
    # a car maker and an ore miner are not linked (ore reaches cars three steps up), but
    # a documented tie still says how they work together: shown, and in the JSON
    files = default_files()
    tie = {
        "id": "carco-oreco-mou",
        "korea": "kr-carco",
        "japan": "jp-oreco",
        "sectors": ["widgets"],
        "type": "mou_study",
        "year": 2024,
        "status": "announced",
        "summary": "A study of ore supply.",
        "sources": [{"publisher": "Test Publisher", "year": 2024, "url": "https://example.org/t"}],
    }
    files["relationships/all.yaml"]["relationships"].append(tie)
    data = str(write_dataset(tmp_path / "d", files))
    code, out, err = run("explain", "kr-carco", "jp-oreco", "--data-dir", data, "-s", "widgets")
    assert code == 0 and "no linked products in sector widgets" in err
    assert "Documented ties" in out and "A study of ore supply." in out
    assert "https://example.org/t" in out
    doc = jrun("explain", "kr-carco", "jp-oreco", "--data-dir", data)
    assert doc["sectors"] == [] and [r["id"] for r in doc["relationships"]] == ["carco-oreco-mou"]
    # a linked pair lists its ties at the top too
    linked = jrun("explain", "kr-cellco", "jp-filmco", "--data-dir", data)
    assert [r["id"] for r in linked["relationships"]] == ["cellco-filmco-supply"]


def test_weight_flags_and_file(tiny: Path, tmp_path: Path) -> None:
    doc = jrun(
        "match", "-s", "widgets", "--data-dir", str(tiny), "--weight", "fit=1", "-w", "novelty=0.5"
    )
    assert doc["weights"]["fit"] == 1.0 and doc["weights"]["novelty"] == 0.5
    wf = tmp_path / "w.yaml"
    wf.write_text("weights:\n  gap: 0.9\n  fit: 0.1\n")
    doc = jrun(
        "match", "-s", "widgets", "--data-dir", str(tiny), "--weights", str(wf), "-w", "fit=0.2"
    )
    assert doc["weights"]["gap"] == 0.9 and doc["weights"]["fit"] == 0.2


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--weight", "fitness=1"], "fit, strength, gap, security, relationship, peer, novelty"),
        (["--weight", "fit"], "NAME=VALUE"),
        (["--weight", "fit=high"], "must be a number"),
        (["--weight", "fit=-2"], "from 0 to 100"),
        (["--scenario", "supply-securty"], "did you mean 'supply-security'?"),
    ],
)
def test_bad_weights_are_usage_errors(args: list[str], fragment: str) -> None:
    code, out, err = run("match", "-s", "batteries", *args)
    assert code == 2 and out == "" and fragment in err


def test_bad_weights_file_is_usage_error(tmp_path: Path) -> None:
    wf = tmp_path / "w.yaml"
    wf.write_text("fitt: 1\n")
    code, _, err = run("match", "-s", "batteries", "--weights", str(wf))
    assert code == 2 and "unknown weight 'fitt'" in err and "valid weights" in err


def test_a_weights_file_reports_every_problem_as_its_own(tmp_path: Path) -> None:
    """QA round 13: a weight beside `weights:` was dropped without a word, and the file's
    mistakes came out one at a time, as --weight errors."""
    beside = tmp_path / "beside.yaml"
    beside.write_text("weights:\n  fit: 0.5\ngap: 0.4\n")
    code, out, err = run("match", "-s", "batteries", "--weights", str(beside))
    assert code == 2 and out == ""
    assert f"--weights: {beside}: keys beside `weights:` are not read: gap" in err
    both = tmp_path / "both.yaml"
    both.write_text("bogus: 1\nsecurity: 200\n")
    code, out, err = run("match", "-s", "batteries", "--weights", str(both))
    assert code == 2 and out == ""
    assert f"--weights: {both}: unknown weight 'bogus'" in err
    assert "weight 'security' must be a number from 0 to 100, got 200" in err


def test_scenarios_listed_and_new_partners_puts_untied_pairs_first() -> None:
    ids = [s["id"] for s in jrun("scenarios")["scenarios"]]
    assert {"baseline", "supply-security", "new-partners"} <= set(ids)
    doc = jrun("match", "-s", "batteries", "--scenario", "new-partners", "--top", "500")
    tied = [bool(p["relationships"]) for p in doc["pairings"]]
    assert False in tied and True in tied
    assert tied == sorted(tied)  # every untied pair ranks before every tied one
    assert doc["scenario"] == "new-partners"


def test_supply_security_moves_secure_pairs_up() -> None:
    base = jrun("match", "-s", "batteries", "--top", "1000")["pairings"]
    sec = jrun("match", "-s", "batteries", "--top", "1000", "--scenario", "supply-security")[
        "pairings"
    ]

    def rank(ps: list[dict[str, Any]], key: tuple[str, str]) -> int:
        return int(next(p["rank"] for p in ps if (p["korea"]["id"], p["japan"]["id"]) == key))

    best_security = max(base, key=lambda p: p["components"]["security"])
    assert best_security["components"]["security"] > 0
    key = (best_security["korea"]["id"], best_security["japan"]["id"])
    assert rank(sec, key) < rank(base, key)


def test_user_scenario_file(tmp_path: Path) -> None:
    files = default_files()
    files["scenarios/mine.yaml"] = {
        "id": "mine",
        "name": "Mine",
        "description": "Ties only.",
        "weights": {"fit": 0, "strength": 0, "gap": 0, "security": 0, "relationship": 1, "peer": 0},
    }
    data = write_dataset(tmp_path / "d", files)
    doc = jrun("match", "-s", "widgets", "--data-dir", str(data), "--scenario", "mine")
    # the tie (2023) is a year older than the data's newest year, so it counts 0.5^(1/8)
    assert doc["pairings"][0]["korea"]["id"] == "kr-cellco"
    assert doc["pairings"][0]["score"] == pytest.approx(91.7, abs=0.01)


def test_stability_is_reproducible_and_well_formed() -> None:
    args = ("match", "-s", "semiconductors", "--top", "10", "--stability", "--samples", "50")
    a, b = jrun(*args, "--seed", "3"), jrun(*args, "--seed", "3")
    assert a == b
    summary = a["stability"]
    assert summary["samples"] == 50 and summary["seed"] == 3 and summary["spread"] == 0.2
    assert -1 <= summary["kendall_tau_min"] <= summary["kendall_tau_mean"] <= 1
    for p in a["pairings"]:
        st = p["stability"]
        assert 0 <= st["top_share"] <= 1 and st["rank_min"] <= p["rank"] <= st["rank_max"]
    code, out, err = run(*args, "--seed", "3")
    assert code == 0 and "Stability: 50 samples" in out and err == ""


def test_kendall_tau() -> None:
    from kjmatch.scoring.stability import kendall_tau

    assert kendall_tau(["a", "b", "c"], {"a": 1, "b": 2, "c": 3}) == 1
    assert kendall_tau(["a", "b", "c"], {"a": 3, "b": 2, "c": 1}) == -1
    assert kendall_tau(["a"], {"a": 9}) == 1


def test_raising_a_weight_favours_pairs_strong_in_it() -> None:
    base = jrun("match", "-s", "semiconductors", "--top", "1000")["pairings"]
    tilted = jrun("match", "-s", "semiconductors", "--top", "1000", "-w", "relationship=2")[
        "pairings"
    ]

    def mean_rank(ps: list[dict[str, Any]], tied: bool) -> float:
        ranks = [p["rank"] for p in ps if bool(p["relationships"]) == tied]
        return float(sum(ranks) / len(ranks))

    assert mean_rank(tilted, True) < mean_rank(base, True)


def test_weights_yaml_must_be_mapping(tmp_path: Path) -> None:
    wf = tmp_path / "w.yaml"
    wf.write_text(yaml.safe_dump([1, 2]))
    code, _, err = run("match", "-s", "batteries", "--weights", str(wf))
    assert code == 2 and "mapping" in err


def test_explain_over_the_rank_limit_scores_the_pair_alone(
    tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kjmatch.scoring import ranking

    full = jrun("explain", "kr-cellco", "jp-filmco", "--data-dir", str(tiny))["sectors"][0]
    monkeypatch.setattr(ranking, "EXPLAIN_RANK_LIMIT", 1)
    alone = jrun("explain", "kr-cellco", "jp-filmco", "--data-dir", str(tiny))["sectors"][0]
    assert alone["rank"] is None and full["rank"] == 1
    assert alone["score"] == full["score"] and alone["links"] == full["links"]


def test_as_of_ages_evidence_from_the_year_given(tiny: Path) -> None:
    base = jrun("match", "-s", "widgets", "--data-dir", str(tiny))
    later = jrun("match", "-s", "widgets", "--data-dir", str(tiny), "--as-of", "2034")
    assert base["as_of"] == 2024 and later["as_of"] == 2034

    def tie(doc: dict) -> float:  # type: ignore[type-arg]
        p = next(p for p in doc["pairings"] if p["japan"]["id"] == "jp-filmco")
        return float(p["components"]["relationship"])

    # the 2023 tie is 1 year old by default and 11 years old in 2034 (half-life 8 years)
    assert tie(base) == pytest.approx(0.5 ** (1 / 8), abs=1e-4)
    assert tie(later) == pytest.approx(0.5 ** (11 / 8), abs=1e-4)
    doc = jrun("explain", "kr-cellco", "jp-filmco", "--data-dir", str(tiny), "--as-of", "2034")
    assert doc["as_of"] == 2034
    (ev,) = [e for e in doc["sectors"][0]["links"][0]["evidence"] if e["kind"] == "tie"]
    assert ev["age"] == 11 and ev["year"] == 2023
    code, out, err = run("match", "-s", "widgets", "--data-dir", str(tiny), "--as-of", "1800")
    assert code == 2 and out == "" and "--as-of" in err


def test_shared_ranks_are_marked_in_json_and_tables(tiny: Path) -> None:
    doc = jrun("match", "-s", "widgets", "--data-dir", str(tiny), "--top", "50")
    ranks = [(p["rank"], p["tied"], p["score"]) for p in doc["pairings"]]
    shared = [r for r in ranks if r[1]]
    assert shared, "the tiny dataset has pairs with equal scores"
    for rank, _, score in shared:
        assert sum(1 for r in ranks if r[2] == score) > 1
        assert rank == 1 + sum(1 for r in ranks if r[2] > score)
    code, out, err = run("match", "-s", "widgets", "--data-dir", str(tiny), "--top", "50")
    assert code == 0 and err == ""
    assert f"{shared[0][0]}=" in out


def test_explain_long_reasons_hang_under_their_bullet(monkeypatch: pytest.MonkeyPatch) -> None:
    """At 80 columns every wrapped reason continues under its first word, not at column 0."""
    monkeypatch.setenv("COLUMNS", "80")
    doc = jrun("explain", "lg-energy-solution", "toyota")
    code, out, err = run("explain", "lg-energy-solution", "toyota")
    assert code == 0 and err == ""
    lines = out.splitlines()
    reasons = [r for sec in doc["sectors"] for link in sec["links"] for r in link["reasons"]]
    blocks: list[list[str]] = []  # each bullet: its first line and the lines hanging under it
    for line in lines:
        if line.startswith("  • "):
            blocks.append([line])
        elif blocks and line.startswith("    ") and not line.startswith("    source:"):
            blocks[-1].append(line)
        elif blocks and blocks[-1]:
            blocks.append([])
    text = {" ".join(b[4:] for b in block): block for block in blocks if block}
    for reason in reasons:
        block = text[" ".join(reason.split())]  # the reason, whole, under its own bullet
        assert all(not b[4:].startswith(" ") and len(b) <= 80 for b in block)
    assert sum(len(text[" ".join(r.split())]) > 1 for r in reasons) >= 3  # long ones wrapped


def test_a_scenario_is_found_by_its_name_in_any_case_and_recorded_by_id() -> None:
    """QA round 13: "New partners", the name `scenarios` prints, was refused."""
    for name in ("New partners", "NEW-PARTNERS", "new-partners"):
        assert jrun("match", "-s", "batteries", "-n", "1", "--scenario", name)["scenario"] == (
            "new-partners"
        )


def test_a_table_label_as_a_weight_suggests_the_weight() -> None:
    code, out, err = run("match", "-s", "batteries", "-w", "tie=1")
    assert code == 2 and out == ""
    assert (
        "unknown weight 'tie'; did you mean 'relationship'? ('tie' is its label in tables)" in err
    )

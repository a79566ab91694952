"""partners, --new-only, repeatable --korea/--japan and what `rank` means under filters."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from clirun import jrun, run
from kjmatch.weights import DIRECTIONS


def test_partners_of_a_korean_firm_span_its_sectors() -> None:
    doc = jrun("partners", "lg-energy-solution", "--top", "50")
    assert doc["kjmatch"]["document"] == "partners"
    assert [f["id"] for f in doc["firms"]] == ["lg-energy-solution"]
    sectors = {p["sector"]["id"] for p in doc["pairings"]}
    assert {"batteries", "automobiles"} <= sectors
    assert all(p["korea"]["id"] == "lg-energy-solution" for p in doc["pairings"])
    scores = [p["score"] for p in doc["pairings"]]
    assert scores == sorted(scores, reverse=True)
    assert [p["position"] for p in doc["pairings"]] == list(range(1, len(scores) + 1))


def test_partners_rank_is_the_sector_rank() -> None:
    doc = jrun("partners", "toyota", "--direction", "kr-to-jp", "--top", "10")
    assert doc["pairings"] and all(p["direction"] == "kr-to-jp" for p in doc["pairings"])
    for p in doc["pairings"][:3]:
        sector = jrun("match", "-s", p["sector"]["id"], "--top", "500")
        full = {(q["korea"]["id"], q["japan"]["id"]): q["rank"] for q in sector["pairings"]}
        assert p["rank"] == full[(p["korea"]["id"], "toyota")]


def test_partners_table_and_names() -> None:
    code, out, err = run("partners", "Toyota Motor Corporation", "-n", "5")
    assert code == 0 and err == ""
    assert "Partners for Toyota Motor Corporation" in out and "sector" in out


def test_partners_says_why_a_sector_gives_nothing() -> None:
    code, out, _ = run("partners", "sk-hynix", "--sector", "batteries")
    assert code == 0
    assert "SK hynix has strengths only in semiconductors" in out
    doc = jrun("partners", "sk-hynix", "--sector", "batteries")
    assert doc["pairings"] == [] and doc["sectors"] == []


def test_unknown_firm_is_a_usage_error_with_a_suggestion() -> None:
    code, out, err = run("partners", "toyotta")
    assert code == 2 and out == ""
    assert "toyota" in err


def test_new_only_drops_every_tied_pair(bundled: Any) -> None:
    tied = {(r.korea, r.japan) for r in bundled.relationships}
    for sector in ("batteries", "shipbuilding"):
        doc = jrun("match", "-s", sector, "--new-only", "--top", "200")
        pairs = {(p["korea"]["id"], p["japan"]["id"]) for p in doc["pairings"]}
        assert pairs and not pairs & tied
        assert all(not p["relationships"] for p in doc["pairings"])
    doc = jrun("partners", "lg-energy-solution", "--new-only", "--top", "100")
    assert doc["new_only"] is True
    assert all(("lg-energy-solution", p["japan"]["id"]) not in tied for p in doc["pairings"])


def test_korea_and_japan_repeat_and_ranks_stay_sector_ranks() -> None:
    full = jrun("match", "-s", "batteries", "--top", "500")
    rank = {(p["korea"]["id"], p["japan"]["id"]): p["rank"] for p in full["pairings"]}
    doc = jrun("match", "-s", "batteries", "--korea", "sk-on", "--korea", "samsung-sdi")
    assert {p["korea"]["id"] for p in doc["pairings"]} == {"sk-on", "samsung-sdi"}
    for p in doc["pairings"]:
        assert p["rank"] == rank[(p["korea"]["id"], p["japan"]["id"])]
    assert [p["position"] for p in doc["pairings"]] == list(range(1, len(doc["pairings"]) + 1))
    # explain agrees with match on the rank
    first = doc["pairings"][0]
    ex = jrun("explain", first["korea"]["id"], first["japan"]["id"], "-s", "batteries")
    assert ex["sectors"][0]["rank"] == first["rank"]


def test_pairing_csv_has_the_same_columns_whatever_the_weights(tmp_path: Path) -> None:
    headers = []
    for extra in ([], ["--scenario", "new-partners"], ["--weight", "gap=0"]):
        code, out, err = run("match", "-s", "batteries", "-n", "3", "--format", "csv", *extra)
        assert code == 0 and err == ""
        rows = list(csv.DictReader(io.StringIO(out)))
        headers.append(list(rows[0]))
    assert headers[0] == headers[1] == headers[2]
    assert {"korea_id", "korea_native", "japan_id", "sector", "contribution_fit"} <= set(headers[0])
    code, out, _ = run("partners", "toyota", "-n", "3", "--format", "csv")
    first = next(iter(csv.DictReader(io.StringIO(out))))
    assert code == 0 and first.keys() == set(headers[0])


def test_partners_json_records_the_directions_asked_for() -> None:
    """QA round 3, finding 1: a saved "who could supply Toyota" says it is only that."""
    doc = jrun("partners", "toyota", "--direction", "kr-to-jp", "--sector", "batteries")
    assert doc["directions"] == ["kr-to-jp"]
    assert {p["direction"] for p in doc["pairings"]} == {"kr-to-jp"}
    assert doc["new_only"] is False and doc["beyond_leaders"] is False
    doc = jrun("partners", "toyota", "-s", "batteries", "-n", "2")
    assert doc["directions"] == list(DIRECTIONS)

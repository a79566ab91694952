"""`--beyond-leaders`: the ranking without the pairs of two sector leaders, the ones an
analyst names from memory."""

from __future__ import annotations

import json

from clirun import jrun, run
from kjmatch.model import Dataset


def _leaders(ds: Dataset, sector: str) -> set[str]:
    return {
        p.id
        for p in ds.players.values()
        for s in p.strengths
        if s.sector == sector and 5 in s.products.values()
    }


def test_match_leaves_out_pairs_of_two_leaders_and_keeps_sector_ranks(bundled: Dataset) -> None:
    leaders = _leaders(bundled, "semiconductors")
    plain = jrun("match", "-s", "semiconductors", "-n", "40")
    both = [
        p for p in plain["pairings"] if p["korea"]["id"] in leaders and p["japan"]["id"] in leaders
    ]
    assert both  # the plain top 40 holds leader pairs (SK hynix × Tokyo Ohka, …)
    doc = jrun("match", "-s", "semiconductors", "-n", "40", "--beyond-leaders")
    rows = doc["pairings"]
    assert len(rows) == 40
    assert not any(p["korea"]["id"] in leaders and p["japan"]["id"] in leaders for p in rows)
    # the rest keep their order and their rank in the full sector ranking
    rest = [
        (p["korea"]["id"], p["japan"]["id"], p["rank"]) for p in plain["pairings"] if p not in both
    ]
    assert [(p["korea"]["id"], p["japan"]["id"], p["rank"]) for p in rows][: len(rest)] == rest
    assert [p["position"] for p in rows] == list(range(1, 41))
    assert doc["candidates"] < plain["candidates"]


def test_the_table_says_leader_pairs_were_left_out() -> None:
    code, out, err = run("match", "-s", "batteries", "-n", "3", "--beyond-leaders")
    assert code == 0 and err == ""
    assert "pairs of two sector leaders left out" in " ".join(out.split())


def test_partners_leave_out_leader_pairs_too(bundled: Dataset) -> None:
    leaders = _leaders(bundled, "batteries")
    doc = jrun("partners", "toyota", "-s", "batteries", "--beyond-leaders")
    assert doc["pairings"]
    assert all(p["korea"]["id"] not in leaders for p in doc["pairings"])  # Toyota leads


def test_an_empty_result_says_the_filter_is_why() -> None:
    args = ("match", "-s", "batteries", "--korea", "lg-energy-solution", "--japan", "toyota")
    code, out, err = run(*args, "--beyond-leaders", "-f", "json")
    assert code == 0 and json.loads(out)["pairings"] == []
    assert err.splitlines() == [
        "kjmatch: nothing to show: 1 pair found in Secondary batteries, but it is a pair of "
        "two sector leaders",
        "kjmatch: try without --beyond-leaders",
    ]


def test_a_direction_filter_never_shows_a_rank_another_link_earned() -> None:
    """QA round 2: with --direction horizontal, LGES × Toyota Tsusho showed rank 20 (its
    kr-to-jp link's) beside its horizontal link's lower score."""
    full = {
        (p["korea"]["id"], p["japan"]["id"]): p
        for p in jrun("match", "-s", "batteries", "-n", "600")["pairings"]
    }
    doc = jrun("match", "-s", "batteries", "--direction", "horizontal", "-n", "50")
    assert doc["pairings"]
    for p in doc["pairings"]:
        whole = full[(p["korea"]["id"], p["japan"]["id"])]
        if p["rank"] is None:
            assert whole["direction"] != "horizontal" and whole["score"] > p["score"]
        else:
            assert (p["rank"], p["score"]) == (whole["rank"], whole["score"])
    ranks = [p["rank"] for p in doc["pairings"] if p["rank"] is not None]
    assert ranks == sorted(ranks)
    assert any(p["rank"] is None for p in doc["pairings"])

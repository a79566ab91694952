"""compare (two pairings side by side) and dependence (import shares ranked)."""

from __future__ import annotations

import json

import pytest

from clirun import jrun, run


def test_compare_differences_add_up_to_the_score_difference() -> None:
    doc = jrun("compare", "sk-hynix", "namics", "sk-hynix", "resonac", "-s", "semiconductors")
    a, b = doc["a"], doc["b"]
    assert (a["korea"]["id"], a["japan"]["id"]) == ("sk-hynix", "namics")
    assert (b["korea"]["id"], b["japan"]["id"]) == ("sk-hynix", "resonac")
    assert doc["score_difference"] == pytest.approx(b["score"] - a["score"], abs=0.011)
    assert sum(doc["difference"].values()) == pytest.approx(doc["score_difference"], abs=0.06)
    for row in doc["by_component"]:
        name = row["component"]
        assert row["difference"] == pytest.approx(
            b["contributions"][name] - a["contributions"][name], abs=1e-9
        )
    # each side carries its sector rank, as match gives it
    full = jrun("match", "-s", "semiconductors", "--top", "1000")
    rank = {(p["korea"]["id"], p["japan"]["id"]): p["rank"] for p in full["pairings"]}
    assert a["rank"] == rank[("sk-hynix", "namics")]


def test_compare_picks_each_pairs_best_sector_and_prints_a_table() -> None:
    doc = jrun("compare", "lg-energy-solution", "toyota", "sk-hynix", "namics")
    assert doc["a"]["sector"]["id"] in {"batteries", "automobiles"}
    assert doc["b"]["sector"]["id"] == "semiconductors"
    code, out, err = run("compare", "lg-energy-solution", "toyota", "sk-hynix", "namics")
    assert code == 0 and err == ""
    assert "B − A" in out and "A = LG Energy Solution × Toyota" in out


def test_compare_refuses_unlinked_or_unknown_pairs() -> None:
    # no link is no usage error (exit 1, not 2), and the words are explain's
    code, out, err = run("compare", "sk-hynix", "namics", "sk-hynix", "toyota")
    assert code == 1 and out == ""
    # two firms in no common sector are told so, not "no linked products" (QA round 8)
    assert "sk-hynix and toyota share no sector (sk-hynix: semiconductors; toyota: " in err


def test_a_link_a_rule_cut_is_named_by_explain_and_compare() -> None:
    """Mitsui E&S's engines feed Hanwha Ocean's ships, but its licence lets it sell them
    in Japan only: both commands say so, not just "no link" (QA round 5)."""
    line = (
        "Low-speed two-stroke main engines (Mitsui E&S) → Gas carriers and FSRUs; "
        "Container ships, tankers and bulk carriers"
    )
    code, out, err = run("explain", "hanwha-ocean", "mitsui-es")
    assert code == 0 and "No linked products between these players" in out
    assert "hanwha-ocean and mitsui-es have no linked products in any shared sector" in err
    assert line in err and "Mitsui E&S may sell it only in Japan (home_market)" in err
    assert "Turbochargers (Mitsui E&S) →" in err and "its own use (captive)" in err
    code, out, err2 = run("compare", "hanwha-ocean", "mitsui-es", "hanwha-ocean", "japan-engine")
    assert code == 1 and out == "" and line in err2
    code, out, err = run("compare", "sk-hynixx", "namics", "sk-hynix", "namics")
    assert code == 2 and out == "" and "sk-hynix" in err


def test_dependence_is_sorted_filtered_and_sourced() -> None:
    doc = jrun("dependence")
    rows = doc["dependence"]
    # by the aged weight (what the matcher counts), not the raw share (QA finding 13)
    aged = [r["aged_value"] for r in rows]
    assert rows and aged == sorted(aged, reverse=True)
    assert all(r["source"]["year"] and r["products"] for r in rows)
    third = jrun("dependence", "--from", "third", "--importer", "KR")
    assert third["dependence"] and all(
        r["partner"] not in ("KR", "JP") and r["importer"] == "KR" for r in third["dependence"]
    )
    pair = jrun("dependence", "--from", "pair", "-s", "batteries")
    assert all(
        r["partner"] in ("KR", "JP") and r["sector"]["id"] == "batteries"
        for r in pair["dependence"]
    )
    for r in rows:
        assert r["aged_value"] == pytest.approx(r["value"] * r["discount"], abs=1e-4)


def test_dependence_empty_and_bad_filters_say_why() -> None:
    code, out, err = run("dependence", "--from", "XX", "--json")
    assert code == 0 and json.loads(out)["dependence"] == []
    assert err.splitlines()[0].startswith(
        "kjmatch: nothing to show: no figure for imports from XX; imports on record come from "
    )
    assert err.splitlines()[1] == "kjmatch: try --from pair or --from third"
    code, out, err = run("dependence", "--from", "china")
    assert code == 2 and out == "" and "two-letter country code" in err
    code, out, err = run("dependence", "--importer", "CN")
    assert code == 2 and out == ""


def test_a_linked_pair_still_names_the_supply_a_rule_cut() -> None:
    """Hanwha Engine and Mitsui E&S are linked as rival engine makers, but Hanwha's MET
    turbochargers (licensed for Korea only) cannot supply Mitsui's engines: explain says
    so in every format, not only for pairs with no link at all (QA round 8, doubt C)."""
    rule = "Hanwha Engine may sell it only in Korea (home_market)"
    doc = jrun("explain", "hanwha-engine", "mitsui-es", "-s", "shipbuilding")
    (sector,) = doc["sectors"]
    assert sector["links"] and any(rule in line for line in sector["cut"])
    code, out, _ = run("explain", "hanwha-engine", "mitsui-es", "-s", "shipbuilding")
    assert code == 0 and "Not linked, by a rule:" in out and "(home_market)" in out
    code, out, _ = run(
        "explain", "hanwha-engine", "mitsui-es", "-s", "shipbuilding", "-f", "markdown"
    )
    assert code == 0 and "Not linked, by a rule:" in out and rule in out
    plain = jrun("explain", "sk-hynix", "namics", "-s", "semiconductors")
    assert plain["sectors"][0]["cut"] == []


def test_explain_json_says_why_it_is_empty() -> None:
    """QA round 10: a script reading `--json` could not tell no common sector from no link."""
    doc = jrun("explain", "sk-hynix", "toyota")
    assert doc["sectors"] == [] and doc["no_link"].startswith("sk-hynix and toyota share no sector")
    assert jrun("explain", "sk-hynix", "namics")["no_link"] is None


def test_dependence_as_of_a_year_knows_only_the_figures_of_then() -> None:
    """QA round 13: --as-of 2015 listed the 2019-2025 figures at full weight."""
    then = jrun("dependence", "--as-of", "2015")["dependence"]
    now = jrun("dependence")["dependence"]
    assert then and len(then) < len(now)
    assert all(r["year"] <= 2015 for r in then)

"""`match` JSON records the filters that shaped it, so a saved ranking says what was
left out (round-2 audit, item 10)."""

from __future__ import annotations

from clirun import jrun
from kjmatch.weights import DIRECTIONS


def test_an_unfiltered_ranking_records_no_filter() -> None:
    doc = jrun("match", "-s", "batteries", "-n", "3")
    assert doc["new_only"] is False
    assert doc["beyond_leaders"] is False
    assert doc["directions"] == list(DIRECTIONS)
    assert doc["korea"] is None and doc["japan"] is None


def test_beyond_leaders_and_new_only_are_recorded() -> None:
    doc = jrun("match", "-s", "semiconductors", "-n", "3", "--beyond-leaders")
    assert doc["beyond_leaders"] is True and doc["new_only"] is False
    doc = jrun("match", "-s", "hydrogen", "-n", "3", "--new-only")
    assert doc["new_only"] is True and doc["beyond_leaders"] is False
    assert all(p["relationships"] == [] for p in doc["pairings"])


def test_directions_and_firms_are_recorded_as_ids_in_a_fixed_order() -> None:
    doc = jrun(
        "match", "-s", "batteries", "-n", "3",
        "-d", "same-stage", "-d", "kr-to-jp",
        "--korea", "LG Energy Solution", "--korea", "sk-on", "--japan", "toyota",
    )  # fmt: skip
    assert doc["directions"] == ["kr-to-jp", "same-stage"]
    assert doc["korea"] == ["lg-energy-solution", "sk-on"]  # names resolved to ids
    assert doc["japan"] == ["toyota"]
    assert {p["direction"] for p in doc["pairings"]} <= {"kr-to-jp", "same-stage"}


def test_direction_all_records_every_direction() -> None:
    doc = jrun("match", "-s", "batteries", "-n", "1", "-d", "all")
    assert doc["directions"] == list(DIRECTIONS)

"""Tie types as people read them (labels in tables, Markdown and explanations; ids in
JSON and CSV), and an ended or completed tie dated by the year it is aged from."""

from __future__ import annotations

import csv
import io

import pytest

from clirun import jrun, run
from kjmatch.model import TIE_LABELS, Dataset, tie_dated, tie_label
from kjmatch.scoring.ties import confirmed


def _ok(*args: str) -> str:
    code, out, err = run(*args)
    assert code == 0, err
    assert err == ""
    return out


def test_every_type_has_a_label_and_ties_are_dated_as_they_age(bundled: Dataset) -> None:
    from typing import get_args

    from kjmatch.model import RelationshipType

    assert set(TIE_LABELS) == set(get_args(RelationshipType))
    assert tie_label("rnd") == "R&D" and tie_label("mou_study") == "MoU / study"
    for r in bundled.relationships:
        if r.status in ("ended", "completed"):
            # the year shown is the year the ranking ages the tie from
            assert tie_dated(r.status, r.year, r.ended, r.last_confirmed) == confirmed(r)


def test_match_table_and_markdown_say_labels_csv_and_json_keep_ids(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    args = ("match", "-s", "semiconductors", "-n", "25")
    table = _ok(*args)
    assert "R&D announced 2025" in table and "customer order completed 2019" in table
    assert "rnd" not in table and "customer_order" not in table
    md = _ok(*args, "-f", "markdown")
    assert "R&D announced 2025" in md  # a plain & stays (only an entity is escaped)
    assert "rnd " not in md and "customer_order" not in md
    rows = list(csv.DictReader(io.StringIO(_ok(*args, "-f", "csv"))))
    ties = " ; ".join(r["relationships"] for r in rows)
    assert "rnd announced 2025" in ties and "customer_order completed 2019" in ties
    doc = jrun(*args)
    types = {r["type"] for p in doc["pairings"] for r in p["relationships"]}
    assert {"rnd", "customer_order"} <= types


def test_an_ended_tie_is_dated_by_its_end_everywhere() -> None:
    # lges-honda-lh-building-stake: equity, 2022, ended 2024 (a peer tie of LGES × Toyota)
    args = ("explain", "lg-energy-solution", "toyota", "-s", "batteries")
    out = _ok(*args)
    assert "an equity tie (ended 2024) with Honda Motor" in out
    assert "[peer] equity (ended 2024): lges-honda-lh-building-stake (2024; 2 y old" in out
    assert "ended, 2022" not in out and "(ended 2022)" not in out
    doc = jrun(*args)
    link = doc["sectors"][0]["links"][0]
    assert any("equity tie (ended 2024)" in x for x in link["reasons"])
    peer = [e for e in link["evidence"] if "lges-honda-lh-building-stake" in e["text"]]
    assert peer and peer[0]["year"] == 2024 and peer[0]["text"].startswith("equity (ended 2024)")
    # show company: the tie listed with its type's label and its end
    company = _ok("show", "company", "honda")
    assert "equity, ended 2024 (2022–2024)" in company


def test_peer_and_existing_ties_in_explain_carry_labels() -> None:
    out = _ok("explain", "kg-mobility", "toray", "-s", "automobiles")
    # a running tie ages from its last confirmation, and says so
    assert "an R&D tie (active 2024, last confirmed 2025) with Hyundai Motor Company" in out
    assert "[peer] R&D (active 2024, last confirmed 2025): hyundai-toray-cfrp-materials-rnd" in out
    assert "an R&D tie (active 2024) with Kia" in out
    assert " rnd " not in out and "(rnd" not in out  # the id only inside tie ids


def test_a_live_tie_shows_its_start_and_a_finished_one_its_end() -> None:
    from kjmatch.model import tie_when

    # a live tie reads by its start; it ages from its last confirmation, which it names
    # (QA round 3, finding 8: "active 2013 … 2 years old" read as a contradiction)
    assert tie_when("active", 2023, None, 2025) == "active 2023, last confirmed 2025"
    assert tie_when("active", 2023, None, 2025, confirmed=False) == "active 2023"
    assert tie_when("active", 2023, None, 2023) == "active 2023"
    assert tie_dated("active", 2023, None, 2025) == 2025
    assert tie_when("ended", 2022, 2024, None) == "ended 2024"
    assert tie_when("completed", 2011, None, 2013) == "completed 2013"
    assert tie_when("completed", 2011, 2014, None) == "completed 2014"


def test_a_tie_is_called_counted_only_on_the_links_it_counts_at(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """LGES × Isuzu: the cylindrical-cell deal counts on the cylindrical link only; the
    pouch-cell link says the tie is documented but not counted there (QA round 2)."""
    doc = jrun("explain", "lg-energy-solution", "isuzu", "-s", "batteries")
    links = doc["sectors"][0]["links"]
    for link in links:
        counted = link["contributions"]["relationship"] > 0
        said = [x for x in link["reasons"] if "lges-isuzu" in x or "Elf EV" in x]
        assert said, link["korea_product"]
        if counted:
            assert all(x.startswith("Existing tie") for x in said)
        else:
            assert all(x.startswith("Documented tie, not counted at this link") for x in said)
    assert {link["contributions"]["relationship"] > 0 for link in links} == {True, False}
    monkeypatch.setenv("COLUMNS", "160")
    table = _ok("match", "-s", "batteries", "-n", "10")
    row = next(x for x in table.splitlines() if "Electrified vehicles · L3" in x)
    assert "supply active 2024, not counted here" in row  # Isuzu's row: the pouch link


def test_a_peer_bullets_age_says_what_it_counts_from() -> None:
    """QA round 3, finding 8: Hankook × Toyota's peer tie with Nissan started in 2013 and
    was last confirmed in 2024; "2 years old" counts from the confirmation, and says so."""
    out = " ".join(_ok("explain", "hankook-tire", "toyota", "-s", "automobiles").split())
    assert "supply tie (active 2013, last confirmed 2024) with Nissan Motor" in out
    assert "(active 2013) with Nissan" not in out
    table = _ok("match", "-s", "automobiles", "-n", "10")
    assert "last confirmed" not in table  # a table cell stays short: "supply active 2011"


def test_talks_and_uncounted_ties_are_named_by_their_summary_and_csv_says_not_counted() -> None:
    """QA round 4: the talks line cited a raw id, and the CSV dropped "not counted"."""
    doc = jrun("explain", "hyundai-motor", "toyota", "-s", "hydrogen")
    said = [x for link in doc["sectors"][0]["links"] for x in link["reasons"] if "Talks" in x]
    assert said and all("hyundai-toyota-hydrogen-talks" not in x for x in said)
    assert all("Euisun Chung" in x for x in said)  # the tie's summary
    rows = list(csv.DictReader(io.StringIO(_ok("match", "-s", "hydrogen", "-n", "3", "-f", "csv"))))
    toray = next(r for r in rows if (r["korea_id"], r["japan_id"]) == ("hyundai-motor", "toray"))
    assert toray["relationships"] == "rnd active 2024, not counted here"


def test_turbine_orders_for_other_plants_earn_no_hydrogen_credit() -> None:
    """MHI's 2010 coal-plant steam turbines for Korea East-West Power and its 2007 gas
    turbines for Korea Western Power make those pairs known, but neither is a hydrogen
    deal: no relationship or peer points at the hydrogen-turbine link (QA round 8, 3)."""
    for korea in ("ewp", "korea-western-power"):
        doc = jrun("explain", korea, "mitsubishi-heavy", "-s", "hydrogen")
        links = doc["sectors"][0]["links"]
        turbine = next(x for x in links if x["japan_product"] == "hydrogen-gas-turbines")
        assert turbine["components"]["relationship"] == 0, korea
        assert turbine["components"]["peer"] == 0, korea
        assert turbine["components"]["novelty"] == 0, korea
        assert any("vouches for no link" in r for r in turbine["reasons"]), korea

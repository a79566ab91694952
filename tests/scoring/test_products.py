"""Matcher v2 rules: products inside stages, facts by product and country, ageing,
horizontal links and ties that belong to the pair."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from conftest import PLAYERS, RELATIONSHIPS, SECTOR, SRC, names, player, strength, write_dataset
from kjmatch.errors import DataError
from kjmatch.loader import load_dataset
from kjmatch.model import Dataset
from kjmatch.scoring.ranking import Pairing, explain, match, ties_of


def film_stage_with_two_products(sector: dict[str, Any]) -> dict[str, Any]:
    """The film stage makes film (an input of cells) and salt (an input of nothing here)."""
    film: dict[str, Any] = sector["stages"][1]
    film["products"] = [
        {"id": "film", "name": names("Film"), "hs_codes": ["3920.10"]},
        {"id": "salt", "name": names("Salt"), "hs_codes": ["2826.90"], "inputs": []},
    ]
    return film


def base_players() -> list[dict[str, Any]]:
    """The tiny dataset's players, with the film makers' strengths at the film product."""
    out: list[dict[str, Any]] = copy.deepcopy(PLAYERS["players"])
    for p in out:
        for s in p["strengths"]:
            if s["stage"] == "film":
                s["products"] = {"film": s["level"]}
    return out


def build(
    tmp_path: Path,
    *,
    facts: dict[str, list[dict[str, Any]]] | None = None,
    stage_facts: dict[str, dict[str, list[dict[str, Any]]]] | None = None,
    players: list[dict[str, Any]] | None = None,
    ties: list[dict[str, Any]] | None = None,
    complements: list[dict[str, Any]] | None = None,
    local: frozenset[str] = frozenset(),
    resells: frozenset[str] = frozenset(),
    whole: frozenset[str] = frozenset(),
    absent: dict[str, list[dict[str, Any]]] | None = None,
) -> Dataset:
    sector = copy.deepcopy(SECTOR)
    film = film_stage_with_two_products(sector)
    for st in sector["stages"]:
        for prod in st.get("products", []):
            if prod["id"] in local:
                prod["tradable"] = False
            if prod["id"] in resells:
                prod["resells"] = True
            if prod["id"] in whole:
                prod["whole_inputs"] = True
            if absent and prod["id"] in absent:
                prod["absent"] = absent[prod["id"]]
    if facts:
        film["context"] = facts
    for st in sector["stages"]:
        if stage_facts and st["id"] in stage_facts:
            st["context"] = stage_facts[st["id"]]
    if complements:
        sector["complements"] = complements
    rels = copy.deepcopy(RELATIONSHIPS)
    rels["relationships"] += ties or []
    files = {
        "sectors/widgets.yaml": sector,
        "players/all.yaml": {"players": base_players() + (players or [])},
        "relationships/all.yaml": rels,
    }
    return load_dataset(write_dataset(tmp_path / "d", files), use_cache=False)


def with_products(stage_id: str, level: int, products: dict[str, int]) -> dict[str, Any]:
    return {**strength(stage_id, level), "products": products}


SALT_MAKERS = [
    player("jp-saltco", "JP", with_products("film", 5, {"salt": 5})),
    player("kr-saltco", "KR", with_products("film", 2, {"salt": 2})),
]


def pair(ds: Dataset, korea: str, japan: str, **kw: Any) -> Pairing | None:
    r = match(ds, "widgets", top=None, **kw)
    return next((p for p in r.pairings if p.korea.id == korea and p.japan.id == japan), None)


def share(importer: str, partner: str, value: float, year: int, **about: Any) -> dict[str, Any]:
    return {
        "importer": importer,
        "partner": partner,
        "value": value,
        "item": "test goods",
        "year": year,
        "source": SRC,
        **about,
    }


# ---------------------------------------------------------------- facts attach by product


def test_a_fact_counts_only_for_the_product_it_concerns(tmp_path: Path) -> None:
    """A CN share of Korea's salt imports gives no security credit to a film supplier."""
    ds = build(
        tmp_path,
        facts={"import_shares": [share("KR", "CN", 0.9, 2024, products=["salt"])]},
        players=[player("jp-filmsalt", "JP", with_products("film", 5, {"film": 5, "salt": 3}))],
    )
    film_only = pair(ds, "kr-cellco", "jp-filmco")
    assert film_only is not None and film_only.best.components["security"] == 0
    assert not film_only.best.evidence or all(e.product != "salt" for e in film_only.best.evidence)
    # the two-product firm's film link feeds cells; its salt offer feeds nothing, so the fact
    # never reaches the cells buyer through it
    both = pair(ds, "kr-cellco", "jp-filmsalt")
    assert both is not None and both.best.japan_product.id == "film"
    assert all(e.product == "film" for e in both.best.evidence)


def test_a_fact_named_by_hs_code_reaches_products_sharing_the_code(tmp_path: Path) -> None:
    ds = build(
        tmp_path,
        facts={"import_shares": [share("KR", "JP", 0.8, 2024, hs_codes=["3920"])]},
    )
    p = pair(ds, "kr-cellco", "jp-filmco")
    assert p is not None
    assert [e.kind for e in p.best.evidence if e.component == "gap"] == ["import_share"]
    assert p.best.components["gap"] >= 0.8


def test_gap_is_measured_at_the_product_not_the_stage(tmp_path: Path) -> None:
    """A strong Korean salt maker does not close the gap for a Japanese film supplier."""
    ds = build(
        tmp_path,
        players=[player("kr-bigsalt", "KR", with_products("film", 5, {"salt": 5}))],
    )
    p = pair(ds, "kr-cellco", "jp-filmco")
    assert p is not None
    # Korea's best at film is kr-filmco (level 2); jp-filmco is level 5: a gap of 3 levels
    assert p.best.components["gap"] == pytest.approx(0.75)


def no_maker(country: str, year: int) -> dict[str, Any]:
    return {"country": country, "year": year, "note": "No maker left.", "source": SRC}


def test_an_empty_side_counts_half_a_gap_unless_a_source_says_it_is_empty(
    tmp_path: Path,
) -> None:
    """Korea has no tool maker in the data: a hole, not a proven absence, until a source
    says so; then the gap counts in full, aged like any fact but never below half."""
    silent = pair(build(tmp_path / "a"), "kr-cellco", "jp-toolco")
    assert silent is not None
    assert silent.best.components["gap"] == pytest.approx(0.5)  # level 4: 1.0 × half
    assert not [e for e in silent.best.evidence if e.component == "gap"]
    assert any("hole in the data" in r for r in silent.best.reasons)

    documented = pair(
        build(tmp_path / "b", absent={"tools": [no_maker("KR", 2024)]}), "kr-cellco", "jp-toolco"
    )
    assert documented is not None and documented.best.components["gap"] == pytest.approx(1.0)
    (e,) = [e for e in documented.best.evidence if e.component == "gap"]
    assert (e.kind, e.product, e.year, e.counted) == ("absence", "tools", 2024, 1.0)
    assert any("Korea has no maker of Tools (No maker left" in r for r in documented.best.reasons)
    assert documented.score > silent.score

    old = pair(
        build(tmp_path / "c", absent={"tools": [no_maker("KR", 2019)]}), "kr-cellco", "jp-toolco"
    )
    assert old is not None  # five years old: 0.5^1 = 0.5, the floor
    assert old.best.components["gap"] == pytest.approx(0.5)
    # a declaration about Japan says nothing about Korea's gap
    other = pair(
        build(tmp_path / "d", absent={"tools": [no_maker("JP", 2024)]}), "kr-cellco", "jp-toolco"
    )
    assert other is not None and other.best.components["gap"] == pytest.approx(0.5)


def test_an_activity_taking_its_inputs_whole_links_only_to_them(tmp_path: Path) -> None:
    """A recycler takes scrap cells whole: the cells' film is no supply to it, while the
    cells themselves still are."""
    plain = build(tmp_path / "plain")
    two = pair(plain, "kr-carco", "jp-filmco")
    assert two is not None and two.best.hops == 2  # film → cells → cars
    ds = build(tmp_path / "whole", whole=frozenset({"cars"}))
    assert pair(ds, "kr-carco", "jp-filmco") is None
    direct = pair(ds, "kr-cellco", "jp-carco")
    assert direct is not None and direct.best.hops == 1
    ranked = {(q.korea.id, q.japan.id) for q in match(ds, "widgets", top=None).pairings}
    assert ("kr-carco", "jp-filmco") not in ranked and ("kr-cellco", "jp-carco") in ranked
    fast = match(ds, "widgets", top=3)
    full = match(ds, "widgets", top=None, exhaustive=True)
    assert [(q.korea.id, q.japan.id, q.score) for q in fast.pairings] == [
        (q.korea.id, q.japan.id, q.score) for q in full.pairings[:3]
    ]


@pytest.mark.parametrize(
    ("key", "strongest"),
    [
        ("captive", "Japan's strongest at Cells is Jp Sellco (level 4);"),
        ("home_market", "Japan's strongest at Cells is Jp Limitco (level 4);"),
    ],
)
def test_a_product_made_for_own_use_or_sold_at_home_only_supplies_no_one_abroad(
    tmp_path: Path, key: str, strongest: str
) -> None:
    """A carmaker's captive cells (made for its own cars), like a licensee's cells it may
    sell only at home (Mitsui E&S's engines), are no supply to a Korean carmaker, while
    the maker still buys film for them and still rivals other cell makers; a merchant
    cell maker at the same level still supplies."""
    limited = {**strength("cells", 4), key: ["cells"]}
    ds = build(
        tmp_path,
        players=[
            player("jp-limitco", "JP", limited),
            player("jp-sellco", "JP", strength("cells", 4)),
        ],
    )
    assert pair(ds, "kr-carco", "jp-limitco") is None  # cells → cars would be its only link
    merchant = pair(ds, "kr-carco", "jp-sellco")
    assert merchant is not None and merchant.best.direction == "jp-to-kr"
    buys = pair(ds, "kr-filmco", "jp-limitco")  # Korean film into its own cells
    assert buys is not None and buys.best.direction == "kr-to-jp"
    rival = pair(ds, "kr-cellco", "jp-limitco")
    assert rival is not None and rival.best.direction == "same-stage"
    # the gap is measured against Japan's best seller: a captive maker serves no other buyer
    sells = pair(ds, "kr-cellco", "jp-carco")
    assert sells is not None and sells.best.components["gap"] == 0.25  # 5 against 4
    assert any(strongest in r for r in sells.best.reasons), sells.best.reasons
    for top in (1, 3, 10):
        fast = match(ds, "widgets", top=top)
        full = match(ds, "widgets", top=None, exhaustive=True)
        assert [(q.korea.id, q.japan.id, q.score) for q in fast.pairings] == [
            (q.korea.id, q.japan.id, q.score) for q in full.pairings[:top]
        ]
        assert fast.candidates == full.candidates


def test_the_gap_is_measured_against_makers_that_sell(tmp_path: Path) -> None:
    """A maker for its own use only serves no other buyer, so the buyer country's gap is
    measured against its best maker that sells (and the reason names the captive one it
    leaves out); where only captive makers are known, the gap counts as a hole in the
    data, half, and says why."""
    captive = {**strength("cells", 5), "captive": ["cells"]}
    ds = build(tmp_path / "a", players=[player("jp-limitco", "JP", captive)])
    sells = pair(ds, "kr-cellco", "jp-carco")  # Korean cells at 5 for a Japanese carmaker
    assert sells is not None and sells.best.components["gap"] == 0.5  # 5 against 3
    assert any(
        "Japan's strongest at Cells is Jp Cellco (level 3), not counting Jp Limitco (level 5), "
        "made for own use only" in r
        for r in sells.best.reasons
    ), sells.best.reasons
    # Korea has no toolmaker but one making tools for itself
    own_tools = {**strength("tools", 3), "captive": ["tools"]}
    only = build(tmp_path / "b", players=[player("kr-ownco", "KR", own_tools)])
    buys = pair(only, "kr-cellco", "jp-toolco")
    assert buys is not None and buys.best.components["gap"] == 0.5  # half of full credit
    assert any(
        r.startswith(
            "Korea's only makers of Tools in the dataset make it for their own use "
            "(Kr Ownco (level 3)), and no source says it has no maker that sells it: a hole "
            "in the data, so the gap counts half (0.50)."
        )
        for r in buys.best.reasons
    ), buys.best.reasons
    for d in (ds, only):
        fast = match(d, "widgets", top=3)
        full = match(d, "widgets", top=None, exhaustive=True)
        assert [(q.korea.id, q.japan.id, q.score) for q in fast.pairings] == [
            (q.korea.id, q.japan.id, q.score) for q in full.pairings[:3]
        ]


def test_a_captive_product_must_be_one_of_the_strengths_own(tmp_path: Path) -> None:
    wrong = {**strength("cells", 4), "captive": ["cels"]}
    with pytest.raises(DataError) as err:
        build(tmp_path, players=[player("jp-ownco", "JP", wrong)])
    text = str(err.value)
    assert "captive" in text and "unknown captive product 'cels'" in text
    assert "did you mean 'cells'?" in text


def test_a_buyer_that_resells_its_inputs_buys_whatever_it_makes_itself(tmp_path: Path) -> None:
    """Where the buyer's product resells its inputs (an offtaker, a trading house), its own
    make of an input (equity in a plant) does not cut fit: it buys from many producers."""
    selfco = player("kr-selfco", "KR", strength("cells", 4), with_products("film", 5, {"film": 5}))
    ds = build(tmp_path, players=[selfco], resells=frozenset({"cells"}))
    own = pair(ds, "kr-selfco", "jp-filmco")
    assert own is not None and own.best.direction == "jp-to-kr"
    assert own.best.components["fit"] == 1.0
    assert not any("in-house at level" in r for r in own.best.reasons)
    assert any("resells what it buys" in r for r in own.best.reasons)
    # the gap still reads the buyer country's best maker: the trader's own film included
    assert own.best.components["gap"] == 0
    fast = match(ds, "widgets", top=8)  # the pair ranks 5th
    full = match(ds, "widgets", top=None, exhaustive=True)
    assert [(q.korea.id, q.japan.id, q.score) for q in fast.pairings] == [
        (q.korea.id, q.japan.id, q.score) for q in full.pairings[:8]
    ]
    # without the flag the same firm is a rival at film (the in-house rule above)
    plain = pair(build(tmp_path / "plain", players=[selfco]), "kr-selfco", "jp-filmco")
    assert plain is not None and plain.best.components["fit"] == pytest.approx(0.1)


def test_a_maker_in_the_data_outweighs_a_declared_absence(tmp_path: Path) -> None:
    ds = build(
        tmp_path,
        absent={"tools": [no_maker("KR", 2024)]},
        players=[player("kr-toolco", "KR", strength("tools", 3))],
    )
    p = pair(ds, "kr-cellco", "jp-toolco")
    assert p is not None and p.best.components["gap"] == pytest.approx(0.25)  # (4 - 3) / 4
    assert not [e for e in p.best.evidence if e.kind == "absence"]


def test_a_buyer_making_the_input_in_house_closes_its_own_gap(tmp_path: Path) -> None:
    """Gap is measured against the buyer country's best maker, the buyer included: a cell
    maker with its own film line at level 5 gains nothing from a level-5 film supplier."""
    selfco = player("kr-selfco", "KR", strength("cells", 4), with_products("film", 5, {"film": 5}))
    ds = build(tmp_path, players=[selfco])
    own = pair(ds, "kr-selfco", "jp-filmco")
    assert own is not None and own.best.direction == "jp-to-kr"
    assert own.best.components["gap"] == 0
    assert any("Kr Selfco itself makes Film in-house (level 5" in r for r in own.best.reasons)
    # at least as good as the supplier: they compete at film more than they trade it
    assert own.best.components["fit"] == pytest.approx(0.1)
    # the first reason (what an agenda prints) says so, and the link is marked
    assert "but Kr Selfco makes it in-house at level 5, at least" in own.best.reasons[0]
    assert own.best.in_house
    # the country's gap closes for every Korean buyer, in explain as in the fast ranking,
    # but a buyer that does not make film still fits as a buyer
    other = pair(ds, "kr-cellco", "jp-filmco")
    assert other is not None and other.best.components["gap"] == 0
    assert other.best.components["fit"] == 1.0 and not other.best.in_house
    fast = match(ds, "widgets", top=3)
    full = match(ds, "widgets", top=None, exhaustive=True)
    assert [(q.korea.id, q.japan.id, q.score) for q in fast.pairings] == [
        (q.korea.id, q.japan.id, q.score) for q in full.pairings[:3]
    ]


# ---------------------------------------------------------------- both countries


def test_korea_to_japan_pairs_get_gap_and_security_from_japan_side_facts(tmp_path: Path) -> None:
    plain = pair(build(tmp_path / "a"), "kr-cellco", "jp-carco")
    facts = {
        "import_shares": [
            share("JP", "KR", 0.9, 2024, products=["cells"]),
            share("JP", "CN", 0.7, 2024, products=["cells"]),
        ]
    }
    ds = build(tmp_path / "b", stage_facts={"cells": facts})
    informed = pair(ds, "kr-cellco", "jp-carco")
    assert plain is not None and informed is not None
    assert informed.best.direction == "kr-to-jp"
    assert informed.best.components["gap"] > plain.best.components["gap"]
    assert informed.best.components["security"] > 0 == plain.best.components["security"]
    assert informed.score > plain.score
    # a Korean-import fact about the same product does not credit the Korea→Japan pair
    ds_kr = build(
        tmp_path / "c",
        stage_facts={
            "cells": {"import_shares": [share("KR", "CN", 0.7, 2024, products=["cells"])]}
        },
    )
    other = pair(ds_kr, "kr-cellco", "jp-carco")
    assert other is not None and other.best.components["security"] == 0


# ---------------------------------------------------------------- ageing


def test_facts_age_and_explain_says_how_much(tmp_path: Path) -> None:
    fresh = build(
        tmp_path / "a", facts={"import_shares": [share("KR", "JP", 1.0, 2024, products=["film"])]}
    )
    old = build(
        tmp_path / "b", facts={"import_shares": [share("KR", "JP", 1.0, 2014, products=["film"])]}
    )
    # kr-filmco is level 2 at film, so jp-filmco's own gap is 0.75 without the fact
    p_fresh = pair(fresh, "kr-cellco", "jp-filmco")
    p_old = pair(old, "kr-cellco", "jp-filmco")
    assert p_fresh is not None and p_old is not None
    assert p_fresh.best.components["gap"] == 1.0
    assert p_old.best.components["gap"] == 0.75  # 1.0 × 0.5^(10/5) = 0.25 < 0.75
    (e,) = [e for e in p_old.best.evidence if e.component == "gap"]
    assert e.age == 10 and e.discount == 0.25 and e.counted == 0.25
    assert any("10 years old, counted at 0.25×" in r for r in p_old.best.reasons)


def test_ties_age_from_their_last_confirmation(tmp_path: Path) -> None:
    old = {
        "id": "old-tie",
        "korea": "kr-carco",
        "japan": "jp-toolco",
        "sectors": ["widgets"],
        "type": "supply",
        "year": 2008,
        "status": "active",
        "summary": "An old tie.",
        "sources": [SRC],
    }
    unconfirmed = build(tmp_path / "a", ties=[old])
    confirmed = build(tmp_path / "b", ties=[{**old, "last_confirmed": 2024}])
    for ds in (unconfirmed, confirmed):
        rels = ties_of(ds)[("kr-carco", "jp-toolco")]
        assert [r.id for r in rels] == ["old-tie"]
    # kr-carco (cars) and jp-toolco (tools) are three steps apart: no link; check the value
    from kjmatch.scoring.chain import Chain
    from kjmatch.scoring.ties import tie_value

    chain_u = Chain(unconfirmed, unconfirmed.sectors["widgets"])
    chain_c = Chain(confirmed, confirmed.sectors["widgets"])
    v_u, _ = tie_value(chain_u, ties_of(unconfirmed)[("kr-carco", "jp-toolco")], ("a", "b"))
    v_c, _ = tie_value(chain_c, ties_of(confirmed)[("kr-carco", "jp-toolco")], ("a", "b"))
    assert v_c == 1.0 and v_u == pytest.approx(0.5 ** (16 / 8), abs=1e-4)


def test_a_tie_credits_only_links_at_the_products_it_names_on_each_side(tmp_path: Path) -> None:
    """A film deal for the buyer's car line names film and cars: it vouches for the
    film → cars link, not for the same pair's film → cells link (the buyer makes cells
    too, but the tie does not name them), nor for any link the other way."""
    both = player("kr-bothco", "KR", strength("cells", 4), strength("cars", 3))
    deal = {
        "id": "film-for-cars",
        "korea": "kr-bothco",
        "japan": "jp-filmco",
        "sectors": ["widgets"],
        "products": ["film", "cars"],
        "type": "supply",
        "year": 2024,
        "status": "active",
        "summary": "Film for the car line.",
        "sources": [SRC],
    }
    ds = build(tmp_path, players=[both], ties=[deal])
    p = pair(ds, "kr-bothco", "jp-filmco")
    assert p is not None
    by_products = {(link.korea_product.id, link.japan_product.id): link for link in p.links}
    assert by_products[("cars", "film")].components["relationship"] > 0
    assert by_products[("cells", "film")].components["relationship"] == 0
    assert not any("film-for-cars" in str(e) for e in by_products[("cells", "film")].evidence)
    # a tie that names only the supplier's product still vouches for every buyer product
    loose = build(tmp_path / "loose", players=[both], ties=[{**deal, "products": ["film"]}])
    q = pair(loose, "kr-bothco", "jp-filmco")
    assert q is not None
    assert all(link.components["relationship"] > 0 for link in q.links)
    for data in (ds, loose):  # the fast ranking agrees
        fast = match(data, "widgets", top=8)
        full = match(data, "widgets", top=None, exhaustive=True)
        assert [(x.korea.id, x.japan.id, x.score) for x in fast.pairings] == [
            (x.korea.id, x.japan.id, x.score) for x in full.pairings[:8]
        ]


# ---------------------------------------------------------------- horizontal links


def jv(korea: str, japan: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": f"{korea}-{japan}-jv",
        "korea": korea,
        "japan": japan,
        "sectors": ["widgets"],
        "type": "jv",
        "year": 2024,
        "status": "active",
        "summary": "A joint venture.",
        "sources": [SRC],
        **extra,
    }


def test_a_product_sold_only_where_it_is_made_supplies_no_buyer_abroad(tmp_path: Path) -> None:
    """Film marked `tradable: false`: no Japanese film for Korean cells, but ore still
    reaches cells through film (two steps), and Korean film makers stay rivals."""
    ds = build(tmp_path, local=frozenset({"film"}))
    assert pair(ds, "kr-cellco", "jp-filmco") is None
    ore = pair(ds, "kr-cellco", "jp-oreco")
    assert ore is not None and ore.best.direction == "jp-to-kr" and ore.best.hops == 2
    rivals = pair(ds, "kr-filmco", "jp-filmco")
    assert rivals is not None and rivals.best.direction == "same-stage"
    traded = build(tmp_path / "traded")
    assert pair(traded, "kr-cellco", "jp-filmco") is not None


def test_same_product_makers_are_rivals_without_a_cooperative_tie(tmp_path: Path) -> None:
    ds = build(tmp_path, players=SALT_MAKERS)
    p = pair(ds, "kr-saltco", "jp-saltco")
    assert p is not None and p.best.direction == "same-stage"
    assert pair(ds, "kr-saltco", "jp-saltco", directions=["horizontal"]) is None


def test_a_cooperative_tie_makes_same_product_makers_horizontal_partners(tmp_path: Path) -> None:
    rivals = pair(build(tmp_path / "a", players=SALT_MAKERS), "kr-saltco", "jp-saltco")
    ds = build(tmp_path / "b", players=SALT_MAKERS, ties=[jv("kr-saltco", "jp-saltco")])
    partners = pair(ds, "kr-saltco", "jp-saltco")
    assert rivals is not None and partners is not None
    assert partners.best.direction == "horizontal" and partners.score > rivals.score
    assert pair(ds, "kr-saltco", "jp-saltco", directions=["horizontal"]) is not None
    # a supply tie is not cooperation between rivals
    supply = build(
        tmp_path / "c", players=SALT_MAKERS, ties=[jv("kr-saltco", "jp-saltco", type="supply")]
    )
    p = pair(supply, "kr-saltco", "jp-saltco")
    assert p is not None and p.best.direction == "same-stage"


def test_different_products_of_one_stage_link_only_when_declared_complementary(
    tmp_path: Path,
) -> None:
    # kr-filmco makes film, jp-saltco salt: same stage, different products, no feed
    plain = build(tmp_path / "a", players=SALT_MAKERS)
    assert pair(plain, "kr-filmco", "jp-saltco") is None
    declared = build(
        tmp_path / "b",
        players=SALT_MAKERS,
        complements=[{"products": ["film", "salt"], "reason": "sold together", "source": SRC}],
    )
    p = pair(declared, "kr-filmco", "jp-saltco")
    assert p is not None and p.best.direction == "horizontal"


def test_makers_of_one_product_are_partners_only_when_the_sector_says_so(
    tmp_path: Path,
) -> None:
    # two salt makers: rivals, unless the sector declares salt's makers partners (as
    # co-buyers of an import are); the declared reason is given, and plain rivals stay
    plain = pair(build(tmp_path / "a", players=SALT_MAKERS), "kr-saltco", "jp-saltco")
    assert plain is not None and plain.best.direction == "same-stage"
    why = "both buy salt abroad for home markets"
    declared = build(
        tmp_path / "b",
        players=SALT_MAKERS,
        complements=[{"products": ["salt", "salt"], "reason": why, "source": SRC}],
    )
    p = pair(declared, "kr-saltco", "jp-saltco")
    assert p is not None and p.best.direction == "horizontal"
    assert p.best.components["fit"] == 0.75 and p.score > plain.score
    assert any(why in r for r in p.best.reasons)
    assert any("partners more than rivals" in r for r in p.best.reasons)
    # the film makers are untouched: still rivals
    film = pair(declared, "kr-filmco", "jp-filmco")
    assert film is None or film.best.direction != "horizontal"


def test_partners_at_one_product_earn_peer_credit_from_ties_with_other_makers(
    tmp_path: Path,
) -> None:
    # kr-saltco cooperates with jp-saltco; with salt's makers declared partners, that tie
    # is peer evidence for kr-saltco × jp-salt2 (another Japanese salt maker), as a supply
    # tie with a peer is for supply links; explain names it
    salt = [{"products": ["salt", "salt"], "reason": "co-buyers", "source": SRC}]
    second = player("jp-salt2", "JP", with_products("film", 3, {"salt": 3}))
    plain = build(tmp_path / "a", players=[*SALT_MAKERS, second], complements=salt)
    tied = build(
        tmp_path / "b",
        players=[*SALT_MAKERS, second],
        complements=salt,
        ties=[jv("kr-saltco", "jp-saltco", products=["salt"])],
    )
    before, after = pair(plain, "kr-saltco", "jp-salt2"), pair(tied, "kr-saltco", "jp-salt2")
    assert before is not None and after is not None
    assert after.best.direction == "horizontal" and not after.relationships
    assert before.best.components["peer"] == 0 < after.best.components["peer"]
    assert after.score > before.score
    assert any("jp-saltco" in r or "Peer" in r for r in after.best.reasons)


# ---------------------------------------------------------------- ties belong to the pair


def test_a_tie_in_another_sector_makes_the_pair_non_novel(tmp_path: Path) -> None:
    elsewhere = {
        "id": "elsewhere",
        "name": names("Elsewhere"),
        "summary": "Another sector.",
        "stages": copy.deepcopy(SECTOR["stages"]),
    }
    sector = copy.deepcopy(SECTOR)
    tie = jv("kr-carco", "jp-cellco", sectors=["elsewhere"], type="supply")
    rels = copy.deepcopy(RELATIONSHIPS)
    rels["relationships"].append(tie)
    files = {
        "sectors/widgets.yaml": sector,
        "sectors/elsewhere.yaml": {**elsewhere, "id": "elsewhere"},
        "players/all.yaml": copy.deepcopy(PLAYERS),
        "relationships/all.yaml": rels,
    }
    ds = load_dataset(write_dataset(tmp_path / "d", files), use_cache=False)
    p = pair(ds, "kr-carco", "jp-cellco")
    assert p is not None
    assert p.best.components["novelty"] == 0.0  # tied elsewhere
    assert p.best.components["relationship"] == 0.0  # but the tie is not about widgets
    assert any("[in elsewhere]" in r for r in p.best.reasons)


def test_bundled_new_partners_lists_no_pair_tied_in_any_sector(bundled: Dataset) -> None:
    tied = set(ties_of(bundled))
    weights = dict(bundled.scenarios["new-partners"].weights)
    for sector in bundled.sectors:
        for p in match(bundled, sector, top=None, weights=weights).pairings:
            new = p.best.components["novelty"] == 1.0
            assert new == ((p.korea.id, p.japan.id) not in tied), (sector, p.korea.id, p.japan.id)


# ---------------------------------------------------------------- shared ranks


def test_equal_scores_share_a_rank(tmp_path: Path) -> None:
    twins = [
        player("jp-twin-a", "JP", with_products("film", 5, {"film": 5})),
        player("jp-twin-b", "JP", with_products("film", 5, {"film": 5})),
    ]
    r = match(build(tmp_path, players=twins), "widgets", top=None)
    a = next(p for p in r.pairings if p.japan.id == "jp-twin-a" and p.korea.id == "kr-cellco")
    b = next(p for p in r.pairings if p.japan.id == "jp-twin-b" and p.korea.id == "kr-cellco")
    assert a.score == b.score and a.rank == b.rank and a.shared_rank and b.shared_rank


def test_explain_lists_products_and_dated_facts(tmp_path: Path) -> None:
    ds = build(
        tmp_path,
        facts={"import_shares": [share("KR", "JP", 0.6, 2021, products=["film"])]},
    )
    (p,) = explain(ds, "kr-cellco", "jp-filmco")
    link = p.best
    assert (link.korea_product.id, link.japan_product.id) == ("cells", "film")
    kinds = {(e.component, e.kind, e.product, e.year) for e in link.evidence}
    assert ("gap", "import_share", "film", 2021) in kinds
    assert ("relationship", "tie", "", 2023) in kinds


# ---------------------------------------------------------------- validation


def problems(tmp_path: Path, mutate: Any) -> list[str]:
    files: dict[str, Any] = {
        "sectors/widgets.yaml": copy.deepcopy(SECTOR),
        "players/all.yaml": {"players": base_players()},
        "relationships/all.yaml": copy.deepcopy(RELATIONSHIPS),
    }
    film_stage_with_two_products(files["sectors/widgets.yaml"])
    mutate(files)
    with pytest.raises(DataError) as exc:
        load_dataset(write_dataset(tmp_path / "d", files), use_cache=False)
    return [f"{p.path}: {p.message}" for p in exc.value.problems]


def test_a_strength_at_a_multi_product_stage_names_its_products(tmp_path: Path) -> None:
    def mutate(files: dict[str, Any]) -> None:
        files["players/all.yaml"]["players"][1]["strengths"][0].pop("products", None)

    (msg,) = problems(tmp_path, mutate)
    assert msg.startswith("players[1].strengths[0]: stage 'film' has several products")
    assert "products: film, salt" in msg


def test_unknown_products_and_unattached_facts_are_located(tmp_path: Path) -> None:
    def mutate(files: dict[str, Any]) -> None:
        files["players/all.yaml"]["players"][1]["strengths"][0]["products"] = {"flim": 2}
        stage = files["sectors/widgets.yaml"]["stages"][1]
        stage["context"] = {
            "import_shares": [
                share("KR", "JP", 0.5, 2024),
                share("KR", "KR", 0.5, 2024, hs_codes=["8507"]),
            ]
        }

    msgs = problems(tmp_path, mutate)
    assert any(
        m.startswith("players[1].strengths[0].products.flim: unknown product 'flim'")
        and "did you mean 'film'?" in m
        for m in msgs
    )
    assert any(
        m.startswith("stages[1].context.import_shares[0]: a fact names the products") for m in msgs
    )
    assert any("HS code '8507' matches no product at 'film'" in m for m in msgs)
    assert any("a country does not import from itself" in m for m in msgs)


def test_an_absence_declared_twice_or_unsourced_is_located(tmp_path: Path) -> None:
    def mutate(files: dict[str, Any]) -> None:
        tools = files["sectors/widgets.yaml"]["stages"][2]["products"][0]
        tools["absent"] = [no_maker("KR", 2024), {**no_maker("KR", 2023), "source": {"year": 2023}}]

    msgs = problems(tmp_path, mutate)
    assert any(
        m.startswith("stages[2].products[0].absent[1].country: KR is declared absent twice")
        for m in msgs
    )
    assert any(
        m.startswith("stages[2].products[0].absent[1].source: a source needs a publisher")
        for m in msgs
    )


def test_format_1_keys_say_where_they_went(tmp_path: Path) -> None:
    def mutate(files: dict[str, Any]) -> None:
        files["sectors/widgets.yaml"]["stages"][0]["context"] = {"japan_import_share": []}

    (msg,) = problems(tmp_path, mutate)
    assert "data format 2 replaced it with import_shares" in msg


def test_a_tie_with_the_buyers_peer_gives_peer_credit(tmp_path: Path) -> None:
    """jp-filmco supplies kr-cellco (the tiny data's tie); kr-cellco-two makes cells too."""
    twin = [player("kr-cellco-two", "KR", strength("cells", 4))]
    ds = build(tmp_path, players=twin)
    p = pair(ds, "kr-cellco-two", "jp-filmco")
    assert p is not None and p.best.components["novelty"] == 1.0
    assert p.best.components["peer"] == pytest.approx(0.5 ** (1 / 8), abs=1e-4)
    assert any("another maker of Cells" in r for r in p.best.reasons)
    (e,) = [e for e in p.best.evidence if e.component == "peer"]
    assert e.kind == "tie" and e.product == "cells"
    # the pair's own tie is `relationship`, never `peer`
    own = pair(ds, "kr-cellco", "jp-filmco")
    assert own is not None and own.best.components["peer"] == 0.0


def test_as_of_a_past_year_leaves_out_ties_and_facts_reported_later(tmp_path: Path) -> None:
    """`--as-of 2015` asks how the chain looked then: a 2024 tie and a 2020 import share
    were not known, so they count nothing (ageing alone would count them as current)."""
    later = share("KR", "JP", 0.9, 2020, products=["film"])
    deal = {
        "id": "film-deal",
        "korea": "kr-cellco",
        "japan": "jp-filmco",
        "sectors": ["widgets"],
        "type": "supply",
        "year": 2024,
        "status": "active",
        "summary": "A film deal.",
        "sources": [SRC],
    }
    ds = build(tmp_path, facts={"import_shares": [later]}, ties=[deal])
    now = pair(ds, "kr-cellco", "jp-filmco")
    then = pair(ds, "kr-cellco", "jp-filmco", as_of=2015)
    assert now is not None and then is not None
    assert now.best.components["relationship"] > 0 and now.relationships
    assert then.best.components["relationship"] == 0 and not then.relationships
    assert then.best.components["novelty"] == 1.0  # the deal was not yet known
    assert not [e for e in then.best.evidence if e.year > 2015]
    assert [e for e in now.best.evidence if e.component == "gap" and e.year == 2020]
    (explained,) = explain(ds, "kr-cellco", "jp-filmco", as_of=2015)
    assert explained.score == then.score
    fast = match(ds, "widgets", top=3, as_of=2015)
    full = match(ds, "widgets", top=None, exhaustive=True, as_of=2015)
    assert [(q.korea.id, q.japan.id, q.score) for q in fast.pairings] == [
        (q.korea.id, q.japan.id, q.score) for q in full.pairings[:3]
    ]


def test_as_of_a_past_year_sees_a_tie_that_ended_later_as_active(tmp_path: Path) -> None:
    """A tie that began in 2010 and ended in 2024 was simply active in 2015, confirmed in its
    start year: neither its end nor a 2022 confirmation was known then."""
    tie = {
        "id": "film-deal",
        "korea": "kr-cellco",
        "japan": "jp-filmco",
        "sectors": ["widgets"],
        "type": "supply",
        "year": 2010,
        "status": "ended",
        "ended": 2024,
        "last_confirmed": 2022,
        "summary": "A film deal.",
        "sources": [SRC],
    }
    ds = build(tmp_path, ties=[tie])
    now = pair(ds, "kr-cellco", "jp-filmco")
    then = pair(ds, "kr-cellco", "jp-filmco", as_of=2015)
    assert now is not None and then is not None
    (r_now,) = [r for r in now.relationships if r.id == "film-deal"]
    (r_then,) = [r for r in then.relationships if r.id == "film-deal"]
    assert r_now.status == "ended" and r_then.status == "active"
    assert r_then.ended is None and r_then.last_confirmed is None
    (e,) = [
        e for e in then.best.evidence if e.component == "relationship" and "film-deal" in e.text
    ]
    assert e.year == 2010 and "active" in e.text and "ended" not in e.text


def test_reported_talks_make_a_pair_known_but_count_nowhere(tmp_path: Path) -> None:
    """Talks without an agreement: no horizontal link, no relationship or peer credit,
    yet the pair is not new, and the reason says why the record is not counted."""
    talks = jv("kr-saltco", "jp-saltco", type="talks", status="announced")
    ds = build(tmp_path / "t", players=SALT_MAKERS, ties=[talks])
    rivals = pair(build(tmp_path / "r", players=SALT_MAKERS), "kr-saltco", "jp-saltco")
    p = pair(ds, "kr-saltco", "jp-saltco")
    assert p is not None and rivals is not None
    assert p.best.direction == "same-stage" and p.best.components["relationship"] == 0
    assert pair(ds, "kr-saltco", "jp-saltco", directions=["horizontal"]) is None
    assert any(r.startswith("Talks reported (announced 2024)") for r in p.best.reasons)
    assert p.best.components["novelty"] == 0 < rivals.best.components["novelty"]
    assert pair(ds, "kr-saltco", "jp-saltco", new_only=True) is None


def test_a_novelty_only_tie_makes_a_pair_known_but_counts_nowhere(tmp_path: Path) -> None:
    """A signed deal about other business (a coal-plant turbine order filed with hydrogen
    turbines): the pair is not new, but the deal adds no relationship credit, and the
    reason says why (QA rounds 7 and 8)."""
    deal = jv("kr-cellco", "jp-oreco", type="supply", novelty_only=True)
    counted = pair(build(tmp_path / "c", ties=[jv("kr-cellco", "jp-oreco", type="supply")]),
                   "kr-cellco", "jp-oreco")  # fmt: skip
    ds = build(tmp_path / "n", ties=[deal])
    p = pair(ds, "kr-cellco", "jp-oreco")
    assert p is not None and counted is not None
    assert counted.best.components["relationship"] > 0
    assert p.best.components["relationship"] == 0 and p.best.components["novelty"] == 0
    assert pair(ds, "kr-cellco", "jp-oreco", new_only=True) is None
    assert any(r.startswith("Documented tie that vouches for no link") for r in p.best.reasons)


def test_a_tie_not_counted_says_which_side_rules_it_out(tmp_path: Path) -> None:
    """A film deal naming the Korean firm's cells-side product elsewhere: the reason names
    what the tie concerns for that firm, not the link's own product."""
    deal = jv("kr-duoco", "jp-filmco", type="supply", products=["salt", "film"])
    duoco = player("kr-duoco", "KR", strength("cells", 5), with_products("film", 3, {"salt": 3}))
    ds = build(tmp_path, players=[duoco], ties=[deal])
    p = pair(ds, "kr-duoco", "jp-filmco")
    assert p is not None
    link = next(k for k in p.links if k.korea_product.id == "cells")
    why = [r for r in link.reasons if r.startswith("Documented tie")]
    assert len(why) == 1
    assert "(for " in why[0] and "it concerns Salt, not Cells)" in why[0]


def test_why_unlinked_names_the_rule_that_cut_each_supply(tmp_path: Path) -> None:
    from kjmatch.scoring.empty import no_link, why_unlinked

    ds = build(tmp_path, local=frozenset({"cells"}))
    assert pair(ds, "kr-cellco", "jp-carco") is None  # cells are sold only where made
    assert why_unlinked(ds, "kr-cellco", "jp-carco", ["widgets"]) == [
        "Cells (Kr Cellco) → Cars (Jp Carco): it is sold only where it is made (tradable: false)"
    ]
    assert no_link(ds, "kr-cellco", "jp-carco", None).startswith(
        "kr-cellco and jp-carco have no linked products in any shared sector\n  Cells"
    )
    assert why_unlinked(ds, "kr-filmco", "jp-toolco", ["widgets"]) == []  # simply unlinked


def test_why_unlinked_names_a_step_the_whole_input_rule_cut(tmp_path: Path) -> None:
    from kjmatch.scoring.empty import why_unlinked

    ds = build(tmp_path, whole=frozenset({"cars"}))  # cars take cells whole, not their film
    assert pair(ds, "kr-filmco", "jp-carco") is None
    assert why_unlinked(ds, "kr-filmco", "jp-carco", ["widgets"]) == [
        "Film (Kr Filmco) → Cars (Jp Carco): two steps apart, and the buyer's product takes "
        "its inputs whole (whole_inputs), not what they are made of"
    ]

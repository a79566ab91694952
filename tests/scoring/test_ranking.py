"""The matcher's rules, on the tiny chain and on random datasets (hypothesis)."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path
from typing import Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kjmatch.loader import load_dataset
from kjmatch.model import (
    Absence,
    Complement,
    Dataset,
    ExportControl,
    ImportShare,
    Player,
    Product,
    Relationship,
    Source,
    StageContext,
    Strength,
)
from kjmatch.scoring.ranking import MatchResult, match
from kjmatch.weights import WeightError, default_weights, names, resolve_weights

SRC = Source(publisher="P", year=2024)
STAGES = ["ore", "film", "tools", "cells", "cars"]


@pytest.fixture
def ds(tiny: Path) -> Dataset:
    return load_dataset(tiny)


def _pair(result, korea: str, japan: str):  # type: ignore[no-untyped-def]
    return next((p for p in result.pairings if p.korea.id == korea and p.japan.id == japan), None)


def test_direct_input_outranks_unrelated_and_two_hop(ds: Dataset) -> None:
    r = match(ds, "widgets", top=None)
    direct = _pair(r, "kr-cellco", "jp-filmco")
    assert direct is not None and direct.best.direction == "jp-to-kr" and direct.best.hops == 1
    # ore feeds cells only through film: two hops; ore → cars is three and is no pairing at all
    two_hop = _pair(r, "kr-cellco", "jp-oreco")
    assert two_hop is not None and two_hop.best.hops == 2
    assert _pair(r, "kr-carco", "jp-oreco") is None
    assert direct.score > two_hop.score
    assert direct.rank == 1


def test_both_directions_are_found(ds: Dataset) -> None:
    r = match(ds, "widgets", top=None)
    kr_to_jp = _pair(r, "kr-cellco", "jp-carco")
    assert kr_to_jp is not None and kr_to_jp.best.direction == "kr-to-jp"
    only = match(ds, "widgets", top=None, directions=["kr-to-jp"])
    assert {p.best.direction for p in only.pairings} == {"kr-to-jp"}


def test_same_stage_rivals_rank_below_complementary_pairs(ds: Dataset) -> None:
    r = match(ds, "widgets", top=None)
    rival = _pair(r, "kr-cellco", "jp-cellco")
    assert rival is not None and rival.best.direction == "same-stage" and rival.best.hops == 0
    complementary = [p for p in r.pairings if p.best.direction != "same-stage" and p.best.hops == 1]
    assert complementary and all(rival.score < p.score for p in complementary)


def test_known_relationship_is_attached_and_counted(ds: Dataset) -> None:
    p = _pair(match(ds, "widgets", top=None), "kr-cellco", "jp-filmco")
    assert p is not None
    assert [r.id for r in p.relationships] == ["cellco-filmco-supply"]
    # an active tie from 2023, one year before the data's newest year: aged by one year
    assert p.best.components["relationship"] == pytest.approx(0.5 ** (1 / 8), abs=1e-4)
    assert p.best.components["novelty"] == 0.0


def test_contributions_add_up_to_score(ds: Dataset) -> None:
    for p in match(ds, "widgets", top=None).pairings:
        for link in p.links:
            assert sum(link.contributions.values()) == pytest.approx(link.score, abs=1e-9)


def test_weights_are_checked() -> None:
    with pytest.raises(WeightError, match="valid weights: fit, strength"):
        resolve_weights({"fitt": 1})
    with pytest.raises(WeightError, match="from 0 to 100"):
        resolve_weights({"fit": -1})
    with pytest.raises(WeightError, match="above zero"):
        resolve_weights(dict.fromkeys(names(), 0))
    assert resolve_weights({}) == default_weights()


def test_raising_a_weight_moves_pairs_strong_in_it_up(ds: Dataset) -> None:
    base = match(ds, "widgets", top=None)
    tilted = match(ds, "widgets", top=None, weights={"relationship": 5.0})
    before = _pair(base, "kr-cellco", "jp-filmco")
    after = _pair(tilted, "kr-cellco", "jp-filmco")
    assert before is not None and after is not None
    assert after.rank <= before.rank and after.score > before.score


# ---------------------------------------------------------------- random datasets

from conftest import SECTOR  # noqa: E402
from kjmatch.validation import adapter  # noqa: E402

SECTOR_OBJ = adapter("sectors").validate_python(SECTOR)


CONTROL_STATUS: list[Literal["in_force", "suspended", "lifted"]] = [
    "in_force",
    "suspended",
    "lifted",
]
IMPORTERS: list[Literal["KR", "JP"]] = ["KR", "JP"]
STATUSES: list[Literal["announced", "active", "completed", "suspended", "ended"]] = [
    "announced",
    "active",
    "completed",
    "suspended",
    "ended",
]
# the film stage holds two products: film feeds cells, salt does not (and is complementary)
FILM_PRODUCTS = (
    Product(id="film", name=SECTOR_OBJ.stages[1].products[0].name, hs_codes=("3920.10",)),
    Product(
        id="salt", name=SECTOR_OBJ.stages[1].products[0].name, hs_codes=("2826.90",), inputs=()
    ),
)


@st.composite
def contexts(draw: st.DrawFn, products: tuple[str, ...]) -> StageContext:
    """Dated facts of both importing countries, each about one of the stage's products."""
    prods = st.sampled_from(products).map(lambda p: (p,))
    years = st.integers(2010, 2025)
    return StageContext(
        import_shares=tuple(
            ImportShare(
                importer=imp, partner=par, value=v, products=pr, item=f"i{n}", year=y, source=SRC
            )
            for n, (imp, par, v, pr, y) in enumerate(
                draw(
                    st.lists(
                        st.tuples(
                            st.sampled_from(IMPORTERS),
                            st.sampled_from(["KR", "JP", "CN", "US"]),
                            st.floats(0, 1),
                            prods,
                            years,
                        ).filter(lambda t: t[0] != t[1]),
                        max_size=3,
                    )
                )
            )
        ),
        export_controls=tuple(
            ExportControl(imposed_by=c, products=pr, item="x", year=y, status=status, source=SRC)
            for c, pr, y, status in draw(
                st.lists(
                    st.tuples(
                        st.sampled_from(["CN", "JP", "KR"]),
                        prods,
                        years,
                        st.sampled_from(CONTROL_STATUS),
                    ),
                    max_size=2,
                )
            )
        ),
    )


@st.composite
def datasets(draw: st.DrawFn) -> Dataset:
    """Random players with product levels, ties of every status and kind (horizontal too),
    facts of both countries, complements, ageing, products that cannot be traded, that
    resell their inputs or that take them whole, products a firm makes for its own use,
    and documented absences, on the tiny chain."""
    stages = []
    local = draw(st.sets(st.sampled_from(["ore", "film", "cells"]), max_size=2))
    # some products resell their inputs (offtakers): their makers' own make does not count
    resells = draw(st.sets(st.sampled_from(["film", "cells", "cars"]), min_size=1, max_size=2))
    # some take their inputs whole (recyclers): nothing links to them from two steps up
    whole = draw(st.sets(st.sampled_from(["cells", "cars"]), max_size=1))
    for st_ in SECTOR_OBJ.stages:
        if st_.id == "film":
            st_ = dataclasses.replace(st_, products=FILM_PRODUCTS)
        # some products are sold only where they are made (no cross-border supply), and
        # some have a documented absence of makers in a country (dated, so it ages)
        st_ = dataclasses.replace(
            st_,
            products=tuple(
                dataclasses.replace(
                    p,
                    tradable=p.id not in local,
                    resells=p.id in resells,
                    whole_inputs=p.id in whole,
                    absent=tuple(
                        Absence(country=c, year=y, note="n", source=SRC)
                        for c, y in draw(
                            st.lists(
                                st.tuples(st.sampled_from(IMPORTERS), st.integers(2010, 2025)),
                                max_size=1,
                            )
                        )
                    ),
                )
                for p in st_.products
            ),
        )
        ids = tuple(p.id for p in st_.products)
        stages.append(dataclasses.replace(st_, context=draw(contexts(ids))))
    declared = draw(
        st.sets(st.sampled_from([("film", "salt"), ("salt", "salt"), ("film", "film")]))
    )
    complements = tuple(Complement(products=c, reason="r", source=SRC) for c in sorted(declared))
    sector = dataclasses.replace(SECTOR_OBJ, stages=tuple(stages), complements=complements)
    products = {st_.id: [p.id for p in st_.products] for st_ in stages}
    players: dict[str, Player] = {}
    for country in ("KR", "JP"):
        for i in range(draw(st.integers(1, 5))):
            at = draw(st.lists(st.sampled_from(STAGES), min_size=1, max_size=3, unique=True))
            strengths = []
            for s in at:
                own = draw(
                    st.lists(st.sampled_from(products[s]), min_size=1, max_size=2, unique=True)
                )
                levels = {p: draw(st.integers(1, 5)) for p in own}
                # some products are made for the firm's own use only, some sold at home
                # only: neither supplies the other country
                limit = {p: draw(st.integers(0, 5)) for p in own}
                captive = tuple(p for p in own if limit[p] == 0)
                home = tuple(p for p in own if limit[p] == 1)
                strengths.append(
                    Strength(
                        sector="widgets",
                        stage=s,
                        level=max(levels.values()),
                        products=levels,
                        captive=captive,
                        home_market=home,
                        note="n",
                        as_of=2024,
                        sources=(SRC,),
                    )
                )
            pid = f"{country.lower()}-{i}"
            players[pid] = Player(
                id=pid, name=pid, native_name=pid, country=country, strengths=tuple(strengths)
            )
    kr = [p for p in players if p.startswith("kr")]
    jp = [p for p in players if p.startswith("jp")]
    rels = []
    for n in range(draw(st.integers(0, 4))):
        status = draw(st.sampled_from(STATUSES))
        rels.append(
            Relationship(
                id=f"r{n}",
                korea=draw(st.sampled_from(kr)),
                japan=draw(st.sampled_from(jp)),
                sectors=draw(st.sampled_from([("widgets",), ("elsewhere",)])),
                products=draw(
                    st.sampled_from(
                        [(), ("film",), ("cells",), ("film", "cells"), ("cells", "cars")]
                    )
                ),
                type=draw(st.sampled_from(["supply", "jv", "rnd", "joint_procurement", "talks"])),
                year=draw(st.integers(2005, 2024)),
                status=status,
                ended=2024 if status == "ended" else None,
                last_confirmed=draw(st.sampled_from([None, 2025])),
                summary="s",
                sources=(SRC,),
                novelty_only=draw(st.booleans()),
            )
        )
    return Dataset(
        sectors={"widgets": sector},
        players=players,
        relationships=tuple(rels),
        scenarios={},
        as_of=draw(st.integers(2024, 2030)),
    )


weights_st = st.fixed_dictionaries({c: st.floats(0, 10, allow_nan=False) for c in names()}).filter(
    lambda w: any(v > 0 for v in w.values())
)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(datasets(), weights_st)
def test_scores_in_range_sorted_and_ranked(d: Dataset, w: dict[str, float]) -> None:
    r = match(d, "widgets", weights=w, top=None)
    scores = [p.score for p in r.pairings]
    assert all(0 <= s <= 100 for s in scores)
    keys = [p.order() for p in r.pairings]
    assert keys == sorted(keys)
    # competition ranks: a shared score shares the first position's rank
    for p in r.pairings:
        first = next(j for j, q in enumerate(r.pairings) if q.score == p.score)
        assert p.rank == first + 1
        assert p.shared_rank == (sum(q.score == p.score for q in r.pairings) > 1)


@FAST
@given(datasets(), st.randoms(use_true_random=False))
def test_order_is_deterministic(d: Dataset, rnd: random.Random) -> None:
    items = list(d.players.items())
    rnd.shuffle(items)
    shuffled = dataclasses.replace(
        d,
        players=dict(items),
        relationships=tuple(rnd.sample(d.relationships, len(d.relationships))),
    )
    a = [(p.korea.id, p.japan.id, p.score) for p in match(d, "widgets", top=None).pairings]
    b = [(p.korea.id, p.japan.id, p.score) for p in match(shuffled, "widgets", top=None).pairings]
    assert a == b


@FAST
@given(datasets(), st.data())
def test_higher_strength_never_lowers_a_links_score(d: Dataset, data: st.DataObject) -> None:
    """Raising a firm's level at a product never lowers any link at that product. (It may
    lower another link's gap: a buyer that makes the supplier's product in-house.)"""

    def links(ds: Dataset) -> dict[tuple[str, str, str, str, str], tuple[float, int, int]]:
        return {
            (p.korea.id, p.japan.id, x.direction, x.korea_product.id, x.japan_product.id): (
                x.score,
                x.korea_level,
                x.japan_level,
            )
            for p in match(ds, "widgets", top=None).pairings
            for x in p.links
        }

    before = links(d)
    pid = data.draw(st.sampled_from(sorted(d.players)))
    player = d.players[pid]
    i = data.draw(st.integers(0, len(player.strengths) - 1))
    s = player.strengths[i]
    prod = data.draw(st.sampled_from(sorted(s.products)))
    raised = dataclasses.replace(s, products={**s.products, prod: min(5, s.products[prod] + 1)})
    new_player = dataclasses.replace(
        player, strengths=(*player.strengths[:i], raised, *player.strengths[i + 1 :])
    )
    d2 = dataclasses.replace(d, players={**d.players, pid: new_player})
    after = links(d2)
    side = 0 if player.country == "KR" else 1
    for key, (score, *_) in before.items():
        if key[side] == pid and key[3 + side] == prod:
            assert after[key][0] >= score - 1e-9


@FAST
@given(datasets(), weights_st, st.integers(1, 12), st.sampled_from([0.0, 30.0, 60.0]), st.data())
def test_fast_top_n_equals_exhaustive(
    d: Dataset, w: dict[str, float], top: int, floor: float, data: st.DataObject
) -> None:
    dirs = data.draw(
        st.sampled_from(
            [
                ("jp-to-kr", "kr-to-jp", "horizontal", "same-stage"),
                ("jp-to-kr",),
                ("kr-to-jp", "same-stage"),
                ("horizontal",),
            ]
        )
    )
    new_only = data.draw(st.booleans())
    beyond = data.draw(st.booleans())
    korea = data.draw(st.sampled_from([None, ["kr-0"], ["kr-0", "kr-1"]]))
    fast, slow = (
        match(
            d,
            "widgets",
            weights=w,
            top=top,
            min_score=floor,
            directions=dirs,
            new_only=new_only,
            beyond_leaders=beyond,
            korea=korea,
            exhaustive=exhaustive,
        )
        for exhaustive in (False, True)
    )

    def key(r: MatchResult) -> list[tuple[object, ...]]:
        return [
            (
                p.rank,
                p.shared_rank,
                p.position,
                p.korea.id,
                p.japan.id,
                p.score,
                p.best.korea_product.id,
                p.best.japan_product.id,
                p.best.reasons,
                p.best.evidence,
            )
            for p in r.pairings
        ]

    assert key(fast) == key(slow)
    assert fast.candidates == slow.candidates
    # pairs --top cut off that share the last shown score: counted from the stream alone
    assert fast.more_tied == slow.more_tied
    if new_only:
        tied = {(r.korea, r.japan) for r in d.relationships}
        assert not any((p.korea.id, p.japan.id) in tied for p in fast.pairings)
    if beyond:
        leaders = {
            p.id
            for p in d.players.values()
            for s in p.strengths
            if s.sector == "widgets" and 5 in s.products.values()
        }
        assert not any(p.korea.id in leaders and p.japan.id in leaders for p in fast.pairings)

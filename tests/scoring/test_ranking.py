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
    Dataset,
    ExportControl,
    ImportShare,
    Player,
    Relationship,
    Source,
    StageContext,
    Strength,
    ThirdCountryShare,
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
    assert p.best.components["relationship"] == 1.0 and p.best.components["novelty"] == 0.0


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


CONTROL_STATUS: list[Literal["in_force", "lifted"]] = ["in_force", "lifted"]
WORDS = ["film", "ore", "coating", "cells", "salt"]  # tags, notes and fact items share these


@st.composite
def contexts(draw: st.DrawFn) -> StageContext:
    """Stage facts whose items may or may not concern a supplier's tags or note."""
    item = st.sampled_from(WORDS)
    return StageContext(
        japan_import_share=tuple(
            ImportShare(value=v, item=i, year=y, source=SRC)
            for v, i, y in draw(
                st.lists(st.tuples(st.floats(0, 1), item, st.integers(2015, 2025)), max_size=2)
            )
        ),
        third_country_import_share=tuple(
            ThirdCountryShare(value=v, item=i, year=y, source=SRC, country=c)
            for v, i, y, c in draw(
                st.lists(
                    st.tuples(
                        st.floats(0, 1),
                        item,
                        st.integers(2015, 2025),
                        st.sampled_from(["CN", "US"]),
                    ),
                    max_size=2,
                )
            )
        ),
        export_controls=tuple(
            ExportControl(imposed_by=c, item=i, year=2023, status=status, source=SRC)
            for c, i, status in draw(
                st.lists(
                    st.tuples(
                        st.sampled_from(["CN", "JP", "KR"]),
                        item,
                        st.sampled_from(CONTROL_STATUS),
                    ),
                    max_size=2,
                )
            )
        ),
    )


@st.composite
def datasets(draw: st.DrawFn) -> Dataset:
    """Random players, ties, tags, notes and stage context on the tiny chain."""
    stages = tuple(dataclasses.replace(st_, context=draw(contexts())) for st_ in SECTOR_OBJ.stages)
    sector = dataclasses.replace(SECTOR_OBJ, stages=stages)
    players: dict[str, Player] = {}
    for country in ("KR", "JP"):
        for i in range(draw(st.integers(1, 5))):
            at = draw(st.lists(st.sampled_from(STAGES), min_size=1, max_size=3, unique=True))
            strengths = tuple(
                Strength(
                    sector="widgets",
                    stage=s,
                    level=draw(st.integers(1, 5)),
                    tags=tuple(draw(st.lists(st.sampled_from(WORDS), max_size=2))),
                    note=draw(st.sampled_from(["n", *WORDS])),
                    as_of=2024,
                    sources=(SRC,),
                )
                for s in at
            )
            pid = f"{country.lower()}-{i}"
            players[pid] = Player(
                id=pid, name=pid, native_name=pid, country=country, strengths=strengths
            )
    kr = [p for p in players if p.startswith("kr")]
    jp = [p for p in players if p.startswith("jp")]
    rels = []
    for n in range(draw(st.integers(0, 3))):
        rels.append(
            Relationship(
                id=f"r{n}",
                korea=draw(st.sampled_from(kr)),
                japan=draw(st.sampled_from(jp)),
                sector="widgets",
                type="supply",
                year=2020,
                status=draw(st.sampled_from(["announced", "active", "ended"])),
                ended=2024,
                summary="s",
                sources=(SRC,),
            )
        )
    return Dataset(
        sectors={"widgets": sector}, players=players, relationships=tuple(rels), scenarios={}
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
    keys = [(-p.score, p.korea.id, p.japan.id) for p in r.pairings]
    assert keys == sorted(keys)
    assert [p.rank for p in r.pairings] == list(range(1, len(r.pairings) + 1))


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
def test_higher_strength_never_lowers_a_pairs_score(d: Dataset, data: st.DataObject) -> None:
    before = {(p.korea.id, p.japan.id): p.score for p in match(d, "widgets", top=None).pairings}
    pid = data.draw(st.sampled_from(sorted(d.players)))
    player = d.players[pid]
    i = data.draw(st.integers(0, len(player.strengths) - 1))
    s = player.strengths[i]
    raised = dataclasses.replace(s, level=min(5, s.level + 1))
    new_player = dataclasses.replace(
        player, strengths=(*player.strengths[:i], raised, *player.strengths[i + 1 :])
    )
    d2 = dataclasses.replace(d, players={**d.players, pid: new_player})
    after = {(p.korea.id, p.japan.id): p.score for p in match(d2, "widgets", top=None).pairings}
    for key, score in before.items():
        if pid in key:
            assert after[key] >= score - 1e-9


@FAST
@given(datasets(), weights_st, st.integers(1, 12), st.sampled_from([0.0, 30.0, 60.0]), st.data())
def test_fast_top_n_equals_exhaustive(
    d: Dataset, w: dict[str, float], top: int, floor: float, data: st.DataObject
) -> None:
    dirs = data.draw(
        st.sampled_from(
            [("jp-to-kr", "kr-to-jp", "same-stage"), ("jp-to-kr",), ("kr-to-jp", "same-stage")]
        )
    )
    fast = match(d, "widgets", weights=w, top=top, min_score=floor, directions=dirs)
    slow = match(
        d, "widgets", weights=w, top=top, min_score=floor, directions=dirs, exhaustive=True
    )

    def key(r: MatchResult) -> list[tuple[object, ...]]:
        return [
            (
                p.rank,
                p.korea.id,
                p.japan.id,
                p.score,
                p.best.korea_stage.id,
                p.best.japan_stage.id,
                p.best.reasons,
            )
            for p in r.pairings
        ]

    assert key(fast) == key(slow)
    assert fast.candidates == slow.candidates

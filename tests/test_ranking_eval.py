"""The evaluation's paired comparison (benchmarks/ranking_eval.py): places and intervals."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kjmatch.model import Dataset

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import ranking_eval as ev


def test_percentiles_put_equal_scores_at_their_mid_rank() -> None:
    ranked = [(("a", "x"), 90.0), (("b", "x"), 80.0), (("c", "x"), 80.0), (("d", "x"), 10.0)]
    places = ev.percentiles(ranked, {("a", "x"), ("c", "x"), ("d", "x")})
    assert places == {("a", "x"): 0.0, ("c", "x"): pytest.approx(0.5), ("d", "x"): 1.0}


def test_paired_interval_tells_a_margin_from_noise() -> None:
    pairs = [(str(i), "x") for i in range(12)]
    better = ev.paired(dict.fromkeys(pairs, 0.1), dict.fromkeys(pairs, 0.5))
    assert better["matcher_higher"] == 12 and better["levels_higher"] == 0
    assert better["interval90"][0] > 0  # a margin for the matcher
    mixed = ev.paired(
        {p: 0.1 if i % 2 else 0.6 for i, p in enumerate(pairs)},
        {p: 0.6 if i % 2 else 0.1 for i, p in enumerate(pairs)},
    )
    lo, hi = mixed["interval90"]
    assert lo < 0 < hi  # half better, half worse: no margin
    assert ev.paired({}, {}) == {"pairs": 0}


def test_not_obvious_drops_only_pairs_of_two_leaders(bundled: Dataset) -> None:
    top = ev.leaders(bundled, "semiconductors")
    assert {"samsung-electronics", "sk-hynix", "tokyo-electron"} <= top
    ranked = ev.ranking(bundled, "semiconductors", None)
    kept = ev.not_obvious(ranked, top)
    dropped = [pair for pair, _ in ranked if (pair, _) not in kept]
    assert dropped and all(k in top and j in top for k, j in dropped)
    assert all(not (k in top and j in top) for (k, j), _ in kept)
    assert [s for _, s in kept] == sorted((s for _, s in kept), reverse=True)  # order kept


def test_leave_one_out_hides_only_that_pairs_ties(bundled: Dataset) -> None:
    pair = ("kogas", "jera")
    [(got, ranked)] = ev.one_out(bundled, "ammonia", {pair}, None)
    as_is, alone = dict(ev.ranking(bundled, "ammonia", None)), dict(ranked)
    assert got == pair and alone[pair] < as_is[pair]  # its ties are gone
    other = ("hd-hyundai-heavy", "mol")  # tied too, but not the one left out
    assert any((r.korea, r.japan) == other for r in bundled.relationships)
    assert alone[other] == as_is[other]


def test_partners_above_rivals_counts_label_pairs_ordered_right() -> None:
    ranked = [(("p1", "x"), 9.0), (("r1", "x"), 8.0), (("p2", "x"), 7.0), (("r2", "x"), 7.0)]
    # p1 beats both rivals, p2 beats r1? no (below it); p2 and r2 tie: a half
    got = ev.partners_above_rivals(ranked, {("p1", "x"), ("p2", "x")}, {("r1", "x"), ("r2", "x")})
    assert got == pytest.approx((1 + 1 + 0 + 0.5) / 4, abs=1e-3)
    # a pair labelled both ways is left out of both sides; no rivals: no figure
    both = ev.partners_above_rivals(ranked, {("p1", "x"), ("r1", "x")}, {("r1", "x")})
    assert both is None
    assert ev.partners_above_rivals(ranked, {("p1", "x")}, set()) is None


def test_new_pairs_only_drops_known_ties_but_keeps_the_pair_left_out(bundled: Dataset) -> None:
    known = ev.tied_pairs(bundled)
    pair, other = ("kogas", "jera"), ("hd-hyundai-heavy", "mol")
    assert {pair, other} <= known
    ranked = ev.ranking(bundled, "ammonia", None)
    fresh = ev.new_only(ranked, known)
    assert fresh and not {p for p, _ in fresh} & known
    assert [s for _, s in fresh] == sorted((s for _, s in fresh), reverse=True)
    # leave one out: only the pair's own ties are gone, so it is a candidate and its
    # tied neighbour is not
    [(_, one)] = ev.one_out(bundled, "ammonia", {pair}, None)
    kept = {p for p, _ in ev.new_only(one, known - {pair})}
    assert pair in kept and other not in kept


def test_relation_kinds_come_from_labels_and_ties_and_trade_wins(bundled: Dataset) -> None:
    mine = [
        {"korea": "a", "japan": "x", "label": "positive", "relation": "jv"},
        {"korea": "a", "japan": "x", "label": "positive", "relation": "supply"},
        {"korea": "b", "japan": "x", "label": "positive", "relation": "licence"},
        {"korea": "c", "japan": "x", "label": "rival", "relation": "rival"},
    ]
    kinds = ev.relation_kinds(bundled, "ammonia", mine)
    assert kinds[("a", "x")] == "trade" and kinds[("b", "x")] == "cooperation"
    assert ("c", "x") not in kinds  # rivals are not wanted pairs
    # the sector's own ties count too: KOGAS × JERA hold a joint-procurement MoU
    assert kinds[("kogas", "jera")] == "cooperation"
    assert kinds[("hd-hyundai-heavy", "mol")] == "trade"


def test_rule_bound_pairs_are_rivals_once_their_own_tie_is_hidden(bundled: Dataset) -> None:
    hynix_kioxia, soulbrain_daikin = ("sk-hynix", "kioxia"), ("soulbrain", "daikin")
    hidden = ev.without_ties(
        bundled,
        (
            r
            for r in bundled.relationships
            if (r.korea, r.japan) in {hynix_kioxia, soulbrain_daikin}
        ),
    )
    bound = ev.rule_bound(hidden, "semiconductors")
    # NAND makers with no tie are rivals; a buyer making the HF it would buy is one too
    assert {hynix_kioxia, soulbrain_daikin} <= bound
    assert ("sk-hynix", "tokyo-ohka-kogyo") not in bound  # a resist supplier: a supply link
    # with their documented cooperation in place, SK hynix and Kioxia are a horizontal link
    assert hynix_kioxia not in ev.rule_bound(bundled, "semiconductors")
    places = {hynix_kioxia: 0.9, ("sk-hynix", "tokyo-ohka-kogyo"): 0.1}
    assert ev.free_of(places, bound) == {("sk-hynix", "tokyo-ohka-kogyo"): 0.1}


def test_the_backtest_hides_reported_talks_but_does_not_ask_for_them(bundled: Dataset) -> None:
    talks = [r for r in bundled.relationships if r.type == "talks" and r.year >= 2023]
    assert talks  # Hyundai × Toyota's hydrogen talks
    for r in talks:
        for sector in r.sectors:
            _, _, held, back = ev.held_out(bundled, sector, [])
            assert (r.korea, r.japan) not in held  # no deal to predict
            assert r.id not in {x.id for x in back.relationships}  # but unknown in 2022
    recent = next(r for r in bundled.relationships if r.year >= 2023 and r.type == "supply")
    _, _, held, _ = ev.held_out(bundled, recent.sectors[0], [])
    assert (recent.korea, recent.japan) in held

"""Stability sampling: the fast analysis equals re-ranking every sample in full, and a
filtered list's rank ranges are the sector's."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

import pytest

from kjmatch.model import Dataset
from kjmatch.scoring.ranking import Pairing, StabilityRequest, match
from kjmatch.scoring.stability import analyse
from kjmatch.weights import combine, default_weights


def _reference(
    ranked: Sequence[Pairing], weights: Mapping[str, float], top: int, samples: int, seed: int
) -> dict[tuple[str, str], tuple[float, int, int]]:
    """Every sample re-scores every link and sorts every pair: the plain definition."""
    rng = random.Random(seed)
    keys = [(p.korea.id, p.japan.id) for p in ranked]
    lo = {k: p.rank for k, p in zip(keys, ranked, strict=True)}
    hi, in_top = dict(lo), dict.fromkeys(keys, 0)
    for _ in range(samples):
        w = {c: v * (1 + rng.uniform(-0.2, 0.2)) for c, v in weights.items()}
        scores = {
            k: max(combine(link.components, w)[1] for link in p.links)
            for k, p in zip(keys, ranked, strict=True)
        }
        for k in keys:
            rank = 1 + sum(s > scores[k] for s in scores.values())
            lo[k], hi[k] = min(lo[k], rank), max(hi[k], rank)
            in_top[k] += rank <= top
    return {k: (round(in_top[k] / samples, 4), lo[k], hi[k]) for k in keys}


@pytest.mark.parametrize("sector", ["batteries", "hydrogen"])
def test_fast_analysis_equals_the_plain_definition(bundled: Dataset, sector: str) -> None:
    w = default_weights()
    ranked = match(bundled, sector, weights=w, top=None).ranked
    per_pair, _ = analyse(ranked, w, top=10, samples=40, seed=5, spread=0.2)
    want = _reference(ranked, w, 10, 40, 5)
    got = {k: (s.top_share, s.rank_min, s.rank_max) for k, s in per_pair.items()}
    assert got == want
    # the samples moved something, or the comparison proves little
    assert any(lo != hi for _, lo, hi in want.values())


def test_filtered_ranges_are_the_sectors_ranges(bundled: Dataset) -> None:
    w = default_weights()
    req = StabilityRequest(samples=60, seed=11)
    full = match(bundled, "batteries", weights=w, top=None, stability=req)
    ranges = {(p.korea.id, p.japan.id): p.stability for p in full.pairings}
    mine = match(
        bundled, "batteries", weights=w, top=6, korea=["lg-energy-solution"], stability=req
    )
    assert len(mine.pairings) == 6
    for p in mine.pairings:
        st, whole = p.stability, ranges[(p.korea.id, p.japan.id)]
        assert st is not None and whole is not None
        assert (st.rank_min, st.rank_max) == (whole.rank_min, whole.rank_max)
        assert st.rank_min is not None and st.rank_min <= p.rank <= (st.rank_max or 0)
    # the share counts the list asked for: its top 6, where the sector's top 6 is harder
    assert all(p.stability and p.stability.top_share == 1.0 for p in mine.pairings[:3])


def test_a_pair_without_a_rank_has_no_range(bundled: Dataset) -> None:
    w = default_weights()
    req = StabilityRequest(samples=20, seed=1)
    res = match(bundled, "batteries", weights=w, top=60, directions=("jp-to-kr",), stability=req)
    unranked = [p for p in res.pairings if not p.rank]
    ranked = [p for p in res.pairings if p.rank]
    assert unranked and ranked
    for p in unranked:
        assert p.stability is not None and p.stability.rank_min is None
    for p in ranked:
        assert p.stability is not None and p.stability.rank_min is not None

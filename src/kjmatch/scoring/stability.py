"""How stable is a ranking when every weight moves by up to ±20%?

Component values do not depend on weights, so each perturbed ranking re-weights
the same links through the one score formula (`weights.combine`): no re-matching.
Seeded, hence reproducible.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from kjmatch.weights import combine

if TYPE_CHECKING:
    from .ranking import Pairing

K = TypeVar("K")


@dataclass(frozen=True, slots=True)
class PairStability:
    top_share: float  # share of perturbed rankings with the pair in the top N
    rank_min: int
    rank_max: int


@dataclass(frozen=True, slots=True)
class StabilitySummary:
    samples: int
    seed: int
    spread: float
    top_n: int
    kendall_tau_mean: float
    kendall_tau_min: float


def kendall_tau(a: Sequence[K], b_rank: Mapping[K, int]) -> float:
    """Kendall's tau between the order `a` and the ranks `b_rank` of the same items (no ties)."""
    n = len(a)
    if n < 2:
        return 1.0
    concordant = discordant = 0
    for i in range(n):
        for j in range(i + 1, n):
            if b_rank[a[i]] < b_rank[a[j]]:
                concordant += 1
            else:
                discordant += 1
    return (concordant - discordant) / (n * (n - 1) / 2)


def rescore(p: Pairing, weights: Mapping[str, float]) -> float:
    """A pairing's score under other weights: its best link under those weights."""
    return max(combine(link.components, weights)[1] for link in p.links)


def analyse(
    ranked: Sequence[Pairing],
    weights: Mapping[str, float],
    *,
    top: int,
    samples: int,
    seed: int,
    spread: float,
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[dict[tuple[str, str], PairStability], StabilitySummary]:
    """Per-pair stability (keyed by korea id, japan id) and a summary; `progress` is
    told (label, samples done, samples) as the samples are drawn."""
    rng = random.Random(seed)
    keys = [(p.korea.id, p.japan.id) for p in ranked]
    baseline_top = keys[:top]
    in_top = dict.fromkeys(keys, 0)
    rank_lo = {k: p.rank or i for i, (k, p) in enumerate(zip(keys, ranked, strict=True), 1)}
    rank_hi = dict(rank_lo)
    taus: list[float] = []
    for n in range(samples):
        if progress is not None and n % 10 == 0:
            progress("Stability", n, samples)
        w = {c: v * (1 + rng.uniform(-spread, spread)) for c, v in weights.items()}
        if not any(w.values()):
            w = dict(weights)
        scores = [rescore(p, w) for p in ranked]
        order = sorted(range(len(ranked)), key=lambda i: (-scores[i], keys[i]))
        rank: dict[tuple[str, str], int] = {}
        for r, i in enumerate(order, 1):
            # competition ranks, as in the ranking itself: equal scores share a rank
            prev = order[r - 2] if r > 1 else None
            rank[keys[i]] = (
                rank[keys[prev]] if prev is not None and scores[prev] == scores[i] else r
            )
        for k in keys:
            rank_lo[k] = min(rank_lo[k], rank[k])
            rank_hi[k] = max(rank_hi[k], rank[k])
            if rank[k] <= top:
                in_top[k] += 1
        taus.append(kendall_tau(baseline_top, rank))
    if progress is not None:
        progress("Stability", samples, samples)
    per_pair = {
        k: PairStability(
            top_share=round(in_top[k] / samples, 4) if samples else 1.0,
            rank_min=rank_lo[k],
            rank_max=rank_hi[k],
        )
        for k in keys
    }
    summary = StabilitySummary(
        samples=samples,
        seed=seed,
        spread=spread,
        top_n=top,
        kendall_tau_mean=round(statistics.fmean(taus), 4) if taus else 1.0,
        kendall_tau_min=round(min(taus), 4) if taus else 1.0,
    )
    return per_pair, summary

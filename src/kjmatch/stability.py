"""How stable is a ranking when every weight moves by up to ±20%?

Components do not depend on weights, so each perturbed ranking is a cheap
re-weighting of the same links: no re-matching. Seeded, hence reproducible.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Mapping, Sequence
from typing import TypeVar

from .matching import COMPONENTS, Pairing

DEFAULT_SAMPLES = 200
DEFAULT_SEED = 7
SPREAD = 0.2


K = TypeVar("K")


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


def _score(p: Pairing, w: Mapping[str, float]) -> float:
    total = sum(w.values())
    return max(100 * sum(w[c] * link.components[c] for c in COMPONENTS) / total for link in p.links)


def analyse(
    ranked: Sequence[Pairing],
    weights: Mapping[str, float],
    *,
    top: int,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    spread: float = SPREAD,
) -> tuple[dict[tuple[str, str], dict[str, object]], dict[str, object]]:
    """Per-pair stability (keyed by korea id, japan id) and a summary block."""
    rng = random.Random(seed)
    keys = [(p.korea.id, p.japan.id) for p in ranked]
    baseline_top = keys[:top]
    in_top = dict.fromkeys(keys, 0)
    rank_lo = {k: i for i, k in enumerate(keys, 1)}
    rank_hi = dict(rank_lo)
    taus: list[float] = []
    for _ in range(samples):
        w = {c: v * (1 + rng.uniform(-spread, spread)) for c, v in weights.items()}
        if not any(w.values()):
            w = dict(weights)
        order = sorted(range(len(ranked)), key=lambda i: (-_score(ranked[i], w), keys[i]))
        rank = {keys[i]: r for r, i in enumerate(order, 1)}
        for k in keys:
            rank_lo[k] = min(rank_lo[k], rank[k])
            rank_hi[k] = max(rank_hi[k], rank[k])
            if rank[k] <= top:
                in_top[k] += 1
        taus.append(kendall_tau(baseline_top, rank))
    per_pair: dict[tuple[str, str], dict[str, object]] = {
        k: {
            "top_share": round(in_top[k] / samples, 4) if samples else 1.0,
            "rank_min": rank_lo[k],
            "rank_max": rank_hi[k],
        }
        for k in keys
    }
    summary: dict[str, object] = {
        "samples": samples,
        "seed": seed,
        "spread": spread,
        "top_n": top,
        "kendall_tau_mean": round(statistics.fmean(taus), 4) if taus else 1.0,
        "kendall_tau_min": round(min(taus), 4) if taus else 1.0,
    }
    return per_pair, summary

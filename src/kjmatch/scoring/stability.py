"""How stable is a ranking when every weight moves by up to ±20%?

Component values do not depend on weights, so each perturbed ranking re-weights
the same links through the one score formula (`weights.combine`): no re-matching.
Seeded, hence reproducible.
"""

from __future__ import annotations

import random
import statistics
from bisect import bisect_right
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
    rank_min: int | None  # None: the pair has no rank in the frame (see `analyse`)
    rank_max: int | None


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


Vector = tuple[tuple[str, float], ...]  # a link's components, in the formula's order


class _Vectors:
    """Every distinct component vector of some pairs' links, each pair's kept as indices.

    Many links share a vector (levels are small integers), and a link whose components
    are all at most another link's of the same pair can never be its best under
    non-negative weights, so each sample scores a few hundred vectors, not every link."""

    def __init__(self) -> None:
        self.index: dict[Vector, int] = {}
        self.vectors: list[Vector] = []

    def add(self, p: Pairing) -> tuple[int, ...]:
        own = {tuple(link.components.items()) for link in p.links}
        kept = [v for v in own if not any(o != v and _covers(o, v) for o in own)]
        out = []
        for v in kept:
            if v not in self.index:
                self.index[v] = len(self.vectors)
                self.vectors.append(v)
            out.append(self.index[v])
        return tuple(out)

    def scores(self, weights: Mapping[str, float]) -> list[float]:
        """Each vector's score under `weights`, through the one score formula."""
        return [combine(dict(v), weights)[1] for v in self.vectors]


def _covers(a: Vector, b: Vector) -> bool:
    return [c for c, _ in a] == [c for c, _ in b] and all(
        x >= y for (_, x), (_, y) in zip(a, b, strict=True)
    )


def _above(ordered: list[float], score: float) -> int:
    """Competition rank of `score` among `ordered` (ascending): 1 + how many are higher."""
    return len(ordered) - bisect_right(ordered, score) + 1


def analyse(
    ranked: Sequence[Pairing],
    weights: Mapping[str, float],
    *,
    top: int,
    samples: int,
    seed: int,
    spread: float,
    report: Sequence[Pairing] | None = None,
    field: Sequence[Pairing] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[dict[tuple[str, str], PairStability], StabilitySummary]:
    """Stability of `report`'s pairs (default: all of `ranked`), keyed by korea id, japan
    id, and a summary; `progress` is told (label, samples done, samples) as they are drawn.

    `top_share` and Kendall's tau are over `ranked`, the list asked for. `rank_min` and
    `rank_max` are ranks among `field` (default `ranked`), the frame of each pair's `rank`:
    a filtered list passes the whole sector's ranking, and a pair without a rank there
    (`rank` 0) gets none."""
    rng = random.Random(seed)
    report = ranked if report is None else report
    vec = _Vectors()
    mine = [vec.add(p) for p in ranked]
    # a pair's place in `field` is by its own links there (a filter may have hidden some)
    theirs = mine if field is None else [vec.add(p) for p in field]
    place = {(p.korea.id, p.japan.id): ix for p, ix in zip(field or (), theirs, strict=False)}
    keys = [(p.korea.id, p.japan.id) for p in ranked]
    at = dict(zip(keys, mine, strict=True))
    baseline_top = keys[:top]
    wanted = [(p.korea.id, p.japan.id) for p in report]
    framed = [k for k, p in zip(wanted, report, strict=True) if field is None or p.rank]
    base = {(p.korea.id, p.japan.id): p.rank for p in report}
    in_top = dict.fromkeys(wanted, 0)
    rank_lo = {k: base[k] or i for i, k in enumerate(wanted, 1)}
    rank_hi = dict(rank_lo)
    taus: list[float] = []
    for n in range(samples):
        if progress is not None and n % 10 == 0:
            progress("Stability", n, samples)
        w = {c: v * (1 + rng.uniform(-spread, spread)) for c, v in weights.items()}
        if not any(w.values()):
            w = dict(weights)
        points = vec.scores(w)
        scores = {k: max(points[i] for i in at[k]) for k in keys}
        listed = sorted(scores.values())
        if field is not None and framed:
            outer = sorted(max(points[i] for i in ix) for ix in theirs)
        rank = {k: _above(listed, scores[k]) for k in (*baseline_top, *wanted)}
        for k in wanted:
            if rank[k] <= top:
                in_top[k] += 1
        for k in framed:
            r = rank[k] if field is None else _above(outer, max(points[i] for i in place[k]))
            rank_lo[k] = min(rank_lo[k], r)
            rank_hi[k] = max(rank_hi[k], r)
        taus.append(kendall_tau(baseline_top, rank))
    if progress is not None:
        progress("Stability", samples, samples)
    per_pair = {
        k: PairStability(
            top_share=round(in_top[k] / samples, 4) if samples else 1.0,
            rank_min=rank_lo[k] if k in framed else None,
            rank_max=rank_hi[k] if k in framed else None,
        )
        for k in wanted
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

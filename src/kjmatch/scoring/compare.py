"""Two pairings side by side: why is one above the other?"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kjmatch.model import Dataset

from .ranking import Pairing, explain


@dataclass(frozen=True, slots=True)
class Comparison:
    a: Pairing
    b: Pairing
    difference: dict[str, float]  # per component, B's points − A's points
    score_difference: float


def best_pairing(
    ds: Dataset,
    korea: str,
    japan: str,
    *,
    sector: str | None = None,
    weights: Mapping[str, float] | None = None,
    as_of: int | None = None,
) -> Pairing | None:
    """The pair in `sector`, or in the shared sector where it scores best."""
    found = explain(ds, korea, japan, sector=sector, weights=weights, as_of=as_of)
    return max(found, key=lambda p: p.score, default=None)


def compare(a: Pairing, b: Pairing) -> Comparison:
    ca, cb = a.best.contributions, b.best.contributions
    diff = {name: round(cb[name] - ca[name], 2) for name in ca}
    return Comparison(a, b, diff, round(b.score - a.score, 2))

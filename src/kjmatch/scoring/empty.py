"""Why a ranking came out empty, and what request would not be.

The request is re-run with one filter relaxed at a time (the score floor, new
partners only, the directions); the first relaxation that finds pairs names the
filter to blame and the values that would work."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from math import floor

from kjmatch.weights import DIRECTIONS

from .ranking import Pairing

# rerun(min_score=..., new_only=..., directions=...) → the pairings found
Rerun = Callable[..., list[Pairing]]


@dataclass(slots=True)
class Empty:
    reasons: list[str] = field(default_factory=list)
    # request fields and values that would give results: ("min_score", "92.27"),
    # ("new_only", "false"), ("direction", "kr-to-jp"), ("sector", "semiconductors")
    tries: list[tuple[str, str]] = field(default_factory=list)


def why_empty(
    rerun: Rerun,
    *,
    where: str,
    min_score: float,
    new_only: bool,
    directions: Iterable[str],
    inactive: Mapping[str, list[str]],
) -> Empty:
    """`where` names the scope in sentences ("Secondary batteries"); `inactive` maps each
    firm asked for that has no strengths in scope to the sectors it has strengths in."""
    why = Empty()
    for firm, sectors in inactive.items():
        if sectors:
            why.reasons.append(f"{firm} has strengths only in {', '.join(sectors)}")
            why.tries += [("sector", s) for s in sectors]
        else:
            why.reasons.append(f"{firm} has no strengths in the dataset")
    if why.reasons:
        return why
    dirs = tuple(d for d in DIRECTIONS if d in set(directions))
    if min_score > 0:
        found = rerun(min_score=0.0, new_only=new_only, directions=dirs)
        if found:
            best = max(p.score for p in found)
            why.reasons.append(
                f"no pair scores {min_score:g} or more; the best score available is {best:.2f}"
            )
            why.tries.append(("min_score", f"{floor(best * 100) / 100:.2f}"))
            return why
    if new_only:
        found = rerun(min_score=min_score, new_only=False, directions=dirs)
        if found:
            n = len(found)
            found_words = "1 pair found in" if n == 1 else f"{n} pairs found in"
            each = "it has" if n == 1 else "each has"
            why.reasons.append(f"{found_words} {where}, but {each} a documented tie")
            why.tries.append(("new_only", "false"))
            return why
    if dirs != DIRECTIONS:
        found = rerun(min_score=min_score, new_only=new_only, directions=DIRECTIONS)
        other = [
            d
            for d in DIRECTIONS
            if d not in dirs and any(link.direction == d for p in found for link in p.links)
        ]
        if other:
            why.reasons.append(
                f"no pairs in {where} in direction {', '.join(dirs)}; "
                f"there are pairs in {', '.join(other)}"
            )
            why.tries += [("direction", d) for d in other]
            return why
    why.reasons.append(f"no linked products between the chosen players in {where}")
    return why

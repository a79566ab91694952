"""Why a firm of a matching day has fewer meetings than it asked for: each cause
(availability, never-meet, the score floor, rivals left out, no linked pair, full
partners, no common slot) with the places it took, so the counts add up."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kjmatch.event import Event
from kjmatch.model import Dataset, Relationship

from .chain import Chain
from .links import pair_links
from .timetable import Edge

if TYPE_CHECKING:
    from .assign import FirmPlan


@dataclass(frozen=True, slots=True)
class Shortfall:
    reason: str  # capacity, availability, never-meet, min-score, rivals, no linked pair, timetable
    count: int
    text: str


def shortfall(
    f: str,
    fp: FirmPlan,
    event: Event,
    acceptable: tuple[list[str], list[str]],
    full: set[str],
    excluded: Mapping[str, int],
    left_out: tuple[int, int],
    min_score: float,
) -> list[Shortfall]:
    """Why a firm has fewer meetings than it asked for (empty when it has them all).
    `acceptable`: the partners it may meet, and those of them it has linked products
    with (a must-meet or requested partner may have none); `left_out`: how many
    participants it is linked with only as a rival, and how many linked partners scored
    under `min_score`, both left out."""
    rival_only, under = left_out
    if fp.short_by == 0:
        return []
    out = []
    p = event.participants[f]
    if p.capacity > len(p.available):
        out.append(Shortfall("availability", p.capacity - len(p.available),
                             f"available in {len(p.available)} of {event.slots} slots"))  # fmt: skip
    if excluded.get("availability"):
        n = excluded["availability"]
        out.append(
            Shortfall(
                "availability", n, f"no available slot in common with {_n(n, 'linked partner')}"
            )
        )
    if excluded.get("never-meet"):
        n = excluded["never-meet"]
        out.append(Shortfall("never-meet", n, f"never-meet excludes {_n(n, 'linked partner')}"))
    may, linked_now = acceptable
    partners = {m.japan if p.country == "KR" else m.korea for m in fp.meetings}
    # partners it meets without linked products (asked for) fill places too
    asked = len(set(may) - set(linked_now))
    # linked partners, those the two reasons above took out included; the places a
    # missing availability took away are counted there, not again here
    linked = len(linked_now) + excluded.get("availability", 0) + excluded.get("never-meet", 0)
    room = min(p.capacity, len(p.available)) - asked
    if linked < room:
        low = min(under, room - linked)
        rivals = min(rival_only, room - linked - low)
        if low:
            out.append(
                Shortfall(
                    "min-score",
                    low,
                    f"{_n(under, 'linked partner')} under --min-score {min_score:g}, left out"
                    + ("" if low == under else f" ({_n(low, 'missing place')})"),
                )
            )
        if room - linked - low - rivals > 0:
            if linked:
                text = f"linked with only {_n(linked, 'participant')}"
            elif low or rivals:
                text = "no other linked pair"
            else:
                text = "no linked pair with any participant"
            out.append(Shortfall("no linked pair", room - linked - low - rivals, text))
        if rivals:
            # the count is the places it explains; the text says how many rivals there are
            places = "" if rivals == rival_only else f" ({_n(rivals, 'missing place')})"
            out.append(
                Shortfall(
                    "rivals",
                    rivals,
                    f"{_n(rival_only, 'participant')} linked only as "
                    f"{'a rival' if rival_only == 1 else 'rivals'}, left out{places} "
                    "(--include-rivals books them)",
                )
            )
    busy = [o for o in linked_now if o not in partners and o in full]
    if busy:
        out.append(
            Shortfall(
                "capacity",
                len(busy),
                f"{_n(len(busy), 'partner')} it could meet {'was' if len(busy) == 1 else 'were'} already full",
            )
        )
    unplaced = sum(1 for m in fp.meetings if not m.slot)
    if unplaced:
        out.append(
            Shortfall("timetable", unplaced, f"{_n(unplaced, 'meeting')} found no common free slot")
        )
    return out


def rivals_left_out(
    event: Event,
    linked: set[Edge],
    chain: Chain,
    ds: Dataset,
    ties: Mapping[Edge, tuple[Relationship, ...]],
    w: Mapping[str, float],
) -> dict[str, int]:
    """Per firm with fewer linked partners than places, how many participants it is
    linked with only as a rival (its pairs missing from `linked` that have a link)."""
    people = event.participants
    count = dict.fromkeys(people, 0)
    for k, j in linked:
        count[k] += 1
        count[j] += 1
    short = {f for f, p in people.items() if count[f] < min(p.capacity, len(p.available))}
    out: dict[str, int] = {}
    seen: dict[Edge, bool] = {}
    for f in sorted(short):
        country = people[f].country
        n = 0
        for o in event.side("JP" if country == "KR" else "KR"):
            e = (f, o.id) if country == "KR" else (o.id, f)
            if e in linked:
                continue
            if e not in seen:
                kp, jp = ds.players[e[0]], ds.players[e[1]]
                seen[e] = bool(pair_links(chain, kp, jp, ties.get(e, ()), w))
            n += seen[e]
        if n:
            out[f] = n
    return out


def _n(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"

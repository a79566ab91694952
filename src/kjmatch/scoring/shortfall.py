"""Why a firm of a matching day has fewer meetings than it asked for: each cause
(availability, never-meet, the score floor, rivals left out, no linked pair, full
partners, no common slot) with the places it took, so the counts add up."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kjmatch.event import Event, Participant
from kjmatch.model import Dataset, Relationship

from .chain import Chain
from .links import pair_links
from .timetable import Edge

if TYPE_CHECKING:
    from .assign import FirmPlan


@dataclass(frozen=True, slots=True)
class Shortfall:
    # capacity, availability, never-meet, min-score, rivals, no linked pair, timetable, tables
    reason: str
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
    no_table: Collection[Edge] = (),
    venue_full: bool = False,
) -> list[Shortfall]:
    """Why a firm has fewer meetings than it asked for (empty when it has them all).
    `acceptable`: the partners it may meet, and those of them it has linked products
    with (a must-meet or requested partner may have none); `left_out`: how many
    participants it is linked with only as a rival, and how many linked partners scored
    under `min_score`, both left out; `no_table`: unplaced meetings whose two firms were
    both free in a common slot whose tables were all taken; `venue_full`: the plan
    filled every place the tables give.

    Each reason counts the places it explains, so the counts add up to what the firm is
    short by: the places its plan booked but could not place go to the timetable
    reasons, the rest to the others in turn (a cause that took no place is left out)."""
    if fp.short_by == 0:
        return []
    rival_only, under = left_out
    p = event.participants[f]
    unplaced = [(m.korea, m.japan) for m in fp.meetings if not m.slot]
    budget = _Budget(min(fp.short_by, max(0, p.capacity - len(fp.meetings))))
    if p.capacity > len(p.available):
        free = len(p.available)
        budget.take("availability", p.capacity - free,
                    f"the day has only {n_of(free, 'slot')}" if free == event.slots
                    else f"available in {free} of {event.slots} slots")  # fmt: skip
    for why, words in (
        ("availability", "no available slot in common with {}"),
        ("never-meet", "never-meet excludes {}"),
    ):
        if excluded.get(why):
            who = n_of(excluded[why], "linked partner")
            budget.take(why, excluded[why], words.format(who), partners=True)
    may, linked_now = acceptable
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
            budget.take(
                "min-score",
                low,
                lambda n: (
                    f"{n_of(under, 'linked partner')} under --min-score {min_score:g}, left out"
                    + ("" if n == under else f" ({n_of(n, 'missing place')})")
                ),
            )
        if room - linked - low - rivals > 0:
            if linked:
                text = f"linked with only {n_of(linked, 'participant')}"
            elif low or rivals:
                text = "no other linked pair"
            else:
                text = "no linked pair with any participant"
            budget.take("no linked pair", room - linked - low - rivals, text)
        if rivals:
            # the count is the places it explains; the text says how many rivals there are
            budget.take(
                "rivals",
                rivals,
                lambda n: (
                    f"{n_of(rival_only, 'participant')} linked only as "
                    f"{'a rival' if rival_only == 1 else 'rivals'}, left out"
                    + ("" if n == rival_only else f" ({n_of(n, 'missing place')})")
                    + " (--include-rivals books them)"
                ),
            )
    partners = {m.japan if p.country == "KR" else m.korea for m in fp.meetings}
    # partners it may meet (a requested one without linked products too) that were full
    busy = [o for o in may if o not in partners and o in full]
    if busy:
        was = "was" if len(busy) == 1 else "were"
        words = f"{n_of(len(busy), 'partner')} it could meet {was} already full"
        budget.take("capacity", len(busy), words, partners=True)
    if venue_full:  # what is left: the venue had no place for it
        places = (event.tables or 0) * event.slots
        budget.take(
            "tables",
            budget.left,
            f"the venue's {places} places ({n_of(event.tables or 0, 'table')} × "
            f"{event.slots} slots) went to other meetings",
        )
    if budget.left:  # what no cause above explains: the day's slots (and tables) did
        budget.take(
            "timetable",
            budget.left,
            "no slot left in which it, a linked partner with room and a table were all free"
            if event.tables
            else "no slot left in which it and a linked partner with room were both free",
        )
    out = budget.reasons
    tableless = sum(1 for e in unplaced if e in no_table)
    if tableless:
        out.append(
            Shortfall(
                "tables",
                tableless,
                f"{n_of(tableless, 'meeting')} found no free table "
                f"(the venue has {n_of(event.tables or 0, 'table')} per slot)",
            )
        )
    if len(unplaced) > tableless:
        n = len(unplaced) - tableless
        out.append(Shortfall("timetable", n, f"{n_of(n, 'meeting')} found no common free slot"))
    return out


class _Budget:
    """Places to explain, handed to reasons in turn: a reason gets at most what is
    left, and one that gets none is dropped."""

    def __init__(self, places: int) -> None:
        self.left = places
        self.reasons: list[Shortfall] = []

    def take(
        self,
        reason: str,
        count: int,
        text: str | Callable[[int], str],
        partners: bool = False,
    ) -> None:
        """`text`, or `text(n)`, words the reason for the n places it explains;
        `partners`: the count is of partners, so a cut count is said in places."""
        n = min(count, self.left)
        if n <= 0:
            return
        words = text if isinstance(text, str) else text(n)
        if partners and n < count:
            words += f" ({n_of(n, 'missing place')})"
        self.reasons.append(Shortfall(reason, n, words))
        self.left -= n


def rivals_left_out(
    event: Event,
    linked: set[Edge],
    chain: Chain,
    ds: Dataset,
    ties: Mapping[Edge, tuple[Relationship, ...]],
    w: Mapping[str, float],
) -> dict[str, int]:
    """Per firm with fewer linked partners than places, how many participants it is
    linked with only as a rival (its pairs missing from `linked` that have a link). A
    pair that never-meet or a lack of common slots keeps apart is not counted: booking
    rivals would not book it either."""
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
            if e in linked or _kept_apart(people[e[0]], people[e[1]]):
                continue
            if e not in seen:
                kp, jp = ds.players[e[0]], ds.players[e[1]]
                seen[e] = bool(pair_links(chain, kp, jp, ties.get(e, ()), w))
            n += seen[e]
        if n:
            out[f] = n
    return out


def _kept_apart(k: Participant, j: Participant) -> bool:
    """Whether the event itself keeps two participants apart (as `build_instance` does)."""
    return j.id in k.never_meet or k.id in j.never_meet or not k.available & j.available


def n_of(n: int, word: str) -> str:
    """`1 slot`, `2 slots`: a count with its noun."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"

"""A business-matching day: who meets whom, under capacities, and when.

Three plans over the same scores:

* best total: the most summed pair score under every firm's capacity, a bipartite
  b-matching solved as an integer programme by HiGHS (`scipy.optimize.milp`; its
  constraint matrix is totally unimodular, so the relaxation is already integral);
* stable: many-to-many deferred acceptance with capacities (Roth 1984): no Korean and
  Japanese firm that are not meeting would both rather meet each other than keep one
  of their meetings (or a free place). Preference orders are each firm's ranked
  requests first, then its partners by score;
* fair: the largest t such that every firm gets at least t good meetings (or as many
  as it could have at all), then the most summed score among such plans: the same
  integer programme with those lower bounds, t found by bisection.

Must-meet pairs are fixed in every plan; never-meet pairs and pairs with no
available slot in common are not acceptable. Each plan then gets a timetable; where
some firm is free only in some slots, the best-total and fair plans choose meetings and
slots together (`slotted`), so that the timetable can hold all they book.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from kjmatch.errors import KjmatchError
from kjmatch.event import Event
from kjmatch.model import Dataset
from kjmatch.weights import DIRECTIONS, resolve_weights

from .links import pair_links
from .ranking import Pairing, pair_scores, ties_of
from .shortfall import Shortfall, rivals_left_out, shortfall
from .slotted import must_fit, tableless
from .timetable import Edge, Timetable, schedule, tables_for

PLANS = ("best-total", "stable", "fair")
EXTRA = "pip install 'kjmatch[assign]'"


def require() -> None:
    """A clear error when the optional solvers are missing."""
    import importlib.util

    missing = [m for m in ("scipy", "numpy") if importlib.util.find_spec(m) is None]
    if missing:
        raise KjmatchError(f"kjmatch assign needs {' and '.join(missing)}: {EXTRA}")


REQUEST_BONUS = 0.001  # best total: a requested pair beats an equal unrequested one


@dataclass(frozen=True, slots=True)
class Instance:
    """The matching problem: acceptable pairs with scores, capacities, preferences."""

    korea: tuple[str, ...]
    japan: tuple[str, ...]
    capacity: Mapping[str, int]  # effective: at most the firm's available slots
    score: Mapping[Edge, float]  # acceptable pairs only
    forced: frozenset[Edge] = frozenset()
    requests: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # pairs booked on their rivalry (`--include-rivals`): they may meet, but a meeting
    # whose agenda says the two compete is no good meeting for the fair plan's floor
    rivalry: frozenset[Edge] = frozenset()
    # the venue's places (tables × slots) when tables are limited: no plan books more
    places: int | None = None
    # when some firm is free only in some slots: each firm's free slots, the day's
    # slots and tables, so that plans choose meetings and slots together (`slotted`)
    available: Mapping[str, frozenset[int]] | None = None
    slots: int = 0
    tables: int | None = None

    @property
    def wanted(self) -> frozenset[Edge]:
        """Requested pairs, either way round: they win over an equal unrequested one."""
        out = {(k, j) for k, wants in self.requests.items() for j in wants}
        out |= {(k, j) for j, wants in self.requests.items() for k in wants}
        return frozenset(out)

    def good(self, e: Edge) -> bool:
        """A meeting with linked products (score above 0) that is no plain rivalry."""
        return self.score[e] > 0 and e not in self.rivalry

    def prefs(self) -> dict[str, list[str]]:
        """Each firm's acceptable partners, best first: its requests, then by score."""
        others: dict[str, list[str]] = {f: [] for f in (*self.korea, *self.japan)}
        for k, j in self.score:
            others[k].append(j)
            others[j].append(k)
        korean = set(self.korea)
        out = {}
        for f, partners in others.items():
            mine = {o: self.score[(f, o) if f in korean else (o, f)] for o in partners}
            wanted = [o for o in self.requests.get(f, ()) if o in mine]
            rest = sorted(set(mine) - set(wanted), key=lambda o: (-mine[o], o))
            out[f] = wanted + rest
        return out


def best_total(inst: Instance) -> list[Edge]:
    """The pairs with the largest summed score under the capacities (forced pairs kept)."""
    found = _solve(inst)
    if found is None:  # only if forced pairs exceed a capacity, which the event file refuses
        raise ValueError("no plan satisfies the must-meet pairs")
    return found


def _solve(inst: Instance, floors: Mapping[str, int] | None = None) -> list[Edge] | None:
    """The most summed score under the capacities with, per firm, at least `floors[f]`
    good meetings (None when no plan has them). The constraint rows (each firm's
    meetings, and its good meetings among them) form two laminar families, so the
    matrix is totally unimodular and HiGHS's answer is the exact integer optimum. The
    venue's places add one row over every pair, which joins either family and keeps
    it laminar."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_array

    if inst.available is not None:
        from .slotted import SlotsTimedOut, solve_slotted

        try:
            return solve_slotted(inst, floors)
        except SlotsTimedOut:  # too big to solve in time: meetings first, slots after
            pass
    edges = sorted(inst.score)
    if not edges:
        return []
    firms = {f: n for n, f in enumerate((*inst.korea, *inst.japan))}
    rows = [firms[k] for k, _ in edges] + [firms[j] for _, j in edges]
    cols = list(range(len(edges))) * 2
    a = coo_array((np.ones(len(rows)), (rows, cols)), shape=(len(firms), len(edges)))
    caps = np.array([inst.capacity[f] for f in firms], dtype=float)
    constraints = [LinearConstraint(a, 0, caps)]
    if floors:
        good = [n for n, e in enumerate(edges) if inst.good(e)]
        g_rows = [firms[edges[n][side]] for side in (0, 1) for n in good]
        g = coo_array((np.ones(len(g_rows)), (g_rows, good * 2)), shape=(len(firms), len(edges)))
        low = np.array([floors.get(f, 0) for f in firms], dtype=float)
        constraints.append(LinearConstraint(g, low, np.inf))
    if inst.places is not None:
        constraints.append(LinearConstraint(np.ones((1, len(edges))), 0, inst.places))
    bonus = inst.wanted
    cost = -np.array([inst.score[e] + (REQUEST_BONUS if e in bonus else 0.0) for e in edges])
    lower = np.array([1.0 if e in inst.forced else 0.0 for e in edges])
    res = milp(cost, constraints=constraints, bounds=Bounds(lower, 1),
               integrality=np.ones(len(edges)))  # fmt: skip
    if res.x is None:
        return None
    return [e for e, x in zip(edges, res.x, strict=True) if x > 0.5]


def reach(inst: Instance) -> dict[str, int]:
    """The most good meetings (`Instance.good`) each firm could have in any plan: its
    capacity less its must-meet pairs that are no good meeting, and at most its good
    acceptable partners; on a day with availability limits, at most as many of those
    partners as can each get a different slot free for both (QA round 10: a free slot no
    partner shares must not raise a firm's reach, and with it lower every firm's floor)."""
    good = dict.fromkeys((*inst.korea, *inst.japan), 0)
    spent = dict(good)
    partners: dict[str, list[str]] = {f: [] for f in good}
    for e in inst.score:
        for f, o in (e, e[::-1]):
            if inst.good(e):
                good[f] += 1
                partners[f].append(o)
            elif e in inst.forced:
                spent[f] += 1
    out = {f: max(0, min(inst.capacity[f] - spent[f], good[f])) for f in good}
    if inst.available is not None:
        from .slotted import slot_reach

        for f, n in out.items():
            if n:
                out[f] = min(n, slot_reach(inst.available, f, partners[f], spent[f]))
    return out


def good_meetings(inst: Instance, chosen: Iterable[Edge]) -> dict[str, int]:
    count = dict.fromkeys((*inst.korea, *inst.japan), 0)
    for e in chosen:
        if inst.good(e):
            for f in e:
                count[f] += 1
    return count


def fewest(inst: Instance, chosen: Iterable[Edge]) -> int | None:
    """The fewest good meetings of any firm that could have one (None: no firm could)."""
    could = reach(inst)
    count = good_meetings(inst, chosen)
    return min((count[f] for f, r in could.items() if r > 0), default=None)


def fairness(inst: Instance, chosen: Iterable[Edge]) -> int:
    """The largest t such that every firm has at least min(t, its reach) good meetings."""
    could = reach(inst)
    count = good_meetings(inst, chosen)
    short = [count[f] for f, r in could.items() if count[f] < r]
    return min(short) if short else max(could.values(), default=0)


def fair(inst: Instance, start: Iterable[list[Edge]] = ()) -> list[Edge]:
    """The fair plan: lexicographically, the largest fairness level t (every firm at
    least min(t, its reach) good meetings), then the largest total among such plans.
    `start`: plans already found (their levels are feasible, which narrows the search)."""
    could = reach(inst)
    lo, hi = 0, max(could.values(), default=0)
    for plan in start:
        if inst.places is None or len(plan) <= inst.places:  # a plan the venue holds
            lo = max(lo, fairness(inst, plan))

    def floors(t: int) -> dict[str, int]:
        return {f: min(t, r) for f, r in could.items()}

    best = _solve(inst, floors(lo))
    if best is None and lo:  # a start plan the day's slots cannot hold: start from 0
        lo = 0
        best = _solve(inst, floors(lo))
    if best is None:
        raise ValueError("no plan satisfies the must-meet pairs")
    while lo < hi:  # bisection on t; each solve maximises the total at its level
        t = (lo + hi + 1) // 2
        found = _solve(inst, floors(t))
        if found is None:
            hi = t - 1
        else:
            best, lo = found, t
    return best


def deferred_acceptance(
    proposer_prefs: Mapping[str, list[str]],
    receiver_prefs: Mapping[str, list[str]],
    capacity: Mapping[str, int],
) -> set[tuple[str, str]]:
    """Many-to-many deferred acceptance: (proposer, receiver) pairs, pairwise stable.

    Each proposer proposes down its list while it holds fewer than its capacity; each
    receiver holds its best `capacity` proposals and rejects the rest, and a rejected
    proposer goes on proposing. Receivers ignore proposers not on their list."""
    rank = {r: {p: n for n, p in enumerate(ps)} for r, ps in receiver_prefs.items()}
    held: dict[str, list[str]] = {r: [] for r in receiver_prefs}
    count = dict.fromkeys(proposer_prefs, 0)
    nxt = dict.fromkeys(proposer_prefs, 0)
    queue = deque(proposer_prefs)
    while queue:
        p = queue.popleft()
        prefs = proposer_prefs[p]
        while count[p] < capacity[p] and nxt[p] < len(prefs):
            r = prefs[nxt[p]]
            nxt[p] += 1
            if p not in rank.get(r, {}) or capacity[r] == 0:
                continue
            held[r].append(p)
            count[p] += 1
            if len(held[r]) > capacity[r]:
                worst = max(held[r], key=rank[r].__getitem__)
                held[r].remove(worst)
                count[worst] -= 1
                if worst != p:
                    queue.append(worst)
    return {(p, r) for r, ps in held.items() for p in ps}


def stable(inst: Instance, proposing: str = "KR") -> list[Edge]:
    """A stable plan (proposing side's optimum), with the must-meet pairs fixed first."""
    cap = dict(inst.capacity)
    for k, j in inst.forced:
        cap[k] -= 1
        cap[j] -= 1
    prefs = {f: [o for o in ps if _edge(inst, f, o) not in inst.forced]
             for f, ps in inst.prefs().items()}  # fmt: skip
    kr = {k: prefs[k] for k in inst.korea}
    jp = {j: prefs[j] for j in inst.japan}
    if proposing == "KR":
        found = deferred_acceptance(kr, jp, cap)
    else:
        found = {(k, j) for j, k in deferred_acceptance(jp, kr, cap)}
    return sorted(found | inst.forced)


def _edge(inst: Instance, a: str, b: str) -> Edge:
    return (a, b) if (a, b) in inst.score else (b, a)


def blocking_pairs(inst: Instance, chosen: Iterable[Edge]) -> list[Edge]:
    """Acceptable pairs not meeting that would both rather meet: each has a free place,
    or a partner (not a must-meet one) it ranks below the other."""
    chosen = set(chosen)
    partners: dict[str, list[str]] = {f: [] for f in (*inst.korea, *inst.japan)}
    for k, j in chosen:
        partners[k].append(j)
        partners[j].append(k)
    rank = {f: {o: n for n, o in enumerate(ps)} for f, ps in inst.prefs().items()}

    def wants(f: str, o: str) -> bool:
        if len(partners[f]) < inst.capacity[f]:
            return True
        return any(
            rank[f][p] > rank[f][o] and _edge(inst, f, p) not in inst.forced for p in partners[f]
        )

    return sorted(
        e for e in inst.score if e not in chosen and wants(e[0], e[1]) and wants(e[1], e[0])
    )


# ---------------------------------------------------------------- the event


@dataclass(frozen=True, slots=True)
class Meeting:
    korea: str
    japan: str
    score: float
    pairing: Pairing | None  # None: a must-meet or requested pair with no linked products
    forced: bool = False
    requested: bool = False
    slot: int = 0  # 0: could not be placed
    table: int = 0


@dataclass(slots=True)
class FirmPlan:
    id: str
    country: str
    asked: int
    meetings: list[Meeting]  # by slot, then score
    reasons: list[Shortfall]

    @property
    def short_by(self) -> int:
        return max(0, self.asked - sum(1 for m in self.meetings if m.slot))


@dataclass(slots=True)
class Plan:
    kind: str  # best-total, stable or fair
    meetings: list[Meeting]  # by slot, then table
    total: float
    firms: dict[str, FirmPlan]
    timetable: Timetable
    blocking_pairs: int  # pairs that would both rather meet (0 for the stable plan)
    fewest: int | None  # fewest placed good meetings of a firm that could have one
    floor: int  # every firm has min(floor, its reach) placed good meetings or more
    # (asker, asked) requests this plan does not place: a request comes first in its
    # firm's preferences, but a firm's capacity may still leave it out
    unmet: list[tuple[str, str]] = field(default_factory=list)


@dataclass(slots=True)
class AssignResult:
    event: Event
    weights: dict[str, float]
    as_of: int
    proposing: str
    acceptable: int  # pairs that may meet
    linked: int  # pairs with linked products among the participants (rivals only if asked)
    plans: dict[str, Plan]
    min_score: float = 0.0
    rivals: bool = False  # same-product rivals booked on their rivalry


def build_instance(
    event: Event, scores: Mapping[Edge, float], rivalry: Collection[Edge] = ()
) -> tuple[Instance, dict[str, dict[str, int]]]:
    """The acceptable pairs of the event, and per firm how many linked partners were
    excluded (by never-meet, by availability). `rivalry`: pairs booked on a rivalry."""
    people = event.participants
    korea = tuple(p.id for p in event.side("KR"))
    japan = tuple(p.id for p in event.side("JP"))
    excluded: dict[str, dict[str, int]] = {f: {} for f in people}
    wanted = {(k, j) for k in korea for j in people[k].requests}
    wanted |= {(k, j) for j in japan for k in people[j].requests}
    forced = {(k, j) for k in korea for j in people[k].must_meet}
    forced |= {(k, j) for j in japan for k in people[j].must_meet}
    score: dict[Edge, float] = {}
    for e in sorted(set(scores) | wanted | forced):
        k, j = e
        if e not in forced:
            why = None
            if j in people[k].never_meet or k in people[j].never_meet:
                why = "never-meet"
            elif not people[k].available & people[j].available:
                why = "availability"
            if why:
                for f in e:
                    excluded[f][why] = excluded[f].get(why, 0) + 1
                continue
        score[e] = scores.get(e, 0.0)
    capacity = {f: min(p.capacity, len(p.available)) for f, p in people.items()}
    requests = {f: p.requests for f, p in people.items() if p.requests}
    rivals = frozenset(e for e in rivalry if e in score)
    places = None if event.tables is None else event.tables * event.slots
    day = frozenset(range(1, event.slots + 1))
    limited = any(p.available != day for p in people.values())
    inst = Instance(
        korea,
        japan,
        capacity,
        score,
        frozenset(forced),
        requests,
        rivals,
        places,
        {f: p.available for f, p in people.items()} if limited else None,
        event.slots,
        event.tables,
    )
    return inst, excluded


def plan_event(
    ds: Dataset,
    event: Event,
    *,
    weights: Mapping[str, float] | None = None,
    as_of: int | None = None,
    proposing: str = "KR",
    plans: Collection[str] = PLANS,
    min_score: float = 0.0,
    rivals: bool = False,
) -> AssignResult:
    """Score every pair of participants, then build each plan and its timetable.

    A pair is booked on its best link that is no plain rivalry (two makers of one product
    without a cooperative tie, or a supply link whose buyer makes the product as well: an
    agenda would tell them they compete) unless `rivals`;
    pairs scoring under `min_score` are not booked. A must-meet or requested pair is
    booked whatever it scores, on its best link of any kind."""
    kr = [p.id for p in event.side("KR")]
    jp = [p.id for p in event.side("JP")]
    w = resolve_weights(weights)
    dirs = DIRECTIONS if rivals else tuple(d for d in DIRECTIONS if d != "same-stage")
    # pairs booked on their rivalry (only with `rivals`) are no good meeting for `fair`
    scores, chain, rivalry = pair_scores(
        ds, event.sector, kr, jp, weights=w, as_of=as_of, directions=dirs, in_house=rivals
    )
    linked = len(scores)
    unrivalled = set(scores)  # linked on no rivalry, whatever they score
    scores = {e: v for e, v in scores.items() if v >= min_score}
    ties = ties_of(ds)
    for e in sorted(_asked(event) - set(scores)):  # asked for: their best link of any kind
        links = pair_links(chain, ds.players[e[0]], ds.players[e[1]], ties.get(e, ()), w)
        if links:
            scores[e] = links[0].score
    # firms whose only links with some participants are rivalries left out, and those
    # whose linked partners scored under --min-score: counted for the shortfall reasons
    # (a pair booked as asked, on its rivalry, is not left out)
    rival_only = (
        {} if rivals else rivals_left_out(event, unrivalled | set(scores), chain, ds, ties, w)
    )
    under: dict[str, int] = {}
    for e in unrivalled - set(scores):  # linked, but under the floor (and not asked for)
        for f in e:
            under[f] = under.get(f, 0) + 1
    left_out = {f: (rival_only.get(f, 0), under.get(f, 0)) for f in event.participants}
    inst, excluded = build_instance(event, scores, rivalry)
    must_fit(event, inst)
    chosen: dict[str, list[Edge]] = {}
    for kind in PLANS:
        if kind == "best-total" and kind in plans:
            chosen[kind] = best_total(inst)
        elif kind == "stable" and kind in plans:
            chosen[kind] = stable(inst, proposing)
        elif kind == "fair" and kind in plans:
            chosen[kind] = fair(inst, chosen.values())
    pairings: dict[Edge, Pairing] = {}
    for k, j in sorted({e for edges in chosen.values() for e in edges}):
        rels = ties.get((k, j), ())
        # the link the pair was booked on: an asked-for rival pair has only its rivalry
        every = pair_links(chain, ds.players[k], ds.players[j], rels, w)
        links = [x for x in every if x.direction in dirs and (rivals or not x.in_house)] or every
        if links:
            pairings[(k, j)] = Pairing(ds.players[k], ds.players[j], tuple(links), rels)
    out = {kind: _plan(kind, event, inst, edges, pairings, excluded, left_out, min_score)
           for kind, edges in chosen.items()}  # fmt: skip
    return AssignResult(
        event=event,
        weights=w,
        as_of=chain.as_of,
        proposing=proposing,
        acceptable=len(inst.score),
        linked=linked,
        plans=out,
        min_score=min_score,
        rivals=rivals,
    )


def _asked(event: Event) -> set[Edge]:
    """The must-meet and requested pairs of an event, as (korea, japan)."""
    people = event.participants
    out: set[Edge] = set()
    for p in people.values():
        for other in (*p.must_meet, *p.requests):
            out.add((p.id, other) if p.country == "KR" else (other, p.id))
    return out


def _plan(
    kind: str,
    event: Event,
    inst: Instance,
    chosen: list[Edge],
    pairings: Mapping[Edge, Pairing],
    excluded: Mapping[str, Mapping[str, int]],
    left_out: Mapping[str, tuple[int, int]],
    min_score: float,
) -> Plan:
    people = event.participants
    available = {f: p.available for f, p in people.items()}
    table = schedule(
        chosen, event.slots, available, tables=event.tables, weight=inst.score, must=inst.forced
    )
    seats = tables_for(table.slot, event.tables)
    no_table = tableless(table, event, available)
    venue_full = inst.places is not None and len(table.slot) >= inst.places
    requested = {(k, j) for k in inst.korea for j in people[k].requests}
    requested |= {(k, j) for j in inst.japan for k in people[j].requests}
    meetings = [
        Meeting(
            korea=k,
            japan=j,
            score=inst.score[(k, j)],
            pairing=pairings.get((k, j)),
            forced=(k, j) in inst.forced,
            requested=(k, j) in requested,
            slot=table.slot.get((k, j), 0),
            table=seats.get((k, j), 0),
        )
        for k, j in chosen
    ]
    meetings.sort(key=lambda m: (m.slot or event.slots + 1, m.table, m.korea, m.japan))
    prefs = inst.prefs()
    # full on the day: placed meetings only (a meeting the tables cut frees its place)
    full = {
        f
        for f in people
        if sum(1 for m in meetings if m.slot and f in (m.korea, m.japan)) >= inst.capacity[f]
    }
    firms = {}
    for f, p in people.items():
        mine = [m for m in meetings if f in (m.korea, m.japan)]
        firms[f] = FirmPlan(f, p.country, p.capacity, mine, [])
        linked = [o for o in prefs[f] if inst.score[(f, o) if p.country == "KR" else (o, f)] > 0]
        firms[f].reasons = shortfall(
            f,
            firms[f],
            event,
            (prefs[f], linked),
            full,
            excluded[f],
            left_out[f],
            min_score,
            no_table,
            venue_full,
        )
    total = round(sum(m.score for m in meetings if m.slot), 2)
    placed = [(m.korea, m.japan) for m in meetings if m.slot]
    # what the venue held is what counts: a stable plan cut by the tables may be blocked
    blocking = 0 if kind == "stable" and not table.unplaced else len(blocking_pairs(inst, placed))
    met = set(placed)
    unmet = [(f, o) for f, p in people.items() for o in p.requests
             if ((f, o) if p.country == "KR" else (o, f)) not in met]  # fmt: skip
    return Plan(
        kind,
        meetings,
        total,
        firms,
        table,
        blocking,
        fewest(inst, placed),
        fairness(inst, placed),
        unmet,
    )

"""The plans of `kjmatch assign`: best total against brute force and the assignment
solver, stability against a brute-force blocking-pair check and the `matching` package."""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from kjmatch.model import Dataset
from kjmatch.scoring.assign import Instance, best_total, blocking_pairs, stable
from kjmatch.scoring.timetable import Edge


@st.composite
def instances(draw: st.DrawFn, max_k: int = 4, max_j: int = 3, max_cap: int = 3) -> Instance:
    nk = draw(st.integers(1, max_k))
    nj = draw(st.integers(1, max_j))
    korea = tuple(f"k{i}" for i in range(nk))
    japan = tuple(f"j{i}" for i in range(nj))
    score: dict[tuple[str, str], float] = {}
    for k in korea:
        for j in japan:
            if draw(st.booleans()):
                # distinct scores keep preferences strict, as brute-force stability assumes
                score[(k, j)] = draw(st.integers(1, 10_000)) / 100 + len(score) * 1e-6
    capacity = {f: draw(st.integers(0, max_cap)) for f in (*korea, *japan)}
    return Instance(korea, japan, capacity, score)


def _feasible(inst: Instance, chosen: list[tuple[str, str]]) -> bool:
    load: dict[str, int] = {}
    for k, j in chosen:
        load[k] = load.get(k, 0) + 1
        load[j] = load.get(j, 0) + 1
    return all(n <= inst.capacity[f] for f, n in load.items())


def _total(inst: Instance, chosen: list[tuple[str, str]]) -> float:
    return sum(inst.score[e] for e in chosen)


def _brute_best(inst: Instance) -> float:
    edges = sorted(inst.score)
    best = 0.0
    for r in range(len(edges) + 1):
        for subset in itertools.combinations(edges, r):
            if _feasible(inst, list(subset)):
                best = max(best, _total(inst, list(subset)))
    return best


def _is_blocking(inst: Instance, chosen: set[tuple[str, str]], k: str, j: str) -> bool:
    """Both would drop a worse partner (or use a free place) to meet each other."""

    def wants(f: str, o: str, partners: list[str], score_of: dict[str, float]) -> bool:
        return len(partners) < inst.capacity[f] or any(score_of[p] < score_of[o] for p in partners)

    kp = [b for a, b in chosen if a == k]
    jp = [a for a, b in chosen if b == j]
    k_scores = {b: s for (a, b), s in inst.score.items() if a == k}
    j_scores = {a: s for (a, b), s in inst.score.items() if b == j}
    return wants(k, j, kp, k_scores) and wants(j, k, jp, j_scores)


@settings(max_examples=150, deadline=None)
@given(instances())
def test_best_total_equals_brute_force(inst: Instance) -> None:
    chosen = best_total(inst)
    assert _feasible(inst, chosen)
    assert abs(_total(inst, chosen) - _brute_best(inst)) < 1e-6


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.randoms(use_true_random=False))
def test_unit_capacities_equal_linear_sum_assignment(nk: int, nj: int, rnd: object) -> None:
    import random

    assert isinstance(rnd, random.Random)
    korea = tuple(f"k{i}" for i in range(nk))
    japan = tuple(f"j{i}" for i in range(nj))
    m = np.array([[rnd.randint(1, 9999) / 100 for _ in japan] for _ in korea])
    score = {(k, j): float(m[a, b]) for a, k in enumerate(korea) for b, j in enumerate(japan)}
    inst = Instance(korea, japan, dict.fromkeys((*korea, *japan), 1), score)
    rows, cols = linear_sum_assignment(m, maximize=True)
    assert abs(_total(inst, best_total(inst)) - m[rows, cols].sum()) < 1e-6


@settings(max_examples=200, deadline=None)
@given(instances(max_k=5, max_j=4), st.sampled_from(["KR", "JP"]))
def test_stable_plan_has_no_blocking_pair(inst: Instance, side: str) -> None:
    chosen = set(stable(inst, side))
    assert _feasible(inst, sorted(chosen)) and chosen <= set(inst.score)
    for k, j in inst.score:
        if (k, j) not in chosen:
            assert not _is_blocking(inst, chosen, k, j), (k, j)
    assert blocking_pairs(inst, chosen) == []


@settings(max_examples=150, deadline=None)
@given(instances(max_k=5, max_j=4))
def test_best_total_is_at_least_the_stable_total(inst: Instance) -> None:
    assert _total(inst, best_total(inst)) >= _total(inst, stable(inst)) - 1e-9


@settings(max_examples=100, deadline=None)
@given(instances(max_k=6, max_j=3, max_cap=3))
def test_stable_agrees_with_the_matching_package(inst: Instance) -> None:
    """Korean firms as residents (capacity 1), Japanese firms as hospitals: the
    Korea-proposing plan is the resident-optimal hospital–resident matching."""
    from matching.games import HospitalResident

    open_ = {j for j in inst.japan if inst.capacity[j] > 0}  # the package needs places
    unit = Instance(
        inst.korea,
        tuple(sorted(open_)),
        {**inst.capacity, **dict.fromkeys(inst.korea, 1)},
        {e: s for e, s in inst.score.items() if e[1] in open_},
    )
    prefs = unit.prefs()
    residents = {k: prefs[k] for k in unit.korea if prefs[k]}
    hospitals = {j: prefs[j] for j in unit.japan if prefs[j]}
    ours = set(stable(unit, "KR"))
    if not residents:
        assert ours == set()
        return
    game = HospitalResident.create_from_dictionaries(
        residents, hospitals, {j: unit.capacity[j] for j in hospitals}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        solved = game.solve(optimal="resident")
    theirs = {(r.name, h.name) for h, rs in solved.items() for r in rs}
    assert ours == theirs


def test_must_meet_pairs_are_kept_and_count_against_capacity() -> None:
    score = {("a", "x"): 90.0, ("a", "y"): 10.0, ("b", "x"): 80.0}
    inst = Instance(
        ("a", "b"), ("x", "y"), {"a": 1, "b": 1, "x": 1, "y": 1}, score, frozenset({("a", "y")})
    )
    assert best_total(inst) == [("a", "y"), ("b", "x")]
    assert stable(inst) == [("a", "y"), ("b", "x")]


def test_requests_come_first_in_preferences() -> None:
    score = {("a", "x"): 90.0, ("a", "y"): 10.0, ("b", "x"): 80.0, ("b", "y"): 70.0}
    inst = Instance(
        ("a", "b"),
        ("x", "y"),
        dict.fromkeys(("a", "b", "x", "y"), 1),
        score,
        requests={"a": ("y",)},
    )
    assert inst.prefs()["a"] == ["y", "x"]
    assert stable(inst, "KR") == [("a", "y"), ("b", "x")]


def test_pair_scores_equal_the_full_ranking(bundled: Dataset) -> None:
    from kjmatch.scoring.ranking import match, pair_scores

    for sector in ("batteries", "semiconductors"):
        kr = [p.id for p in bundled.players_in(sector, "KR")]
        jp = [p.id for p in bundled.players_in(sector, "JP")]
        scores, _, rivalry = pair_scores(bundled, sector, kr, jp)
        ranked = match(bundled, sector, top=None).ranked
        assert scores == {(p.korea.id, p.japan.id): p.score for p in ranked}
        rivals = {
            (p.korea.id, p.japan.id)
            for p in ranked
            if p.best.direction == "same-stage" or p.best.in_house
        }
        assert rivalry == rivals and rivals
        assert any(p.best.in_house for p in ranked)  # both kinds of rivalry are checked
        # without in-house supply links a pair is scored on its best other link, if any
        kept, _, rivalry = pair_scores(bundled, sector, kr, jp, in_house=False)
        for p in ranked:
            e = (p.korea.id, p.japan.id)
            others = [x for x in p.links if not x.in_house]
            if others:
                assert kept[e] == others[0].score
                assert (e in rivalry) == (others[0].direction == "same-stage")
            else:
                assert e not in kept


def _level(inst: Instance, chosen: list[tuple[str, str]]) -> int:
    """Brute-force fairness: the largest t with every firm at min(t, its reach) or more."""
    from kjmatch.scoring.assign import good_meetings, reach

    could, got = reach(inst), good_meetings(inst, chosen)
    return max(t for t in range(max(could.values(), default=0) + 1)
               if all(got[f] >= min(t, r) for f, r in could.items()))  # fmt: skip


@st.composite
def fair_instances(draw: st.DrawFn) -> Instance:
    """Instances with pairs of no linked products (score 0, not good meetings) and
    must-meet pairs within the capacities, as an event file allows."""
    base = draw(instances())
    score = {e: (0.0 if draw(st.integers(0, 4)) == 0 else s) for e, s in base.score.items()}
    load: dict[str, int] = {}
    forced = set()
    for e in sorted(score):
        if draw(st.integers(0, 5)) == 0 and all(load.get(f, 0) < base.capacity[f] for f in e):
            forced.add(e)
            for f in e:
                load[f] = load.get(f, 0) + 1
    return Instance(base.korea, base.japan, base.capacity, score, frozenset(forced))


@settings(max_examples=200, deadline=None)
@given(fair_instances(), st.sampled_from(["KR", "JP"]))
def test_fair_plan_raises_the_fewest_meetings_and_is_lexicographically_optimal(
    inst: Instance, side: str
) -> None:
    from kjmatch.scoring.assign import fair, fewest

    best, stab = best_total(inst), stable(inst, side)
    chosen = fair(inst, [best, stab])
    assert _feasible(inst, chosen) and inst.forced <= set(chosen) <= set(inst.score)
    low = fewest(inst, chosen)
    for other in (best, stab):
        theirs = fewest(inst, other)
        assert (low is None and theirs is None) or low >= theirs  # type: ignore[operator]
    assert _total(inst, chosen) <= _total(inst, best) + 1e-6
    # brute force: the largest level first, then the largest total at that level
    edges = sorted(inst.score)
    top = max(
        (_level(inst, list(sub)), round(_total(inst, list(sub)), 6))
        for r in range(len(edges) + 1)
        for sub in itertools.combinations(edges, r)
        if _feasible(inst, list(sub)) and inst.forced <= set(sub)
    )
    assert (_level(inst, chosen), round(_total(inst, chosen), 6)) == top
    assert fair(inst) == chosen or _total(inst, fair(inst)) == pytest.approx(_total(inst, chosen))


def test_fair_plan_gives_the_small_firm_a_meeting() -> None:
    """Best total gives both places of the big buyer to the two high scores and leaves k2
    without a meeting; fair gives every firm one (k0 moves to its weak second partner)."""
    from kjmatch.scoring.assign import fair, fewest

    score = {("k0", "j0"): 90.0, ("k1", "j0"): 80.0, ("k2", "j0"): 10.0, ("k0", "j1"): 5.0}
    inst = Instance(("k0", "k1", "k2"), ("j0", "j1"), {"k0": 2, "k1": 1, "k2": 1, "j0": 2,
                    "j1": 1}, score)  # fmt: skip
    assert fewest(inst, best_total(inst)) == 0
    chosen = fair(inst)
    assert fewest(inst, chosen) == 1 and ("k2", "j0") in chosen
    assert sorted(chosen) == [("k0", "j1"), ("k1", "j0"), ("k2", "j0")]
    assert _total(inst, best_total(inst)) - _total(inst, chosen) == pytest.approx(80.0)


def test_a_rivalry_is_no_good_meeting_for_the_fair_plan() -> None:
    """k0's only acceptable partner is a rival (allowed by --include-rivals): the fair
    plan does not give k1's place at j0 away to lift k0's floor with it."""
    from kjmatch.scoring.assign import fair, fewest, reach

    score = {("k0", "j0"): 10.0, ("k1", "j0"): 90.0, ("k1", "j1"): 20.0}
    caps = {"k0": 1, "k1": 1, "j0": 1, "j1": 1}
    counted = Instance(("k0", "k1"), ("j0", "j1"), caps, score)
    assert fair(counted) == [("k0", "j0"), ("k1", "j1")]  # a rivalry lifts the floor
    rivals = Instance(("k0", "k1"), ("j0", "j1"), caps, score, rivalry=frozenset({("k0", "j0")}))
    assert reach(rivals)["k0"] == 0
    assert fair(rivals) == best_total(rivals) == [("k1", "j0")]
    # either way some firm goes without a good meeting (k1 can take one place only)
    assert fewest(rivals, fair(rivals)) == fewest(rivals, counted_plan := fair(counted)) == 0
    assert counted_plan != fair(rivals)


@st.composite
def slotted_instances(draw: st.DrawFn) -> Instance:
    """Small days whose firms are free only in some slots, sometimes with tables."""
    base = draw(instances(max_k=3, max_j=3, max_cap=3))
    slots = draw(st.integers(1, 3))
    firms = (*base.korea, *base.japan)
    free = {f: frozenset(draw(st.sets(st.integers(1, slots), min_size=1), label=f)) for f in firms}
    tables = draw(st.none() | st.integers(1, 2), label="tables")
    capacity = {f: min(base.capacity[f], len(free[f])) for f in firms}
    return Instance(
        base.korea,
        base.japan,
        capacity,
        base.score,
        available=free,
        slots=slots,
        tables=tables,
        places=None if tables is None else tables * slots,
    )


def _fits_the_day(inst: Instance, chosen: list[tuple[str, str]]) -> bool:
    from kjmatch.scoring.timetable import schedule

    assert inst.available is not None
    table = schedule(chosen, inst.slots, inst.available, tables=inst.tables)
    return not table.unplaced


def _best_fitting(inst: Instance, measure: Callable[[Instance, list[Edge]], float]) -> float:
    """The best `measure(inst, plan)` over every plan that fits the day (brute force)."""
    edges = sorted(inst.score)
    return max(
        measure(inst, list(subset))
        for r in range(len(edges) + 1)
        for subset in itertools.combinations(edges, r)
        if _feasible(inst, list(subset)) and _fits_the_day(inst, list(subset))
    )


@settings(max_examples=120, deadline=None)
@given(slotted_instances())
def test_with_availability_the_best_total_fits_the_day_and_is_the_best_that_does(
    inst: Instance,
) -> None:
    """QA round 9: plans chosen without the slots left must-meets and places unfilled.
    The best total is now a plan the timetable can hold, and no plan that fits the day
    (capacities, each firm once a slot, the tables) scores more (brute force)."""
    chosen = best_total(inst)
    assert _feasible(inst, chosen) and _fits_the_day(inst, chosen)
    assert abs(_total(inst, chosen) - _best_fitting(inst, _total)) < 1e-6


@settings(max_examples=100, deadline=None)
@given(slotted_instances())
def test_with_availability_the_fair_plan_reaches_the_best_floor_the_day_allows(
    inst: Instance,
) -> None:
    """QA round 10: a slot only the firm was free in raised its reach and so lowered
    every firm's floor. The fair plan fits the day, and no plan that fits it has a
    higher fairness level (brute force)."""
    from kjmatch.scoring.assign import fair, fairness

    chosen = fair(inst)
    assert _feasible(inst, chosen) and _fits_the_day(inst, chosen)
    assert fairness(inst, chosen) == _best_fitting(inst, fairness)


def test_a_slot_no_partner_shares_does_not_raise_reach() -> None:
    from kjmatch.scoring.assign import reach

    free = {"k0": frozenset({1, 2}), "j0": frozenset({1}), "j1": frozenset({1})}
    inst = Instance(("k0",), ("j0", "j1"), {"k0": 2, "j0": 1, "j1": 1},
                    {("k0", "j0"): 5.0, ("k0", "j1"): 4.0}, available=free, slots=2)  # fmt: skip
    assert reach(inst)["k0"] == 1

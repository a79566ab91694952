"""The timetable never double-books a firm, respects availability and the tables,
and without availability limits fits every meeting in max-degree slots (König)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kjmatch.scoring.timetable import Edge, edge_colouring, schedule, tables_for


@st.composite
def meetings(draw: st.DrawFn, max_firms: int = 7) -> list[Edge]:
    nk = draw(st.integers(1, max_firms))
    nj = draw(st.integers(1, max_firms))
    pairs = [(f"k{a}", f"j{b}") for a in range(nk) for b in range(nj)]
    return sorted(draw(st.sets(st.sampled_from(pairs), max_size=len(pairs))))


def _degree(edges: list[Edge]) -> int:
    count: dict[str, int] = {}
    for e in edges:
        for f in e:
            count[f] = count.get(f, 0) + 1
    return max(count.values(), default=0)


def _no_double_booking(slot: dict[Edge, int]) -> None:
    seen: set[tuple[str, int]] = set()
    for e, s in slot.items():
        for f in e:
            assert (f, s) not in seen, (f, s)
            seen.add((f, s))


@settings(max_examples=200, deadline=None)
@given(meetings())
def test_edge_colouring_uses_max_degree_colours(edges: list[Edge]) -> None:
    delta = _degree(edges)
    colour = edge_colouring(edges, delta)
    assert set(colour) == set(edges)
    assert all(1 <= c <= delta for c in colour.values())
    _no_double_booking(colour)


@settings(max_examples=150, deadline=None)
@given(meetings(max_firms=6), st.integers(1, 8), st.data())
def test_schedule_never_double_books_and_respects_availability(
    edges: list[Edge], slots: int, data: st.DataObject
) -> None:
    firms = sorted({f for e in edges for f in e})
    available = {
        f: frozenset(data.draw(st.sets(st.integers(1, slots), min_size=1), label=f)) for f in firms
    }
    tables = data.draw(st.none() | st.integers(1, 4), label="tables")
    t = schedule(edges, slots, available, tables=tables)
    assert set(t.slot) | set(t.unplaced) == set(edges) and not set(t.slot) & set(t.unplaced)
    _no_double_booking(t.slot)
    for (k, j), s in t.slot.items():
        assert s in available[k] and s in available[j]
    if tables is not None:
        per: dict[int, int] = {}
        for s in t.slot.values():
            per[s] = per.get(s, 0) + 1
        assert max(per.values(), default=0) <= tables
    seats = tables_for(t.slot, tables)
    assert len({(t.slot[e], seats[e]) for e in t.slot}) == len(t.slot)  # one meeting a table


@settings(max_examples=100, deadline=None)
@given(meetings())
def test_without_limits_everything_is_placed(edges: list[Edge]) -> None:
    slots = max(_degree(edges), 1)
    t = schedule(edges, slots, {})
    assert t.unplaced == [] and t.method == "edge-colouring"
    _no_double_booking(t.slot)


def test_an_impossible_meeting_is_reported_not_dropped() -> None:
    edges = [("k0", "j0"), ("k0", "j1"), ("k1", "j0")]
    available = {"k0": frozenset({1}), "j0": frozenset({1}), "j1": frozenset({1, 2}),
                 "k1": frozenset({1})}  # fmt: skip
    t = schedule(edges, 2, available)
    assert t.unplaced == [("k0", "j0")] and len(t.slot) == 2 and t.method == "ilp" and t.proven


@settings(max_examples=150, deadline=None)
@given(meetings(max_firms=5), st.integers(1, 4), st.integers(1, 3), st.data())
def test_must_meet_pairs_are_placed_first(
    edges: list[Edge], slots: int, tables: int, data: st.DataObject
) -> None:
    """A must-meet pair keeps its place however many others a table limit pushes out,
    whenever the must-meet pairs alone fit (QA round 8: a cut stable plan lost one)."""
    must = frozenset(data.draw(st.sets(st.sampled_from(edges)) if edges else st.just(set())))
    alone = schedule(sorted(must), slots, {}, tables=tables)
    weight = {e: (0.0 if e in must else 100.0) for e in edges}  # the others score higher
    t = schedule(edges, slots, {}, tables=tables, weight=weight, must=must)
    _no_double_booking(t.slot)
    if not alone.unplaced:
        assert must <= set(t.slot), (must, t.slot)

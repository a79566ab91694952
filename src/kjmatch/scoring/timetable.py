"""Give each meeting a slot: no firm in two meetings at once, availability respected.

Without availability limits a bipartite multigraph's edges can always be coloured
with as many colours as its largest degree (König's theorem), so every meeting fits
in max-degree slots: `edge_colouring` builds such a colouring by swapping alternating
paths. With availability (or a table limit per slot) the problem is a list
colouring, in general hard: a greedy pass places most meetings, and if any is left
an integer programme (HiGHS through `scipy.optimize.milp`) places as many as can be
placed, exactly when it finishes within its time limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

Edge = tuple[str, str]  # (Korean id, Japanese id)
ILP_SECONDS = 20.0


@dataclass(slots=True)
class Timetable:
    slot: dict[Edge, int]  # meeting → slot (1-based)
    unplaced: list[Edge] = field(default_factory=list)
    method: str = "edge-colouring"  # edge-colouring, greedy or ilp
    proven: bool = True  # False: the ILP stopped at its time limit (placed may not be best)


def edge_colouring(edges: Iterable[Edge], colours: int) -> dict[Edge, int]:
    """A proper edge colouring with colours 1..`colours` (at least the max degree):
    no two edges at one firm share a colour. Kempe-chain swaps, O(E·V)."""
    at: dict[tuple[str, str], dict[int, tuple[str, str]]] = {}
    colour: dict[Edge, int] = {}

    def free(node: tuple[str, str]) -> int:
        used = at.setdefault(node, {})
        return next(c for c in range(1, colours + 1) if c not in used)

    for k, j in edges:
        u, v = ("K", k), ("J", j)
        a, b = free(u), free(v)
        if a in at[v]:
            # the a/b path from v never reaches u (bipartite): swap it, a frees at v
            path: list[tuple[tuple[str, str], tuple[str, str], int]] = []
            node, c = v, a
            while c in at[node]:
                nxt = at[node][c]
                path.append((node, nxt, c))
                node, c = nxt, (b if c == a else a)
            for x, y, c in path:
                del at[x][c], at[y][c]
            for x, y, c in path:
                d = b if c == a else a
                at[x][d], at[y][d] = y, x
                kx, jy = (x[1], y[1]) if x[0] == "K" else (y[1], x[1])
                colour[(kx, jy)] = d
        at[u][a], at[v][a] = v, u
        colour[(k, j)] = a
    return colour


def schedule(
    meetings: list[Edge],
    slots: int,
    available: Mapping[str, frozenset[int]],
    *,
    tables: int | None = None,
    weight: Mapping[Edge, float] | None = None,
    must: frozenset[Edge] = frozenset(),
) -> Timetable:
    """Slots for `meetings`; those that cannot be placed are listed in `unplaced`. The
    `must` meetings (must-meet pairs) are placed before any other."""
    everyone = frozenset(range(1, slots + 1))
    limited = any(available.get(f, everyone) != everyone for e in meetings for f in e)
    degree: dict[str, int] = {}
    for k, j in meetings:
        degree[k] = degree.get(k, 0) + 1
        degree[j] = degree.get(j, 0) + 1
    if not limited and max(degree.values(), default=0) <= slots:
        slot = edge_colouring(meetings, slots)
        if tables is None or max(_per_slot(slot).values(), default=0) <= tables:
            return Timetable(slot)
    greedy = _greedy(meetings, slots, available, tables, weight or {}, must)
    if not greedy.unplaced:
        return greedy
    return _ilp(meetings, slots, available, tables, weight or {}, must) or greedy


def _per_slot(slot: Mapping[Edge, int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for s in slot.values():
        out[s] = out.get(s, 0) + 1
    return out


def _options(e: Edge, slots: int, available: Mapping[str, frozenset[int]]) -> list[int]:
    everyone = frozenset(range(1, slots + 1))
    return sorted(available.get(e[0], everyone) & available.get(e[1], everyone))


def _greedy(
    meetings: list[Edge],
    slots: int,
    available: Mapping[str, frozenset[int]],
    tables: int | None,
    weight: Mapping[Edge, float],
    must: frozenset[Edge] = frozenset(),
) -> Timetable:
    """Must-meet pairs, then fewest options first, each in its first slot free for both
    firms."""
    busy: dict[str, set[int]] = {}
    used: dict[int, int] = {}
    slot: dict[Edge, int] = {}
    unplaced = []
    order = sorted(
        meetings,
        key=lambda e: (e not in must, len(_options(e, slots, available)), -weight.get(e, 0), e),
    )
    for e in order:
        for s in _options(e, slots, available):
            if s in busy.get(e[0], ()) or s in busy.get(e[1], ()):
                continue
            if tables is not None and used.get(s, 0) >= tables:
                continue
            slot[e] = s
            busy.setdefault(e[0], set()).add(s)
            busy.setdefault(e[1], set()).add(s)
            used[s] = used.get(s, 0) + 1
            break
        else:
            unplaced.append(e)
    return Timetable(slot, sorted(unplaced), method="greedy")


def _ilp(
    meetings: list[Edge],
    slots: int,
    available: Mapping[str, frozenset[int]],
    tables: int | None,
    weight: Mapping[Edge, float],
    must: frozenset[Edge] = frozenset(),
) -> Timetable | None:
    """As many meetings placed as possible (higher scores first on ties), a must-meet
    pair before any number of others."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_array

    var: list[tuple[Edge, int]] = [(e, s) for e in meetings for s in _options(e, slots, available)]
    if not var:
        return None
    rows: dict[tuple[str, object], int] = {}
    r_idx, c_idx = [], []
    upper = []
    for col, (e, s) in enumerate(var):
        keys: list[tuple[str, object]] = [("m", e), ("f", (e[0], s)), ("f", (e[1], s))]
        if tables is not None:
            keys.append(("t", s))
        for key in keys:
            if key not in rows:
                rows[key] = len(rows)
                upper.append(tables if key[0] == "t" else 1)
            r_idx.append(rows[key])
            c_idx.append(col)
    a = coo_array((np.ones(len(r_idx)), (r_idx, c_idx)), shape=(len(rows), len(var)))
    top = max((weight.get(e, 0.0) for e in meetings), default=0.0) or 1.0
    first = float(len(meetings) + 1)  # a must-meet pair outweighs every other together
    cost = np.array(
        [-(first if e in must else 1.0) - 0.001 * weight.get(e, 0.0) / top for e, _ in var]
    )
    res = milp(
        cost,
        constraints=LinearConstraint(a, 0, np.array(upper, dtype=float)),
        bounds=Bounds(0, 1),
        integrality=np.ones(len(var)),
        options={"time_limit": ILP_SECONDS},
    )
    if res.x is None:
        return None
    slot = {e: s for (e, s), x in zip(var, res.x, strict=True) if x > 0.5}
    unplaced = sorted(e for e in meetings if e not in slot)
    return Timetable(slot, unplaced, method="ilp", proven=res.status == 0)


def tables_for(slot: Mapping[Edge, int], tables: int | None) -> dict[Edge, int]:
    """A table per meeting: each Japanese firm keeps one table all day when tables are
    not limited (Korean firms move); otherwise tables 1..n within each slot."""
    if tables is None:
        hosts = {j: n for n, j in enumerate(sorted({j for _, j in slot}), start=1)}
        return {e: hosts[e[1]] for e in slot}
    out: dict[Edge, int] = {}
    by_slot: dict[int, list[Edge]] = {}
    for e, s in slot.items():
        by_slot.setdefault(s, []).append(e)
    for edges in by_slot.values():
        for n, e in enumerate(sorted(edges, key=lambda e: (e[1], e[0])), start=1):
            out[e] = n
    return out

"""Plans for a day whose firms are free only in some slots.

Without availability limits any plan within the capacities fits the day (König's
theorem; with tables, an equitable colouring keeps every slot within them once the
plan fits the venue's places), so `assign` chooses meetings first and slots after.
With limits that order can choose meetings no timetable can hold: two firms free only
in slot 1 cannot both meet a third there. Then meetings and slots are chosen together:
an integer programme over (pair, slot) with each firm once per slot, its capacity, the
tables per slot, the must-meet pairs and the fair plan's floors (HiGHS through
`scipy.optimize.milp`, with a time limit).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from kjmatch.errors import KjmatchError
from kjmatch.event import Event

from .shortfall import n_of
from .timetable import ILP_SECONDS, Edge, Timetable, schedule

if TYPE_CHECKING:
    from .assign import Instance


class SlotsTimedOut(Exception):
    """The programme found no plan within its time limit (none proven impossible)."""


def solve_slotted(inst: Instance, floors: Mapping[str, int] | None = None) -> list[Edge] | None:
    """The most summed score over meetings that can all be given a slot together (and
    at least `floors[f]` good meetings per firm); None when no such plan exists."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_array

    from .assign import REQUEST_BONUS  # here: assign imports this module

    assert inst.available is not None
    everyone = frozenset(range(1, inst.slots + 1))
    free = {f: inst.available.get(f, everyone) for f in (*inst.korea, *inst.japan)}
    var = [(e, s) for e in sorted(inst.score) for s in sorted(free[e[0]] & free[e[1]])]
    if not var:
        return [] if not inst.forced else None
    rows: dict[tuple[object, ...], int] = {}
    low: list[float] = []
    high: list[float] = []
    r_idx: list[int] = []
    c_idx: list[int] = []

    def row(key: tuple[object, ...], lo: float, hi: float) -> int:
        if key not in rows:
            rows[key] = len(rows)
            low.append(lo)
            high.append(hi)
        return rows[key]

    for col, (e, s) in enumerate(var):
        keys = [
            row(("pair", e), 1.0 if e in inst.forced else 0.0, 1.0),
            row(("busy", e[0], s), 0.0, 1.0),
            row(("busy", e[1], s), 0.0, 1.0),
            row(("cap", e[0]), 0.0, inst.capacity[e[0]]),
            row(("cap", e[1]), 0.0, inst.capacity[e[1]]),
        ]
        if inst.tables is not None:
            keys.append(row(("tables", s), 0.0, inst.tables))
        if floors and inst.good(e):
            keys += [row(("good", f), floors.get(f, 0), np.inf) for f in e]
        r_idx += keys
        c_idx += [col] * len(keys)
    if floors:  # a firm with a floor but no good pair that fits: no such plan
        for f, n in floors.items():
            if n > 0 and ("good", f) not in rows:
                return None
    if any(("pair", e) not in rows for e in inst.forced):
        return None  # a must-meet pair with no common slot
    a = coo_array((np.ones(len(r_idx)), (r_idx, c_idx)), shape=(len(rows), len(var)))
    wanted = inst.wanted
    cost = -np.array([inst.score[e] + (REQUEST_BONUS if e in wanted else 0.0) for e, _ in var])
    res = milp(
        cost,
        constraints=LinearConstraint(a, np.array(low), np.array(high)),
        bounds=Bounds(0, 1),
        integrality=np.ones(len(var)),
        options={"time_limit": ILP_SECONDS},
    )
    if res.x is None:
        if res.status == 1:  # the time limit, with no plan found yet
            raise SlotsTimedOut
        return None
    return sorted({e for (e, _), x in zip(var, res.x, strict=True) if x > 0.5})


def tableless(table: Timetable, event: Event, available: Mapping[str, frozenset[int]]) -> set[Edge]:
    """Unplaced meetings whose two firms were both free in a slot they share: only the
    tables (all taken in that slot) kept them out."""
    if event.tables is None or not table.unplaced:
        return set()
    busy: dict[str, set[int]] = {}
    for (k, j), s in table.slot.items():
        busy.setdefault(k, set()).add(s)
        busy.setdefault(j, set()).add(s)
    return {
        (k, j)
        for k, j in table.unplaced
        if (available[k] & available[j]) - busy.get(k, set()) - busy.get(j, set())
    }


def must_fit(event: Event, inst: Instance) -> None:
    """The must-meet pairs must fit the day together: no more than the venue's places,
    and two firms free only in slot 1 cannot both meet a third there (each pair alone
    was checked with the event)."""
    if inst.places is not None and len(inst.forced) > inst.places:
        raise KjmatchError(
            f"{len(inst.forced)} must-meet pairs need more places than the venue has: "
            f"{n_of(event.tables or 0, 'table')} × {n_of(event.slots, 'slot')} = {inst.places}"
        )
    if inst.available is None and inst.places is None:
        return  # König: within the capacities they always fit
    available = {f: p.available for f, p in event.participants.items()}
    table = schedule(sorted(inst.forced), event.slots, available, tables=event.tables)
    if table.unplaced:
        where = "the firms' free slots" + (" and the tables" if event.tables else "")
        raise KjmatchError(
            f"the must-meet pairs cannot all be given a slot ({where} allow "
            f"{len(table.slot)} of {len(inst.forced)}); cannot place: "
            + "; ".join(_clash(e, table.slot, available) for e in table.unplaced)
        )


def _clash(e: Edge, placed: Mapping[Edge, int], available: Mapping[str, frozenset[int]]) -> str:
    """An unplaced must-meet pair and the placed ones that hold the slots it could use."""
    k, j = e
    could = available[k] & available[j]
    rivals = sorted(o for o, s in placed.items() if s in could and (k in o or j in o))
    free = ", ".join(map(str, sorted(could)))
    held = " and ".join(f"{a} – {b}" for a, b in rivals) or "the tables"
    slots = "slot" if len(could) == 1 else "slots"
    return f"{k} – {j} (free together in {slots} {free}, held by {held})"


def slot_reach(
    available: Mapping[str, frozenset[int]], firm: str, partners: list[str], spent: int
) -> int:
    """How many of `partners` the firm can meet, each in a different slot free for both
    (a bipartite matching of partners to slots, by augmenting paths), less the slots its
    `spent` must-meet meetings of no good use take."""
    mine = available[firm]
    slot_of: dict[int, str] = {}  # slot → the partner holding it

    def place(partner: str, seen: set[int]) -> bool:
        for s in sorted(mine & available[partner]):
            if s in seen:
                continue
            seen.add(s)
            if s not in slot_of or place(slot_of[s], seen):
                slot_of[s] = partner
                return True
        return False

    matched = sum(1 for partner in partners if place(partner, set()))
    return max(0, min(matched, len(mine) - spent))

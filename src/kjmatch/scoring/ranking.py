"""Rank Korea–Japan player pairs in a sector, best first, and explain one pair.

Two ways to rank give the same answer: `_all_pairs` scores every pair (the
reference); `_top_pairs` scores each group of alike strengths once. That is sound
because a link's score depends only on its `LinkFacts` (see `kjmatch.weights`), and
a group is defined by every fact that can differ: levels, stages, gap and security.
"""

from __future__ import annotations

import dataclasses
import heapq
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from kjmatch.model import Dataset, Player, Relationship, Sector, Strength
from kjmatch.weights import DIRECTIONS, Direction, LinkFacts, resolve_weights

from .chain import Chain
from .evidence import gap, security
from .links import Link, pair_links, score_facts
from .stability import PairStability, StabilitySummary, analyse

EXPLAIN_RANK_LIMIT = 250_000  # player pairs in a sector above which explain skips the rank
STABILITY_POOL = 5  # stability re-ranks the best 5×N pairs (at least STABILITY_MIN_POOL)
STABILITY_MIN_POOL = 2000
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class Pairing:
    """A Korean and a Japanese player in one sector, scored by their best link."""

    korea: Player
    japan: Player
    links: tuple[Link, ...]  # best first
    relationships: tuple[Relationship, ...]
    rank: int = 0  # 0: not ranked (explain above EXPLAIN_RANK_LIMIT)
    stability: PairStability | None = None

    @property
    def best(self) -> Link:
        return self.links[0]

    @property
    def score(self) -> float:
        return self.links[0].score


@dataclass(frozen=True, slots=True)
class StabilityRequest:
    """Perturb every weight by up to ±spread, `samples` times, from `seed`."""

    samples: int = 200
    seed: int = 7
    spread: float = 0.2


@dataclass(slots=True)
class MatchResult:
    sector: Sector
    weights: dict[str, float]
    scenario: str | None
    pairings: list[Pairing]  # ranked, after min_score and top
    candidates: int  # player pairs linked along the chain, before filters on score and rank
    ranked: list[Pairing] = field(default_factory=list)  # the ranked pool behind `pairings`
    stability: StabilitySummary | None = None


def ties_in(ds: Dataset, sector_id: str) -> dict[tuple[str, str], tuple[Relationship, ...]]:
    """(Korean id, Japanese id) → the pair's ties in the sector, oldest first."""
    ties: dict[tuple[str, str], tuple[Relationship, ...]] = {}
    for r in sorted(ds.relationships, key=lambda r: (r.year, r.id)):
        if r.sector == sector_id:
            ties[(r.korea, r.japan)] = (*ties.get((r.korea, r.japan), ()), r)
    return ties


def match(
    ds: Dataset,
    sector_id: str,
    *,
    weights: Mapping[str, float] | None = None,
    top: int | None = 20,
    min_score: float = 0.0,
    korea: str | None = None,
    japan: str | None = None,
    directions: Iterable[str] = DIRECTIONS,
    scenario: str | None = None,
    exhaustive: bool = False,
    stability: StabilityRequest | None = None,
    progress: Progress | None = None,
) -> MatchResult:
    """Rank Korea–Japan player pairs in a sector, best first; ties broken by ids.

    With `top` set only the best pairs are built (see `_top_pairs`); `exhaustive`
    scores every pair, which `top=None` always does. With `stability`, a pool of
    the best pairs is re-ranked under perturbed weights and each shown pairing
    carries how stable its rank is."""
    w = resolve_weights(weights)
    sector = ds.sectors[sector_id]
    chain = Chain(ds, sector)
    dirs = tuple(d for d in DIRECTIONS if d in set(directions))
    kr = [p for p in ds.players_in(sector_id, "KR") if korea is None or p.id == korea]
    jp = [p for p in ds.players_in(sector_id, "JP") if japan is None or p.id == japan]
    ties = ties_in(ds, sector_id)
    pool = 0
    if stability is not None and top is not None:
        pool = max(top * STABILITY_POOL, STABILITY_MIN_POOL)
    if top is None or exhaustive:
        ranked = _all_pairs(chain, kr, jp, ties, w, dirs, progress)
        candidates = len(ranked)
    else:
        ranked, candidates = _top_pairs(
            chain, kr, jp, ties, w, dirs, max(top, pool), min_score, progress
        )
    shown = [p for p in ranked if p.score >= min_score]
    if top is not None:
        shown = shown[:top]
    summary = None
    if stability is not None:
        per_pair, summary = analyse(
            ranked,
            w,
            top=len(shown) if top is None else top,
            samples=stability.samples,
            seed=stability.seed,
            spread=stability.spread,
        )
        shown = [
            dataclasses.replace(p, stability=per_pair[(p.korea.id, p.japan.id)]) for p in shown
        ]
    return MatchResult(
        sector=sector,
        weights=w,
        scenario=scenario,
        pairings=shown,
        candidates=candidates,
        ranked=ranked,
        stability=summary,
    )


def _all_pairs(
    chain: Chain,
    kr: list[Player],
    jp: list[Player],
    ties: Mapping[tuple[str, str], tuple[Relationship, ...]],
    w: Mapping[str, float],
    dirs: tuple[str, ...],
    progress: Progress | None = None,
) -> list[Pairing]:
    """Score every pair: the reference implementation."""
    found: list[Pairing] = []
    for n, kp in enumerate(kr, 1):
        if progress:
            progress("Matching", n, len(kr))
        for jpp in jp:
            rels = ties.get((kp.id, jpp.id), ())
            links = pair_links(chain, kp, jpp, rels, w, dirs)
            if links:
                found.append(Pairing(korea=kp, japan=jpp, links=tuple(links), relationships=rels))
    found.sort(key=lambda p: (-p.score, p.korea.id, p.japan.id))
    return [dataclasses.replace(p, rank=i) for i, p in enumerate(found, 1)]


Member = tuple[Player, Strength]
GroupKey = tuple[float, ...]


def _top_pairs(
    chain: Chain,
    kr: list[Player],
    jp: list[Player],
    ties: Mapping[tuple[str, str], tuple[Relationship, ...]],
    w: Mapping[str, float],
    dirs: tuple[str, ...],
    top: int,
    min_score: float,
    progress: Progress | None = None,
) -> tuple[list[Pairing], int]:
    """The best pairs without scoring all of them.

    Strengths at a stage are grouped by the facts they give a link; each pair of
    groups is scored once from those facts, and the groups' pairs are merged lazily
    in (score, Korean id, Japanese id) order. Pairs with a documented tie are scored
    one by one. Cost grows with players and groups plus the pairs taken, not with
    the number of candidate pairs."""
    sector = chain.sector.id
    by_stage: dict[tuple[str, str], list[Member]] = {}
    for p in (*kr, *jp):
        for s in p.strengths:
            if s.sector == sector:
                by_stage.setdefault((p.country, s.stage), []).append((p, s))
    streams: list[Iterator[tuple[float, str, str, int, str, str]]] = []
    memo: dict[tuple[object, ...], dict[GroupKey, list[Member]]] = {}
    players = {p.id: p for p in (*kr, *jp)}
    tied = {k for k in ties if k[0] in players and k[1] in players}
    stage_pairs = list(itertools.product(chain.stages, chain.stages))
    for n, (kst, jst) in enumerate(stage_pairs, 1):
        if progress:
            progress("Matching", n, len(stage_pairs))
        rel = chain.relation(kst, jst)
        if rel is None or rel[0] not in dirs:
            continue
        ks_list, js_list = by_stage.get(("KR", kst)), by_stage.get(("JP", jst))
        if not ks_list or not js_list:
            continue
        direction, hops = rel
        order = DIRECTIONS.index(direction)
        if direction == "same-stage":
            kgroups = _level_groups(ks_list)
            jgroups = _level_groups(js_list)
            for (klevel,), kmembers in kgroups.items():
                for (jlevel,), jmembers in jgroups.items():
                    facts = _facts(direction, hops, int(klevel), int(jlevel), 0.0, 0.0)
                    score = score_facts(facts, w)
                    streams.append(_stream(score, kmembers, jmembers, order, kst, jst, tied))
            continue
        buyer_country = "KR" if direction == "jp-to-kr" else "JP"
        sup_list, buy_list = (js_list, ks_list) if direction == "jp-to-kr" else (ks_list, js_list)
        sup_stage = jst if direction == "jp-to-kr" else kst
        leader = chain.leader(buyer_country, sup_stage)
        sup_groups = _supplier_groups(chain, sup_list, direction, buyer_country, leader, memo)
        buy_groups = _buyer_groups(buy_list, leader)
        for (slevel, gap_other, gap_leader, sec), smembers in sup_groups.items():
            for (blevel, is_leader), bmembers in buy_groups.items():
                levels = (int(blevel), int(slevel))
                if direction == "kr-to-jp":
                    levels = (int(slevel), int(blevel))
                gap_value = gap_leader if is_leader else gap_other
                facts = _facts(direction, hops, *levels, gap_value, sec)
                score = score_facts(facts, w)
                kmembers, jmembers = (
                    (bmembers, smembers) if direction == "jp-to-kr" else (smembers, bmembers)
                )
                streams.append(_stream(score, kmembers, jmembers, order, kst, jst, tied))
    for kid, jid in sorted(tied):
        links = pair_links(chain, players[kid], players[jid], ties[(kid, jid)], w, dirs)
        if links:
            b = links[0]
            order = DIRECTIONS.index(b.direction)
            key = (-b.score, kid, jid, order, b.korea_stage.id, b.japan_stage.id)
            streams.append(iter([key]))
    seen: set[tuple[str, str]] = set()
    ranked: list[Pairing] = []
    for neg_score, kid, jid, *_ in heapq.merge(*streams):
        if (kid, jid) in seen:
            continue  # a pair's later entries are its weaker links
        seen.add((kid, jid))
        if len(ranked) >= top or -neg_score < min_score:
            break
        kp, jpp = players[kid], players[jid]
        rels = ties.get((kid, jid), ())
        links = pair_links(chain, kp, jpp, rels, w, dirs)
        pairing = Pairing(korea=kp, japan=jpp, links=tuple(links), relationships=rels)
        ranked.append(dataclasses.replace(pairing, rank=len(ranked) + 1))
    return ranked, _count_linked(chain, kr, jp, dirs)


def _facts(
    direction: Direction, hops: int, klevel: int, jlevel: int, gap_value: float, sec: float
) -> LinkFacts:
    """The facts of an untied link (tied pairs are scored one by one)."""
    return LinkFacts(direction, hops, klevel, jlevel, gap_value, sec, tie=0.0, tied=False)


def _sorted_groups(groups: dict[GroupKey, list[Member]]) -> dict[GroupKey, list[Member]]:
    return {k: sorted(g, key=lambda m: m[0].id) for k, g in groups.items()}


def _level_groups(members: list[Member]) -> dict[GroupKey, list[Member]]:
    groups: dict[GroupKey, list[Member]] = {}
    for p, s in members:
        groups.setdefault((float(s.level),), []).append((p, s))
    return _sorted_groups(groups)


def _buyer_groups(members: list[Member], leader: str) -> dict[GroupKey, list[Member]]:
    """Buyers by level and by whether they lead their country at the supplier's stage
    (a leader's gap is measured against the next best player)."""
    groups: dict[GroupKey, list[Member]] = {}
    for p, s in members:
        groups.setdefault((float(s.level), float(p.id == leader)), []).append((p, s))
    return _sorted_groups(groups)


def _supplier_groups(
    chain: Chain,
    members: list[Member],
    direction: Direction,
    buyer_country: str,
    leader: str,
    memo: dict[tuple[object, ...], dict[GroupKey, list[Member]]],
) -> dict[GroupKey, list[Member]]:
    """Suppliers by level, gap (for any buyer, and for the buyer country's leader) and
    security: everything a supplier contributes to `LinkFacts`. Memoised per stage."""
    memo_key = (members[0][0].country, members[0][1].stage, direction)
    if memo_key in memo:
        return memo[memo_key]
    groups: dict[GroupKey, list[Member]] = {}
    for p, s in members:
        key = (
            float(s.level),
            gap(chain, p.name, s, buyer_country, "")[0],
            gap(chain, p.name, s, buyer_country, leader)[0],
            security(chain, s, direction)[0],
        )
        groups.setdefault(key, []).append((p, s))
    memo[memo_key] = _sorted_groups(groups)
    return memo[memo_key]


def _stream(
    score: float,
    kmembers: list[Member],
    jmembers: list[Member],
    order: int,
    kst: str,
    jst: str,
    tied: set[tuple[str, str]],
) -> Iterator[tuple[float, str, str, int, str, str]]:
    """All pairs of two groups in (Korean id, Japanese id) order; tied pairs are scored apart."""
    for kp, _ in kmembers:
        for jpp, _ in jmembers:
            if (kp.id, jpp.id) not in tied:
                yield (-score, kp.id, jpp.id, order, kst, jst)


def _count_linked(chain: Chain, kr: list[Player], jp: list[Player], dirs: tuple[str, ...]) -> int:
    """How many Korea–Japan player pairs share at least one link (grouped by stage sets)."""
    sector = chain.sector.id

    def signature(p: Player) -> frozenset[str]:
        return frozenset(s.stage for s in p.strengths if s.sector == sector)

    ksig: dict[frozenset[str], int] = {}
    jsig: dict[frozenset[str], int] = {}
    for p in kr:
        ksig[signature(p)] = ksig.get(signature(p), 0) + 1
    for p in jp:
        jsig[signature(p)] = jsig.get(signature(p), 0) + 1
    total = 0
    for ks, kn in ksig.items():
        for js, jn in jsig.items():
            if any(
                (r := chain.relation(a, b)) is not None and r[0] in dirs for a in ks for b in js
            ):
                total += kn * jn
    return total


def explain(
    ds: Dataset,
    korea: str,
    japan: str,
    *,
    sector: str | None = None,
    weights: Mapping[str, float] | None = None,
) -> list[Pairing]:
    """Every linked pair of stages between two players, per shared sector, ranked as in `match`.

    The rank needs every pair of the sector scored; above EXPLAIN_RANK_LIMIT player
    pairs it is left at 0 (unknown) and only this pair is scored."""
    out = []
    kp, jpp = ds.players[korea], ds.players[japan]
    w = resolve_weights(weights)
    for sid in [sector] if sector else sorted(ds.sectors):
        if not any(s.sector == sid for s in kp.strengths) or not any(
            s.sector == sid for s in jpp.strengths
        ):
            continue
        size = len(ds.players_in(sid, "KR")) * len(ds.players_in(sid, "JP"))
        if size <= EXPLAIN_RANK_LIMIT:
            out += [
                p
                for p in match(ds, sid, weights=w, top=None).ranked
                if p.korea.id == korea and p.japan.id == japan
            ]
            continue
        rels = ties_in(ds, sid).get((korea, japan), ())
        links = pair_links(Chain(ds, ds.sectors[sid]), kp, jpp, rels, w)
        if links:
            out.append(Pairing(korea=kp, japan=jpp, links=tuple(links), relationships=rels))
    return out

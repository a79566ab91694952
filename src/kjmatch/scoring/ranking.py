"""Rank Korea–Japan player pairs in a sector, best first, and explain one pair.

Two ways to rank give the same answer: `_all_pairs` scores every pair (the
reference); `_top_pairs` scores each group of alike product offers once. That is
sound because a link's score depends only on its `LinkFacts` (see `kjmatch.weights`),
and a group is defined by every fact that can differ: levels, products, gap and
security. Pairs with a documented tie are scored one by one.

Order: score, then the weaker side's level at the best link (a pairing of two strong
firms before a strong and a weak one), then Korean id and Japanese id. Equal scores
share a rank (competition ranking: 1, 2, 2, 4).
"""

from __future__ import annotations

import dataclasses
import heapq
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from kjmatch.model import Dataset, Player, Relationship, Sector
from kjmatch.weights import DIRECTIONS, Direction, LinkFacts, resolve_weights

from .chain import Chain
from .evidence import gap, joint_security, peer_ties, security
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
    rank: int = 0  # in the full sector ranking; 0: not computed (above EXPLAIN_RANK_LIMIT)
    shared_rank: bool = False  # another pairing has the same score and rank
    position: int = 0  # place in this (possibly filtered) list
    stability: PairStability | None = None

    @property
    def best(self) -> Link:
        return self.links[0]

    @property
    def score(self) -> float:
        return self.links[0].score

    def order(self) -> tuple[float, int, str, str]:
        return (-self.score, -self.links[0].weaker, self.korea.id, self.japan.id)


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
    as_of: int = 0  # the year evidence was aged from


def ties_of(ds: Dataset) -> dict[tuple[str, str], tuple[Relationship, ...]]:
    """(Korean id, Japanese id) → the pair's ties in every sector, oldest first."""
    ties: dict[tuple[str, str], tuple[Relationship, ...]] = {}
    for r in sorted(ds.relationships, key=lambda r: (r.year, r.id)):
        ties[(r.korea, r.japan)] = (*ties.get((r.korea, r.japan), ()), r)
    return ties


def match(
    ds: Dataset,
    sector_id: str,
    *,
    weights: Mapping[str, float] | None = None,
    top: int | None = 20,
    min_score: float = 0.0,
    korea: str | Collection[str] | None = None,
    japan: str | Collection[str] | None = None,
    directions: Iterable[str] = DIRECTIONS,
    scenario: str | None = None,
    exhaustive: bool = False,
    stability: StabilityRequest | None = None,
    progress: Progress | None = None,
    as_of: int | None = None,
    new_only: bool = False,
) -> MatchResult:
    """Rank Korea–Japan player pairs in a sector, best first (see the module's order).

    With `top` set only the best pairs are built (see `_top_pairs`); `exhaustive`
    scores every pair, which `top=None` always does. With `stability`, a pool of
    the best pairs is re-ranked under perturbed weights and each shown pairing
    carries how stable its rank is. Evidence ages from `as_of` (default: the
    dataset's newest year). `new_only` drops pairs with a tie in any sector.

    A pairing's `rank` is always its rank in the full sector ranking (every pair,
    every direction); with filters (firms, directions, new_only) it is looked up in
    that ranking, or left 0 above EXPLAIN_RANK_LIMIT pairs; `position` is its place
    in the filtered list."""
    w = resolve_weights(weights)
    sector = ds.sectors[sector_id]
    chain = Chain(ds, sector, as_of)
    dirs = tuple(d for d in DIRECTIONS if d in set(directions))
    kr_ids = {korea} if isinstance(korea, str) else None if korea is None else set(korea)
    jp_ids = {japan} if isinstance(japan, str) else None if japan is None else set(japan)
    kr = [p for p in ds.players_in(sector_id, "KR") if kr_ids is None or p.id in kr_ids]
    jp = [p for p in ds.players_in(sector_id, "JP") if jp_ids is None or p.id in jp_ids]
    ties = ties_of(ds)
    filtered = kr_ids is not None or jp_ids is not None or dirs != DIRECTIONS or new_only
    pool = 0
    if stability is not None and top is not None:
        pool = max(top * STABILITY_POOL, STABILITY_MIN_POOL)
    if top is None or exhaustive:
        ranked = _all_pairs(chain, kr, jp, ties, w, dirs, progress, new_only)
        candidates = len(ranked)
    else:
        ranked, candidates = _top_pairs(
            chain, kr, jp, ties, w, dirs, max(top, pool) + 1, min_score, progress, new_only
        )
    ranked = _ranks(ranked)
    if top is not None and not exhaustive:
        ranked = ranked[: max(top, pool)]  # the one extra only told whether the last ties
    if filtered:
        ranked = _full_ranks(ds, sector_id, w, chain.as_of, ranked)
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
            progress=progress,
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
        as_of=chain.as_of,
    )


def _ranks(ordered: list[Pairing]) -> list[Pairing]:
    """Competition ranks: equal scores share the rank of the first of them."""
    out: list[Pairing] = []
    for i, p in enumerate(ordered):
        same_prev = i > 0 and ordered[i - 1].score == p.score
        same_next = i + 1 < len(ordered) and ordered[i + 1].score == p.score
        rank = out[-1].rank if same_prev else i + 1
        out.append(
            dataclasses.replace(p, rank=rank, shared_rank=same_prev or same_next, position=i + 1)
        )
    return out


def _full_ranks(
    ds: Dataset, sector_id: str, w: Mapping[str, float], as_of: int, shown: list[Pairing]
) -> list[Pairing]:
    """The shown pairings with their ranks in the full sector ranking (0 if too large)."""
    size = len(ds.players_in(sector_id, "KR")) * len(ds.players_in(sector_id, "JP"))
    if size > EXPLAIN_RANK_LIMIT:
        return [dataclasses.replace(p, rank=0, shared_rank=False) for p in shown]
    full = {
        (p.korea.id, p.japan.id): p
        for p in match(ds, sector_id, weights=w, top=None, as_of=as_of).ranked
    }
    out = []
    for p in shown:
        f = full[(p.korea.id, p.japan.id)]
        out.append(dataclasses.replace(p, rank=f.rank, shared_rank=f.shared_rank))
    return out


def _all_pairs(
    chain: Chain,
    kr: list[Player],
    jp: list[Player],
    ties: Mapping[tuple[str, str], tuple[Relationship, ...]],
    w: Mapping[str, float],
    dirs: tuple[str, ...],
    progress: Progress | None = None,
    new_only: bool = False,
) -> list[Pairing]:
    """Score every pair: the reference implementation."""
    found: list[Pairing] = []
    for n, kp in enumerate(kr, 1):
        if progress:
            progress("Matching", n, len(kr))
        for jpp in jp:
            rels = ties.get((kp.id, jpp.id), ())
            if new_only and rels:
                continue
            links = pair_links(chain, kp, jpp, rels, w, dirs)
            if links:
                found.append(Pairing(korea=kp, japan=jpp, links=tuple(links), relationships=rels))
    found.sort(key=Pairing.order)
    return found


Member = tuple[Player, int]  # a player and its level at one product
GroupKey = tuple[float, ...]
Key = tuple[
    float, int, str, str, int, str, str
]  # Pairing.order, then the link's direction, products


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
    new_only: bool = False,
) -> tuple[list[Pairing], int]:
    """The best pairs without scoring all of them.

    Offers at a product are grouped by the facts they give a link; each pair of
    groups is scored once from those facts, and the groups' pairs are merged lazily
    in `Pairing.order`. Pairs with a documented tie are scored one by one. Cost grows
    with players and groups plus the pairs taken, not with the candidate pairs."""
    sector = chain.sector.id
    by_product: dict[tuple[str, str], list[Member]] = {}
    for p in (*kr, *jp):
        for s in p.strengths:
            if s.sector == sector:
                for pid, level in s.products.items():
                    by_product.setdefault((p.country, pid), []).append((p, level))
    streams: list[Iterator[Key]] = []
    memo: dict[tuple[str, str, str, str], dict[GroupKey, list[Member]]] = {}
    players = {p.id: p for p in (*kr, *jp)}
    tied = {k for k in ties if k[0] in players and k[1] in players}
    kprods = [pid for (c, pid) in by_product if c == "KR"]
    jprods = [pid for (c, pid) in by_product if c == "JP"]
    for n, kprod in enumerate(kprods, 1):
        if progress:
            progress("Matching", n, len(kprods))
        for jprod in jprods:
            rel = chain.relation(kprod, jprod)
            if rel is None or rel[0] not in dirs:
                continue
            k_list, j_list = by_product[("KR", kprod)], by_product[("JP", jprod)]
            streams += _group_streams(chain, rel, kprod, jprod, k_list, j_list, w, memo, tied)
    for kid, jid in sorted(tied) if not new_only else ():
        links = pair_links(chain, players[kid], players[jid], ties[(kid, jid)], w, dirs)
        if links:
            b = links[0]
            order = DIRECTIONS.index(b.direction)
            key = (-b.score, -b.weaker, kid, jid, order, b.korea_product.id, b.japan_product.id)
            streams.append(iter([key]))
    seen: set[tuple[str, str]] = set()
    ranked: list[Pairing] = []
    for neg_score, _, kid, jid, *_ in heapq.merge(*streams):
        if (kid, jid) in seen:
            continue  # a pair's later entries are its weaker links
        seen.add((kid, jid))
        if len(ranked) >= top or -neg_score < min_score:
            break
        kp, jpp = players[kid], players[jid]
        rels = ties.get((kid, jid), ())
        links = pair_links(chain, kp, jpp, rels, w, dirs)
        ranked.append(Pairing(korea=kp, japan=jpp, links=tuple(links), relationships=rels))
    return ranked, _count_linked(chain, kr, jp, ties, w, dirs, new_only)


def _group_streams(
    chain: Chain,
    rel: tuple[Direction, int],
    kprod: str,
    jprod: str,
    k_list: list[Member],
    j_list: list[Member],
    w: Mapping[str, float],
    memo: dict[tuple[str, str, str, str], dict[GroupKey, list[Member]]],
    tied: set[tuple[str, str]],
) -> list[Iterator[Key]]:
    """One lazily merged stream per pair of groups at two linked products."""
    direction, hops = rel
    order = DIRECTIONS.index(direction)
    out = []
    if direction in ("same-stage", "horizontal"):
        for (klevel,), kmembers in _level_groups(k_list).items():
            for (jlevel,), jmembers in _level_groups(j_list).items():
                weaker = int(min(klevel, jlevel))
                sec = 0.0
                if direction == "horizontal":
                    sec = joint_security(chain, kprod, jprod, weaker)[0]
                facts = _facts(direction, hops, int(klevel), int(jlevel), 0.0, sec)
                score = score_facts(facts, w)
                head = (-score, -weaker)
                out.append(_stream(head, kmembers, jmembers, order, kprod, jprod, tied))
        return out
    buyer_country, supplier_country = ("KR", "JP") if direction == "jp-to-kr" else ("JP", "KR")
    sup_list, buy_list = (j_list, k_list) if direction == "jp-to-kr" else (k_list, j_list)
    sup_prod, buy_prod = (jprod, kprod) if direction == "jp-to-kr" else (kprod, jprod)
    leader = chain.leader(buyer_country, sup_prod)
    sup_groups = _supplier_groups(
        chain, sup_list, sup_prod, buy_prod, supplier_country, leader, memo
    )
    buy_groups = _buyer_groups(chain, buy_list, buy_prod, sup_prod, buyer_country, leader)
    for (slevel, gap_other, gap_leader, sec, speer), smembers in sup_groups.items():
        for (blevel, is_leader, bpeer), bmembers in buy_groups.items():
            levels = (int(blevel), int(slevel))
            if direction == "kr-to-jp":
                levels = (int(slevel), int(blevel))
            gap_value = gap_leader if is_leader else gap_other
            facts = _facts(direction, hops, *levels, gap_value, sec, max(speer, bpeer))
            head = (-score_facts(facts, w), -min(levels))
            kmembers, jmembers = (
                (bmembers, smembers) if direction == "jp-to-kr" else (smembers, bmembers)
            )
            out.append(_stream(head, kmembers, jmembers, order, kprod, jprod, tied))
    return out


def _facts(
    direction: Direction,
    hops: int,
    klevel: int,
    jlevel: int,
    gap_value: float,
    sec: float,
    peer: float = 0.0,
) -> LinkFacts:
    """The facts of an untied link (tied pairs are scored one by one)."""
    return LinkFacts(direction, hops, klevel, jlevel, gap_value, sec, 0.0, False, peer)


def _sorted_groups(groups: dict[GroupKey, list[Member]]) -> dict[GroupKey, list[Member]]:
    return {k: sorted(g, key=lambda m: m[0].id) for k, g in groups.items()}


def _level_groups(members: list[Member]) -> dict[GroupKey, list[Member]]:
    groups: dict[GroupKey, list[Member]] = {}
    for p, level in members:
        groups.setdefault((float(level),), []).append((p, level))
    return _sorted_groups(groups)


def _buyer_groups(
    chain: Chain,
    members: list[Member],
    product: str,
    sup_product: str,
    country: str,
    leader: str,
) -> dict[GroupKey, list[Member]]:
    """Buyers by level, by whether they lead their country at the supplier's product (a
    leader's gap is measured against the next best player) and by their peer ties with
    other makers of the supplier's product."""
    groups: dict[GroupKey, list[Member]] = {}
    for p, level in members:
        peer = peer_ties(chain, p.id, country, "", sup_product, (product, sup_product))[0]
        groups.setdefault((float(level), float(p.id == leader), peer), []).append((p, level))
    return _sorted_groups(groups)


def _supplier_groups(
    chain: Chain,
    members: list[Member],
    product: str,
    buy_product: str,
    supplier_country: str,
    leader: str,
    memo: dict[tuple[str, str, str, str], dict[GroupKey, list[Member]]],
) -> dict[GroupKey, list[Member]]:
    """Suppliers by level, gap (for any buyer, and for the buyer country's leader),
    security and peer ties: everything a supplier contributes to `LinkFacts`. Memoised
    per pair of products."""
    memo_key = (supplier_country, product, buy_product, leader)
    if memo_key in memo:
        return memo[memo_key]
    buyer = "KR" if supplier_country == "JP" else "JP"
    by_level: dict[int, tuple[float, float, float]] = {}
    groups: dict[GroupKey, list[Member]] = {}
    for p, level in members:
        if level not in by_level:
            by_level[level] = (
                gap(chain, "", supplier_country, product, level, buyer, "")[0],
                gap(chain, "", supplier_country, product, level, buyer, leader)[0],
                security(chain, product, level, buyer, supplier_country)[0],
            )
        peer = peer_ties(chain, p.id, supplier_country, "", buy_product, (product, buy_product))
        key = (float(level), *by_level[level], peer[0])
        groups.setdefault(key, []).append((p, level))
    memo[memo_key] = _sorted_groups(groups)
    return memo[memo_key]


def _stream(
    head: tuple[float, int],
    kmembers: list[Member],
    jmembers: list[Member],
    order: int,
    kprod: str,
    jprod: str,
    tied: set[tuple[str, str]],
) -> Iterator[Key]:
    """All pairs of two groups in (Korean id, Japanese id) order; tied pairs are scored apart."""
    for kp, _ in kmembers:
        for jpp, _ in jmembers:
            if (kp.id, jpp.id) not in tied:
                yield (*head, kp.id, jpp.id, order, kprod, jprod)


def _count_linked(
    chain: Chain,
    kr: list[Player],
    jp: list[Player],
    ties: Mapping[tuple[str, str], tuple[Relationship, ...]],
    w: Mapping[str, float],
    dirs: tuple[str, ...],
    new_only: bool = False,
) -> int:
    """How many Korea–Japan player pairs share at least one link (grouped by product sets;
    tied pairs, whose ties can add horizontal links, are checked one by one)."""
    sector = chain.sector.id

    def signature(p: Player) -> frozenset[str]:
        return frozenset(pid for s in p.strengths if s.sector == sector for pid in s.products)

    def linked(ks: frozenset[str], js: frozenset[str]) -> bool:
        return any((r := chain.relation(a, b)) is not None and r[0] in dirs for a in ks for b in js)

    ksig: dict[frozenset[str], list[Player]] = {}
    jsig: dict[frozenset[str], list[Player]] = {}
    for p in kr:
        ksig.setdefault(signature(p), []).append(p)
    for p in jp:
        jsig.setdefault(signature(p), []).append(p)
    total = 0
    for ks, kps in ksig.items():
        for js, jps in jsig.items():
            if linked(ks, js):
                total += len(kps) * len(jps)
    ids = {p.id: p for p in (*kr, *jp)}
    for (kid, jid), rels in ties.items():
        if kid in ids and jid in ids:
            # a tie can turn rivals into partners (or add a link): judge tied pairs alone
            total -= linked(signature(ids[kid]), signature(ids[jid]))
            if not new_only:
                total += bool(pair_links(chain, ids[kid], ids[jid], rels, w, dirs))
    return total


def explain(
    ds: Dataset,
    korea: str,
    japan: str,
    *,
    sector: str | None = None,
    weights: Mapping[str, float] | None = None,
    as_of: int | None = None,
) -> list[Pairing]:
    """Every linked pair of products between two players, per shared sector, ranked as in
    `match`.

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
                for p in match(ds, sid, weights=w, top=None, as_of=as_of).ranked
                if p.korea.id == korea and p.japan.id == japan
            ]
            continue
        rels = ties_of(ds).get((korea, japan), ())
        links = pair_links(Chain(ds, ds.sectors[sid], as_of), kp, jpp, rels, w)
        if links:
            out.append(Pairing(korea=kp, japan=jpp, links=tuple(links), relationships=rels))
    return out

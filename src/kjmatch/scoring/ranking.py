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

import contextlib
import gc
import heapq
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from kjmatch.model import Dataset, Player, Relationship, Sector
from kjmatch.weights import DIRECTIONS, resolve_weights

from .chain import Chain, known_by
from .groups import Scope, TiedHeads, count_linked, streams
from .links import Link, makes_in_house, pair_links

if TYPE_CHECKING:  # stability is imported only when asked for (start-up)
    from .stability import PairStability, StabilitySummary

EXPLAIN_RANK_LIMIT = 250_000  # player pairs in a sector above which explain skips the rank
STABILITY_POOL = 5  # stability re-ranks the best 5×N pairs (at least STABILITY_MIN_POOL)
STABILITY_MIN_POOL = 2000
TIED_LIMIT = 1000  # `more_tied` counts this many at most: a synthetic tie can hold millions
Progress = Callable[[str, int, int], None]


class Pairing(NamedTuple):
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


class StabilityRequest(NamedTuple):
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
    beyond_leaders: bool = False  # pairs of two sector leaders were left out
    new_only: bool = False  # pairs with a documented tie (any sector) were left out
    more_tied: int = 0  # pairs `top` left out with the last shown score (up to TIED_LIMIT)
    # the sector leaders (rated 5 somewhere in it) among the firms ranked, Korean then Japanese
    leaders: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())


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
    beyond_leaders: bool = False,
) -> MatchResult:
    """Rank Korea–Japan player pairs in a sector, best first (see the module's order).

    With `top` set only the best pairs are built (see `_top_pairs`); `exhaustive`
    scores every pair, which `top=None` always does. With `stability`, a pool of
    the best pairs is re-ranked under perturbed weights and each shown pairing
    carries how stable its rank is. Evidence ages from `as_of` (default: the
    dataset's newest year). `new_only` drops pairs with a tie in any sector;
    `beyond_leaders` drops pairs of two sector leaders (`Chain.leaders`).

    A pairing's `rank` is always its rank in the full sector ranking (every pair,
    every direction); with filters (firms, directions, new_only, beyond_leaders) it is looked up in
    that ranking, or left 0 above EXPLAIN_RANK_LIMIT pairs; `position` is its place
    in the filtered list."""
    with _gc_paused():
        return _match(
            ds, sector_id, weights, top, min_score, korea, japan, directions, scenario,
            exhaustive, stability, progress, as_of, new_only, beyond_leaders,
        )  # fmt: skip


def _match(
    ds: Dataset,
    sector_id: str,
    weights: Mapping[str, float] | None,
    top: int | None,
    min_score: float,
    korea: str | Collection[str] | None,
    japan: str | Collection[str] | None,
    directions: Iterable[str],
    scenario: str | None,
    exhaustive: bool,
    stability: StabilityRequest | None,
    progress: Progress | None,
    as_of: int | None,
    new_only: bool,
    beyond_leaders: bool = False,
) -> MatchResult:
    w = resolve_weights(weights)
    ds = known_by(ds, as_of)
    sector = ds.sectors[sector_id]
    chain = Chain(ds, sector, as_of)
    dirs = tuple(d for d in DIRECTIONS if d in set(directions))
    kr_ids = {korea} if isinstance(korea, str) else None if korea is None else set(korea)
    jp_ids = {japan} if isinstance(japan, str) else None if japan is None else set(japan)
    # the chain's own lists when unfiltered: grouping then reuses the chain's offers
    kr = chain.firms["KR"] if kr_ids is None else [p for p in chain.firms["KR"] if p.id in kr_ids]
    jp = chain.firms["JP"] if jp_ids is None else [p for p in chain.firms["JP"] if p.id in jp_ids]
    ties = ties_of(ds)
    filtered = (
        kr_ids is not None or jp_ids is not None or dirs != DIRECTIONS or new_only or beyond_leaders
    )
    pool = 0
    if stability is not None and top is not None:
        pool = max(top * STABILITY_POOL, STABILITY_MIN_POOL)
    scope = Scope(chain, kr, jp, ties, w, dirs, new_only, beyond_leaders)
    beyond = 0  # pairs past the ones taken with the last one's score
    if top is None or exhaustive:
        ranked = _all_pairs(scope, progress)
        candidates = len(ranked)
    else:
        ranked, candidates, beyond = _top_pairs(scope, max(top, pool) + 1, min_score, progress)
    ranked = _ranks(ranked)
    taken = ranked
    if top is not None and not exhaustive:
        ranked = ranked[: max(top, pool)]  # the one extra only told whether the last ties
    field: list[Pairing] | None = None  # the whole sector's ranking, when filtered
    if filtered:
        field = _full_ranking(ds, sector_id, w, chain.as_of)
        ranked = _full_ranks(field, ranked)
    shown = [p for p in ranked if p.score >= min_score]
    if top is not None:
        shown = shown[:top]
    more_tied = 0
    if top is not None and len(shown) == top:
        last = shown[-1].score
        # `shown` is `taken`'s head: sorted by score, min_score cuts only the tail
        more_tied = sum(1 for p in taken[top:] if p.score == last)
        if taken and taken[-1].score == last:
            more_tied += beyond
        more_tied = min(more_tied, TIED_LIMIT)
    summary = None
    if stability is not None:
        from .stability import analyse

        per_pair, summary = analyse(
            ranked,
            w,
            top=len(shown) if top is None else top,
            samples=stability.samples,
            seed=stability.seed,
            spread=stability.spread,
            report=shown,
            # a filtered list's ranks are the sector's: its ranges are too
            field=None if not filtered else (field or []),
            progress=progress,
        )
        shown = [p._replace(stability=per_pair[(p.korea.id, p.japan.id)]) for p in shown]
    return MatchResult(
        sector=sector,
        weights=w,
        scenario=scenario,
        pairings=shown,
        candidates=candidates,
        ranked=ranked,
        stability=summary,
        as_of=chain.as_of,
        beyond_leaders=beyond_leaders,
        new_only=new_only,
        more_tied=more_tied,
        leaders=(
            tuple(p.id for p in kr if p.id in chain.leaders),
            tuple(p.id for p in jp if p.id in chain.leaders),
        ),
    )


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Ranking builds many short-lived tuples among a large live dataset; the cyclic
    collector would rescan the dataset again and again (half the time at 50k players)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _ranks(ordered: list[Pairing]) -> list[Pairing]:
    """Competition ranks: equal scores share the rank of the first of them."""
    out: list[Pairing] = []
    for i, p in enumerate(ordered):
        same_prev = i > 0 and ordered[i - 1].score == p.score
        same_next = i + 1 < len(ordered) and ordered[i + 1].score == p.score
        rank = out[-1].rank if same_prev else i + 1
        out.append(p._replace(rank=rank, shared_rank=same_prev or same_next, position=i + 1))
    return out


def _full_ranking(
    ds: Dataset, sector_id: str, w: Mapping[str, float], as_of: int
) -> list[Pairing] | None:
    """The whole sector's ranking, or None when it is too large to rank."""
    size = len(ds.players_in(sector_id, "KR")) * len(ds.players_in(sector_id, "JP"))
    if size > EXPLAIN_RANK_LIMIT:
        return None
    return match(ds, sector_id, weights=w, top=None, as_of=as_of).ranked


def _full_ranks(full: list[Pairing] | None, shown: list[Pairing]) -> list[Pairing]:
    """The shown pairings with their ranks in the full sector ranking: 0 if it is too large
    to rank, or if the pair earned its rank with a link a filter leaves out (a
    `--direction` filter can show a weaker link; that rank is not this link's)."""
    if full is None:
        return [p._replace(rank=0, shared_rank=False) for p in shown]
    by_pair = {(p.korea.id, p.japan.id): p for p in full}
    out = []
    for p in shown:
        f = by_pair[(p.korea.id, p.japan.id)]
        if _link_key(f.best) != _link_key(p.best):
            out.append(p._replace(rank=0, shared_rank=False))
        else:
            out.append(p._replace(rank=f.rank, shared_rank=f.shared_rank))
    return out


def _link_key(link: Link) -> tuple[str, str, str]:
    return link.direction, link.korea_product.id, link.japan_product.id


def _all_pairs(scope: Scope, progress: Progress | None = None) -> list[Pairing]:
    """Score every pair: the reference implementation."""
    chain, kr, jp, ties = scope.chain, scope.kr, scope.jp, scope.ties
    found: list[Pairing] = []
    for n, kp in enumerate(kr, 1):
        if progress:
            progress("Matching", n, len(kr))
        for jpp in jp:
            rels = ties.get((kp.id, jpp.id), ())
            if (scope.new_only and rels) or scope.left_out(kp.id, jpp.id):
                continue
            links = pair_links(chain, kp, jpp, rels, scope.w, scope.dirs)
            if links:
                found.append(Pairing(korea=kp, japan=jpp, links=tuple(links), relationships=rels))
    found.sort(key=Pairing.order)
    return found


def _top_pairs(
    scope: Scope, top: int, min_score: float, progress: Progress | None = None
) -> tuple[list[Pairing], int, int]:
    """The best pairs without scoring all of them.

    Offers at a product are grouped by the facts they give a link; each pair of
    groups is scored once from those facts, and the groups' pairs are merged lazily
    in `Pairing.order`. Pairs with a documented tie are scored one by one. Cost grows
    with players and groups plus the pairs taken, not with the candidate pairs.
    Returns the pairs, the linked count and how many more pairs share the last one's
    score (counted without scoring their links, up to TIED_LIMIT)."""
    chain, ties = scope.chain, scope.ties
    players = chain.players
    tied_heads: TiedHeads = {}
    merged = streams(scope, progress, tied_heads)
    seen: set[tuple[str, str]] = set()
    ranked: list[Pairing] = []
    beyond = 0
    for neg_score, _, kid, jid, *_ in heapq.merge(*merged):
        if (kid, jid) in seen:
            continue  # a pair's later entries are its weaker links
        seen.add((kid, jid))
        if scope.left_out(kid, jid):
            continue
        if -neg_score < min_score:
            break
        if len(ranked) >= top:
            if -neg_score != ranked[-1].score or beyond >= TIED_LIMIT:
                break
            beyond += 1
            continue
        kp, jpp = players[kid], players[jid]
        rels = ties.get((kid, jid), ())
        links = pair_links(chain, kp, jpp, rels, scope.w, scope.dirs)
        ranked.append(Pairing(korea=kp, japan=jpp, links=tuple(links), relationships=rels))
    return ranked, count_linked(scope, tied_heads), beyond


def pair_scores(
    ds: Dataset,
    sector_id: str,
    korea: Collection[str],
    japan: Collection[str],
    *,
    weights: Mapping[str, float] | None = None,
    as_of: int | None = None,
    directions: Sequence[str] = DIRECTIONS,
    in_house: bool = True,
) -> tuple[dict[tuple[str, str], float], Chain, frozenset[tuple[str, str]]]:
    """The score of every linked pair of these firms (by its best link in `directions`,
    leaving out supply links whose buyer makes the product as well unless `in_house`),
    without building their links (what the grouped ranking computes), and the pairs
    whose best link is a rivalry (the same product, or such a supply link); `pair_links`
    on the chain explains one."""
    w = resolve_weights(weights)
    ds = known_by(ds, as_of)
    chain = Chain(ds, ds.sectors[sector_id], as_of)
    kr = [ds.players[k] for k in korea]
    jp = [ds.players[j] for j in japan]
    players = chain.players
    scores: dict[tuple[str, str], float] = {}
    rivalry: set[tuple[str, str]] = set()
    rival = DIRECTIONS.index("same-stage")
    for neg_score, _, kid, jid, order, kprod, jprod in heapq.merge(
        *streams(Scope(chain, kr, jp, ties_of(ds), w, tuple(directions)))
    ):
        if (kid, jid) in scores:  # the pair's best link came first
            continue
        competes = order == rival or _in_house(
            chain, DIRECTIONS[order], players, kid, kprod, jid, jprod
        )
        if competes and order != rival and not in_house:
            continue  # a supply link at rivals' fit: the pair's next link may be no rivalry
        scores[(kid, jid)] = -neg_score
        if competes:
            rivalry.add((kid, jid))
    return scores, chain, frozenset(rivalry)


def _in_house(
    chain: Chain,
    direction: str,
    players: Mapping[str, Player],
    kid: str,
    kprod: str,
    jid: str,
    jprod: str,
) -> bool:
    """Whether a streamed supply link's buyer makes the supplier's product as well."""
    if direction == "jp-to-kr":
        sup, sprod, buyer, bprod = players[jid], jprod, players[kid], kprod
    elif direction == "kr-to-jp":
        sup, sprod, buyer, bprod = players[kid], kprod, players[jid], jprod
    else:
        return False
    return makes_in_house(chain, buyer, sprod, bprod, chain.level(sup.country, sprod, sup.id))


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
    ds = known_by(ds, as_of)
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

"""Score complementary Korea–Japan pairings along a sector's value chain.

score = 100 × Σ wᵢ·cᵢ / Σ wᵢ, each component cᵢ in [0, 1] and each weight
wᵢ ≥ 0, so a score is always in [0, 100] and the contributions
100·wᵢ·cᵢ/Σw add up to it. The components and default weights live here
and nowhere else; the README's formula section documents them.
"""

from __future__ import annotations

import dataclasses
import functools
import heapq
import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from .model import (
    Country,
    Dataset,
    ImportShare,
    Player,
    Relationship,
    Sector,
    Stage,
    Strength,
    ThirdCountryShare,
)

COMPONENTS: tuple[str, ...] = ("fit", "strength", "gap", "security", "relationship", "novelty")
DEFAULT_WEIGHTS: dict[str, float] = {
    "fit": 0.35,
    "strength": 0.25,
    "gap": 0.20,
    "security": 0.10,
    "relationship": 0.10,
    "novelty": 0.0,
}
COMPONENT_HELP: dict[str, str] = {
    "fit": "value-chain fit: 1.0 direct input, 0.5 two steps upstream, 0.1 same stage (rivals)",
    "strength": "capability of both sides: mean of (level − 1)/4 over the two strengths",
    "gap": "how far the supplier fills a gap in the buyer country's own chain at the supplier's stage",
    "security": "how far a Japanese supplier cuts Korea's reliance on third countries at that stage",
    "relationship": "an existing documented tie: 1 active, 0.6 announced, 0.3 ended, 0 none",
    "novelty": "1 when the pair has no documented tie of any status, else 0",
}
FIT = {0: 0.1, 1: 1.0, 2: 0.5}  # hops between the two stages → fit
TIE_VALUE = {"active": 1.0, "announced": 0.6, "ended": 0.3}
CONTROL_VALUE = {"in_force": 0.6, "lifted": 0.3}  # third-country export controls at a stage

Direction = Literal["jp-to-kr", "kr-to-jp", "same-stage"]
DIRECTIONS: tuple[str, ...] = ("jp-to-kr", "kr-to-jp", "same-stage")
COUNTRY_NAME = {"KR": "Korea", "JP": "Japan"}
EXPLAIN_RANK_LIMIT = 250_000  # player pairs in a sector above which explain skips the rank


class WeightError(ValueError):
    """Weights that cannot be used; the message lists the valid names."""


def check_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """A full, valid weight set: unknown names, negatives and all-zero sets are refused."""
    out = dict(DEFAULT_WEIGHTS)
    for name, value in weights.items():
        if name not in COMPONENTS:
            raise WeightError(f"unknown weight {name!r}; valid weights: {', '.join(COMPONENTS)}")
        if not isinstance(value, int | float) or value != value or value < 0 or value > 100:
            raise WeightError(f"weight {name!r} must be a number from 0 to 100, got {value!r}")
        out[name] = float(value)
    if not any(out.values()):
        raise WeightError("at least one weight must be above zero")
    return out


def parse_assignments(items: Iterable[str]) -> dict[str, float]:
    """`NAME=VALUE` strings (from --weight) as a dict; the message lists valid names."""
    out: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or name not in COMPONENTS:
            raise WeightError(
                f"--weight expects NAME=VALUE with NAME one of {', '.join(COMPONENTS)}; got {item!r}"
            )
        try:
            out[name] = float(value)
        except ValueError:
            raise WeightError(
                f"weight {name!r} must be a number from 0 to 100, got {value!r}"
            ) from None
    return out


def resolve_weights(*layers: Mapping[str, object] | None) -> dict[str, float]:
    """Defaults, then each layer in turn (scenario, weights file, --weight)."""
    merged: dict[str, float] = {}
    for layer in layers:
        for name, value in (layer or {}).items():
            if name not in COMPONENTS:
                raise WeightError(
                    f"unknown weight {name!r}; valid weights: {', '.join(COMPONENTS)}"
                )
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise WeightError(f"weight {name!r} must be a number from 0 to 100, got {value!r}")
            merged[name] = float(value)
    return check_weights(merged)


@dataclass(frozen=True, slots=True)
class Link:
    """One Korean strength joined to one Japanese strength along the chain."""

    direction: Direction
    korea_stage: Stage
    japan_stage: Stage
    korea_strength: Strength
    japan_strength: Strength
    hops: int
    components: dict[str, float]
    contributions: dict[str, float]
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Pairing:
    """A Korean and a Japanese player in one sector, scored by their best link."""

    korea: Player
    japan: Player
    links: tuple[Link, ...]  # best first
    relationships: tuple[Relationship, ...]
    rank: int = 0
    stability: dict[str, object] | None = None

    @property
    def best(self) -> Link:
        return self.links[0]

    @property
    def score(self) -> float:
        return self.links[0].score


@dataclass(slots=True)
class MatchResult:
    sector: Sector
    weights: dict[str, float]
    scenario: str | None
    pairings: list[Pairing]  # ranked, after --min-score and --top
    candidates: int  # player pairs linked along the chain, before filters on score and rank
    ranked: list[Pairing] = field(default_factory=list)  # every linked pair, ranked
    stability: dict[str, object] | None = None


class Chain:
    """A sector's feed graph with hop distances and per-country best levels."""

    def __init__(self, ds: Dataset, sector: Sector) -> None:
        self.sector = sector
        self.stages = {st.id: st for st in sector.stages}
        feeds: dict[str, list[str]] = {st.id: [] for st in sector.stages}
        for st in sector.stages:
            for inp in st.inputs:
                feeds[inp].append(st.id)
        self.hops: dict[tuple[str, str], int] = {}  # (upstream, downstream) → 1 or 2
        for start in feeds:
            seen = {start: 0}
            queue = deque([start])
            while queue:
                cur = queue.popleft()
                if seen[cur] >= 2:
                    continue
                for nxt in feeds[cur]:
                    if nxt not in seen:
                        seen[nxt] = seen[cur] + 1
                        queue.append(nxt)
            for other, d in seen.items():
                if d:
                    self.hops[(start, other)] = d
        # (country, stage) → [(level, name, id)], strongest first
        self.ranked: dict[tuple[str, str], list[tuple[int, str, str]]] = {}
        for p in ds.players.values():
            for s in p.strengths:
                if s.sector == sector.id:
                    self.ranked.setdefault((p.country, s.stage), []).append((s.level, p.name, p.id))
        for entries in self.ranked.values():
            entries.sort(key=lambda e: (-e[0], e[2]))

    def leader(self, country: str, stage: str) -> str:
        """Id of the strongest player of `country` at `stage` (ties: lowest id)."""
        entries = self.ranked.get((country, stage))
        return entries[0][2] if entries else ""

    def best(self, country: str, stage: str, excluding: str) -> tuple[int, str]:
        """The strongest player of `country` at `stage` other than `excluding` (the buyer itself,
        so that a pair's own strengths never lower its score)."""
        for level, name, pid in self.ranked.get((country, stage), []):
            if pid != excluding:
                return level, name
        return 0, ""

    def relation(self, korea_stage: str, japan_stage: str) -> tuple[Direction, int] | None:
        if korea_stage == japan_stage:
            return "same-stage", 0
        if (japan_stage, korea_stage) in self.hops:
            return "jp-to-kr", self.hops[(japan_stage, korea_stage)]
        if (korea_stage, japan_stage) in self.hops:
            return "kr-to-jp", self.hops[(korea_stage, japan_stage)]
        return None


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


_STOP = {
    "and",
    "the",
    "for",
    "with",
    "from",
    "imports",
    "import",
    "material",
    "materials",
    "products",
}
UNMATCHED_FACTOR = (
    0.5  # a stage-wide figure counts half for a supplier of other goods at that stage
)


@functools.lru_cache(maxsize=4096)
def _words(text: str) -> frozenset[str]:
    out = set()
    for raw in text.lower().replace("-", " ").replace("/", " ").split():
        w = raw.strip(".,;:()[]'\"")
        if len(w) >= 2 and w not in _STOP:
            out.add(w[:-1] if w.endswith("s") and len(w) > 3 else w)
    return frozenset(out)


ShareT = TypeVar("ShareT", ImportShare, ThirdCountryShare)


def latest(items: Iterable[ShareT]) -> list[ShareT]:
    """The most recent figure for each item (older ones are history, not current exposure)."""
    best: dict[tuple[str, str], ShareT] = {}
    for x in items:
        key = (getattr(x, "country", "JP"), x.item)
        if key not in best or (x.year, x.value) > (best[key].year, best[key].value):
            best[key] = x
    return list(best.values())


def concerns(item: str, s: Strength) -> bool:
    """Whether a stage-level fact about `item` concerns this supplier's goods (tags or note)."""
    return bool(_words(item) & _words(" ".join(s.tags) + " " + s.note))


def _gap(
    chain: Chain, supplier: Player, s: Strength, buyer_player: Player
) -> tuple[float, list[str]]:
    stage = chain.stages[s.stage]
    buyer_country = buyer_player.country
    buyer = COUNTRY_NAME[buyer_country]
    level, who = chain.best(buyer_country, s.stage, excluding=buyer_player.id)
    if level:
        value = max(0.0, min(1.0, (s.level - level) / 4))
        why = (
            f"{buyer}'s strongest at {stage.name.en} is {who} (level {level}); "
            f"{supplier.name} at level {s.level} "
            + (
                f"fills a gap of {s.level - level} level(s)."
                if s.level > level
                else "adds no capability gap."
            )
        )
    else:
        value = min(1.0, s.level / 4)
        why = f"{buyer} has no other player at {stage.name.en} in the dataset; {supplier.name} fills that gap."
    reasons = [why]
    if buyer_country == "KR":
        shares = latest(stage.context.japan_import_share)
        if shares:
            scored = [
                (x.value * (1.0 if concerns(x.item, s) else UNMATCHED_FACTOR), x) for x in shares
            ]
            eff, top = max(scored, key=lambda t: (t[0], t[1].year))
            value = max(value, eff)
            own = concerns(top.item, s)
            reasons.append(
                f"Japan supplied {_pct(top.value)} of Korea's {top.item} imports in {top.year} "
                f"({top.source.label()})"
                + (
                    "."
                    if own
                    else f"; a stage-wide figure, counted at {UNMATCHED_FACTOR:g}× for {supplier.name}."
                )
            )
        else:
            reasons.append(
                f"No documented figure for Japan's share of Korea's imports at {stage.name.en}."
            )
    return value, reasons


def _security(chain: Chain, s: Strength, direction: Direction) -> tuple[float, list[str]]:
    stage = chain.stages[s.stage]
    if direction != "jp-to-kr":
        return 0.0, []
    ctx = stage.context
    capability = (s.level - 1) / 4
    exposure = 0.0
    reasons: list[str] = []
    for t in latest(ctx.third_country_import_share):
        own = concerns(t.item, s)
        exposure = max(exposure, t.value * (1.0 if own else UNMATCHED_FACTOR))
        reasons.append(
            f"Korea sourced {_pct(t.value)} of its {t.item} imports from {t.country} in {t.year} "
            f"({t.source.label()}); "
            + (
                "this supplier offers an alternative."
                if own
                else "a stage-wide figure, counted at half."
            )
        )
    japan_controls = any(
        c.imposed_by == "JP" and c.status == "in_force" for c in ctx.export_controls
    )
    for c in ctx.export_controls:
        if c.imposed_by not in ("KR", "JP") and japan_controls:
            reasons.append(
                f"{c.imposed_by} export controls on {c.item} ({c.year}) are matched by Japan's own "
                "controls at this stage, so a Japanese source does not escape them."
            )
        elif c.imposed_by in ("KR", "JP"):
            reasons.append(
                f"Risk: {c.imposed_by} export controls on {c.item} ({c.year}, {c.status.replace('_', ' ')})."
            )
        else:
            own = concerns(c.item, s)
            exposure = max(exposure, CONTROL_VALUE[c.status] * (1.0 if own else UNMATCHED_FACTOR))
            reasons.append(
                f"{c.imposed_by} export controls on {c.item} ({c.year}, {c.status.replace('_', ' ')}) "
                "make a non-{0} source valuable.".format(c.imposed_by)
            )
    if not reasons:
        reasons.append(
            f"No documented third-country dependence or export control at {stage.name.en}."
        )
    return capability * exposure, reasons


def tie_value(relationships: Iterable[Relationship]) -> float:
    return max((TIE_VALUE[r.status] for r in relationships), default=0.0)


def score_link(
    chain: Chain,
    korea: Player,
    ks: Strength,
    japan: Player,
    js: Strength,
    relationships: tuple[Relationship, ...],
    weights: Mapping[str, float],
) -> Link | None:
    rel = chain.relation(ks.stage, js.stage)
    if rel is None:
        return None
    direction, hops = rel
    kst, jst = chain.stages[ks.stage], chain.stages[js.stage]
    comps = dict.fromkeys(COMPONENTS, 0.0)
    comps["fit"] = FIT[hops]
    comps["strength"] = ((ks.level - 1) + (js.level - 1)) / 8
    reasons: list[str] = []
    if direction == "same-stage":
        reasons.append(
            f"Same stage ({kst.name.en}): {korea.name} and {japan.name} compete more than they complement."
        )
    else:
        sup, sup_s, buy, buy_s, sup_st, buy_st = (
            (japan, js, korea, ks, jst, kst)
            if direction == "jp-to-kr"
            else (korea, ks, japan, js, kst, jst)
        )
        how = "is a direct input to" if hops == 1 else "is two steps upstream of"
        reasons.append(
            f"{sup.name}'s {sup_st.name.en} (level {sup_s.level}) {how} "
            f"{buy.name}'s {buy_st.name.en} (level {buy_s.level})."
        )
        comps["gap"], gap_reasons = _gap(chain, sup, sup_s, buy)
        reasons += gap_reasons
        comps["security"], sec_reasons = _security(chain, sup_s, direction)
        reasons += sec_reasons
    comps["relationship"] = tie_value(relationships)
    comps["novelty"] = 0.0 if relationships else 1.0
    if relationships:
        for r in relationships:
            reasons.append(
                f"Existing tie: {r.type.replace('_', ' ')} ({r.status}, {r.year}): {r.summary}"
            )
    else:
        reasons.append("No documented relationship between them in this sector yet.")
    total = sum(weights[c] for c in COMPONENTS)
    contributions = {c: round(100 * weights[c] * comps[c] / total, 2) for c in COMPONENTS}
    score = round(sum(contributions.values()), 2)
    return Link(
        direction=direction,
        korea_stage=kst,
        japan_stage=jst,
        korea_strength=ks,
        japan_strength=js,
        hops=hops,
        components={c: round(v, 4) for c, v in comps.items()},
        contributions=contributions,
        score=score,
        reasons=tuple(reasons),
    )


def _link_order(link: Link) -> tuple[float, int, str, str]:
    return (-link.score, DIRECTIONS.index(link.direction), link.korea_stage.id, link.japan_stage.id)


def pair_links(
    chain: Chain,
    korea: Player,
    japan: Player,
    relationships: tuple[Relationship, ...],
    weights: Mapping[str, float],
    directions: Iterable[str] = DIRECTIONS,
) -> list[Link]:
    sector = chain.sector.id
    allowed = set(directions)
    links = []
    for ks in korea.strengths:
        if ks.sector != sector:
            continue
        for js in japan.strengths:
            if js.sector != sector:
                continue
            link = score_link(chain, korea, ks, japan, js, relationships, weights)
            if link is not None and link.direction in allowed:
                links.append(link)
    links.sort(key=_link_order)
    return links


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
    exhaustive: bool | None = None,
    pool: int = 0,
    progress: Callable[[str, int, int], None] | None = None,
) -> MatchResult:
    """Rank Korea–Japan player pairs in a sector, best first; ties broken by ids.

    With `top` set, only the best pairs are built (see `_top_pairs`); `exhaustive`
    forces scoring every pair, which `top=None` always does. `pool` keeps that many
    ranked pairs (at least `top`) in `MatchResult.ranked`, for --stability.
    """
    w = check_weights(weights or {})
    sector = ds.sectors[sector_id]
    chain = Chain(ds, sector)
    dirs = tuple(d for d in DIRECTIONS if d in set(directions))
    kr = [p for p in ds.players_in(sector_id, "KR") if korea is None or p.id == korea]
    jp = [p for p in ds.players_in(sector_id, "JP") if japan is None or p.id == japan]
    ties: dict[tuple[str, str], tuple[Relationship, ...]] = {}
    for r in sorted(ds.relationships, key=lambda r: (r.year, r.id)):
        if r.sector == sector_id:
            ties[(r.korea, r.japan)] = (*ties.get((r.korea, r.japan), ()), r)
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
    return MatchResult(
        sector=sector,
        weights=w,
        scenario=scenario,
        pairings=shown,
        candidates=candidates,
        ranked=ranked,
    )


def _all_pairs(
    chain: Chain,
    kr: list[Player],
    jp: list[Player],
    ties: Mapping[tuple[str, str], tuple[Relationship, ...]],
    w: Mapping[str, float],
    dirs: tuple[str, ...],
    progress: Callable[[str, int, int], None] | None = None,
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


def _top_pairs(
    chain: Chain,
    kr: list[Player],
    jp: list[Player],
    ties: Mapping[tuple[str, str], tuple[Relationship, ...]],
    w: Mapping[str, float],
    dirs: tuple[str, ...],
    top: int,
    min_score: float,
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[list[Pairing], int]:
    """The best pairs without scoring all of them.

    Without a tie, a link's score depends only on its two stages, the two levels and
    the supplier's gap and security values (and, for the gap, on whether the buyer is
    its own country's leader at the supplier's stage). Players are grouped by those,
    each group pair is scored once through `score_link`, and the groups' pairs are
    merged lazily in (score, Korean id, Japanese id) order. Pairs with a documented
    tie are scored one by one. Cost grows with the number of players and groups plus
    the pairs taken, not with the number of candidate pairs.
    """
    sector = chain.sector.id
    by_stage: dict[tuple[str, str], list[tuple[Player, Strength]]] = {}
    for p in (*kr, *jp):
        for s in p.strengths:
            if s.sector == sector:
                by_stage.setdefault((p.country, s.stage), []).append((p, s))
    streams: list[Iterator[tuple[float, str, str, int, str, str]]] = []
    memo: dict[tuple[object, ...], list[list[tuple[Player, Strength]]]] = {}
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
        direction = rel[0]
        buyer_is_korea = direction == "jp-to-kr"
        supplier_stage = jst if buyer_is_korea else kst
        buyer_country = "KR" if buyer_is_korea else "JP"
        leader = chain.leader(buyer_country, supplier_stage)
        kgroups = _groups(
            chain, ks_list, not buyer_is_korea, leader if buyer_is_korea else None, "JP", memo
        )
        jgroups = _groups(
            chain, js_list, buyer_is_korea, leader if not buyer_is_korea else None, "KR", memo
        )
        order = DIRECTIONS.index(direction)
        for kmembers in kgroups:
            for jmembers in jgroups:
                k0, ks0 = kmembers[0]
                j0, js0 = jmembers[0]
                link = score_link(chain, k0, ks0, j0, js0, (), w)
                if link is None:
                    continue
                streams.append(_stream(link.score, kmembers, jmembers, order, kst, jst, tied))
    for kid, jid in sorted(tied):
        links = pair_links(chain, players[kid], players[jid], ties[(kid, jid)], w, dirs)
        if links:
            b = links[0]
            key = (
                -b.score,
                kid,
                jid,
                DIRECTIONS.index(b.direction),
                b.korea_stage.id,
                b.japan_stage.id,
            )
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
        ranked.append(
            Pairing(
                korea=kp, japan=jpp, links=tuple(links), relationships=rels, rank=len(ranked) + 1
            )
        )
    return ranked, _count_linked(chain, kr, jp, dirs)


def _groups(
    chain: Chain,
    members: list[tuple[Player, Strength]],
    is_supplier: bool,
    leader: str | None,
    buyer_country: str,
    memo: dict[tuple[object, ...], list[list[tuple[Player, Strength]]]],
) -> list[list[tuple[Player, Strength]]]:
    """Strengths that score alike, each group sorted by player id (memoised per stage and role).

    A supplier's group also fixes its gap and security values; a buyer's group marks
    its country's leader at the supplier stage (whose gap is measured against the next)."""
    if not members:
        return []
    p0, s0 = members[0]
    memo_key = (p0.country, s0.stage, is_supplier, leader, buyer_country)
    if memo_key in memo:
        return memo[memo_key]
    groups: dict[tuple[object, ...], list[tuple[Player, Strength]]] = {}
    if is_supplier:
        ranked = chain.ranked.get((buyer_country, s0.stage), [])
        country: Country = "KR" if buyer_country == "KR" else "JP"
        # stand-in buyers: any buyer but the leader, and the leader itself
        generic = Player(id="\0", name="", native_name="", country=country)
        special = Player(
            id=ranked[0][2] if ranked else "", name="", native_name="", country=country
        )
        direction: Direction = "jp-to-kr" if buyer_country == "KR" else "kr-to-jp"
    for p, s in members:
        if is_supplier:
            key: tuple[object, ...] = (
                s.level,
                _gap(chain, p, s, generic)[0],
                _gap(chain, p, s, special)[0],
                _security(chain, s, direction)[0],
            )
        else:
            key = (s.level, p.id == leader)
        groups.setdefault(key, []).append((p, s))
    out = [sorted(g, key=lambda m: m[0].id) for g in groups.values()]
    memo[memo_key] = out
    return out


def _stream(
    score: float,
    kmembers: list[tuple[Player, Strength]],
    jmembers: list[tuple[Player, Strength]],
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
    for sid in [sector] if sector else sorted(ds.sectors):
        if not any(s.sector == sid for s in kp.strengths) or not any(
            s.sector == sid for s in jpp.strengths
        ):
            continue
        size = len(ds.players_in(sid, "KR")) * len(ds.players_in(sid, "JP"))
        if size <= EXPLAIN_RANK_LIMIT:
            out += [
                p
                for p in match(ds, sid, weights=weights, top=None).ranked
                if p.korea.id == korea and p.japan.id == japan
            ]
            continue
        w = check_weights(weights or {})
        rels = tuple(
            sorted(
                (
                    r
                    for r in ds.relationships
                    if (r.korea, r.japan, r.sector) == (korea, japan, sid)
                ),
                key=lambda r: (r.year, r.id),
            )
        )
        links = pair_links(Chain(ds, ds.sectors[sid]), kp, jpp, rels, w)
        if links:
            out.append(Pairing(korea=kp, japan=jpp, links=tuple(links), relationships=rels, rank=0))
    return out

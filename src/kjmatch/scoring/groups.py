"""Grouped scoring for the fast top-N ranking: makers of a product that give a link the
same facts are scored once, and each pair of groups yields its pairs lazily, in the
ranking's order (see `ranking._top_pairs`). Pairs with a documented tie are scored
one by one, from their links' facts alone (the reasons are written only for the pairs
shown).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from kjmatch.model import Player, Relationship
from kjmatch.weights import DIRECTIONS, Direction, LinkFacts, scorer

from .chain import Chain, Offers, Signature, captive_products, home_products
from .evidence import gap_value, joint_security, security_value
from .links import link_facts, offer_pairs
from .ties import peer_value

Progress = Callable[[str, int, int], None]
Rate = Callable[[LinkFacts], float]  # a link's score from its facts (`weights.scorer`)
Levels = dict[int, list[Player]]  # a product's makers by level, each list in id order
GroupKey = tuple[float, ...]
# buyer and supplier groups per pair of products, and scores per LinkFacts
Memo = dict[tuple[str, str, str] | LinkFacts, Any]
Key = tuple[
    float, int, str, str, int, str, str
]  # Pairing.order, then the link's direction, products
_OWN_USE: GroupKey = (-1.0,)  # the group of captive makers, dropped from the suppliers
TiedHeads = dict[tuple[str, str], Key | None]  # a tied pair's best link, once per ranking
Ties = Mapping[tuple[str, str], tuple[Relationship, ...]]


@dataclass(frozen=True, slots=True)
class Scope:
    """What one ranking compares: the firms on each side, their ties, the weights and the
    directions asked for, and whether tied pairs (`new_only`) or pairs of two sector
    leaders (`beyond_leaders`) are left out."""

    chain: Chain
    kr: list[Player]
    jp: list[Player]
    ties: Ties
    w: Mapping[str, float]
    dirs: tuple[str, ...]
    new_only: bool = False
    beyond_leaders: bool = False

    def left_out(self, kid: str, jid: str) -> bool:
        """Whether `beyond_leaders` leaves this pair out (both firms lead the sector)."""
        leaders = self.chain.leaders
        return self.beyond_leaders and kid in leaders and jid in leaders


def offers_of(
    chain: Chain, kr: list[Player], jp: list[Player]
) -> tuple[Offers, Callable[[str], bool]]:
    """Who makes what among these firms, and a test of whether a firm is one of them: the
    chain's own index (one walk over the players, shared) when they are all the sector's
    firms, else one built for them."""
    if kr is chain.firms["KR"] and jp is chain.firms["JP"]:
        return chain.offers, chain.in_sector
    ids = {p.id for p in (*kr, *jp)}
    offers = Offers([*kr, *jp], chain.sector.id, frozenset(chain.ties), chain.own_make)
    return offers, ids.__contains__


def streams(
    scope: Scope, progress: Progress | None = None, tied_heads: TiedHeads | None = None
) -> list[Iterator[Key]]:
    """Sorted streams of every linked pair's link keys (see `_top_pairs`). Tied pairs'
    best keys are kept in `tied_heads` for `count_linked` to reuse."""
    chain, ties, dirs = scope.chain, scope.ties, scope.dirs
    offers, inside = offers_of(chain, scope.kr, scope.jp)
    streams: list[Iterator[Key]] = []
    memo: Memo = {}
    rate = scorer(scope.w)
    tied = {k for k in ties if inside(k[0]) and inside(k[1])}
    kprods = [pid for (c, pid) in offers.levels if c == "KR"]
    jprods = [pid for (c, pid) in offers.levels if c == "JP"]
    for n, kprod in enumerate(kprods, 1):
        if progress:
            progress("Matching", n, len(kprods))
        for jprod in jprods:
            rel = chain.relation(kprod, jprod)
            if rel is None or rel[0] not in dirs:
                continue
            streams += _group_streams(chain, offers, rel, kprod, jprod, rate, memo, tied)
    heads = {} if tied_heads is None else tied_heads
    for kid, jid in sorted(tied) if not scope.new_only else ():
        head = tied_head(chain, kid, jid, ties, rate, dirs, memo, heads)
        if head is not None:
            streams.append(iter([head]))
    return streams


def tied_head(
    chain: Chain,
    kid: str,
    jid: str,
    ties: Ties,
    rate: Rate,
    dirs: tuple[str, ...],
    memo: Memo,
    heads: TiedHeads,
) -> Key | None:
    """A tied pair's best link key in the ranking's order (`links.link_order`), or None
    when it has no link; from `heads` when this ranking has scored the pair already."""
    if (kid, jid) in heads:
        return heads[(kid, jid)]
    korea, japan = chain.players[kid], chain.players[jid]
    rels = ties[(kid, jid)]
    best: Key | None = None
    for ks, kprod, js, jprod in offer_pairs(chain, korea, japan):
        klevel, jlevel = ks.products[kprod], js.products[jprod]
        facts = link_facts(chain, korea, kprod, klevel, japan, jprod, jlevel, rels)
        if facts is None or facts.direction not in dirs:
            continue
        order = DIRECTIONS.index(facts.direction)
        key = (-_score(facts, rate, memo), -min(klevel, jlevel), kid, jid, order, kprod, jprod)
        if best is None or key < best:
            best = key
    heads[(kid, jid)] = best
    return best


def _group_streams(
    chain: Chain,
    offers: Offers,
    rel: tuple[Direction, int],
    kprod: str,
    jprod: str,
    rate: Rate,
    memo: Memo,
    tied: set[tuple[str, str]],
) -> list[Iterator[Key]]:
    """One lazily merged stream per pair of groups at two linked products."""
    direction, hops = rel
    order = DIRECTIONS.index(direction)
    out = []
    k_levels, j_levels = offers.levels[("KR", kprod)], offers.levels[("JP", jprod)]
    if direction == "same-stage":
        for klevel, kmembers in k_levels.items():
            for jlevel, jmembers in j_levels.items():
                facts = _facts(direction, hops, klevel, jlevel, 0.0, 0.0)
                head = (-_score(facts, rate, memo), -min(klevel, jlevel))
                out.append(_stream(head, kmembers, jmembers, order, kprod, jprod, tied))
        return out
    if direction == "horizontal":
        k_groups = _partner_groups(chain, offers, "KR", kprod, jprod, memo)
        j_groups = _partner_groups(chain, offers, "JP", jprod, kprod, memo)
        for (k_at, kpeer), kmembers in k_groups.items():
            for (j_at, jpeer), jmembers in j_groups.items():
                levels = (int(k_at), int(j_at))
                sec = joint_security(chain, kprod, jprod, min(levels))[0]
                facts = _facts(direction, hops, *levels, 0.0, sec, max(kpeer, jpeer))
                head = (-_score(facts, rate, memo), -min(levels))
                out.append(_stream(head, kmembers, jmembers, order, kprod, jprod, tied))
        return out
    buyer_country, supplier_country = ("KR", "JP") if direction == "jp-to-kr" else ("JP", "KR")
    sup_prod, buy_prod = (jprod, kprod) if direction == "jp-to-kr" else (kprod, jprod)
    sup_groups = _supplier_groups(chain, offers, sup_prod, buy_prod, supplier_country, memo)
    buy_groups = _buyer_groups(chain, offers, buy_prod, sup_prod, buyer_country, memo)
    for (slevel, gap, sec, speer), smembers in sup_groups.items():
        for (blevel, bpeer, own), bmembers in buy_groups.items():
            levels = (int(blevel), int(slevel))
            if direction == "kr-to-jp":
                levels = (int(slevel), int(blevel))
            in_house = bool(own) and own >= slevel
            facts = _facts(direction, hops, *levels, gap, sec, max(speer, bpeer), in_house)
            head = (-_score(facts, rate, memo), -min(levels))
            kmembers, jmembers = (
                (bmembers, smembers) if direction == "jp-to-kr" else (smembers, bmembers)
            )
            out.append(_stream(head, kmembers, jmembers, order, kprod, jprod, tied))
    return out


def _score(facts: LinkFacts, rate: Rate, memo: Memo) -> float:
    """A group pair's score; many product pairs share the same facts."""
    if facts not in memo:
        memo[facts] = rate(facts)
    score: float = memo[facts]
    return score


def _facts(
    direction: Direction,
    hops: int,
    klevel: int,
    jlevel: int,
    gap_value: float,
    sec: float,
    peer: float = 0.0,
    in_house: bool = False,
) -> LinkFacts:
    """The facts of an untied link (tied pairs are scored one by one)."""
    return LinkFacts(direction, hops, klevel, jlevel, gap_value, sec, 0.0, False, peer, in_house)


def _split_groups(
    offers: Offers,
    country: str,
    product: str,
    common: Callable[[int], GroupKey],
    odd: Callable[[Player, int], GroupKey | None],
    also: list[tuple[Player, int]] | None = None,
) -> dict[GroupKey, list[Player]]:
    """Regroup a product's makers: every member gets `common(level)`, except the few
    (firms with ties, and `also`) for which `odd` may give another key. Members stay in
    id order; the many plain members are only ever sliced, never visited one by one
    (the few are found in their id-ordered level group by bisection)."""
    base = offers.levels[(country, product)]
    few = [*offers.tied.get((country, product), ()), *(also or ())]
    moved: dict[int, dict[str, GroupKey]] = {}  # level → member id → its own key
    for p, level in few:
        k = odd(p, level)
        if k is not None:
            moved.setdefault(level, {})[p.id] = k
    groups: dict[GroupKey, list[Player]] = {}
    for lv, group in base.items():
        keep = group
        own = moved.get(lv, {})
        hits = sorted(i for pid in own if (i := _place(group, pid)) is not None)
        if hits:
            keep = []
            start = 0
            for i in hits:
                keep.extend(group[start:i])
                groups.setdefault(own[group[i].id], []).append(group[i])
                start = i + 1
            keep.extend(group[start:])
        if keep:
            groups[common(lv)] = keep
    return groups


def _place(group: list[Player], pid: str) -> int | None:
    """Where the player with id `pid` stands in an id-ordered group, if it is there."""
    i = bisect_left(group, pid, key=_player_id)
    return i if i < len(group) and group[i].id == pid else None


def _player_id(p: Player) -> str:
    return p.id


def _buyer_groups(
    chain: Chain,
    offers: Offers,
    product: str,
    sup_product: str,
    country: str,
    memo: Memo,
) -> dict[GroupKey, list[Player]]:
    """Buyers by level, by their peer ties with other makers of the supplier's product,
    and by their own level at it (a buyer making it in-house). Memoised per pair of
    products."""
    key = (f"buyers-{country}", product, sup_product)
    if key in memo:
        known: dict[GroupKey, list[Player]] = memo[key]
        return known

    makers = offers.both.get((country, product, sup_product), [])
    own_at = {p.id: own for p, _, own in makers}

    def odd(p: Player, level: int) -> GroupKey | None:
        peer = peer_value(
            chain, p.id, country, "", sup_product, korean_first(country, product, sup_product)
        )
        own = float(own_at.get(p.id, 0))
        return (float(level), peer, own) if peer or own else None

    def common(level: int) -> GroupKey:
        return (float(level), 0.0, 0.0)

    groups = _split_groups(offers, country, product, common, odd, [(p, lv) for p, lv, _ in makers])
    memo[key] = groups
    return groups


def korean_first(country: str, own: str, other: str) -> tuple[str, str]:
    """A link's (Korean, Japanese) products from one side's product and the other's: the
    order ties are matched in."""
    return (own, other) if country == "KR" else (other, own)


def _partner_groups(
    chain: Chain,
    offers: Offers,
    country: str,
    product: str,
    other_product: str,
    memo: Memo,
) -> dict[GroupKey, list[Player]]:
    """Makers of one side of a horizontal link by level and by their ties with the
    other country's makers of the other product (peer ties). Memoised per products."""
    key = (f"partners-{country}", product, other_product)
    if key in memo:
        known: dict[GroupKey, list[Player]] = memo[key]
        return known
    pair = korean_first(country, product, other_product)

    def odd(p: Player, level: int) -> GroupKey | None:
        peer = peer_value(chain, p.id, country, "", other_product, pair)
        return (float(level), peer) if peer else None

    def common(level: int) -> GroupKey:
        return (float(level), 0.0)

    groups = _split_groups(offers, country, product, common, odd)
    memo[key] = groups
    return groups


def _supplier_groups(
    chain: Chain,
    offers: Offers,
    product: str,
    buy_product: str,
    supplier_country: str,
    memo: Memo,
) -> dict[GroupKey, list[Player]]:
    """Suppliers by level, gap, security and peer ties: everything a supplier
    contributes to `LinkFacts`. Memoised per pair of products."""
    memo_key = (supplier_country, product, buy_product)
    if memo_key in memo:
        done: dict[GroupKey, list[Player]] = memo[memo_key]
        return done
    buyer = "KR" if supplier_country == "JP" else "JP"
    by_level: dict[int, tuple[float, float]] = {}

    def common(level: int) -> GroupKey:
        if level not in by_level:
            by_level[level] = (
                gap_value(chain, supplier_country, product, level, buyer),
                security_value(chain, product, level, buyer, supplier_country),
            )
        return (float(level), *by_level[level], 0.0)

    key = (supplier_country, product)
    captive = [*offers.captive.get(key, ()), *offers.home.get(key, ())]
    own_use = {p.id for p, _ in captive}  # neither sells to the other country

    def odd(p: Player, level: int) -> GroupKey | None:
        if p.id in own_use:
            return _OWN_USE
        pair = korean_first(supplier_country, product, buy_product)
        peer = peer_value(chain, p.id, supplier_country, "", buy_product, pair)
        return (*common(level)[:-1], peer) if peer else None

    groups = _split_groups(offers, supplier_country, product, common, odd, captive)
    groups.pop(_OWN_USE, None)  # makers for their own use supply no one
    memo[memo_key] = groups
    return groups


def _stream(
    head: tuple[float, int],
    kmembers: list[Player],
    jmembers: list[Player],
    order: int,
    kprod: str,
    jprod: str,
    tied: set[tuple[str, str]],
) -> Iterator[Key]:
    """All pairs of two groups in (Korean id, Japanese id) order; tied pairs are scored apart."""
    for kp in kmembers:
        kid = kp.id
        for jpp in jmembers:
            if (kid, jpp.id) not in tied:
                yield (*head, kid, jpp.id, order, kprod, jprod)


def count_linked(scope: Scope, tied_heads: TiedHeads | None = None) -> int:
    """How many Korea–Japan player pairs share at least one link (counted by product sets,
    from the firms' offers; tied pairs, whose ties can add horizontal links, are checked
    one by one)."""
    chain, ties, dirs = scope.chain, scope.ties, scope.dirs
    sector = chain.sector.id
    offers, inside = offers_of(chain, scope.kr, scope.jp)

    def signature(p: Player) -> Signature:
        own = captive_products(p, sector) | home_products(p, sector)
        return frozenset(
            (pid, pid in own) for s in p.strengths if s.sector == sector for pid in s.products
        )

    def linked(ks: Signature, js: Signature) -> bool:
        for a, a_own in ks:
            for b, b_own in js:
                r = chain.relation(a, b)
                if r is None or r[0] not in dirs:
                    continue
                # a product made for the maker's own use or home market supplies no one here
                if not ((a_own and r[0] == "kr-to-jp") or (b_own and r[0] == "jp-to-kr")):
                    return True
        return False

    heads = {} if tied_heads is None else tied_heads  # tied pairs `streams` scored already
    rate = scorer(scope.w)
    memo: Memo = {}
    total = 0
    for ks, kcount in offers.signatures["KR"].items():
        for js, jcount in offers.signatures["JP"].items():
            if linked(ks, js):
                total += kcount * jcount
    players = chain.players
    for kid, jid in ties:
        if inside(kid) and inside(jid):
            # a tie can turn rivals into partners (or add a link): judge tied pairs alone
            kp, jpp = players[kid], players[jid]
            total -= linked(signature(kp), signature(jpp))
            if not scope.new_only:
                total += tied_head(chain, kid, jid, ties, rate, dirs, memo, heads) is not None
    if scope.beyond_leaders:  # take back the linked pairs of two leaders counted above
        kl = [p for p in scope.kr if p.id in chain.leaders]
        jl = [p for p in scope.jp if p.id in chain.leaders]
        for kp in kl:
            for jpp in jl:
                if (kp.id, jpp.id) not in ties:
                    total -= linked(signature(kp), signature(jpp))
                elif not scope.new_only:
                    head = tied_head(chain, kp.id, jpp.id, ties, rate, dirs, memo, heads)
                    total -= head is not None
    return total

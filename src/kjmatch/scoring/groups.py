"""Grouped scoring for the fast top-N ranking: makers of a product that give a link the
same facts are scored once, and each pair of groups yields its pairs lazily, in the
ranking's order (see `ranking._top_pairs`). Pairs with a documented tie are scored
one by one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from kjmatch.model import Player, Relationship
from kjmatch.weights import DIRECTIONS, Direction, LinkFacts

from .chain import Chain
from .evidence import gap, joint_security, peer_ties, security
from .links import pair_links, score_facts

Progress = Callable[[str, int, int], None]
Member = tuple[Player, int]  # a player and its level at one product
GroupKey = tuple[float, ...]
Memo = dict[tuple[str, str, str, str], Any]  # level groups, indexes, per product
Key = tuple[
    float, int, str, str, int, str, str
]  # Pairing.order, then the link's direction, products


def streams(
    chain: Chain,
    kr: list[Player],
    jp: list[Player],
    ties: Mapping[tuple[str, str], tuple[Relationship, ...]],
    w: Mapping[str, float],
    dirs: tuple[str, ...],
    progress: Progress | None = None,
    new_only: bool = False,
) -> list[Iterator[Key]]:
    """Sorted streams of every linked pair's link keys (see `_top_pairs`)."""
    sector = chain.sector.id
    by_product: dict[tuple[str, str], list[Member]] = {}
    for p in sorted((*kr, *jp), key=lambda p: p.id):  # groups then keep id order
        for s in p.strengths:
            if s.sector == sector:
                for pid, level in s.products.items():
                    by_product.setdefault((p.country, pid), []).append((p, level))
    streams: list[Iterator[Key]] = []
    memo: Memo = {}
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
    return streams


def _group_streams(
    chain: Chain,
    rel: tuple[Direction, int],
    kprod: str,
    jprod: str,
    k_list: list[Member],
    j_list: list[Member],
    w: Mapping[str, float],
    memo: Memo,
    tied: set[tuple[str, str]],
) -> list[Iterator[Key]]:
    """One lazily merged stream per pair of groups at two linked products."""
    direction, hops = rel
    order = DIRECTIONS.index(direction)
    out = []
    if direction in ("same-stage", "horizontal"):
        for (klevel,), kmembers in _level_groups(k_list, memo).items():
            for (jlevel,), jmembers in _level_groups(j_list, memo).items():
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
    buy_groups = _buyer_groups(chain, buy_list, buy_prod, sup_prod, buyer_country, leader, memo)
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


def _level_groups(members: list[Member], memo: Memo) -> dict[GroupKey, list[Member]]:
    """Members by level (memoised per list: a product's makers are grouped once)."""
    key = ("levels", str(id(members)), "", "")
    if key not in memo:
        groups: dict[GroupKey, list[Member]] = {}
        for p, level in members:
            groups.setdefault((float(level),), []).append((p, level))
        memo[key] = groups
    cached: dict[GroupKey, list[Member]] = memo[key]
    return cached


def _split_groups(
    chain: Chain,
    members: list[Member],
    memo: Memo,
    common: Callable[[int], GroupKey],
    odd: Callable[[Player, int], GroupKey | None],
    leader: str = "",
) -> dict[GroupKey, list[Member]]:
    """Regroup a product's makers: every member gets `common(level)`, except the few
    (firms with ties, and `leader`) for which `odd` gives another key. Members stay in
    id order; the many plain members are only ever sliced, never visited one by one."""
    base = _level_groups(members, memo)
    key = ("tied", str(id(members)), "", "")
    if key not in memo:  # per product, once
        memo[key] = [m for m in members if m[0].id in chain.ties]
    tied: list[Member] = memo[key]
    moved: dict[str, GroupKey] = {}
    for p, level in [*tied, *_find(members, base, leader, memo)]:
        k = odd(p, level)
        if k is not None:
            moved[p.id] = k
    groups: dict[GroupKey, list[Member]] = {}
    for (lv,), group in base.items():
        keep = group
        index = _index(group, memo)
        hits = sorted(index[pid] for pid in moved if pid in index)
        if hits:
            keep = []
            start = 0
            for i in hits:
                keep.extend(group[start:i])
                groups.setdefault(moved[group[i][0].id], []).append(group[i])
                start = i + 1
            keep.extend(group[start:])
        if keep:
            groups[common(int(lv))] = keep
    return groups


def _index(group: list[Member], memo: Memo) -> dict[str, int]:
    """Each member's place in its level group (memoised per group)."""
    key = ("index", str(id(group)), "", "")
    if key not in memo:
        memo[key] = {m[0].id: i for i, m in enumerate(group)}
    found: dict[str, int] = memo[key]
    return found


def _find(
    members: list[Member], base: dict[GroupKey, list[Member]], pid: str, memo: Memo
) -> list[Member]:
    """The member with id `pid`, if it makes this product."""
    if not pid:
        return []
    for group in base.values():
        index = _index(group, memo)
        if pid in index:
            return [group[index[pid]]]
    return []


def _buyer_groups(
    chain: Chain,
    members: list[Member],
    product: str,
    sup_product: str,
    country: str,
    leader: str,
    memo: Memo,
) -> dict[GroupKey, list[Member]]:
    """Buyers by level, by whether they lead their country at the supplier's product (a
    leader's gap is measured against the next best player) and by their peer ties with
    other makers of the supplier's product. Memoised per pair of products."""
    key = (f"buyers-{country}", product, sup_product, leader)
    if key in memo:
        known: dict[GroupKey, list[Member]] = memo[key]
        return known

    def odd(p: Player, level: int) -> GroupKey | None:
        peer = peer_ties(chain, p.id, country, "", sup_product, (product, sup_product))[0]
        if p.id != leader and not peer:
            return None
        return (float(level), float(p.id == leader), peer)

    groups = _split_groups(chain, members, memo, lambda lv: (float(lv), 0.0, 0.0), odd, leader)
    memo[key] = groups
    return groups


def _supplier_groups(
    chain: Chain,
    members: list[Member],
    product: str,
    buy_product: str,
    supplier_country: str,
    leader: str,
    memo: Memo,
) -> dict[GroupKey, list[Member]]:
    """Suppliers by level, gap (for any buyer, and for the buyer country's leader),
    security and peer ties: everything a supplier contributes to `LinkFacts`. Memoised
    per pair of products."""
    memo_key = (supplier_country, product, buy_product, leader)
    if memo_key in memo:
        done: dict[GroupKey, list[Member]] = memo[memo_key]
        return done
    buyer = "KR" if supplier_country == "JP" else "JP"
    by_level: dict[int, tuple[float, float, float]] = {}

    def common(level: int) -> GroupKey:
        if level not in by_level:
            by_level[level] = (
                gap(chain, "", supplier_country, product, level, buyer, "")[0],
                gap(chain, "", supplier_country, product, level, buyer, leader)[0],
                security(chain, product, level, buyer, supplier_country)[0],
            )
        return (float(level), *by_level[level], 0.0)

    def odd(p: Player, level: int) -> GroupKey | None:
        pair = (product, buy_product)
        peer = peer_ties(chain, p.id, supplier_country, "", buy_product, pair)[0]
        return (*common(level)[:-1], peer) if peer else None

    groups = _split_groups(chain, members, memo, common, odd)
    memo[memo_key] = groups
    return groups


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


def count_linked(
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

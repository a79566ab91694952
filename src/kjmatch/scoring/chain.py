"""A sector's value chain as a product feed graph: hop distances, best levels, facts."""

from __future__ import annotations

import dataclasses
from bisect import bisect_left
from collections import deque
from collections.abc import Collection
from typing import Any

from kjmatch.checks import concerns, product_inputs
from kjmatch.model import (
    Absence,
    Dataset,
    ExportControl,
    ImportShare,
    Player,
    Product,
    Relationship,
    Sector,
    Stage,
)
from kjmatch.weights import Direction

Offer = tuple[int, str, str]  # (level, player name, player id)
Signature = frozenset[tuple[str, bool]]  # a firm's (product, made for own use only) pairs


class Chain:
    """A sector's product feed graph, per-country best levels per product, and the dated
    facts that concern each product."""

    def __init__(self, ds: Dataset, sector: Sector, as_of: int | None = None) -> None:
        self.sector = sector
        self.as_of = as_of or ds.as_of
        self.stages: dict[str, Stage] = {st.id: st for st in sector.stages}
        located = sector.products()
        self.products: dict[str, Product] = {pid: p for pid, (_, p) in located.items()}
        self.local = frozenset(pid for pid, p in self.products.items() if not p.tradable)
        self.stage_of: dict[str, str] = {pid: st.id for pid, (st, _) in located.items()}
        self.feeds: dict[str, list[str]] = {pid: [] for pid in self.products}
        for pid, inputs in product_inputs(sector).items():
            for inp in inputs:
                self.feeds[inp].append(pid)
        self.hops: dict[tuple[str, str], int] = {}  # (upstream, downstream) → 1 or 2
        for start in self.feeds:
            seen = {start: 0}
            queue = deque([start])
            while queue:
                cur = queue.popleft()
                if seen[cur] >= 2:
                    continue
                for nxt in self.feeds[cur]:
                    # a recycler takes its inputs whole (scrap cells), not what they are made of
                    if seen[cur] and self.products[nxt].whole_inputs:
                        continue
                    if nxt not in seen:
                        seen[nxt] = seen[cur] + 1
                        queue.append(nxt)
            for other, d in seen.items():
                if d:
                    self.hops[(start, other)] = d
        # (input, product) pairs where a firm making both makes the input in-house: not
        # where the product resells its inputs (a trader buys whatever it makes itself)
        self.own_make = frozenset(pair for pair in self.hops if not self.products[pair[1]].resells)
        self.players = ds.players
        # firm id → its ties that concern this sector (for `peer`)
        self.ties: dict[str, list[Relationship]] = {}
        for r in ds.relationships:
            if sector.id in r.sectors:
                self.ties.setdefault(r.korea, []).append(r)
                self.ties.setdefault(r.japan, []).append(r)
        # the sector's firms per country, in the dataset's order: one walk over the players
        self.firms: dict[str, list[Player]] = {"KR": [], "JP": []}
        for p in ds.players.values():
            for s in p.strengths:
                if s.sector == sector.id:
                    self.firms.setdefault(p.country, []).append(p)
                    break
        self.offers = Offers(
            [*self.firms["KR"], *self.firms["JP"]], sector.id, frozenset(self.ties), self.own_make
        )
        # (firm id, product) made only for the firm's own use: it supplies no one with it
        self.captive = frozenset(
            (p.id, pid) for (_, pid), made in self.offers.captive.items() for p, _ in made
        )
        # ... and those it may sell at home only: neither supplies the other country
        self.closed = self.captive | frozenset(
            (p.id, pid) for (_, pid), made in self.offers.home.items() for p, _ in made
        )
        # the sector's leaders: firms rated 5 at some product of it, whom an analyst
        # names from memory (`--beyond-leaders` leaves out pairs of two of them)
        self.leaders = frozenset(
            p.id
            for side in self.firms.values()
            for p in side
            for s in p.strengths
            if s.sector == sector.id and 5 in s.products.values()
        )
        self._ranked: dict[tuple[str, str], list[Offer]] | None = None
        # component values already worked out in this ranking (`evidence.*_value`)
        self.memo: dict[tuple[object, ...], Any] = {}  # per-ranking values (evidence.py)
        self.applies: dict[tuple[str, str, str], bool] = {}  # (tie, kprod, jprod): ties.py
        self._levels: dict[tuple[str, str, str], int] = {}
        self.shares: dict[str, list[ImportShare]] = {pid: [] for pid in self.products}
        self.controls: dict[str, list[ExportControl]] = {pid: [] for pid in self.products}
        # (country, product) → the source saying that country has no maker of it
        self.absent: dict[tuple[str, str], Absence] = {}
        for st in sector.stages:
            for prod in st.products:
                for none in prod.absent:
                    self.absent.setdefault((none.country, prod.id), none)
                self.shares[prod.id] = [x for x in st.context.import_shares if concerns(x, prod)]
                self.controls[prod.id] = [
                    x for x in st.context.export_controls if concerns(x, prod)
                ]
        # (a, b) → why their makers cooperate; (a, a): makers of one product are partners
        # (co-buyers of an import, say), not rivals
        self.complements: dict[tuple[str, str], str] = {}
        for c in sector.complements:
            a, b = c.products
            self.complements[(a, b)] = self.complements[(b, a)] = c.reason

    def name(self, player_id: str) -> str:
        p = self.players.get(player_id)
        return p.name if p else player_id

    def stage(self, product: str) -> Stage:
        return self.stages[self.stage_of[product]]

    @property
    def ranked(self) -> dict[tuple[str, str], list[Offer]]:
        """(country, product) → its offers, strongest first (ties: lowest id); built on
        first use, since ranking needs only the leaders."""
        if self._ranked is None:
            self._ranked = {
                key: [(lv, p.name, p.id) for lv in sorted(groups, reverse=True) for p in groups[lv]]
                for key, groups in self.offers.levels.items()
            }
        return self._ranked

    def best(self, country: str, product: str, prefer: str = "") -> tuple[int, Player | None, bool]:
        """The strongest level of `country` at `product` among the makers that sell it (a
        maker for its own use only serves no other buyer), a player at it and whether that
        is `prefer` (a buyer making the product in-house: named when it is one of them,
        else the first by id)."""
        groups = self.offers.levels.get((country, product))
        if not groups:
            return 0, None, False
        own = {p.id for p, _ in self.offers.captive.get((country, product), ())}
        for top in sorted(groups, reverse=True):
            at = [p for p in groups[top] if p.id not in own] if own else groups[top]
            if not at:
                continue
            i = bisect_left(at, prefer, key=_id) if prefer else len(at)
            if i < len(at) and at[i].id == prefer:
                return top, at[i], True
            return top, at[0], False
        return 0, None, False

    def in_sector(self, player_id: str) -> bool:
        """Whether a player has a strength in this sector."""
        p = self.players.get(player_id)
        return p is not None and any(s.sector == self.sector.id for s in p.strengths)

    def makes(self, country: str, product: str, player_id: str) -> bool:
        """Whether a player of `country` makes `product` in this sector."""
        return self.level(country, product, player_id) > 0

    def level(self, country: str, product: str, player_id: str) -> int:
        """A player's level at `product` in this sector (0: it does not make it),
        remembered: peer ties and in-house checks ask again and again."""
        key = (country, product, player_id)
        known = self._levels.get(key)
        if known is None:
            p = self.players.get(player_id)
            sector = self.sector.id
            known = self._levels[key] = (
                max(
                    (s.products.get(product, 0) for s in p.strengths if s.sector == sector),
                    default=0,
                )
                if p is not None and p.country == country
                else 0
            )
        return known

    def relation(self, korea_product: str, japan_product: str) -> tuple[Direction, int] | None:
        """How two products are linked: direction and hops, or None when they are not.

        The same product is rivalry ("same-stage"); two products of one stage, or one
        product's makers, are linked only when the sector declares them complementary
        ("horizontal")."""
        if korea_product == japan_product:
            if (korea_product, korea_product) in self.complements:
                return "horizontal", 0
            return "same-stage", 0
        # a product sold only where it is made supplies no buyer across the border
        if (japan_product, korea_product) in self.hops:
            if japan_product in self.local:
                return None
            return "jp-to-kr", self.hops[(japan_product, korea_product)]
        if (korea_product, japan_product) in self.hops:
            if korea_product in self.local:
                return None
            return "kr-to-jp", self.hops[(korea_product, japan_product)]
        if (korea_product, japan_product) in self.complements:
            return "horizontal", 0
        return None

    def same_stage(self, a: str, b: str) -> bool:
        return self.stage_of[a] == self.stage_of[b]

    def stronger(self, product: str) -> tuple[str, str | None]:
        """Which country leads a product ("KR", "JP", "even", "none") and which lacks it."""
        kr = max(self.offers.levels.get(("KR", product), (0,)))
        jp = max(self.offers.levels.get(("JP", product), (0,)))
        lead = "none" if not (kr or jp) else "even" if kr == jp else "KR" if kr > jp else "JP"
        gap = "KR" if jp and not kr else "JP" if kr and not jp else None
        return lead, gap


class Offers:
    """Who makes what in a sector, from one walk over its firms (taken in id order):
    per (country, product) its makers grouped by level, each group in id order; the
    makers among `tied` firms with their levels; how many firms of each country
    make each set of products (what `count_linked` needs); the firms that make both
    a product and one of its `upstream` inputs (buyers making an input in-house); and
    the makers of a product for their own use only (`captive`) and for their home
    market only (`home`): neither ever supplies the other country."""

    def __init__(
        self,
        firms: list[Player],
        sector: str,
        tied: frozenset[str],
        upstream: Collection[tuple[str, str]] = (),
    ) -> None:
        self.levels: dict[tuple[str, str], dict[int, list[Player]]] = {}
        self.tied: dict[tuple[str, str], list[tuple[Player, int]]] = {}
        # a firm's products, each with whether it sells it to no one abroad (captive, home only)
        self.signatures: dict[str, dict[Signature, int]] = {"KR": {}, "JP": {}}
        self.captive: dict[tuple[str, str], list[tuple[Player, int]]] = {}
        self.home: dict[tuple[str, str], list[tuple[Player, int]]] = {}
        # (country, a, b) → firms making both products, with their levels at a and at b
        self.both: dict[tuple[str, str, str], list[tuple[Player, int, int]]] = {}
        levels = self.levels
        for p in sorted(firms, key=_id):
            country = p.country
            made: list[tuple[str, bool]] = []
            at: dict[str, int] = {}
            mine = captive_products(p, sector)
            home = home_products(p, sector)
            for s in p.strengths:
                if s.sector != sector:
                    continue
                for pid, level in s.products.items():
                    own_use = pid in mine or pid in home  # sold to no one abroad
                    if pid in mine:
                        self.captive.setdefault((country, pid), []).append((p, level))
                    elif pid in home:
                        self.home.setdefault((country, pid), []).append((p, level))
                    if level > at.get(pid, 0):
                        at[pid] = level
                    key = (country, pid)
                    groups = levels.get(key)
                    if groups is None:
                        groups = levels[key] = {}
                    group = groups.get(level)
                    if group is None:
                        groups[level] = [p]
                    else:
                        group.append(p)
                    made.append((pid, own_use))
            if p.id in tied:
                for s in p.strengths:
                    if s.sector == sector:
                        for pid, level in s.products.items():
                            self.tied.setdefault((country, pid), []).append((p, level))
            counts = self.signatures.setdefault(country, {})
            sig = frozenset(made)
            counts[sig] = counts.get(sig, 0) + 1
            if len(at) > 1:  # a firm that may make its supplier's product in-house
                for a, la in at.items():
                    for b, lb in at.items():
                        if (b, a) in upstream:  # b feeds a, one or two steps up
                            self.both.setdefault((country, a, b), []).append((p, la, lb))


def _id(p: Player) -> str:
    return p.id


def captive_products(p: Player, sector: str) -> frozenset[str]:
    """The products a firm makes only for its own use in a sector (named by any of its
    strengths there): it buys for them and rivals their makers, but supplies no one."""
    return frozenset(pid for s in p.strengths if s.sector == sector for pid in s.captive)


def home_products(p: Player, sector: str) -> frozenset[str]:
    """The products a firm may sell only in its own country in a sector (a licence's
    territory): like captive ones, they supply no buyer in the other country."""
    return frozenset(pid for s in p.strengths if s.sector == sector for pid in s.home_market)


def known_by(ds: Dataset, year: int | None) -> Dataset:
    """The data as an analyst could have known it in `year`: without the ties, facts and
    documented absences first reported later (ageing alone would count them as current), and
    with ties as they stood then (one that ended or was confirmed later was simply active).
    Firms' levels stay as curated: the data holds no past levels."""
    if year is None or year >= ds.as_of:
        return ds

    def stage(st: Stage) -> Stage:
        ctx = st.context
        return dataclasses.replace(
            st,
            products=tuple(
                dataclasses.replace(p, absent=tuple(a for a in p.absent if a.year <= year))
                for p in st.products
            ),
            context=dataclasses.replace(
                ctx,
                import_shares=tuple(f for f in ctx.import_shares if f.year <= year),
                export_controls=tuple(f for f in ctx.export_controls if f.year <= year),
            ),
        )

    return dataclasses.replace(
        ds,
        sectors={
            sid: dataclasses.replace(sec, stages=tuple(stage(st) for st in sec.stages))
            for sid, sec in ds.sectors.items()
        },
        relationships=tuple(_tie_then(r, year) for r in ds.relationships if r.year <= year),
        as_of=year,
    )


def _tie_then(r: Relationship, year: int) -> Relationship:
    """A tie as it stood in `year`: its later end and later confirmations not yet known."""
    update: dict[str, Any] = {}
    if r.ended is not None and r.ended > year:
        update["ended"] = None
        if r.status in ("ended", "completed"):
            update["status"] = "active"
    if r.last_confirmed is not None and r.last_confirmed > year:
        update["last_confirmed"] = None
    return dataclasses.replace(r, **update) if update else r

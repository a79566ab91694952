"""A sector's value chain as a product feed graph: hop distances, leaders, gaps, facts."""

from __future__ import annotations

from collections import deque

from kjmatch.checks import concerns, product_inputs
from kjmatch.model import (
    Dataset,
    ExportControl,
    ImportShare,
    Product,
    Relationship,
    Sector,
    Stage,
)
from kjmatch.weights import Direction

Offer = tuple[int, str, str]  # (level, player name, player id)


class Chain:
    """A sector's product feed graph, per-country best levels per product, and the dated
    facts that concern each product."""

    def __init__(self, ds: Dataset, sector: Sector, as_of: int | None = None) -> None:
        self.sector = sector
        self.as_of = as_of or ds.as_of
        self.stages: dict[str, Stage] = {st.id: st for st in sector.stages}
        located = sector.products()
        self.products: dict[str, Product] = {pid: p for pid, (_, p) in located.items()}
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
                    if nxt not in seen:
                        seen[nxt] = seen[cur] + 1
                        queue.append(nxt)
            for other, d in seen.items():
                if d:
                    self.hops[(start, other)] = d
        # (country, product) → offers, strongest first
        self.ranked: dict[tuple[str, str], list[Offer]] = {}
        for p in ds.players.values():
            for s in p.strengths:
                if s.sector == sector.id:
                    for pid, level in s.products.items():
                        self.ranked.setdefault((p.country, pid), []).append((level, p.name, p.id))
        for entries in self.ranked.values():
            entries.sort(key=lambda e: (-e[0], e[2]))
        self.shares: dict[str, list[ImportShare]] = {pid: [] for pid in self.products}
        self.controls: dict[str, list[ExportControl]] = {pid: [] for pid in self.products}
        for st in sector.stages:
            for prod in st.products:
                self.shares[prod.id] = [x for x in st.context.import_shares if concerns(x, prod)]
                self.controls[prod.id] = [
                    x for x in st.context.export_controls if concerns(x, prod)
                ]
        self._players = ds.players
        # firm id → its ties that concern this sector (for `peer`)
        self.ties: dict[str, list[Relationship]] = {}
        for r in ds.relationships:
            if sector.id in r.sectors:
                self.ties.setdefault(r.korea, []).append(r)
                self.ties.setdefault(r.japan, []).append(r)
        self.makers: dict[tuple[str, str], frozenset[str]] = {
            key: frozenset(pid for _, _, pid in entries) for key, entries in self.ranked.items()
        }
        self.complements: set[tuple[str, str]] = set()
        for c in sector.complements:
            a, b = c.products
            self.complements |= {(a, b), (b, a)}

    def name(self, player_id: str) -> str:
        p = self._players.get(player_id)
        return p.name if p else player_id

    def stage(self, product: str) -> Stage:
        return self.stages[self.stage_of[product]]

    def leader(self, country: str, product: str) -> str:
        """Id of the strongest player of `country` at `product` (ties: lowest id)."""
        entries = self.ranked.get((country, product))
        return entries[0][2] if entries else ""

    def best(self, country: str, product: str, excluding: str) -> tuple[int, str]:
        """The strongest player of `country` at `product` other than `excluding` (the buyer
        itself, so that a pair's own strengths never lower its score)."""
        for level, name, pid in self.ranked.get((country, product), []):
            if pid != excluding:
                return level, name
        return 0, ""

    def relation(self, korea_product: str, japan_product: str) -> tuple[Direction, int] | None:
        """How two products are linked: direction and hops, or None when they are not.

        The same product is rivalry ("same-stage"); two products of one stage are linked
        only when the sector declares them complementary ("horizontal")."""
        if korea_product == japan_product:
            return "same-stage", 0
        if (japan_product, korea_product) in self.hops:
            return "jp-to-kr", self.hops[(japan_product, korea_product)]
        if (korea_product, japan_product) in self.hops:
            return "kr-to-jp", self.hops[(korea_product, japan_product)]
        if (korea_product, japan_product) in self.complements:
            return "horizontal", 0
        return None

    def same_stage(self, a: str, b: str) -> bool:
        return self.stage_of[a] == self.stage_of[b]

    def stronger(self, product: str) -> tuple[str, str | None]:
        """Which country leads a product ("KR", "JP", "even", "none") and which lacks it."""
        kr = self.ranked.get(("KR", product), [(0, "", "")])[0][0]
        jp = self.ranked.get(("JP", product), [(0, "", "")])[0][0]
        lead = "none" if not (kr or jp) else "even" if kr == jp else "KR" if kr > jp else "JP"
        gap = "KR" if jp and not kr else "JP" if kr and not jp else None
        return lead, gap

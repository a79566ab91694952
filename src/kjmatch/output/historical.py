"""Curators' `historical` reasons, found for what drives a link's components.

An old strength, tie or sector figure kept on purpose carries `historical: REASON`.
Documents show that reason wherever the item appears: on strengths, ties and facts
themselves (`documents.py`), on each evidence item a historical fact or tie drove,
and, for `gap`, on the buyer country's strongest maker when its rating is historical
(that rating sets the gap, yet it is no side of the link).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kjmatch.model import Dataset, Sector

if TYPE_CHECKING:
    from kjmatch.scoring.chain import Chain
    from kjmatch.scoring.links import Link

    from . import contract as c


class Reasons:
    """The `historical` reason behind a link's gap that is no side of the link (evidence
    items carry their own, from scoring)."""

    def __init__(self, ds: Dataset, sector: Sector) -> None:
        self.ds, self.sector = ds, sector
        self._chain: Chain | None = None

    def gap(self, link: Link, buyer_id: str) -> list[c.HistoricalNote]:
        """The buyer country's strongest maker of the supplier's product (the one the
        gap reason names), when its rating, which sets `gap`, is historical."""
        if link.direction not in ("jp-to-kr", "kr-to-jp") or not link.components.get("gap", 1):
            return []
        if self._chain is None:
            from kjmatch.scoring.chain import Chain

            self._chain = Chain(self.ds, self.sector)
        korea_buys = link.direction == "jp-to-kr"
        buyer = "KR" if korea_buys else "JP"
        product = (link.japan_product if korea_buys else link.korea_product).id
        level, p, _ = self._chain.best(buyer, product, prefer=buyer_id)
        if p is None:
            return []
        for s in p.strengths:
            if s.sector == self.sector.id and s.products.get(product) == level and s.historical:
                name = self._chain.products[product].name.en
                return [
                    {
                        "component": "gap",
                        "text": f"{p.name} at {name}, level {level} (as of {s.as_of}), sets "
                        f"{COUNTRY[buyer]}'s best: {s.historical}",
                    }
                ]
        return []


COUNTRY = {"KR": "Korea", "JP": "Japan"}

"""Where one country depends on the other, or on third countries: the latest dated
import shares per product, across sectors, with their age."""

from __future__ import annotations

from dataclasses import dataclass

from kjmatch.model import Dataset, ImportShare, Sector

from .evidence import FACT_HALF_LIFE, PAIR, aged, latest, superseded


@dataclass(frozen=True, slots=True)
class Dependence:
    sector: Sector
    stage: str
    products: tuple[str, ...]  # product ids the figure concerns (named or by HS code)
    share: ImportShare
    age: int
    discount: float
    # the computed figure that replaces this reported one at all its products, if any
    superseded_by: ImportShare | None = None

    @property
    def aged_value(self) -> float:
        return round(self.share.value * self.discount, 4)


def dependence(
    ds: Dataset,
    *,
    sector: str | None = None,
    importer: str | None = None,
    partner: str | None = None,
    as_of: int | None = None,
) -> list[Dependence]:
    """The latest figure per (importer, partner, item) at each stage, highest share first.

    `partner` is a country code, "pair" (the other of KR/JP) or "third" (any other)."""
    from kjmatch.checks import concerns

    from .chain import known_by

    ds = known_by(ds, as_of)  # figures first reported later were not known then
    year = as_of or ds.as_of
    out = []
    for sid in [sector] if sector else sorted(ds.sectors):
        sec = ds.sectors[sid]
        for st in sec.stages:
            figures = latest(st.context.import_shares)
            replaced = [superseded(x for x in figures if concerns(x, p)) for p in st.products]
            for x in figures:
                if importer and x.importer != importer:
                    continue
                if partner == "pair" and x.partner not in PAIR:
                    continue
                if partner == "third" and x.partner in PAIR:
                    continue
                if partner not in (None, "pair", "third") and x.partner != partner:
                    continue
                products = tuple(p.id for p in st.products if concerns(x, p))
                age, d = aged(x.year, year, FACT_HALF_LIFE)
                by = [
                    r[id(x)]
                    for r, p in zip(replaced, st.products, strict=True)
                    if concerns(x, p) and id(x) in r
                ]
                whole = by and len(by) == len(products)
                out.append(Dependence(sec, st.id, products, x, age, d, by[0] if whole else None))
    out.sort(key=lambda d: (-d.share.value, -d.share.year, d.sector.id, d.stage, d.share.item))
    return out

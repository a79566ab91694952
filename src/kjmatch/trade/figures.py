"""The indicators, from aggregated flows: import shares by partner, Balassa RCA and the
Michaely complementarity index, for the HS baskets the dataset's products name.

All values are in US dollars. Definitions (year by year):

- share of partner p in importer m's imports of basket B: M(m←p, B) / M(m←all, B)
- Balassa RCA of country c in B: (X(c, B) / X(c)) / (X(world, B) / X(world)), where
  X(c) is c's exports of all goods and the world is every exporter in the file
- Michaely complementarity of exporter e with importer m over a sector basket B:
  100 × (1 − ½ Σ_k |x(e, k) − m(m, k)|), with x and m each product's share of e's
  exports and of m's imports within B (100: e exports exactly what m imports)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .files import JP, KR, Country, Flows

TOP_THIRD = 3  # third countries written as facts per basket, importer and year


@dataclass(frozen=True)
class Basket:
    key: str  # an HS code as the dataset writes it, "sector/product", or "sector"
    kind: str  # code | product | sector
    label: str
    codes: tuple[str, ...]  # the dataset's HS codes
    products: tuple[tuple[str, str, str], ...]  # (sector, stage, product)
    approximated: tuple[str, ...] = ()  # national lines read as their HS6 parent

    def matches(self, k: str) -> bool:
        return any(k.startswith(digits(c)[:6]) for c in self.codes)


def digits(code: str) -> str:
    return code.replace(".", "")


def headings(baskets: Iterable[Basket]) -> list[str]:
    return sorted({digits(c)[:4] for b in baskets for c in b.codes})


@dataclass
class Index:
    """The flows regrouped for the indicators, year by year."""

    flows: Flows
    hs6: set[str] = field(default_factory=set)
    world_total: dict[int, float] = field(default_factory=dict)
    world_k: dict[tuple[int, str], float] = field(default_factory=dict)
    imports_k: dict[tuple[int, int, str], dict[int, float]] = field(default_factory=dict)

    @classmethod
    def build(cls, flows: Flows) -> Index:
        ix = cls(flows)
        for (y, _), v in flows.totals.items():
            ix.world_total[y] = ix.world_total.get(y, 0.0) + v
        for (y, _, k), v in flows.exports.items():
            ix.world_k[(y, k)] = ix.world_k.get((y, k), 0.0) + v
            ix.hs6.add(k)
        by: dict[tuple[int, int, str], dict[int, float]] = defaultdict(dict)
        for (y, m, e, k), v in flows.imports.items():
            by[(y, m, k)][e] = by[(y, m, k)].get(e, 0.0) + v
            ix.hs6.add(k)
        ix.imports_k = dict(by)
        ix.hs6 |= {k for _, _, k in flows.world_imports}
        return ix

    def lines(self, basket: Basket) -> list[str]:
        return sorted(k for k in self.hs6 if basket.matches(k))


def imports(
    ix: Index, lines: list[str], importer: int, year: int
) -> tuple[float, dict[int, float]]:
    """An importer's imports of some HS6 lines: the total and by partner."""
    partners: dict[int, float] = defaultdict(float)
    world = 0.0
    for k in lines:
        for e, v in ix.imports_k.get((year, importer, k), {}).items():
            partners[e] += v
        world += ix.flows.world_imports.get((year, importer, k), 0.0)
    total = max(world, sum(partners.values()))
    return total, dict(partners)


def rca(ix: Index, lines: list[str], country: int, year: int) -> float | None:
    """Balassa RCA; None when the country or the world exported nothing there."""
    own_total = ix.flows.totals.get((year, country), 0.0)
    world_total = ix.world_total.get(year, 0.0)
    world_b = sum(ix.world_k.get((year, k), 0.0) for k in lines)
    if own_total <= 0 or world_total <= 0 or world_b <= 0:
        return None
    own_b = sum(ix.flows.exports.get((year, country, k), 0.0) for k in lines)
    # one division, so tiny (even subnormal) values cannot underflow a denominator to 0
    denominator = own_total * world_b
    if denominator <= 0:
        return None
    return round(own_b * world_total / denominator, 4)


def michaely(ix: Index, lines: list[str], exporter: int, importer: int, year: int) -> float | None:
    """Michaely complementarity (0-100) of `exporter`'s exports with `importer`'s imports."""
    x = {k: ix.flows.exports.get((year, exporter, k), 0.0) for k in lines}
    m = {k: imports(ix, [k], importer, year)[0] for k in lines}
    sx, sm = sum(x.values()), sum(m.values())
    if sx <= 0 or sm <= 0:
        return None
    gap = sum(abs(x[k] / sx - m[k] / sm) for k in lines)
    return round(100 * (1 - gap / 2), 2)


def name_of(code: int, countries: dict[int, Country]) -> tuple[str | None, str]:
    c = countries.get(code)
    if c is None:
        return None, f"code {code} (not in the country list)"
    return c.iso2, c.name


def basket_figures(
    ix: Index, basket: Basket, countries: dict[int, Country], years: list[int]
) -> dict[str, Any]:
    lines = ix.lines(basket)
    out: dict[str, Any] = {
        "key": basket.key,
        "kind": basket.kind,
        "label": basket.label,
        "codes": list(basket.codes),
        "hs6": lines,
        "approximated": list(basket.approximated),
        "products": [{"sector": s, "stage": t, "product": p} for s, t, p in basket.products],
    }
    rows = []
    for importer, cc in ((KR, "KR"), (JP, "JP")):
        by_year = {y: imports(ix, lines, importer, y) for y in years}
        # the largest third countries of any year, listed in every year: a country that
        # left the top keeps a current figure instead of an old one
        thirds: dict[int, None] = {}
        for _, partners in by_year.values():
            ranked = sorted(partners.items(), key=lambda kv: (-kv[1], kv[0]))
            thirds |= dict.fromkeys([e for e, _ in ranked if e not in (KR, JP)][:TOP_THIRD])
        for y in years:
            total, partners = by_year[y]
            if total <= 0:
                continue
            pair = JP if importer == KR else KR
            listed = [(pair, partners.get(pair, 0.0))]
            listed += sorted(
                ((e, partners.get(e, 0.0)) for e in thirds), key=lambda kv: (-kv[1], kv[0])
            )
            entries = []
            for e, v in listed:
                iso, name = name_of(e, countries)
                entries.append(
                    {
                        "partner": iso,
                        "code": e,
                        "name": name,
                        "value_usd": round(v, 2),
                        "share": round(v / total, 4),
                        "third": e not in (KR, JP),
                    }
                )
            rows.append(
                {"importer": cc, "year": y, "total_usd": round(total, 2), "partners": entries}
            )
    out["imports"] = rows
    out["trend"] = trends(rows)
    out["rca"] = [
        {"year": y, "KR": rca(ix, lines, KR, y), "JP": rca(ix, lines, JP, y)} for y in years
    ]
    if basket.kind == "code":
        out["hs6_rca"] = [
            {"hs6": k, "year": y, "KR": rca(ix, [k], KR, y), "JP": rca(ix, [k], JP, y)}
            for k in lines
            for y in years
        ]
    if basket.kind == "sector":
        out["michaely"] = [
            {
                "year": y,
                "kr_to_jp": michaely(ix, lines, KR, JP, y),
                "jp_to_kr": michaely(ix, lines, JP, KR, y),
            }
            for y in years
        ]
    return out


def trends(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each importer's share from the pair partner, first year against last."""
    out = []
    for cc, partner in (("KR", "JP"), ("JP", "KR")):
        series = [
            (r["year"], p["share"])
            for r in rows
            if r["importer"] == cc
            for p in r["partners"]
            if p["partner"] == partner
        ]
        if len(series) < 2:
            continue
        (y0, s0), (y1, s1) = series[0], series[-1]
        change = round((float(s1) - float(s0)) * 100, 2)
        out.append(
            {
                "importer": cc,
                "partner": partner,
                "first_year": y0,
                "first_share": s0,
                "last_year": y1,
                "last_share": s1,
                "change_points": change,
                "direction": "rising" if change >= 1 else "falling" if change <= -1 else "flat",
            }
        )
    return out

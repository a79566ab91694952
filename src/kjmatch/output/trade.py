"""`kjmatch trade import` and `kjmatch trade show` results as documents."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from kjmatch.errors import RequestError, nearest

from .documents import Output, meta

if TYPE_CHECKING:
    from kjmatch.trade.facts import Result

    from . import contract_more as cm


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.1%}"


def _num(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


def _pair_share(basket: dict[str, Any], importer: str, year: int) -> float | None:
    for row in basket["imports"]:
        if row["importer"] == importer and row["year"] == year:
            for p in row["partners"]:
                if not p["third"]:
                    return float(p["share"])
    return None


def _thirds(partners: list[dict[str, Any]]) -> str:
    """The third countries' shares; a partner code missing from the country list is
    shown by its number (as in every trade table)."""
    return ", ".join(
        f"{p['partner'] or p['code']} {p['share']:.0%}" for p in partners if p["third"]
    )


def _top_third(basket: dict[str, Any], importer: str, year: int) -> str:
    for row in basket["imports"]:
        if row["importer"] == importer and row["year"] == year:
            return _thirds(row["partners"])
    return ""


def _rca(basket: dict[str, Any], year: int) -> dict[str, Any]:
    return next((r for r in basket["rca"] if r["year"] == year), {"KR": None, "JP": None})


def _sources(figs: dict[str, Any]) -> list[cm.TradeSource]:
    return [
        {
            "file": s["file"],
            "dataset": s["dataset"],
            "revision": s["revision"],
            "version": s["version"],
            "sha256": s["sha256"],
            "years": s["years"],
        }
        for s in figs["sources"]
    ]


def import_output(
    result: Result, folder: Path, written: list[Path], figs: dict[str, Any]
) -> Output:
    year = max(result.years) if result.years else 0
    codes: list[cm.TradeCodeRow] = []
    rows = []
    for b in result.baskets:
        if b["kind"] != "code" or not b["hs6"]:
            continue
        r = _rca(b, year)
        entry: cm.TradeCodeRow = {
            "code": b["key"],
            # one id per product, though two sectors may list it (turbochargers)
            "products": list(dict.fromkeys(p["product"] for p in b["products"])),
            "year": year,
            "kr_imports_from_jp": _pair_share(b, "KR", year),
            "jp_imports_from_kr": _pair_share(b, "JP", year),
            "rca_kr": r["KR"],
            "rca_jp": r["JP"],
        }
        codes.append(entry)
        rows.append(
            [
                b["key"],
                ", ".join(entry["products"]),
                _pct(entry["kr_imports_from_jp"]),
                _top_third(b, "KR", year),
                _pct(entry["jp_imports_from_kr"]),
                _num(entry["rca_kr"]),
                _num(entry["rca_jp"]),
            ]
        )
    facts = sum(len(x["import_shares"]) for x in result.facts["facts"])
    data: cm.TradeImportDoc = {
        "kjmatch": meta("trade-import"),
        "evidence": str(folder),
        "written": [str(p) for p in written],
        "engine": result.engine,
        "rows": result.rows,
        "years": result.years,
        "facts": facts,
        "sources": _sources(figs),
        "warnings": list(result.warnings),
        "codes": codes,
    }
    return Output(
        kind="trade-import",
        data=data,
        records="codes",
        columns=["HS", "products", "KR←JP", "KR top third", "JP←KR", "RCA KR", "RCA JP"],
        rows=rows,
        title=f"Trade figures for {year}, per HS code the dataset names ({result.rows:,} rows read)",
        footer=[
            f"{facts} import shares written to {written[0]}; use them with "
            f"`--evidence {folder}`. KR←JP: Japan's share of Korea's imports.",
        ],  # the warnings go to stderr (the CLI says them) and stay in the JSON
        numeric=frozenset({"KR←JP", "JP←KR", "RCA KR", "RCA JP"}),
    )


def find(figures: list[dict[str, Any]], query: str) -> list[dict[str, Any]]:
    """The baskets a query names: an HS code (with or without dots), a product id, a
    sector/product key or a sector id."""
    q = query.strip().lower()
    digits = q.replace(".", "")
    found = []
    keys: list[str] = []
    for figs in figures:
        for b in figs["baskets"]:
            keys.append(b["key"])
            if (
                b["key"].lower() == q
                or (b["kind"] == "code" and b["key"].replace(".", "") == digits)
                or (b["kind"] == "product" and b["key"].split("/", 1)[1] == q)
            ):
                found.append(b | {"_sources": figs["sources"]})
    if not found:
        close = nearest(q, [k.split("/")[-1] for k in keys])
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise RequestError(f"no HS code, product or sector {query!r} in the figures{hint}", "query")
    return found


SHOW_COLUMNS = [
    "basket", "year", "imports", "share", "total US$ m", "top third",
    "RCA KR", "RCA JP", "Michaely", "source",
]  # fmt: skip


def show_output(query: str, baskets: list[dict[str, Any]]) -> Output:
    years: list[cm.TradeYearRow] = []
    rows = []
    for b in baskets:
        src = {y: s for s in b["_sources"] for y in s["years"]}
        for imp in b["imports"]:
            pair = next((p for p in imp["partners"] if not p["third"]), None)
            r = _rca(b, imp["year"])
            s = src.get(imp["year"], {})
            entry: cm.TradeYearRow = {
                "basket": b["key"],
                "kind": b["kind"],
                "year": imp["year"],
                "importer": imp["importer"],
                "partner": "JP" if imp["importer"] == "KR" else "KR",
                "share": pair["share"] if pair else None,
                "value_usd": pair["value_usd"] if pair else None,
                "total_usd": imp["total_usd"],
                "third": [
                    {"partner": p["partner"], "name": p["name"], "share": p["share"]}
                    for p in imp["partners"]
                    if p["third"]
                ],
                "rca_kr": r["KR"],
                "rca_jp": r["JP"],
                "michaely": next(
                    (
                        m["kr_to_jp" if imp["importer"] == "JP" else "jp_to_kr"]
                        for m in b.get("michaely", [])
                        if m["year"] == imp["year"]
                    ),
                    None,
                ),
                "source": f"{s.get('file', '?')} sha256:{s.get('sha256', '')[:12]}",
            }
            years.append(entry)
            rows.append(
                [
                    b["key"],
                    entry["year"],
                    f"{entry['importer']}←{entry['partner']}",
                    _pct(entry["share"]),
                    f"{entry['total_usd'] / 1e6:,.1f}",
                    _thirds(imp["partners"]),
                    _num(entry["rca_kr"]),
                    _num(entry["rca_jp"]),
                    _num(entry["michaely"]),
                    entry["source"],
                ]
            )
    data: cm.TradeShowDoc = {"kjmatch": meta("trade-show"), "query": query, "years": years}
    trend = [
        f"{b['key']}: {t['importer']}←{t['partner']} {t['first_share']:.1%} ({t['first_year']}) → "
        f"{t['last_share']:.1%} ({t['last_year']}), {t['direction']}"
        for b in baskets
        for t in b["trend"]
    ]
    return Output(
        kind="trade-show",
        data=data,
        records="years",
        columns=SHOW_COLUMNS,
        rows=rows,
        title=f"Trade figures behind {query}, by year, both directions",
        footer=[
            *trend,
            "share: the partner's share of the importer's imports of the basket; RCA: Balassa, "
            "1 = the world's average; Michaely (sectors): 0-100, exporter→importer fit.",
        ],
        numeric=frozenset({"year", "share", "total US$ m", "RCA KR", "RCA JP", "Michaely"}),
    )

"""Results as documents: the JSON contract (typed in `contract.py`) plus a flat table.

Every command builds one `Output`: the document, the key of its record list (for
jsonl) and a table (for csv, markdown and the generic terminal table).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kjmatch import __version__
from kjmatch.errors import Problem
from kjmatch.model import (
    Dataset,
    ExportControl,
    ImportShare,
    Player,
    Relationship,
    Sector,
    Source,
    Strength,
)

if TYPE_CHECKING:
    from kjmatch.report import Summary

    from . import contract as c

CONTRACT = 3  # kept equal to contract.CONTRACT by a test (contract.py is imported lazily)


@dataclass
class Output:
    kind: str  # the document's name: its schema and its terminal view share it
    data: Mapping[str, Any]  # the JSON document
    records: str  # key in `data` of the list that jsonl prints one per line
    columns: list[str]
    rows: list[list[Any]]
    title: str = ""
    footer: list[str] = field(default_factory=list)  # under a table, never in data formats
    numeric: frozenset[str] = frozenset()  # columns aligned right in tables
    # columns left out of the terminal table (data formats keep every column): those a
    # filter made constant (country with --country), which the title names, and long
    # text a compact table leaves to the data formats (assign's reasons)
    constant: frozenset[str] = frozenset()
    # the rows as people read them (Markdown): labels where `rows` holds ids for data
    # formats (a tie type: "customer order", not `customer_order`); None: `rows`
    shown: list[list[Any]] | None = None


def meta(document: str) -> c.Meta:
    return {"version": __version__, "document": document, "contract": CONTRACT}


def names_doc(n: Any) -> c.Names:
    return {"en": n.en, "ko": n.ko, "ja": n.ja}


def source_doc(s: Source) -> c.Source:
    return {
        "publisher": s.publisher,
        "title": s.title,
        "year": s.year,
        "url": s.url,
        "sha256": s.sha256,
    }


def strength_doc(s: Strength, ds: Dataset) -> c.Strength:
    stage = ds.sectors[s.sector].stage(s.stage)
    return {
        "sector": s.sector,
        "stage": s.stage,
        "stage_name": stage.name.en if stage else s.stage,
        "level": s.level,
        "products": [
            {
                "id": pid,
                "name": _product_name(ds, s.sector, pid),
                "level": lv,
                "captive": pid in s.captive,
                "home_market": pid in s.home_market,
            }
            for pid, lv in s.products.items()
        ],
        "tags": list(s.tags),
        "note": s.note,
        "as_of": s.as_of,
        "sources": [source_doc(x) for x in s.sources],
        "historical": s.historical,
    }


def products_cell(s: Strength) -> str:
    """A strength's products in one cell: "hydrogen-tanks 4 (own use); …"."""
    return "; ".join(
        f"{pid} {lv}{sale_limit(pid in s.captive, pid in s.home_market, ' ({})')}"
        for pid, lv in s.products.items()
    )


def sale_limit(captive: bool, home_market: bool, form: str) -> str:
    """The words after a maker's level when it sells the product to no one abroad, put
    in `form` (" ({})" in a cell, ", {}" inside parentheses); "" when it does."""
    words = "own use" if captive else "home market only" if home_market else ""
    return form.format(words) if words else ""


def own_use(s: c.Strength) -> str:
    """The words that say which of a strength's products its firm makes for itself, and
    which it may sell only at home."""
    own = [p["name"] for p in s["products"] if p["captive"]]
    home = [p["name"] for p in s["products"] if p["home_market"]]
    words = f", for its own use only: {', '.join(own)}" if own else ""
    sep = "; " if words else ", "
    return words + (f"{sep}sold in its home market only: {', '.join(home)}" if home else "")


def _makers(found: dict[tuple[str, str], list[tuple[Player, int]]], product: str) -> list[str]:
    """The ids of a product's makers in `found`, both countries, sorted."""
    return sorted(p.id for country in ("KR", "JP") for p, _ in found.get((country, product), []))


def _product_name(ds: Dataset, sector: str, pid: str) -> str:
    found = ds.sectors[sector].products().get(pid)
    return found[1].name.en if found else pid


def relationship_doc(r: Relationship) -> c.Relationship:
    return {
        "id": r.id,
        "korea": r.korea,
        "japan": r.japan,
        "sectors": list(r.sectors),
        "products": list(r.products),
        "type": r.type,
        "status": r.status,
        "year": r.year,
        "ended": r.ended,
        "last_confirmed": r.last_confirmed,
        "summary": r.summary,
        "value": r.value,
        "novelty_only": r.novelty_only,
        "sources": [source_doc(x) for x in r.sources],
        "historical": r.historical,
    }


def player_doc(p: Player, ds: Dataset, strengths: Iterable[Strength] | None = None) -> c.Player:
    return {
        "id": p.id,
        "name": p.name,
        "native_name": p.native_name,
        "aliases": list(p.aliases),
        "country": p.country,
        "kind": p.kind,
        "group": p.group,
        "ticker": p.ticker,
        "partner_country_operations": [
            {
                "name": o.name,
                "location": o.location,
                "activity": o.activity,
                "since": o.since,
                "source": source_doc(o.source),
            }
            for o in p.partner_country_operations
        ],
        "strengths": [
            strength_doc(s, ds) for s in (p.strengths if strengths is None else strengths)
        ],
    }


def sectors_output(ds: Dataset) -> Output:
    docs: list[c.SectorRow] = []
    rows = []
    for sector in sorted(ds.sectors.values(), key=lambda s: s.id):
        row: c.SectorRow = {
            "id": sector.id,
            "name": sector.name.en,
            "names": names_doc(sector.name),
            "stages": len(sector.stages),
            "korea_players": len(ds.players_in(sector.id, "KR")),
            "japan_players": len(ds.players_in(sector.id, "JP")),
            "relationships": sum(1 for r in ds.relationships if sector.id in r.sectors),
            "stage_ids": [st.id for st in sector.stages],
        }
        docs.append(row)
        rows.append(
            [
                sector.id,
                sector.name.en,
                sector.name.ko,
                sector.name.ja,
                row["stages"],
                row["korea_players"],
                row["japan_players"],
                row["relationships"],
            ]
        )
    doc: c.SectorsDoc = {"kjmatch": meta("sectors"), "sectors": docs}
    return Output(
        kind="sectors",
        data=doc,
        records="sectors",
        columns=["id", "name", "ko", "ja", "stages", "KR players", "JP players", "ties"],
        rows=rows,
        title="Sectors",
        numeric=frozenset({"stages", "KR players", "JP players", "ties"}),
    )


def companies_output(
    ds: Dataset,
    players: list[tuple[Player, list[Strength]]],
    sector: str | None = None,
    country: str | None = None,
) -> Output:
    """`sector` and `country`: the filters asked for, named in the title."""
    rows = []
    for p, strengths in players:
        for s in strengths:
            stage = ds.sectors[s.sector].stage(s.stage)
            rows.append(
                [
                    p.id,
                    p.name,
                    p.native_name,
                    p.country,
                    s.sector,
                    stage.name.en if stage else s.stage,
                    s.level,
                    products_cell(s),
                    ", ".join(s.tags),
                    s.as_of,
                    "; ".join(x.label() for x in s.sources),
                    s.historical or "",
                ]
            )
    doc: c.CompaniesDoc = {
        "kjmatch": meta("companies"),
        "companies": [player_doc(p, ds, strengths) for p, strengths in players],
    }
    columns = ["id", "name", "native name", "country", "sector", "stage", "level"]
    columns += ["products", "capabilities", "as of"]
    return Output(
        kind="companies",
        data=doc,
        records="companies",
        columns=[*columns, "sources", "historical"],
        rows=rows,
        title="Companies" + "".join(f" · {x}" for x in (sector, country) if x),
        numeric=frozenset({"level", "as of"}),
        # the curators' reasons are long: in the data formats and `show company`
        constant=frozenset(k for k, v in (("sector", sector), ("country", country)) if v)
        | {"historical"},
    )


def _share_doc(x: ImportShare) -> c.ImportShare:
    return {
        "importer": x.importer,
        "partner": x.partner,
        "products": list(x.products),
        "hs_codes": list(x.hs_codes),
        "value": x.value,
        "item": x.item,
        "year": x.year,
        "source": source_doc(x.source),
        "computed": x.computed,
        "historical": x.historical,
    }


def _control_doc(x: ExportControl) -> c.ExportControl:
    return {
        "imposed_by": x.imposed_by,
        "products": list(x.products),
        "hs_codes": list(x.hs_codes),
        "item": x.item,
        "year": x.year,
        "status": x.status,
        "source": source_doc(x.source),
        "historical": x.historical,
    }


def _ordered(entries: Iterable[tuple[int, str, str]]) -> list[c.StagePlayer]:
    ordered = sorted(entries, key=lambda e: (-e[0], e[1]))
    return [{"id": pid, "name": name, "level": lv} for lv, name, pid in ordered]


def _lead(kr: list[c.StagePlayer], jp: list[c.StagePlayer]) -> tuple[Any, Any]:
    k = kr[0]["level"] if kr else 0
    j = jp[0]["level"] if jp else 0
    lead = "none" if not (k or j) else "even" if k == j else "KR" if k > j else "JP"
    return lead, "KR" if j and not k else "JP" if k and not j else None


def chain_stages(ds: Dataset, sector: Sector, top: int = 3) -> list[c.ChainStage]:
    """Each stage and its products with their leading players per country, gaps,
    controls and import shares."""
    from kjmatch.checks import product_inputs  # only chain and sector views need them
    from kjmatch.scoring.chain import Chain

    chain = Chain(ds, sector)
    at_stage: dict[tuple[str, str], list[tuple[int, str, str]]] = {}
    for p in ds.players.values():
        for s in p.strengths:
            if s.sector == sector.id:
                at_stage.setdefault((p.country, s.stage), []).append((s.level, p.name, p.id))
    inputs = product_inputs(sector)
    stages: list[c.ChainStage] = []
    for st in sector.stages:
        products: list[c.ChainProduct] = []
        for prod in st.products:
            kr = _ordered(chain.ranked.get(("KR", prod.id), []))
            jp = _ordered(chain.ranked.get(("JP", prod.id), []))
            stronger, gap = _lead(kr, jp)
            products.append(
                {
                    "id": prod.id,
                    "name": prod.name.en,
                    "names": names_doc(prod.name),
                    "hs_codes": list(prod.hs_codes),
                    "hs_note": prod.hs_note or None,
                    "inputs": inputs[prod.id],
                    "feeds": chain.feeds[prod.id],
                    "korea": kr[:top],
                    "japan": jp[:top],
                    "stronger": stronger,
                    "gap": gap,
                    "captive": _makers(chain.offers.captive, prod.id),
                    "home_market": _makers(chain.offers.home, prod.id),
                    "absent": [
                        {
                            "country": a.country,
                            "year": a.year,
                            "note": a.note,
                            "source": source_doc(a.source),
                        }
                        for a in prod.absent
                    ],
                }
            )
        kr = _ordered(at_stage.get(("KR", st.id), []))
        jp = _ordered(at_stage.get(("JP", st.id), []))
        stronger, gap = _lead(kr, jp)
        ctx = st.context
        stages.append(
            {
                "id": st.id,
                "name": st.name.en,
                "names": names_doc(st.name),
                "kind": st.kind,
                "hs_codes": list(st.hs_codes),
                "inputs": list(st.inputs),
                "feeds": [x.id for x in sector.stages if st.id in x.inputs],
                "products": products,
                "korea": kr[:top],
                "japan": jp[:top],
                "korea_count": len(kr),
                "japan_count": len(jp),
                "stronger": stronger,
                "gap": gap,
                "export_control_sensitive": bool(ctx.export_controls),
                "export_controls": [_control_doc(x) for x in ctx.export_controls],
                "import_shares": [
                    _share_doc(x) for x in sorted(ctx.import_shares, key=lambda x: -x.year)
                ],
            }
        )
    return stages


def _names(players: list[c.StagePlayer]) -> str:
    return "; ".join(f"{p['name']} ({p['level']})" for p in players) or "-"


def chain_output(ds: Dataset, sector: Sector) -> Output:
    stages = chain_stages(ds, sector)
    doc: c.ChainDoc = {
        "kjmatch": meta("chain"),
        "sector": {"id": sector.id, "name": sector.name.en},
        "stages": stages,
    }
    rows = [
        [
            s["id"],
            s["name"],
            ", ".join(s["inputs"]) or "-",
            _names(s["korea"]),
            _names(s["japan"]),
            s["stronger"],
            s["gap"] or "",
            "yes" if s["export_control_sensitive"] else "",
        ]
        for s in stages
    ]
    columns = ["stage", "name", "inputs", "Korea (top)", "Japan (top)", "stronger", "gap"]
    return Output(
        kind="chain",
        data=doc,
        records="stages",
        columns=[*columns, "export ctl"],
        rows=rows,
        title=f"{sector.name.en}: value chain",
    )


def scenarios_output(ds: Dataset, weights: Mapping[str, Mapping[str, float]]) -> Output:
    """`weights`: each scenario's full weight set, by scenario id."""
    docs: list[c.Scenario] = [
        {"id": sc.id, "name": sc.name, "description": sc.description, "weights": dict(w)}
        for sc in sorted(ds.scenarios.values(), key=lambda x: x.id)
        for w in [weights[sc.id]]
    ]
    rows = [
        [
            d["id"],
            d["name"],
            " ".join(f"{k}={v:g}" for k, v in d["weights"].items()),
            d["description"],
        ]
        for d in docs
    ]
    doc: c.ScenariosDoc = {"kjmatch": meta("scenarios"), "scenarios": docs}
    return Output(
        kind="scenarios",
        data=doc,
        records="scenarios",
        columns=["id", "name", "weights", "description"],
        rows=rows,
        title="Scenarios",
    )


def sector_output(ds: Dataset, sector: Sector) -> Output:
    stages: list[c.SectorStage] = []
    for st, doc in zip(sector.stages, chain_stages(ds, sector, top=1000), strict=True):
        stages.append({**doc, "description": st.description})
    data: c.SectorDoc = {
        "kjmatch": meta("sector"),
        "id": sector.id,
        "name": sector.name.en,
        "names": names_doc(sector.name),
        "summary": sector.summary,
        "sources": [source_doc(s) for s in sector.sources],
        "stages": stages,
        "relationships": [relationship_doc(r) for r in ds.relationships if sector.id in r.sectors],
    }
    rows = [
        [
            s["id"],
            s["name"],
            s["kind"],
            " ".join(s["hs_codes"]),
            ", ".join(s["inputs"]),
            len(s["korea"]),
            len(s["japan"]),
        ]
        for s in stages
    ]
    return Output(
        kind="sector",
        data=data,
        records="stages",
        columns=["stage", "name", "kind", "HS", "inputs", "KR", "JP"],
        rows=rows,
        title=sector.name.en,
        numeric=frozenset({"KR", "JP"}),
    )


def company_output(ds: Dataset, player: Player) -> Output:
    doc: c.CompanyDoc = {
        "kjmatch": meta("company"),
        **player_doc(player, ds),
        "relationships": [
            relationship_doc(r) for r in ds.relationships if player.id in (r.korea, r.japan)
        ],
    }
    rows = [
        [
            s.sector,
            s.stage,
            s.level,
            products_cell(s),
            ", ".join(s.tags),
            s.as_of,
            s.note,
            "; ".join(x.label() for x in s.sources),
            # the sources' addresses, in order, space-separated (a space inside one is %20)
            " ".join(x.url.replace(" ", "%20") for x in s.sources if x.url),
            s.historical or "",
        ]
        for s in player.strengths
    ]
    return Output(
        kind="company",
        data=doc,
        records="strengths",
        columns=[
            "sector",
            "stage",
            "level",
            "products",
            "capabilities",
            "as of",
            "note",
            "sources",
            "source urls",
            "historical",
        ],
        rows=rows,
        title=f"{player.name} ({player.native_name})",
        numeric=frozenset({"level", "as of"}),
    )


def validate_output(root: str, summary: Summary | None, problems: Iterable[Problem] = ()) -> Output:
    """A dataset's check: its summary when it loaded, every problem when it did not."""
    probs: list[c.Problem] = [
        {
            "file": p.file,
            "line": p.line,
            "col": p.col,
            "path": p.path,
            "message": p.message,
            "text": str(p),
        }
        for p in problems
    ]
    sectors: list[c.SectorSummary] = list(summary.sectors) if summary else []  # type: ignore[arg-type]
    doc: c.ValidateDoc = {
        "kjmatch": meta("validate"),
        "data_dir": root,
        "ok": summary is not None and not probs,
        "sectors": sectors,
        "totals": dict(summary.totals) if summary else {},
        "warnings": [
            {"kind": w.kind, "where": w.where, "message": w.message}
            for w in (summary.warnings if summary else [])
        ],
        "problems": probs,
    }
    keys = ["id", "name", "stages", "korea_players", "japan_players", "strengths"]
    keys += ["relationships", "stages_with_context"]
    columns = ["sector", "name", "stages", "KR players", "JP players", "strengths", "ties"]
    footer = []
    if summary:
        footer.append(", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in summary.totals.items()))
    return Output(
        kind="validate",
        data=doc,
        records="sectors" if summary else "problems",
        columns=[*columns, "context"],
        rows=[[row[k] for k in keys] for row in sectors],  # type: ignore[literal-required]
        title=f"Dataset {root}",
        footer=footer,
        numeric=frozenset(columns[2:]) | {"context"},
    )

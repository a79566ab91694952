"""Results as documents, and the plain renderers: json, jsonl, csv, markdown.

Every command builds one `Output`: the JSON document (the stable contract),
the key of its record list (for jsonl) and a flat table (for csv, markdown
and the rich table). Nothing here imports rich.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .model import Dataset, Player, Relationship, Sector, Source, Strength

if TYPE_CHECKING:
    from .matching import Link, MatchResult, Pairing

FORMATS = ("table", "json", "jsonl", "csv", "markdown")


@dataclass
class Output:
    data: dict[str, Any]  # the JSON document
    records: str  # key in `data` of the list that jsonl prints one per line
    columns: list[str]
    rows: list[list[Any]]
    title: str = ""
    footer: list[str] = field(default_factory=list)  # shown under a table, never in data formats


# ---------------------------------------------------------------- documents


def source_doc(s: Source) -> dict[str, Any]:
    return {"publisher": s.publisher, "title": s.title, "year": s.year, "url": s.url}


def strength_doc(s: Strength, ds: Dataset) -> dict[str, Any]:
    sector = ds.sectors[s.sector]
    stage = sector.stage(s.stage)
    return {
        "sector": s.sector,
        "stage": s.stage,
        "stage_name": stage.name.en if stage else s.stage,
        "level": s.level,
        "tags": list(s.tags),
        "note": s.note,
        "as_of": s.as_of,
        "sources": [source_doc(x) for x in s.sources],
    }


def relationship_doc(r: Relationship) -> dict[str, Any]:
    return {
        "id": r.id,
        "korea": r.korea,
        "japan": r.japan,
        "sector": r.sector,
        "type": r.type,
        "status": r.status,
        "year": r.year,
        "ended": r.ended,
        "summary": r.summary,
        "value": r.value,
        "sources": [source_doc(x) for x in r.sources],
    }


def player_doc(
    p: Player, ds: Dataset, strengths: Iterable[Strength] | None = None
) -> dict[str, Any]:
    return {
        "id": p.id,
        "name": p.name,
        "native_name": p.native_name,
        "aliases": list(p.aliases),
        "country": p.country,
        "kind": p.kind,
        "group": p.group,
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


def sector_counts(ds: Dataset, sector: Sector) -> dict[str, int]:
    return {
        "stages": len(sector.stages),
        "korea_players": len(ds.players_in(sector.id, "KR")),
        "japan_players": len(ds.players_in(sector.id, "JP")),
        "relationships": sum(1 for r in ds.relationships if r.sector == sector.id),
    }


def sectors_output(ds: Dataset) -> Output:
    docs = []
    rows = []
    for sector in sorted(ds.sectors.values(), key=lambda s: s.id):
        counts = sector_counts(ds, sector)
        docs.append(
            {
                "id": sector.id,
                "name": sector.name.en,
                "names": {"en": sector.name.en, "ko": sector.name.ko, "ja": sector.name.ja},
                **counts,
                "stage_ids": [st.id for st in sector.stages],
            }
        )
        rows.append([sector.id, sector.name.en, sector.name.ko, sector.name.ja, *counts.values()])
    return Output(
        data={"sectors": docs},
        records="sectors",
        columns=["id", "name", "ko", "ja", "stages", "KR players", "JP players", "ties"],
        rows=rows,
        title="Sectors",
    )


def companies_output(ds: Dataset, players: list[tuple[Player, list[Strength]]]) -> Output:
    docs = [player_doc(p, ds, strengths) for p, strengths in players]
    rows = []
    for p, strengths in players:
        for s in strengths:
            stage = ds.sectors[s.sector].stage(s.stage)
            rows.append(
                [
                    p.id,
                    f"{p.name} ({p.native_name})",
                    p.country,
                    s.sector,
                    stage.name.en if stage else s.stage,
                    s.level,
                    ", ".join(s.tags),
                    s.as_of,
                    "; ".join(x.label() for x in s.sources),
                ]
            )
    return Output(
        data={"companies": docs},
        records="companies",
        columns=[
            "id",
            "name",
            "country",
            "sector",
            "stage",
            "level",
            "capabilities",
            "as of",
            "sources",
        ],
        rows=rows,
        title="Companies",
    )


def _side(p: Player, stage_id: str, stage_name: str, level: int) -> dict[str, Any]:
    return {
        "id": p.id,
        "name": p.name,
        "native_name": p.native_name,
        "stage": stage_id,
        "stage_name": stage_name,
        "level": level,
    }


def link_doc(link: Link, weights: dict[str, float]) -> dict[str, Any]:
    return {
        "direction": link.direction,
        "korea_stage": link.korea_stage.id,
        "japan_stage": link.japan_stage.id,
        "hops": link.hops,
        "score": link.score,
        "components": {
            c: {"value": v, "weight": weights[c], "contribution": link.contributions[c]}
            for c, v in link.components.items()
        },
        "reasons": list(link.reasons),
    }


def pairing_doc(p: Pairing) -> dict[str, Any]:
    b = p.best
    doc: dict[str, Any] = {
        "rank": p.rank,
        "score": p.score,
        "direction": b.direction,
        "korea": _side(p.korea, b.korea_stage.id, b.korea_stage.name.en, b.korea_strength.level),
        "japan": _side(p.japan, b.japan_stage.id, b.japan_stage.name.en, b.japan_strength.level),
        "components": dict(b.components),
        "contributions": dict(b.contributions),
        "reasons": list(b.reasons),
        "relationships": [relationship_doc(r) for r in p.relationships],
        "other_links": len(p.links) - 1,
    }
    if p.stability is not None:
        doc["stability"] = p.stability
    return doc


ARROW = {"jp-to-kr": "JP→KR", "kr-to-jp": "KR→JP", "same-stage": "rivals"}


def match_output(result: MatchResult) -> Output:
    pairings = [pairing_doc(p) for p in result.pairings]
    data: dict[str, Any] = {
        "sector": {"id": result.sector.id, "name": result.sector.name.en},
        "scenario": result.scenario,
        "weights": result.weights,
        "candidates": result.candidates,
        "pairings": pairings,
    }
    if result.stability is not None:
        data["stability"] = result.stability
    comps = [c for c in result.weights if result.weights[c]]
    rows = []
    for p in result.pairings:
        b = p.best
        row: list[Any] = [
            p.rank,
            f"{p.score:.2f}",
            b.direction,
            p.korea.name,
            b.korea_stage.name.en,
            b.korea_strength.level,
            p.japan.name,
            b.japan_stage.name.en,
            b.japan_strength.level,
            *(f"{b.contributions[c]:.2f}" for c in comps),
            "; ".join(f"{r.type} {r.status} {r.year}" for r in p.relationships),
        ]
        if p.stability is not None:
            row += [p.stability["top_share"], p.stability["rank_min"], p.stability["rank_max"]]
        rows.append(row)
    columns = [
        "rank",
        "score",
        "direction",
        "korea",
        "korea_stage",
        "korea_level",
        "japan",
        "japan_stage",
        "japan_level",
        *comps,
        "relationships",
    ]
    if result.stability is not None:
        columns += ["top_share", "rank_min", "rank_max"]
    footer = [
        f"{len(result.pairings)} of {result.candidates} linked pairs shown"
        + (f"; scenario {result.scenario}" if result.scenario else "")
        + ". `kjmatch explain KOREA JAPAN` shows any pairing in full."
    ]
    return Output(
        data=data,
        records="pairings",
        columns=columns,
        rows=rows,
        title=f"{result.sector.name.en}: Korea–Japan pairings",
        footer=footer,
    )


# ---------------------------------------------------------------- renderers


def to_json(out: Output, pretty: bool = True) -> str:
    """Indented for people; compact (and several times faster to write) for pipes."""
    return json.dumps(out.data, ensure_ascii=False, indent=2 if pretty else None) + "\n"


def to_jsonl(out: Output) -> str:
    return "".join(json.dumps(rec, ensure_ascii=False) + "\n" for rec in out.data[out.records])


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def to_csv(out: Output) -> str:
    """CSV with a UTF-8 BOM so spreadsheets read Korean and Japanese text correctly."""
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(out.columns)
    writer.writerows([[_cell(v) for v in row] for row in out.rows])
    return "\ufeff" + buf.getvalue()


def _md(value: Any) -> str:
    return _cell(value).replace("|", "\\|").replace("\n", " ")


def to_markdown(out: Output) -> str:
    lines = [f"## {out.title}", ""] if out.title else []
    lines.append("| " + " | ".join(_md(c) for c in out.columns) + " |")
    lines.append("|" + "|".join("---" for _ in out.columns) + "|")
    lines += ["| " + " | ".join(_md(v) for v in row) + " |" for row in out.rows]
    return "\n".join(lines) + "\n"


PLAIN = {"json": to_json, "jsonl": to_jsonl, "csv": to_csv, "markdown": to_markdown}


# ---------------------------------------------------------------- explain, chain, show, scenarios


def explain_output(
    ds: Dataset,
    korea: Player,
    japan: Player,
    pairings: list[Pairing],
    weights: dict[str, float],
    scenario: str | None,
) -> Output:
    sectors = []
    rows: list[list[Any]] = []
    for p in pairings:
        sector = ds.sectors[p.best.korea_strength.sector]
        links = []
        for link in p.links:
            doc = link_doc(link, weights)
            doc["korea_strength"] = strength_doc(link.korea_strength, ds)
            doc["japan_strength"] = strength_doc(link.japan_strength, ds)
            links.append(doc)
            rows.append(
                [
                    sector.id,
                    p.rank,
                    ARROW[link.direction],
                    link.korea_stage.name.en,
                    link.japan_stage.name.en,
                    f"{link.score:.2f}",
                    *(f"{link.contributions[c]:.2f}" for c in weights),
                ]
            )
        sectors.append(
            {
                "sector": {"id": sector.id, "name": sector.name.en},
                "rank": p.rank or None,  # None: too many pairs to rank them all
                "score": p.score,
                "links": links,
                "relationships": [relationship_doc(r) for r in p.relationships],
            }
        )
    return Output(
        data={
            "korea": player_doc(korea, ds),
            "japan": player_doc(japan, ds),
            "scenario": scenario,
            "weights": weights,
            "sectors": sectors,
        },
        records="sectors",
        columns=["sector", "rank", "dir", "Korea stage", "Japan stage", "score", *weights],
        rows=rows,
        title=f"{korea.name} × {japan.name}",
    )


def chain_doc(ds: Dataset, sector: Sector, top: int = 3) -> dict[str, Any]:
    feeds: dict[str, list[str]] = {st.id: [] for st in sector.stages}
    for st in sector.stages:
        for inp in st.inputs:
            feeds[inp].append(st.id)
    stages = []
    for st in sector.stages:
        sides: dict[str, list[dict[str, Any]]] = {"KR": [], "JP": []}
        for p in ds.players.values():
            for s in p.strengths:
                if s.sector == sector.id and s.stage == st.id:
                    sides[p.country].append({"id": p.id, "name": p.name, "level": s.level})
        for lst in sides.values():
            lst.sort(key=lambda x: (-x["level"], x["name"]))
        kr = sides["KR"][0]["level"] if sides["KR"] else 0
        jp = sides["JP"][0]["level"] if sides["JP"] else 0
        stronger = "none" if not (kr or jp) else "even" if kr == jp else "KR" if kr > jp else "JP"
        gap = "KR" if jp and not kr else "JP" if kr and not jp else None
        ctx = st.context
        stages.append(
            {
                "id": st.id,
                "name": st.name.en,
                "names": {"en": st.name.en, "ko": st.name.ko, "ja": st.name.ja},
                "kind": st.kind,
                "hs_codes": list(st.hs_codes),
                "inputs": list(st.inputs),
                "feeds": feeds[st.id],
                "korea": sides["KR"][:top],
                "japan": sides["JP"][:top],
                "korea_count": len(sides["KR"]),
                "japan_count": len(sides["JP"]),
                "stronger": stronger,
                "gap": gap,
                "export_control_sensitive": bool(ctx.export_controls),
                "export_controls": [
                    {
                        "imposed_by": c.imposed_by,
                        "item": c.item,
                        "year": c.year,
                        "status": c.status,
                        "source": source_doc(c.source),
                    }
                    for c in ctx.export_controls
                ],
                "japan_import_share": [
                    {
                        "value": x.value,
                        "item": x.item,
                        "year": x.year,
                        "source": source_doc(x.source),
                    }
                    for x in sorted(ctx.japan_import_share, key=lambda x: -x.year)
                ],
                "third_country_import_share": [
                    {
                        "country": x.country,
                        "value": x.value,
                        "item": x.item,
                        "year": x.year,
                        "source": source_doc(x.source),
                    }
                    for x in sorted(ctx.third_country_import_share, key=lambda x: -x.year)
                ],
            }
        )
    return {"sector": {"id": sector.id, "name": sector.name.en}, "stages": stages}


def chain_output(ds: Dataset, sector: Sector) -> Output:
    doc = chain_doc(ds, sector)
    rows = [
        [
            s["id"],
            s["name"],
            ", ".join(s["inputs"]) or "-",
            "; ".join(f"{p['name']} ({p['level']})" for p in s["korea"]) or "-",
            "; ".join(f"{p['name']} ({p['level']})" for p in s["japan"]) or "-",
            s["stronger"],
            s["gap"] or "",
            "yes" if s["export_control_sensitive"] else "",
        ]
        for s in doc["stages"]
    ]
    return Output(
        data=doc,
        records="stages",
        columns=[
            "stage",
            "name",
            "inputs",
            "Korea (top)",
            "Japan (top)",
            "stronger",
            "gap",
            "export ctl",
        ],
        rows=rows,
        title=f"{sector.name.en}: value chain",
    )


def scenarios_output(scenarios: list[tuple[str, str, str, dict[str, float]]]) -> Output:
    docs = [
        {"id": sid, "name": name, "description": desc, "weights": w}
        for sid, name, desc, w in scenarios
    ]
    rows = [
        [sid, name, " ".join(f"{k}={v:g}" for k, v in w.items()), desc]
        for sid, name, desc, w in scenarios
    ]
    return Output(
        data={"scenarios": docs},
        records="scenarios",
        columns=["id", "name", "weights", "description"],
        rows=rows,
        title="Scenarios",
    )


def show_sector_output(ds: Dataset, sector: Sector) -> Output:
    chain = chain_doc(ds, sector, top=1000)
    by_stage = {s["id"]: s for s in chain["stages"]}
    stages = []
    for st in sector.stages:
        doc = dict(by_stage[st.id])
        doc["description"] = st.description
        stages.append(doc)
    rels = [relationship_doc(r) for r in ds.relationships if r.sector == sector.id]
    data = {
        "id": sector.id,
        "name": sector.name.en,
        "names": {"en": sector.name.en, "ko": sector.name.ko, "ja": sector.name.ja},
        "summary": sector.summary,
        "sources": [source_doc(s) for s in sector.sources],
        "stages": stages,
        "relationships": rels,
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
        data=data,
        records="stages",
        columns=["stage", "name", "kind", "HS", "inputs", "KR", "JP"],
        rows=rows,
        title=sector.name.en,
    )


def show_company_output(ds: Dataset, player: Player) -> Output:
    doc = player_doc(player, ds)
    doc["aliases"] = list(player.aliases)
    doc["ticker"] = player.ticker
    doc["relationships"] = [
        relationship_doc(r) for r in ds.relationships if player.id in (r.korea, r.japan)
    ]
    rows = [
        [
            s.sector,
            s.stage,
            s.level,
            ", ".join(s.tags),
            s.as_of,
            s.note,
            "; ".join(x.label() for x in s.sources),
        ]
        for s in player.strengths
    ]
    return Output(
        data=doc,
        records="strengths",
        columns=["sector", "stage", "level", "capabilities", "as of", "note", "sources"],
        rows=rows,
        title=f"{player.name} ({player.native_name})",
    )

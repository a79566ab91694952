"""Documents for ranked pairings (`match`) and one pair in full (`explain`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from kjmatch.model import Dataset, Player, Sector
from kjmatch.scoring.links import Link
from kjmatch.scoring.ranking import TIED_LIMIT, MatchResult, Pairing
from kjmatch.weights import DIRECTION_LABELS, DIRECTIONS, components

from .documents import Output, meta, player_doc, relationship_doc, strength_doc
from .historical import Reasons
from .ties import brief

if TYPE_CHECKING:
    from kjmatch.scoring.partners import PartnersResult

    from . import contract as c

ARROW = {d: labels[0] for d, labels in DIRECTION_LABELS.items()}


def _side(p: Player, link: Link, korea: bool) -> c.Side:
    stage = link.korea_stage if korea else link.japan_stage
    product = link.korea_product if korea else link.japan_product
    return {
        "id": p.id,
        "name": p.name,
        "native_name": p.native_name,
        "stage": stage.id,
        "stage_name": stage.name.en,
        "product": product.id,
        "product_name": product.name.en,
        "level": link.korea_level if korea else link.japan_level,
    }


def evidence_doc(link: Link) -> list[c.Evidence]:
    return [
        {
            "component": e.component,
            "kind": e.kind,
            "product": e.product,
            "text": e.text,
            "year": e.year,
            "age": e.age,
            "discount": e.discount,
            "value": e.value,
            "counted": e.counted,
            "source": e.source,
            "historical": e.historical,
            "note": e.note,
        }
        for e in link.evidence
    ]


def pairing_doc(p: Pairing, position: int | None = None) -> c.Pairing:
    b = p.best
    doc: c.Pairing = {
        "rank": p.rank or None,
        "tied": p.shared_rank,
        "position": position or p.position,
        "score": p.score,
        "direction": b.direction,
        "in_house": b.in_house,
        "korea": _side(p.korea, b, korea=True),
        "japan": _side(p.japan, b, korea=False),
        "components": dict(b.components),
        "contributions": dict(b.contributions),
        "reasons": list(b.reasons),
        "relationships": [relationship_doc(r) for r in p.relationships],
        "other_links": len(p.links) - 1,
    }
    if p.stability is not None:
        s = p.stability
        doc["stability"] = {
            "top_share": s.top_share,
            "rank_min": s.rank_min,
            "rank_max": s.rank_max,
        }
    return doc


class Filters(NamedTuple):
    """What shaped a ranked list, for the sentence under it (`shaped_by`)."""

    shown: int
    candidates: int
    where: str  # "shown", or "in batteries, hydrogen" (partners)
    directions: tuple[str, ...] = DIRECTIONS
    korea: tuple[str, ...] = ()  # names of the --korea firms; empty: every firm
    japan: tuple[str, ...] = ()
    new_only: bool = False
    beyond_leaders: bool = False
    no_leader: str = ""  # why --beyond-leaders left nothing out ("" when it may have)
    min_score: float = 0.0
    scenario: str | None = None
    as_of: int = 0


def _no_leader(leaders: tuple[tuple[str, ...], tuple[str, ...]]) -> str:
    """Why no pair of two leaders is left out: a side with no sector leader among the
    firms ranked ("" if both have one)."""
    side = "Korean" if not leaders[0] else "Japanese" if not leaders[1] else ""
    return f"no {side} firm ranked here is rated 5" if side else ""


def shaped_by(f: Filters) -> str:
    """One sentence naming every filter that shaped a ranked list, said the same way in
    the table footer and in Markdown (`match`, `partners`)."""
    parts = [f"{f.shown:,} of {f.candidates:,} linked pairs {f.where}"]
    dirs = [d for d in DIRECTIONS if d in set(f.directions)]
    if dirs != list(DIRECTIONS):
        label = "direction" if len(dirs) == 1 else "directions"
        parts.append(f"{label} {', '.join(dirs)} only")
    for names, country in ((f.korea, "Korean"), (f.japan, "Japanese")):
        if names:
            label = "firm" if len(names) == 1 else "firms"
            parts.append(f"{country} {label} {', '.join(names)} only")
    if f.new_only:
        parts.append("new partners only")
    if f.beyond_leaders and f.no_leader:
        # the filter removed nothing: say why rather than claim it did
        parts.append(f"no pair of two sector leaders to leave out ({f.no_leader})")
    elif f.beyond_leaders:
        parts.append("pairs of two sector leaders left out")
    if f.min_score:
        parts.append(f"scores of {f.min_score:g} and above")
    if f.scenario:
        parts.append(f"scenario {f.scenario}")
    parts.append(f"evidence aged from {f.as_of}")
    return "; ".join(parts) + "."


def tie_note(more: int, shown: Sequence[Pairing], *, by_rank: bool) -> list[str]:
    """The line saying --top left out pairs that tie with the last one shown (`by_rank`:
    they share its rank; else, across sectors or without a rank, its score)."""
    if not more or not shown:
        return []
    last = shown[-1]
    one = more == 1
    pairs = "1 more pair" if one else f"{more} more pairs"
    if more >= TIED_LIMIT:  # the ranking stops counting there
        pairs = f"{more:,} or more other pairs"
    if by_rank and last.rank:
        said = f"{'shares' if one else 'share'} rank {last.rank}"
    else:
        said = f"{'has' if one else 'have'} the last one's score too ({last.score:.2f})"
    return [f"{pairs} {said} (--top {len(shown) + more} shows {'it' if one else 'them'})."]


def _names(ds: Dataset, ids: Sequence[str] | None) -> tuple[str, ...]:
    return tuple(ds.players[i].name for i in dict.fromkeys(ids or ()))


def shown_components(weights: Mapping[str, float]) -> list[str]:
    """Components with a weight, in registry order: the ones that move a score."""
    return [comp.name for comp in components() if weights.get(comp.name)]


def match_output(
    result: MatchResult,
    ds: Dataset,
    *,
    directions: Sequence[str] = DIRECTIONS,
    korea: Sequence[str] | None = None,
    japan: Sequence[str] | None = None,
    min_score: float = 0.0,
) -> Output:
    """`directions`, `korea`, `japan`, `min_score`: the filters asked for (ids; None:
    every firm)."""
    data: c.MatchDoc = {
        "kjmatch": meta("match"),
        "sector": {"id": result.sector.id, "name": result.sector.name.en},
        "scenario": result.scenario,
        "weights": result.weights,
        "as_of": result.as_of,
        "new_only": result.new_only,
        "beyond_leaders": result.beyond_leaders,
        "directions": [d for d in DIRECTIONS if d in set(directions)],
        "korea": list(dict.fromkeys(korea)) if korea is not None else None,
        "japan": list(dict.fromkeys(japan)) if japan is not None else None,
        "candidates": result.candidates,
        "more_tied": result.more_tied,
        "leaders": {"korea": list(result.leaders[0]), "japan": list(result.leaders[1])},
        "pairings": [pairing_doc(p) for p in result.pairings],
    }
    if result.stability is not None:
        s = result.stability
        data["stability"] = {
            "samples": s.samples,
            "seed": s.seed,
            "spread": s.spread,
            "top_n": s.top_n,
            "kendall_tau_mean": s.kendall_tau_mean,
            "kendall_tau_min": s.kendall_tau_min,
        }
    rows = [pairing_row(p, result.sector.id) for p in result.pairings]
    shown = [pairing_row(p, result.sector.id, ids=False) for p in result.pairings]
    columns = _columns()
    if result.stability is not None:
        columns += ["top_share", "rank_min", "rank_max"]
        for row, again, p in zip(rows, shown, result.pairings, strict=True):
            if p.stability is not None:
                row += [p.stability.top_share, p.stability.rank_min, p.stability.rank_max]
                again += row[len(again) :]
    footer = [
        shaped_by(
            Filters(
                shown=len(result.pairings),
                candidates=result.candidates,
                where="shown",
                directions=tuple(directions),
                korea=_names(ds, korea),
                japan=_names(ds, japan),
                new_only=result.new_only,
                beyond_leaders=result.beyond_leaders,
                no_leader=_no_leader(result.leaders),
                min_score=min_score,
                scenario=result.scenario,
                as_of=result.as_of,
            )
        )
        + " `kjmatch explain KOREA JAPAN` shows any pairing in full."
    ]
    footer += tie_note(result.more_tied, result.pairings, by_rank=True)
    return Output(
        kind="match",
        data=data,
        records="pairings",
        columns=columns,
        rows=rows,
        title=f"{result.sector.name.en}: Korea–Japan pairings",
        footer=footer,
        numeric=_numeric(),
        shown=shown,
    )


# the same columns in every pairing listing (match, partners), whatever the weights:
# ids and native names for joins, and each component's points as `contribution_NAME`
PAIRING_COLUMNS = [
    "rank", "tied", "position", "score", "direction", "sector",
    "korea_id", "korea", "korea_native", "korea_product", "korea_level",
    "japan_id", "japan", "japan_native", "japan_product", "japan_level",
]  # fmt: skip


# the products' ids, for joins back to the data and to JSON (after the columns above,
# which keep their places)
PRODUCT_ID_COLUMNS = ["korea_product_id", "japan_product_id"]


def _columns() -> list[str]:
    return [
        *PAIRING_COLUMNS,
        *(f"contribution_{c.name}" for c in components()),
        "relationships",
        *PRODUCT_ID_COLUMNS,
        "in_house",  # "yes": a supply link whose buyer makes the product as well (rivals)
    ]


def _numeric() -> frozenset[str]:
    contributions = {f"contribution_{c.name}" for c in components()}
    return frozenset({"rank", "position", "score", "korea_level", "japan_level", *contributions})


def pairing_row(
    p: Pairing, sector: str, position: int | None = None, *, ids: bool = True
) -> list[Any]:
    """A pairing's CSV row (`ids`: tie types as ids; else labelled, for Markdown)."""
    b = p.best
    return [
        p.rank or "",
        "yes" if p.shared_rank else "",
        position or p.position,
        f"{p.score:.2f}",
        b.direction,
        sector,
        p.korea.id,
        p.korea.name,
        p.korea.native_name,
        b.korea_product.name.en,
        b.korea_level,
        p.japan.id,
        p.japan.name,
        p.japan.native_name,
        b.japan_product.name.en,
        b.japan_level,
        *(f"{b.contributions[c.name]:.2f}" for c in components()),
        "; ".join(brief(r, ids=ids) for r in p.relationships)
        # as the table says: the pair's ties are about other products or another sector
        + (", not counted here" if p.relationships and not b.components["relationship"] else ""),
        b.korea_product.id,
        b.japan_product.id,
        "yes" if b.in_house else "",
    ]


def partners_output(
    ds: Dataset,
    result: PartnersResult,
    *,
    directions: Sequence[str] = DIRECTIONS,
    min_score: float = 0.0,
) -> Output:
    """`directions`, `min_score`: the filters asked for (all four directions unless
    --direction)."""
    from kjmatch.scoring.partners import sector_of  # only `partners` needs it (start-up)

    firms: list[c.Firm] = [
        {
            "id": f,
            "name": ds.players[f].name,
            "native_name": ds.players[f].native_name,
            "country": ds.players[f].country,
            "sectors": sorted({s.sector for s in ds.players[f].strengths}),
        }
        for f in result.firms
    ]
    pairings: list[c.SectorPairing] = []
    for i, p in enumerate(result.pairings, 1):
        sid = sector_of(p)
        sector: c.Ref = {"id": sid, "name": ds.sectors[sid].name.en}
        pairings.append({**pairing_doc(p, i), "sector": sector})
    data: c.PartnersDoc = {
        "kjmatch": meta("partners"),
        "firms": firms,
        "sectors": result.sectors,
        "scenario": result.scenario,
        "weights": result.weights,
        "as_of": result.as_of,
        "new_only": result.new_only,
        "beyond_leaders": result.beyond_leaders,
        "directions": [d for d in DIRECTIONS if d in set(directions)],
        "candidates": result.candidates,
        "more_tied": result.more_tied,
        "pairings": pairings,
    }
    rows = [pairing_row(p, sector_of(p), i) for i, p in enumerate(result.pairings, 1)]
    shown = [pairing_row(p, sector_of(p), i, ids=False) for i, p in enumerate(result.pairings, 1)]
    names = ", ".join(ds.players[f].name for f in result.firms)
    footer = (
        []
        if not result.sectors
        else [  # no sector searched: the line below says why
            shaped_by(
                Filters(
                    shown=len(result.pairings),
                    candidates=result.candidates,
                    where=f"in {', '.join(result.sectors)}",
                    directions=tuple(directions),
                    new_only=result.new_only,
                    beyond_leaders=result.beyond_leaders,
                    no_leader=""
                    if result.leaders_met
                    else "no searched sector has leaders on both sides of these pairs",
                    min_score=min_score,
                    scenario=result.scenario,
                    as_of=result.as_of,
                )
            )
        ]
    )
    footer += tie_note(result.more_tied, result.pairings, by_rank=False)
    for fid, active in result.inactive.items():
        where = ", ".join(active) if active else "no sector"
        footer.append(f"{ds.players[fid].name} has strengths only in {where}.")
    return Output(
        kind="partners",
        data=data,
        records="pairings",
        columns=_columns(),
        rows=rows,
        title=f"Partners for {names}",
        footer=footer,
        numeric=_numeric(),
        shown=shown,
    )


def link_doc(link: Link, ds: Dataset, firms: tuple[str, str], kept: Reasons) -> c.Link:
    buyer = firms[0] if link.direction == "jp-to-kr" else firms[1]
    return {
        "direction": link.direction,
        "in_house": link.in_house,
        "korea_stage": link.korea_stage.id,
        "japan_stage": link.japan_stage.id,
        "korea_product": link.korea_product.id,
        "japan_product": link.japan_product.id,
        "korea_level": link.korea_level,
        "japan_level": link.japan_level,
        "hops": link.hops,
        "score": link.score,
        "components": dict(link.components),
        "contributions": dict(link.contributions),
        "reasons": list(link.reasons),
        "evidence": evidence_doc(link),
        "historical": kept.gap(link, buyer),
        "korea_strength": strength_doc(link.korea_strength, ds),
        "japan_strength": strength_doc(link.japan_strength, ds),
    }


def explain_output(
    ds: Dataset,
    korea: Player,
    japan: Player,
    pairings: list[Pairing],
    weights: dict[str, float],
    scenario: str | None,
    as_of: int | None = None,
    cut: Mapping[str, list[str]] | None = None,
    no_link: str | None = None,
) -> Output:
    """`cut`: per sector, the supplies a rule keeps from linking the two (`empty.why_unlinked`)."""
    firms = (korea.id, japan.id)
    sectors: list[c.ExplainSector] = []
    rows: list[list[Any]] = []
    # best sector first: the pair's score there, then the sector's name
    for p in sorted(pairings, key=lambda p: (-p.score, _sector_of(ds, p).name.en)):
        sector = _sector_of(ds, p)
        kept = Reasons(ds, sector)
        links = [link_doc(link, ds, firms, kept) for link in p.links]
        for n, (raw, link) in enumerate(zip(p.links, links, strict=True), 1):
            rows.append(
                [
                    sector.id,
                    # the pair's rank is its best link's: the other links rank nowhere
                    (p.rank or "") if n == 1 else "",
                    "yes" if p.shared_rank and n == 1 else "",
                    n,
                    link["direction"],
                    raw.korea_product.name.en,  # named, as in `match`
                    raw.japan_product.name.en,
                    link["korea_level"],
                    link["japan_level"],
                    f"{link['score']:.2f}",
                    *(f"{link['contributions'][name]:.2f}" for name in weights),
                    " | ".join(link["reasons"]),
                    " | ".join(evidence_line(e) for e in link["evidence"]),
                    "yes" if link["in_house"] else "",
                ]
            )
        sectors.append(
            {
                "sector": {"id": sector.id, "name": sector.name.en},
                "rank": p.rank or None,
                "tied": p.shared_rank,
                "score": p.score,
                "links": links,
                "relationships": [relationship_doc(r) for r in p.relationships],
                "cut": list((cut or {}).get(sector.id, [])),
            }
        )
    data: c.ExplainDoc = {
        "kjmatch": meta("explain"),
        "korea": player_doc(korea, ds),
        "japan": player_doc(japan, ds),
        "scenario": scenario,
        "weights": weights,
        "as_of": as_of or ds.as_of,
        "sectors": sectors,
        "relationships": [
            relationship_doc(r)
            for r in ds.relationships
            if r.korea == korea.id and r.japan == japan.id
        ],
        "no_link": no_link,
    }
    return Output(
        kind="explain",
        data=data,
        records="sectors",
        columns=EXPLAIN_COLUMNS[:-2]
        + [f"contribution_{n}" for n in weights]
        + EXPLAIN_COLUMNS[-2:]
        + ["in_house"],
        rows=rows,
        title=f"{korea.name} × {japan.name}",
        numeric=frozenset(
            {"sector_rank", "link", "korea_level", "japan_level", "score"}
            | {f"contribution_{n}" for n in weights}
        ),
    )


# one row per link; a link's reasons and evidence each in one cell, joined by " | "
EXPLAIN_COLUMNS = [
    "sector", "sector_rank", "tied", "link", "direction", "korea_product", "japan_product",
    "korea_level", "japan_level", "score", "reasons", "evidence",
]  # fmt: skip


def _sector_of(ds: Dataset, p: Pairing) -> Sector:
    return ds.sectors[p.best.korea_strength.sector]


def evidence_line(e: c.Evidence) -> str:
    """One evidence item in words, as `explain` prints it."""
    age = f"{e['age']} y old, ×{e['discount']:.2f}" if e["age"] else "current"
    line = (
        f"[{e['component']}] {e['text']} ({e['year']}; {age}) → {e['counted']:.2f} · {e['source']}"
    )
    return line + (f" (historical: {e['historical']})" if e["historical"] else "")

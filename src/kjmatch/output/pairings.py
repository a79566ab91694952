"""Documents for ranked pairings (`match`) and one pair in full (`explain`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kjmatch.model import Dataset, Player
from kjmatch.scoring.links import Link
from kjmatch.scoring.ranking import MatchResult, Pairing
from kjmatch.weights import components

from .documents import Output, meta, player_doc, relationship_doc, strength_doc

if TYPE_CHECKING:
    from . import contract as c

ARROW = {"jp-to-kr": "JP→KR", "kr-to-jp": "KR→JP", "same-stage": "rivals"}


def _side(p: Player, stage_id: str, stage_name: str, level: int) -> c.Side:
    return {
        "id": p.id,
        "name": p.name,
        "native_name": p.native_name,
        "stage": stage_id,
        "stage_name": stage_name,
        "level": level,
    }


def pairing_doc(p: Pairing) -> c.Pairing:
    b = p.best
    doc: c.Pairing = {
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
        s = p.stability
        doc["stability"] = {
            "top_share": s.top_share,
            "rank_min": s.rank_min,
            "rank_max": s.rank_max,
        }
    return doc


def shown_components(weights: Mapping[str, float]) -> list[str]:
    """Components with a weight, in registry order: the ones that move a score."""
    return [comp.name for comp in components() if weights.get(comp.name)]


def match_output(result: MatchResult) -> Output:
    data: c.MatchDoc = {
        "kjmatch": meta("match"),
        "sector": {"id": result.sector.id, "name": result.sector.name.en},
        "scenario": result.scenario,
        "weights": result.weights,
        "candidates": result.candidates,
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
    comps = shown_components(result.weights)
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
            *(f"{b.contributions[name]:.2f}" for name in comps),
            "; ".join(f"{r.type} {r.status} {r.year}" for r in p.relationships),
        ]
        if p.stability is not None:
            row += [p.stability.top_share, p.stability.rank_min, p.stability.rank_max]
        rows.append(row)
    columns = ["rank", "score", "direction", "korea", "korea_stage", "korea_level"]
    columns += ["japan", "japan_stage", "japan_level", *comps, "relationships"]
    if result.stability is not None:
        columns += ["top_share", "rank_min", "rank_max"]
    footer = [
        f"{len(result.pairings)} of {result.candidates} linked pairs shown"
        + (f"; scenario {result.scenario}" if result.scenario else "")
        + ". `kjmatch explain KOREA JAPAN` shows any pairing in full."
    ]
    return Output(
        kind="match",
        data=data,
        records="pairings",
        columns=columns,
        rows=rows,
        title=f"{result.sector.name.en}: Korea–Japan pairings",
        footer=footer,
        numeric=frozenset({"rank", "score", "korea_level", "japan_level", *comps}),
    )


def link_doc(link: Link, ds: Dataset) -> c.Link:
    return {
        "direction": link.direction,
        "korea_stage": link.korea_stage.id,
        "japan_stage": link.japan_stage.id,
        "hops": link.hops,
        "score": link.score,
        "components": dict(link.components),
        "contributions": dict(link.contributions),
        "reasons": list(link.reasons),
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
) -> Output:
    sectors: list[c.ExplainSector] = []
    rows: list[list[Any]] = []
    for p in pairings:
        sector = ds.sectors[p.best.korea_strength.sector]
        for link in p.links:
            rows.append(
                [
                    sector.id,
                    p.rank or "",
                    ARROW[link.direction],
                    link.korea_stage.name.en,
                    link.japan_stage.name.en,
                    f"{link.score:.2f}",
                    *(f"{link.contributions[name]:.2f}" for name in weights),
                ]
            )
        sectors.append(
            {
                "sector": {"id": sector.id, "name": sector.name.en},
                "rank": p.rank or None,
                "score": p.score,
                "links": [link_doc(link, ds) for link in p.links],
                "relationships": [relationship_doc(r) for r in p.relationships],
            }
        )
    data: c.ExplainDoc = {
        "kjmatch": meta("explain"),
        "korea": player_doc(korea, ds),
        "japan": player_doc(japan, ds),
        "scenario": scenario,
        "weights": weights,
        "sectors": sectors,
    }
    return Output(
        kind="explain",
        data=data,
        records="sectors",
        columns=["sector", "rank", "dir", "Korea stage", "Japan stage", "score", *weights],
        rows=rows,
        title=f"{korea.name} × {japan.name}",
        numeric=frozenset({"rank", "score", *weights}),
    )

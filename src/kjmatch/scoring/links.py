"""One Korean strength joined to one Japanese strength: its facts, score and reasons."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kjmatch.model import Player, Relationship, Stage, Strength
from kjmatch.weights import DIRECTIONS, TIE_VALUE, Direction, LinkFacts, combine, values

from .chain import Chain
from .evidence import gap, security


@dataclass(frozen=True, slots=True)
class Link:
    """One Korean strength joined to one Japanese strength along the chain."""

    direction: Direction
    korea_stage: Stage
    japan_stage: Stage
    korea_strength: Strength
    japan_strength: Strength
    hops: int
    components: dict[str, float]  # each component's value in [0, 1]
    contributions: dict[str, float]  # each component's points; they add up to `score`
    score: float
    reasons: tuple[str, ...]


def tie_value(relationships: Iterable[Relationship]) -> float:
    return max((TIE_VALUE[r.status] for r in relationships), default=0.0)


def score_facts(facts: LinkFacts, weights: Mapping[str, float]) -> float:
    """The score of a link from its facts alone (what the fast ranking groups on)."""
    return combine(values(facts), weights)[1]


def score_link(
    chain: Chain,
    korea: Player,
    ks: Strength,
    japan: Player,
    js: Strength,
    relationships: tuple[Relationship, ...],
    weights: Mapping[str, float],
) -> Link | None:
    """Score one pair of strengths, or None when their stages are not linked."""
    rel = chain.relation(ks.stage, js.stage)
    if rel is None:
        return None
    direction, hops = rel
    kst, jst = chain.stages[ks.stage], chain.stages[js.stage]
    reasons: list[str] = []
    gap_value = security_value = 0.0
    if direction == "same-stage":
        reasons.append(
            f"Same stage ({kst.name.en}): {korea.name} and {japan.name} compete more than "
            "they complement."
        )
    else:
        sup, sup_s, buy, buy_s, sup_st, buy_st = (
            (japan, js, korea, ks, jst, kst)
            if direction == "jp-to-kr"
            else (korea, ks, japan, js, kst, jst)
        )
        how = "is a direct input to" if hops == 1 else "is two steps upstream of"
        reasons.append(
            f"{sup.name}'s {sup_st.name.en} (level {sup_s.level}) {how} "
            f"{buy.name}'s {buy_st.name.en} (level {buy_s.level})."
        )
        gap_value, why = gap(chain, sup.name, sup_s, buy.country, buy.id)
        reasons += why
        security_value, why = security(chain, sup_s, direction)
        reasons += why
    if relationships:
        for r in relationships:
            kind = r.type.replace("_", " ")
            reasons.append(f"Existing tie: {kind} ({r.status}, {r.year}): {r.summary}")
    else:
        reasons.append("No documented relationship between them in this sector yet.")
    facts = LinkFacts(
        direction=direction,
        hops=hops,
        korea_level=ks.level,
        japan_level=js.level,
        gap=gap_value,
        security=security_value,
        tie=tie_value(relationships),
        tied=bool(relationships),
    )
    vals = values(facts)
    contributions, score = combine(vals, weights)
    return Link(
        direction=direction,
        korea_stage=kst,
        japan_stage=jst,
        korea_strength=ks,
        japan_strength=js,
        hops=hops,
        components=vals,
        contributions=contributions,
        score=score,
        reasons=tuple(reasons),
    )


def link_order(link: Link) -> tuple[float, int, str, str]:
    return (-link.score, DIRECTIONS.index(link.direction), link.korea_stage.id, link.japan_stage.id)


def pair_links(
    chain: Chain,
    korea: Player,
    japan: Player,
    relationships: tuple[Relationship, ...],
    weights: Mapping[str, float],
    directions: Iterable[str] = DIRECTIONS,
) -> list[Link]:
    """Every linked pair of the two players' strengths in the chain's sector, best first."""
    sector = chain.sector.id
    allowed = set(directions)
    links = []
    for ks in korea.strengths:
        if ks.sector != sector:
            continue
        for js in japan.strengths:
            if js.sector != sector:
                continue
            link = score_link(chain, korea, ks, japan, js, relationships, weights)
            if link is not None and link.direction in allowed:
                links.append(link)
    links.sort(key=link_order)
    return links

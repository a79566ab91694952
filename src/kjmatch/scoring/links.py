"""One Korean product offer joined to one Japanese product offer: facts, score, reasons."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from kjmatch.model import HORIZONTAL_TYPES, Player, Product, Relationship, Stage, Strength
from kjmatch.weights import DIRECTIONS, Direction, LinkFacts, combine, score, values

from .chain import Chain
from .evidence import (
    Evidence,
    gap,
    joint_security,
    peer_ties,
    security,
    tie_applies,
    tie_reason,
    tie_value,
)


class Link(NamedTuple):
    """A Korean and a Japanese firm's offers at two linked products of one sector."""

    direction: Direction
    korea_stage: Stage
    japan_stage: Stage
    korea_product: Product
    japan_product: Product
    korea_strength: Strength
    japan_strength: Strength
    korea_level: int  # the firm's level at korea_product
    japan_level: int
    hops: int
    components: dict[str, float]  # each component's value in [0, 1]
    contributions: dict[str, float]  # each component's points; they add up to `score`
    score: float
    reasons: tuple[str, ...]
    evidence: tuple[Evidence, ...] = ()

    @property
    def weaker(self) -> int:
        return min(self.korea_level, self.japan_level)


def score_facts(facts: LinkFacts, weights: Mapping[str, float]) -> float:
    """The score of a link from its facts alone (what the fast ranking groups on)."""
    return score(facts, weights)


def cooperates(
    relationships: Iterable[Relationship], sector: str, products: tuple[str, str]
) -> bool:
    """Whether the pair has a cooperative (horizontal) tie about these products."""
    return any(
        r.type in HORIZONTAL_TYPES and tie_applies(r, sector, products) for r in relationships
    )


def relation(
    chain: Chain, kprod: str, jprod: str, relationships: tuple[Relationship, ...]
) -> tuple[Direction, int] | None:
    """The chain's relation, turned horizontal where the pair documents cooperation at
    one product or stage."""
    rel = chain.relation(kprod, jprod)
    if (
        (rel is None or rel[0] == "same-stage")
        and relationships
        and chain.same_stage(kprod, jprod)
        and cooperates(relationships, chain.sector.id, (kprod, jprod))
    ):
        return "horizontal", 0
    return rel


def score_link(
    chain: Chain,
    korea: Player,
    ks: Strength,
    kprod: str,
    japan: Player,
    js: Strength,
    jprod: str,
    relationships: tuple[Relationship, ...],
    weights: Mapping[str, float],
) -> Link | None:
    """Score one pair of product offers, or None when the products are not linked.

    `relationships` are the pair's ties in every sector: any of them makes the pair
    non-novel; those about this sector (and products) give the `relationship` value."""
    rel = relation(chain, kprod, jprod, relationships)
    if rel is None:
        return None
    direction, hops = rel
    klevel, jlevel = ks.products[kprod], js.products[jprod]
    kp, jp = chain.products[kprod], chain.products[jprod]
    reasons: list[str] = []
    evidence: list[Evidence] = []
    gap_value = security_value = peer_value = 0.0
    in_house = False
    if direction == "same-stage":
        reasons.append(
            f"Same product ({kp.name.en}): {korea.name} and {japan.name} compete more than "
            "they complement, and no cooperative tie is documented."
        )
    elif direction == "horizontal":
        how = "document cooperation" if relationships else "make complementary products"
        reasons.append(
            f"{korea.name} ({kp.name.en}, level {klevel}) and {japan.name} ({jp.name.en}, "
            f"level {jlevel}) {how} at {chain.stage(kprod).name.en}: a horizontal link."
        )
        security_value, why_sec, ev = joint_security(chain, kprod, jprod, min(klevel, jlevel))
        reasons += why_sec
        evidence += ev
    else:
        sup, sprod, slevel, buy, bprod, blevel = (
            (japan, jprod, jlevel, korea, kprod, klevel)
            if direction == "jp-to-kr"
            else (korea, kprod, klevel, japan, jprod, jlevel)
        )
        how = "is a direct input to" if hops == 1 else "is two steps upstream of"
        reasons.append(
            f"{sup.name}'s {chain.products[sprod].name.en} (level {slevel}) {how} "
            f"{buy.name}'s {chain.products[bprod].name.en} (level {blevel})."
        )
        gap_value, why, ev = gap(chain, sup.name, sup.country, sprod, slevel, buy.country, buy.id)
        reasons += why
        own = chain.level(buy.country, sprod, buy.id)
        in_house = own >= slevel
        if in_house:
            reasons.append(
                f"{buy.name} makes {chain.products[sprod].name.en} in-house at level {own}, "
                f"at least {sup.name}'s {slevel}: they compete at it more than they would trade "
                "it, so fit counts as for rivals."
            )
        evidence += ev
        security_value, why, ev = security(chain, sprod, slevel, buy.country, sup.country)
        reasons += why
        evidence += ev
        for firm, country, other, product in (
            (japan.id, "JP", korea.id, kprod),
            (korea.id, "KR", japan.id, jprod),
        ):
            value, ev, why = peer_ties(chain, firm, country, other, product, (kprod, jprod))
            peer_value = max(peer_value, value)
            evidence += ev
            reasons += why
    tie, ev = tie_value(chain, relationships, (kprod, jprod))
    evidence += ev
    if relationships:
        reasons += [tie_reason(r, chain) for r in relationships]
    else:
        reasons.append("No documented relationship between them in any sector yet.")
    facts = LinkFacts(
        direction=direction,
        hops=hops,
        korea_level=klevel,
        japan_level=jlevel,
        gap=gap_value,
        security=security_value,
        tie=round(tie, 4),
        tied=bool(relationships),
        peer=peer_value,
        in_house=in_house,
    )
    vals = values(facts)
    contributions, score = combine(vals, weights)
    return Link(
        direction=direction,
        korea_stage=chain.stage(kprod),
        japan_stage=chain.stage(jprod),
        korea_product=kp,
        japan_product=jp,
        korea_strength=ks,
        japan_strength=js,
        korea_level=klevel,
        japan_level=jlevel,
        hops=hops,
        components=vals,
        contributions=contributions,
        score=score,
        reasons=tuple(reasons),
        evidence=tuple(evidence),
    )


def link_order(link: Link) -> tuple[float, int, int, str, str]:
    """Best first: score, then the weaker side's level, then direction and product ids."""
    return (
        -link.score,
        -link.weaker,
        DIRECTIONS.index(link.direction),
        link.korea_product.id,
        link.japan_product.id,
    )


def pair_links(
    chain: Chain,
    korea: Player,
    japan: Player,
    relationships: tuple[Relationship, ...],
    weights: Mapping[str, float],
    directions: Iterable[str] = DIRECTIONS,
) -> list[Link]:
    """Every linked pair of the two players' product offers in the chain's sector, best first."""
    sector = chain.sector.id
    allowed = set(directions)
    links = []
    for ks in korea.strengths:
        if ks.sector != sector:
            continue
        for js in japan.strengths:
            if js.sector != sector:
                continue
            for kprod in ks.products:
                for jprod in js.products:
                    link = score_link(
                        chain, korea, ks, kprod, japan, js, jprod, relationships, weights
                    )
                    if link is not None and link.direction in allowed:
                        links.append(link)
    links.sort(key=link_order)
    return links

"""One Korean product offer joined to one Japanese product offer: facts, score, reasons."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial
from typing import Any

from kjmatch.model import (
    HORIZONTAL_TYPES,
    Player,
    Product,
    Relationship,
    Stage,
    Strength,
    possessive,
)
from kjmatch.weights import DIRECTIONS, Direction, LinkFacts, combine, values

from .chain import Chain
from .evidence import (
    Evidence,
    gap,
    gap_value,
    joint_security,
    security,
    security_value,
)
from .ties import (
    peer_ties,
    peer_value,
    tie_applies,
    tie_best,
    tie_reason,
    tie_value,
)

_FIELDS = (
    "direction",
    "korea_stage",
    "japan_stage",
    "korea_product",
    "japan_product",
    "korea_strength",
    "japan_strength",
    "korea_level",
    "japan_level",
    "hops",
    "components",
    "contributions",
    "score",
    "in_house",
)


class Link:
    """A Korean and a Japanese firm's offers at two linked products of one sector.

    Its reasons and evidence are written when first read: a ranking scores every link
    of the pairs it shows, but a table or JSON list explains only each pair's best."""

    __slots__ = (*_FIELDS, "_explain", "_explained")
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
    in_house: bool  # a supply link whose buyer makes the supplier's product as well: rivals

    def __init__(
        self,
        explain: Callable[[], tuple[tuple[str, ...], tuple[Evidence, ...]]],
        **fields: Any,
    ) -> None:
        for name in _FIELDS:
            setattr(self, name, fields[name])
        self._explain: Callable[[], tuple[tuple[str, ...], tuple[Evidence, ...]]] | None = explain
        self._explained: tuple[tuple[str, ...], tuple[Evidence, ...]] | None = None

    def _why(self) -> tuple[tuple[str, ...], tuple[Evidence, ...]]:
        if self._explained is None:
            assert self._explain is not None
            self._explained, self._explain = self._explain(), None
        return self._explained

    @property
    def reasons(self) -> tuple[str, ...]:
        return self._why()[0]

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        return self._why()[1]

    @property
    def weaker(self) -> int:
        return min(self.korea_level, self.japan_level)

    def _key(self) -> tuple[Any, ...]:
        return (*(getattr(self, n) for n in _FIELDS), self.reasons, self.evidence)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Link):
            return NotImplemented
        return self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]  # components are dicts, as before

    def __repr__(self) -> str:
        return (
            f"Link({self.direction}, {self.korea_product.id} × {self.japan_product.id}, "
            f"score={self.score})"
        )


def cooperates(
    chain: Chain, relationships: Iterable[Relationship], products: tuple[str, str]
) -> bool:
    """Whether the pair has a cooperative (horizontal) tie about these products."""
    return any(
        r.type in HORIZONTAL_TYPES and tie_applies(chain, r, products) for r in relationships
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
        and cooperates(chain, relationships, (kprod, jprod))
    ):
        return "horizontal", 0
    return rel


def _sides(
    direction: str, korea: Player, kprod: str, klevel: int, japan: Player, jprod: str, jlevel: int
) -> tuple[Player, str, int, Player, str, int]:
    """(supplier, its product, level, buyer, its product, level) of a supply link."""
    if direction == "jp-to-kr":
        return japan, jprod, jlevel, korea, kprod, klevel
    return korea, kprod, klevel, japan, jprod, jlevel


def makes_in_house(chain: Chain, buyer: Player, sprod: str, bprod: str, slevel: int) -> bool:
    """Whether a buyer makes its supplier's product itself, at least at the supplier's
    level, for a product that does not resell its inputs: they compete at it more than
    they would trade it (fit counts as for rivals)."""
    return (sprod, bprod) in chain.own_make and chain.level(
        buyer.country, sprod, buyer.id
    ) >= slevel


def link_facts(
    chain: Chain,
    korea: Player,
    kprod: str,
    klevel: int,
    japan: Player,
    jprod: str,
    jlevel: int,
    relationships: tuple[Relationship, ...],
) -> LinkFacts | None:
    """The facts of one pair of product offers (None when the products are not linked),
    without the reasons: what the fast ranking scores tied pairs on, and what
    `score_link` scores and explains."""
    rel = relation(chain, kprod, jprod, relationships)
    if rel is None:
        return None
    direction, hops = rel
    gap_v = security_v = peer_v = 0.0
    in_house = False
    if direction == "horizontal":
        security_v = joint_security(chain, kprod, jprod, min(klevel, jlevel))[0]
    elif direction != "same-stage":
        sup, sprod, slevel, buy, bprod, _ = _sides(
            direction, korea, kprod, klevel, japan, jprod, jlevel
        )
        if (sup.id, sprod) in chain.closed:  # for its own use or home market: not offered here
            return None
        gap_v = gap_value(chain, sup.country, sprod, slevel, buy.country)
        in_house = makes_in_house(chain, buy, sprod, bprod, slevel)
        security_v = security_value(chain, sprod, slevel, buy.country, sup.country)
    if direction != "same-stage":  # rivals earn no peer credit
        peer_v = max(
            peer_value(chain, japan.id, "JP", korea.id, kprod, (kprod, jprod)),
            peer_value(chain, korea.id, "KR", japan.id, jprod, (kprod, jprod)),
        )
    tie = tie_best(chain, relationships, (kprod, jprod))
    return LinkFacts(
        direction=direction,
        hops=hops,
        korea_level=klevel,
        japan_level=jlevel,
        gap=gap_v,
        security=security_v,
        tie=round(tie, 4),
        tied=bool(relationships),
        peer=peer_v,
        in_house=in_house,
    )


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
    klevel, jlevel = ks.products[kprod], js.products[jprod]
    facts = link_facts(chain, korea, kprod, klevel, japan, jprod, jlevel, relationships)
    if facts is None:
        return None
    vals = values(facts)
    contributions, score = combine(vals, weights)
    return Link(
        partial(_explain, chain, korea, kprod, klevel, japan, jprod, jlevel, relationships, facts),
        direction=facts.direction,
        korea_stage=chain.stage(kprod),
        japan_stage=chain.stage(jprod),
        korea_product=chain.products[kprod],
        japan_product=chain.products[jprod],
        korea_strength=ks,
        japan_strength=js,
        korea_level=klevel,
        japan_level=jlevel,
        hops=facts.hops,
        components=vals,
        contributions=contributions,
        score=score,
        in_house=facts.in_house,
    )


def _explain(
    chain: Chain,
    korea: Player,
    kprod: str,
    klevel: int,
    japan: Player,
    jprod: str,
    jlevel: int,
    relationships: tuple[Relationship, ...],
    facts: LinkFacts,
) -> tuple[tuple[str, ...], tuple[Evidence, ...]]:
    """A link's reasons and the dated evidence behind each component."""
    direction = facts.direction
    kp, jp = chain.products[kprod], chain.products[jprod]
    reasons: list[str] = []
    evidence: list[Evidence] = []
    if direction == "same-stage":
        reasons.append(
            f"Same product ({kp.name.en}): {korea.name} and {japan.name} compete more than "
            "they complement, and no cooperative tie is documented."
        )
    elif direction == "horizontal":
        tied = cooperates(chain, relationships, (kprod, jprod))
        if tied:
            how = "document cooperation"
        elif kprod == jprod:
            how = "are partners more than rivals"
        else:
            how = "make complementary products"
        reasons.append(
            f"{korea.name} ({kp.name.en}, level {klevel}) and {japan.name} ({jp.name.en}, "
            f"level {jlevel}) {how} at {chain.stage(kprod).name.en}: a horizontal link."
        )
        declared = chain.complements.get((kprod, jprod))
        if declared and not tied:
            reasons.append(f"The sector says why: {declared}")
        _, why_sec, ev = joint_security(chain, kprod, jprod, min(klevel, jlevel))
        reasons += why_sec
        evidence += ev
        why, ev = _peer_reasons(chain, korea, kprod, japan, jprod)
        reasons += why
        evidence += ev
    else:
        sup, sprod, slevel, buy, bprod, blevel = _sides(
            direction, korea, kprod, klevel, japan, jprod, jlevel
        )
        how = "is a direct input to" if facts.hops == 1 else "is two steps upstream of"
        own = chain.level(buy.country, sprod, buy.id)
        # the first reason is what an agenda prints: it says when they compete
        rival = (
            f", but {buy.name} makes it in-house at level {own}, at least "
            f"{possessive(sup.name)} {slevel}: they compete at it more than they would trade "
            "it, so fit counts as for rivals"
            if facts.in_house
            else ""
        )
        reasons.append(
            f"{possessive(sup.name)} {chain.products[sprod].name.en} (level {slevel}) {how} "
            f"{possessive(buy.name)} {chain.products[bprod].name.en} (level {blevel}){rival}."
        )
        _, why, ev = gap(chain, sup.name, sup.country, sprod, slevel, buy.country, buy.id)
        reasons += why
        if (
            not facts.in_house and own >= slevel
        ):  # only where the buyer's product resells its inputs
            reasons.append(
                f"{buy.name} also makes {chain.products[sprod].name.en} (level {own}), but "
                f"{chain.products[bprod].name.en} resells what it buys from many producers, "
                "whatever it makes itself, so fit is not cut."
            )
        evidence += ev
        _, why, ev = security(chain, sprod, slevel, buy.country, sup.country)
        reasons += why
        evidence += ev
        why, ev = _peer_reasons(chain, korea, kprod, japan, jprod)
        reasons += why
        evidence += ev
    _, ev = tie_value(chain, relationships, (kprod, jprod))
    evidence += ev
    if relationships:
        reasons += [tie_reason(r, chain, (kprod, jprod)) for r in relationships]
    else:
        reasons.append("No documented relationship between them in any sector yet.")
    return tuple(reasons), tuple(evidence)


def _peer_reasons(
    chain: Chain, korea: Player, kprod: str, japan: Player, jprod: str
) -> tuple[list[str], list[Evidence]]:
    """Each side's ties with the other country's makers of the other side's product."""
    reasons: list[str] = []
    evidence: list[Evidence] = []
    for firm, country, other, product in (
        (japan.id, "JP", korea.id, kprod),
        (korea.id, "KR", japan.id, jprod),
    ):
        _, ev, why = peer_ties(chain, firm, country, other, product, (kprod, jprod))
        evidence += ev
        reasons += why
    return reasons, evidence


def link_order(link: Link) -> tuple[float, int, int, str, str]:
    """Best first: score, then the weaker side's level, then direction and product ids."""
    return (
        -link.score,
        -link.weaker,
        DIRECTIONS.index(link.direction),
        link.korea_product.id,
        link.japan_product.id,
    )


def offer_pairs(
    chain: Chain, korea: Player, japan: Player
) -> Iterator[tuple[Strength, str, Strength, str]]:
    """Every pair of the two players' product offers in the chain's sector."""
    sector = chain.sector.id
    for ks in korea.strengths:
        if ks.sector != sector:
            continue
        for js in japan.strengths:
            if js.sector != sector:
                continue
            for kprod in ks.products:
                for jprod in js.products:
                    yield ks, kprod, js, jprod


def pair_links(
    chain: Chain,
    korea: Player,
    japan: Player,
    relationships: tuple[Relationship, ...],
    weights: Mapping[str, float],
    directions: Iterable[str] = DIRECTIONS,
) -> list[Link]:
    """Every linked pair of the two players' product offers in the chain's sector, best first."""
    allowed = set(directions)
    links = []
    for ks, kprod, js, jprod in offer_pairs(chain, korea, japan):
        link = score_link(chain, korea, ks, kprod, japan, js, jprod, relationships, weights)
        if link is not None and link.direction in allowed:
            links.append(link)
    links.sort(key=link_order)
    return links

"""The ties behind `relationship` and `peer`: which of a pair's documented ties concern a
link, what they are worth as they age, and the ties of a firm with the other party's
peers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from kjmatch.model import TIE_LABELS, Relationship, tie_dated, tie_label, tie_when
from kjmatch.weights import TIE_VALUE

from .chain import Chain
from .evidence import Evidence, age_words, aged, remembered

TIE_HALF_LIFE = 8.0  # years since a tie was last confirmed (or ended)
# a tie's type in a sentence: the label, but "an MoU / study tie" reads badly in prose
TIE_WORDS = {**TIE_LABELS, "mou_study": "MoU or joint study"}


def tie_applies(chain: Chain, r: Relationship, products: tuple[str, str]) -> bool:
    """Whether a tie concerns a link between these (Korean, Japanese) products: its
    sector, and where it names products, at least one of the link's, and on each side
    one the tie names if it names any that side's firm makes (a cylindrical-cell deal
    does not vouch for the same firms' pouch cells, nor for a flow the other way).
    Remembered per ranking: peer ties ask it of the same tie for buyer after buyer."""
    key = (r.id, *products)
    known = chain.applies.get(key)
    if known is None:
        known = chain.applies[key] = _applies(chain, r, products)
    return known


def _applies(chain: Chain, r: Relationship, products: tuple[str, str]) -> bool:
    if chain.sector.id not in r.sectors or r.type == "talks" or r.novelty_only:
        return False  # talks, or other business, document no cooperation or supply here
    if not r.products:
        return True
    if not any(p in r.products for p in products):
        return False
    for firm, country, product in ((r.korea, "KR", products[0]), (r.japan, "JP", products[1])):
        if product not in r.products and any(chain.level(country, p, firm) for p in r.products):
            return False
    return True


def _tie_rows(
    chain: Chain, relationships: Iterable[Relationship], products: tuple[str, str]
) -> Iterator[tuple[Relationship, int, float, float, float]]:
    """(tie, age, discount, value, counted) for each tie about this sector and products."""
    for r in relationships:
        if tie_applies(chain, r, products):
            age, d = _tie_age(chain, r)
            value = TIE_VALUE[r.status]
            yield r, age, d, value, round(value * d, 4)


def tie_best(
    chain: Chain, relationships: Iterable[Relationship], products: tuple[str, str]
) -> float:
    """`tie_value`'s value alone (the fast ranking scores tied pairs on it)."""
    return max((row[-1] for row in _tie_rows(chain, relationships, products)), default=0.0)


def tie_value(
    chain: Chain, relationships: Iterable[Relationship], products: tuple[str, str]
) -> tuple[float, list[Evidence]]:
    """The best aged tie that concerns this sector and these products."""
    evidence = [
        Evidence(
            "relationship",
            "tie",
            "",
            f"{tie_label(r.type)} ({_when(r)}): {r.id}",
            confirmed(r),
            age,
            d,
            value,
            counted,
            r.sources[0].label(),
            r.historical,
        )
        for r, age, d, value, counted in _tie_rows(chain, relationships, products)
    ]
    return max((e.counted for e in evidence), default=0.0), evidence


def tie_reason(r: Relationship, chain: Chain, products: tuple[str, str]) -> str:
    """The tie in words: counted at this link (aged), or documented but about other
    products or another sector, so not counted here."""
    kind = TIE_WORDS[r.type]
    where = "" if chain.sector.id in r.sectors else f" [in {', '.join(r.sectors)}]"
    if r.type == "talks":
        return (
            f"Talks reported{where} ({_when(r)}), no agreement found: recorded, so the pair "
            f"is not new, but not counted as a tie: {r.summary}"
        )
    if r.novelty_only:
        return (
            f"Documented tie{where} that vouches for no link ({kind}, {_when(r)}), so the pair "
            f"is not new, but not counted as a tie at this link: {r.summary}"
        )
    if not tie_applies(chain, r, products):
        return (
            f"Documented tie{where}, not counted at this link ({_not_here(chain, r, products)}): "
            f"{kind} ({_when(r)}): {r.summary}"
        )
    age, d = _tie_age(chain, r)
    return (
        f"Existing tie{where}: {kind} ({_when(r)}): {r.summary} "
        f"[{age_words(age, d, TIE_HALF_LIFE)}]"
    )


def _not_here(chain: Chain, r: Relationship, products: tuple[str, str]) -> str:
    """Why `tie_applies` is false for this link, in words: the sector, or the products
    the tie names on the side that rules it out (other sectors' products unnamed)."""
    if chain.sector.id not in r.sectors:
        return "it concerns another sector"
    names = [chain.products[p].name.en for p in r.products if p in chain.products]
    elsewhere = " and products of other sectors" if len(names) < len(r.products) else ""
    for firm, country, product in ((r.korea, "KR", products[0]), (r.japan, "JP", products[1])):
        own = [chain.products[p].name.en for p in r.products if chain.level(country, p, firm)]
        if product not in r.products and own:
            return (
                f"for {chain.name(firm)} it concerns {', '.join(own)}, "
                f"not {chain.products[product].name.en}"
            )
    return f"it concerns {', '.join(names) or 'other products'}{elsewhere}"


def confirmed(r: Relationship) -> int:
    """The year a tie's evidence dates from (`model.tie_dated`)."""
    return tie_dated(r.status, r.year, r.ended, r.last_confirmed)


def _when(r: Relationship) -> str:
    """A tie's status and year in a sentence (`model.tie_when`: with the confirmation a
    running tie is aged from)."""
    return tie_when(r.status, r.year, r.ended, r.last_confirmed)


def _tie_age(chain: Chain, r: Relationship) -> tuple[int, float]:
    return aged(confirmed(r), chain.as_of, TIE_HALF_LIFE)


def peer_value(
    chain: Chain, firm: str, firm_country: str, other: str, product: str, products: tuple[str, str]
) -> float:
    """`peer_ties`' value alone, once per firm and products in a ranking (the fast
    ranking asks it for every tied firm at every pair of linked products)."""
    if firm not in chain.ties or product not in _peer_products(chain, firm, firm_country):
        return 0.0  # most firms have no tie with any maker of the product
    return remembered(
        chain,
        ("peer", firm, firm_country, other, product, products),
        lambda: max(
            (row[-1] for row in _peer_rows(chain, firm, firm_country, other, product, products)),
            default=0.0,
        ),
    )


def _peer_rows(
    chain: Chain, firm: str, firm_country: str, other: str, product: str, products: tuple[str, str]
) -> Iterator[tuple[Relationship, str, int, float, float]]:
    """(tie, peer, age, discount, counted) for each tie of `firm` with another maker of
    `product` in the other country than `other` that concerns these products."""
    peer_country = "KR" if firm_country == "JP" else "JP"
    for r, peer, age, d, counted in _firm_ties(chain, firm, firm_country):
        if (
            peer != other
            and tie_applies(chain, r, products)
            and chain.makes(peer_country, product, peer)
            and not _same_deal(chain, r, firm, other, peer)
        ):
            yield r, peer, age, d, counted


def _same_deal(chain: Chain, r: Relationship, firm: str, other: str, peer: str) -> bool:
    """Whether `firm`'s tie `r` with `peer` is the pair's own deal recorded for a sister
    company: `peer` is in `other`'s group and `firm` has a tie of the same type and year
    with `other` (a group-wide agreement filed once per signatory). It counts once, as
    the pair's `relationship`, not again as `peer`. Only a tied pair can meet this, so
    the grouped ranking, which scores untied pairs, never needs it."""
    group = chain.players[peer].group
    if not group or other not in chain.players or chain.players[other].group != group:
        return False
    return any(
        o is not r and o.type == r.type and o.year == r.year and other in (o.korea, o.japan)
        for o in chain.ties.get(firm, ())
    )


def _firm_ties(
    chain: Chain, firm: str, firm_country: str
) -> list[tuple[Relationship, str, int, float, float]]:
    """`firm`'s ties that concern the chain's sector, aged, once per ranking."""
    side = "korea" if firm_country == "JP" else "japan"  # the peer's side of the tie

    def rows() -> list[tuple[Relationship, str, int, float, float]]:
        out = []
        for r in chain.ties.get(firm, ()):
            if chain.sector.id in r.sectors:
                age, d = _tie_age(chain, r)
                out.append((r, getattr(r, side), age, d, round(TIE_VALUE[r.status] * d, 4)))
        return out

    return remembered(chain, ("firm-ties", firm), rows)


def _peer_products(chain: Chain, firm: str, firm_country: str) -> frozenset[str]:
    """Every product some partner of `firm` in this sector makes, once per ranking: a
    cheap test that rules out most (firm, product) questions before the ties are read."""
    sector = chain.sector.id
    return remembered(
        chain,
        ("peer-products", firm),
        lambda: frozenset(
            pid
            for _, peer, _, _, _ in _firm_ties(chain, firm, firm_country)
            if (p := chain.players.get(peer)) is not None
            for s in p.strengths
            if s.sector == sector
            for pid in s.products
        ),
    )


def peer_ties(
    chain: Chain, firm: str, firm_country: str, other: str, product: str, products: tuple[str, str]
) -> tuple[float, list[Evidence], list[str]]:
    """The best aged tie between `firm` and a maker of `product` in the other country
    other than `other` (the pair's own partner): `firm` already serves or buys from a
    peer of `other`."""
    best = 0.0
    evidence: list[Evidence] = []
    reasons: list[str] = []
    name = chain.products[product].name.en
    for r, peer, age, d, counted in _peer_rows(chain, firm, firm_country, other, product, products):
        text = f"{tie_label(r.type)} ({_when(r)}): {r.id}"
        evidence.append(
            Evidence(
                "peer",
                "tie",
                product,
                text,
                confirmed(r),
                age,
                d,
                TIE_VALUE[r.status],
                counted,
                r.sources[0].label(),
                r.historical,
            )
        )
        kind = TIE_WORDS[r.type]
        article = "an" if kind[0] in "aeiouAEIOU" or kind.startswith(("R&D", "MoU")) else "a"
        reasons.append(
            f"Peer tie: {chain.name(firm)} already has {article} {kind} tie "
            f"({_when(r)}) with {chain.name(peer)}, another maker of "
            f"{name}; {age_words(age, d, TIE_HALF_LIFE)}."
        )
        best = max(best, counted)
    return best, evidence, reasons

"""The dated facts behind `gap`, `security` and `relationship`.

Facts attach to products (by id or HS code, see `checks.concerns`), never by words,
and they age: a fact counts × 0.5^(age / half-life), age counted from the dataset's
newest year. Each function returns a value in [0, 1], the reasons in words, and the
evidence items that drove it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple, TypeVar

from kjmatch.model import (
    TIE_LABELS,
    ExportControl,
    ImportShare,
    Relationship,
    tie_dated,
    tie_label,
    tie_when,
)
from kjmatch.weights import TIE_VALUE

from .chain import Chain

T = TypeVar("T")

COUNTRY_NAME = {"KR": "Korea", "JP": "Japan"}
PAIR = ("KR", "JP")
FACT_HALF_LIFE = 5.0  # years: a trade share or control is half as telling five years on
TIE_HALF_LIFE = 8.0  # years since a tie was last confirmed (or ended)
# a tie's type in a sentence: the label, but "an MoU / study tie" reads badly in prose
TIE_WORDS = {**TIE_LABELS, "mou_study": "MoU or joint study"}
CONTROL_VALUE = {"in_force": 0.6, "suspended": 0.45, "lifted": 0.2}
# An empty side with no source saying the country has no maker is a hole in the data,
# not a proven absence: its gap counts half. A documented absence counts in full, aged
# like any fact but never below this.
UNDOCUMENTED = 0.5


class Evidence(NamedTuple):
    """One dated fact and what it counted for in one component."""

    component: str  # gap, security or relationship
    kind: str  # import_share, export_control or tie
    product: str  # the product id it concerns ("" for a tie about the whole pair)
    text: str
    year: int
    age: int
    discount: float  # 0.5^(age / half-life)
    value: float  # the fact's own value (a share, a control's or tie's weight)
    counted: float  # value × discount: what it offered the component
    source: str
    historical: str | None = None  # the curator's reason an old fact or tie is kept


def aged(year: int, as_of: int, half_life: float) -> tuple[int, float]:
    age = max(0, as_of - year)
    return age, round(0.5 ** (age / half_life), 4)


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def _age_words(age: int, discount: float, half_life: float) -> str:
    if age == 0:
        return "current"
    return f"{age} year{'s' if age > 1 else ''} old, counted at {discount:.2f}× (half-life {half_life:g} years)"


def latest(items: Iterable[ImportShare]) -> list[ImportShare]:
    """The most recent figure for each (importer, partner, item): older ones are history."""
    best: dict[tuple[str, str, str], ImportShare] = {}
    for x in items:
        key = (x.importer, x.partner, x.item)
        if key not in best or (x.year, x.value) > (best[key].year, best[key].value):
            best[key] = x
    return list(best.values())


def superseded(items: Iterable[ImportShare]) -> dict[int, ImportShare]:
    """Reported figures that a computed one replaces, by id(): a figure computed from
    official statistics (`kjmatch trade import`) for the same importer and partner, of
    the same year or later, wins over a reported one about the same product. Call with
    one product's figures. Both stay on show; only the computed one counts."""
    items = list(items)
    newest: dict[tuple[str, str], ImportShare] = {}
    for x in items:
        key = (x.importer, x.partner)
        if x.computed and (key not in newest or x.year > newest[key].year):
            newest[key] = x
    return {
        id(x): by
        for x in items
        if not x.computed
        and (by := newest.get((x.importer, x.partner))) is not None
        and by.year >= x.year
    }


def superseded_words(by: ImportShare) -> str:
    return f"superseded by the computed {by.year} figure ({by.source.label()}): shown, not counted"


def _share_evidence(
    chain: Chain, component: str, product: str, x: ImportShare, by: ImportShare | None = None
) -> Evidence:
    age, d = aged(x.year, chain.as_of, FACT_HALF_LIFE)
    return Evidence(
        component,
        "import_share",
        product,
        x.item if by is None else f"{x.item} ({superseded_words(by)})",
        x.year,
        age,
        d,
        x.value,
        0.0 if by is not None else round(x.value * d, 4),
        x.source.label(),
        x.historical,
    )


def _share_words(x: ImportShare, by: ImportShare | None, age: int, d: float) -> str:
    if by is not None:
        return f"{superseded_words(by)}."
    kind = "computed from trade statistics; " if x.computed else ""
    return f"{kind}{_age_words(age, d, FACT_HALF_LIFE)}."


def gap(
    chain: Chain,
    supplier_name: str,
    supplier_country: str,
    product: str,
    level: int,
    buyer_country: str,
    buyer_id: str,
) -> tuple[float, list[str], list[Evidence]]:
    """How far a supplier at `product` (at `level`) fills a gap in the buyer country's chain.

    Measured against the buyer country's best player at that product, the buyer
    included (a buyer that makes the input in-house needs an outside supplier less),
    then raised by the supplier country's aged share of the buyer country's imports
    of it. The same for every buyer of the country: `buyer_id` only names the buyer
    in the reason when it is the one at the top."""
    name = chain.products[product].name.en
    buyer = COUNTRY_NAME[buyer_country]
    best, leader, own = chain.best(buyer_country, product, prefer=buyer_id)
    absence: list[Evidence] = []
    if leader is not None:
        value = max(0.0, min(1.0, (level - best) / 4))
        who = leader.name
        # a maker for its own use still counts as the country's capability; say so
        mine = ", made for its own use only, still counted as the country's capability"
        mine = mine if (leader.id, product) in chain.captive else ""
        strongest = (
            f"{who} itself makes {name} in-house (level {best}, {buyer}'s strongest)"
            if own
            else f"{buyer}'s strongest at {name} is {who} (level {best}{mine})"
        )
        why = f"{strongest}; {supplier_name} at level {level} " + (
            f"fills a gap of {level - best} level(s)."
            if level > best
            else "adds no capability gap."
        )
    else:
        value, why, absence = _absence(chain, supplier_name, product, level, buyer_country, name)
    reasons = [why]
    shares = [
        x
        for x in latest(chain.shares[product])
        if x.importer == buyer_country and x.partner == supplier_country
    ]
    replaced = superseded(shares)
    evidence = [_share_evidence(chain, "gap", product, x, replaced.get(id(x))) for x in shares]
    if evidence:
        top = max(evidence, key=lambda e: (e.counted, e.year))
        value = max(value, top.counted)
        for e, x in zip(evidence, shares, strict=True):
            reasons.append(
                f"{COUNTRY_NAME[supplier_country]} supplied {_pct(x.value)} of {buyer}'s "
                f"{x.item} imports in {x.year} ({e.source}); "
                + _share_words(x, replaced.get(id(x)), e.age, e.discount)
            )
    else:
        reasons.append(
            f"No documented figure for {COUNTRY_NAME[supplier_country]}'s share of {buyer}'s "
            f"imports of {name}."
        )
    return round(value, 4), reasons, absence + evidence


def _absence(
    chain: Chain, supplier_name: str, product: str, level: int, buyer_country: str, name: str
) -> tuple[float, str, list[Evidence]]:
    """`gap` where the buyer country has no player at `product` (named `name`): full
    credit only when a source says it has no maker (`Product.absent`), aged; half when
    the data is silent."""
    buyer = COUNTRY_NAME[buyer_country]
    full = min(1.0, level / 4)
    declared = chain.absent.get((buyer_country, product))
    if declared is None:
        value = full * UNDOCUMENTED
        why = (
            f"{buyer} has no player at {name} in the dataset, and no source says it has no "
            f"maker: a hole in the data, so the gap counts half ({value:.2f})."
        )
        return value, why, []
    age, d = aged(declared.year, chain.as_of, FACT_HALF_LIFE)
    counted = max(UNDOCUMENTED, d)
    value = full * counted
    label = declared.source.label()
    why = (
        f"{buyer} has no maker of {name} ({declared.note.rstrip('.')}; {label}); "
        f"{supplier_name} fills that gap. {_age_words(age, d, FACT_HALF_LIFE).capitalize()}"
        + (f", at least {UNDOCUMENTED}." if d < UNDOCUMENTED else ".")
    )
    return (
        value,
        why,
        [
            Evidence(
                "gap",
                "absence",
                product,
                declared.note,
                declared.year,
                age,
                d,
                full,
                round(value, 4),
                label,
            )
        ],
    )


def _remembered(chain: Chain, key: tuple[object, ...], compute: Callable[[], T]) -> T:
    """A value worked out once per ranking (`chain.memo`)."""
    memo = chain.memo
    if key not in memo:
        memo[key] = compute()
    value: T = memo[key]
    return value


def gap_value(
    chain: Chain, supplier_country: str, product: str, level: int, buyer_country: str
) -> float:
    """`gap`'s value alone (the same for every buyer), once per ranking: the fast
    ranking asks it per pair of products."""
    return _remembered(
        chain,
        ("gap", supplier_country, product, level, buyer_country),
        lambda: gap(chain, "", supplier_country, product, level, buyer_country, "")[0],
    )


def security_value(
    chain: Chain, product: str, level: int, buyer_country: str, supplier_country: str
) -> float:
    """`security`'s value alone, once per ranking."""
    return _remembered(
        chain,
        ("security", product, level, buyer_country, supplier_country),
        lambda: security(chain, product, level, buyer_country, supplier_country)[0],
    )


def _exposure(
    chain: Chain, product: str, importers: tuple[str, ...], supplier_country: str | None
) -> tuple[float, list[str], list[Evidence]]:
    """The importers' aged third-country exposure at `product`, with reasons."""
    exposure = 0.0
    reasons: list[str] = []
    evidence: list[Evidence] = []
    shares = latest(chain.shares[product])
    replaced = superseded(shares)
    for x in shares:
        if x.importer not in importers or x.partner in PAIR:
            continue
        by = replaced.get(id(x))
        e = _share_evidence(chain, "security", product, x, by)
        evidence.append(e)
        exposure = max(exposure, e.counted)
        reasons.append(
            f"{COUNTRY_NAME[x.importer]} sourced {_pct(x.value)} of its {x.item} imports from "
            f"{x.partner} in {x.year} ({e.source}); " + _share_words(x, by, e.age, e.discount)
        )
    controls = chain.controls[product]
    own_control = any(c.imposed_by == supplier_country and c.status == "in_force" for c in controls)
    for c in controls:
        status = c.status.replace("_", " ")
        if c.imposed_by in PAIR:
            reasons.append(
                f"Risk: {c.imposed_by} export controls on {c.item} ({c.year}, {status})."
            )
            continue
        if own_control:
            reasons.append(
                f"{c.imposed_by} export controls on {c.item} ({c.year}) are matched by "
                f"{COUNTRY_NAME[supplier_country or 'JP']}'s own controls on this product, so "
                "this source does not escape them."
            )
            continue
        e = _control_evidence(chain, product, c)
        evidence.append(e)
        exposure = max(exposure, e.counted)
        reasons.append(
            f"{c.imposed_by} export controls on {c.item} ({c.year}, {status}) make a "
            f"non-{c.imposed_by} source valuable; {_age_words(e.age, e.discount, FACT_HALF_LIFE)}."
        )
    return exposure, reasons, evidence


def _control_evidence(chain: Chain, product: str, c: ExportControl) -> Evidence:
    age, d = aged(c.year, chain.as_of, FACT_HALF_LIFE)
    value = CONTROL_VALUE[c.status]
    return Evidence(
        "security",
        "export_control",
        product,
        f"{c.imposed_by} controls on {c.item} ({c.status})",
        c.year,
        age,
        d,
        value,
        round(value * d, 4),
        c.source.label(),
        c.historical,
    )


def security(
    chain: Chain, product: str, level: int, buyer_country: str, supplier_country: str
) -> tuple[float, list[str], list[Evidence]]:
    """How far a supplier at `product` cuts the buyer country's third-country exposure."""
    exposure, reasons, evidence = _exposure(chain, product, (buyer_country,), supplier_country)
    if not reasons:
        reasons.append(
            f"No documented third-country dependence or export control for "
            f"{COUNTRY_NAME[buyer_country]} at {chain.products[product].name.en}."
        )
    return round((level - 1) / 4 * exposure, 4), reasons, evidence


def joint_security(
    chain: Chain, korea_product: str, japan_product: str, weaker_level: int
) -> tuple[float, list[str], list[Evidence]]:
    """For a horizontal link: how far cooperating cuts either country's third-country
    exposure at the two products."""
    exposure = 0.0
    reasons: list[str] = []
    evidence: list[Evidence] = []
    for product in dict.fromkeys((korea_product, japan_product)):
        e, r, ev = _exposure(chain, product, PAIR, None)
        exposure = max(exposure, e)
        reasons += r
        evidence += ev
    if not reasons:
        reasons.append(
            "No documented third-country dependence or export control at these products."
        )
    return round((weaker_level - 1) / 4 * exposure, 4), reasons, evidence


def tie_applies(chain: Chain, r: Relationship, products: tuple[str, str]) -> bool:
    """Whether a tie concerns a link between these (Korean, Japanese) products: its
    sector, and where it names products, at least one of the link's, and on each side
    one the tie names if it names any that side's firm makes (a cylindrical-cell deal
    does not vouch for the same firms' pouch cells, nor for a flow the other way)."""
    if chain.sector.id not in r.sectors or r.type == "talks":
        return False  # talks without an agreement document no cooperation or supply
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
    if not tie_applies(chain, r, products):
        return (
            f"Documented tie{where}, not counted at this link ({_not_here(chain, r, products)}): "
            f"{kind} ({_when(r)}): {r.summary}"
        )
    age, d = _tie_age(chain, r)
    return (
        f"Existing tie{where}: {kind} ({_when(r)}): {r.summary} "
        f"[{_age_words(age, d, TIE_HALF_LIFE)}]"
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
    return _remembered(
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

    return _remembered(chain, ("firm-ties", firm), rows)


def _peer_products(chain: Chain, firm: str, firm_country: str) -> frozenset[str]:
    """Every product some partner of `firm` in this sector makes, once per ranking: a
    cheap test that rules out most (firm, product) questions before the ties are read."""
    sector = chain.sector.id
    return _remembered(
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
            f"{name}; {_age_words(age, d, TIE_HALF_LIFE)}."
        )
        best = max(best, counted)
    return best, evidence, reasons

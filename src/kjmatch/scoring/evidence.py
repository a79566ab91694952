"""The dated facts behind `gap` and `security` (ties are in `ties`).

Facts attach to products (by id or HS code, see `checks.concerns`), never by words,
and they age: a fact counts × 0.5^(age / half-life), age counted from the dataset's
newest year. Each function returns a value in [0, 1], the reasons in words, and the
evidence items that drove it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple, TypeVar

from kjmatch.model import (
    ExportControl,
    ImportShare,
)

from .chain import Chain

T = TypeVar("T")

COUNTRY_NAME = {"KR": "Korea", "JP": "Japan"}
PAIR = ("KR", "JP")
FACT_HALF_LIFE = 5.0  # years: a trade share or control is half as telling five years on
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
    note: str | None = None  # the fact's own note (a trade line's scope, the figures)


def aged(year: int, as_of: int, half_life: float) -> tuple[int, float]:
    age = max(0, as_of - year)
    return age, round(0.5 ** (age / half_life), 4)


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def _and(items: list[str]) -> str:
    """Names in prose: A; A and B; A, B and C."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def age_words(age: int, discount: float, half_life: float) -> str:
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
        x.note or None,
    )


def _share_words(x: ImportShare, by: ImportShare | None, age: int, d: float) -> str:
    if by is not None:
        return f"{superseded_words(by)}."
    kind = "computed from trade statistics; " if x.computed else ""
    return f"{kind}{age_words(age, d, FACT_HALF_LIFE)}."


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

    Measured against the buyer country's best maker that sells the product, the buyer
    included (a buyer that makes the input in-house needs an outside supplier less); a
    maker for its own use only serves no other buyer, so it is left out (a buyer's own
    captive make is judged by fit's in-house rule). Then raised by the supplier country's
    aged share of the buyer country's imports of it. The same for every buyer of the
    country: `buyer_id` only names the buyer in the reason when it is the one at the top."""
    name = chain.products[product].name.en
    buyer = COUNTRY_NAME[buyer_country]
    best, leader, own = chain.best(buyer_country, product, prefer=buyer_id)
    absence: list[Evidence] = []
    # makers for their own use above the best seller: named, as they do not count
    above = [
        f"{p.name} (level {lv})"
        for p, lv in chain.offers.captive.get((buyer_country, product), ())
        if lv > best
    ]
    if leader is not None:
        value = max(0.0, min(1.0, (level - best) / 4))
        who = leader.name
        strongest = (
            f"{who} itself makes {name} in-house (level {best}, {buyer}'s strongest)"
            if own
            else f"{buyer}'s strongest at {name} is {who} (level {best})"
        )
        if above:
            strongest += f", not counting {_and(above)}, made for own use only"
        why = f"{strongest}; {supplier_name} at level {level} " + (
            f"fills a gap of {level - best} level{'' if level - best == 1 else 's'}."
            if level > best
            else "adds no capability gap."
        )
    else:
        value, why, absence = _absence(chain, supplier_name, product, level, buyer_country, above)
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
    chain: Chain,
    supplier_name: str,
    product: str,
    level: int,
    buyer_country: str,
    own_use: list[str],
) -> tuple[float, str, list[Evidence]]:
    """`gap` where the buyer country has no player that sells `product` (`own_use`: the
    makers for their own use it does have): full credit only when a source says it has
    no maker (`Product.absent`), aged; half when the data is silent."""
    buyer = COUNTRY_NAME[buyer_country]
    name = chain.products[product].name.en
    full = min(1.0, level / 4)
    declared = chain.absent.get((buyer_country, product))
    if declared is None:
        value = full * UNDOCUMENTED
        none = (
            f"{buyer}'s only makers of {name} in the dataset make it for their own use "
            f"({_and(own_use)}), and no source says it has no maker that sells it"
            if own_use
            else f"{buyer} has no player at {name} in the dataset, and no source says it "
            "has no maker"
        )
        why = f"{none}: a hole in the data, so the gap counts half ({value:.2f})."
        return value, why, []
    age, d = aged(declared.year, chain.as_of, FACT_HALF_LIFE)
    counted = max(UNDOCUMENTED, d)
    value = full * counted
    label = declared.source.label()
    mine = f" that sells it ({_and(own_use)}: own use only)" if own_use else ""
    why = (
        f"{buyer} has no maker of {name}{mine} ({declared.note.rstrip('.')}; {label}); "
        f"{supplier_name} fills that gap. {age_words(age, d, FACT_HALF_LIFE).capitalize()}"
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


def remembered(chain: Chain, key: tuple[object, ...], compute: Callable[[], T]) -> T:
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
    return remembered(
        chain,
        ("gap", supplier_country, product, level, buyer_country),
        lambda: gap(chain, "", supplier_country, product, level, buyer_country, "")[0],
    )


def security_value(
    chain: Chain, product: str, level: int, buyer_country: str, supplier_country: str
) -> float:
    """`security`'s value alone, once per ranking."""
    return remembered(
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
            f"non-{c.imposed_by} source valuable; {age_words(e.age, e.discount, FACT_HALF_LIFE)}."
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
        c.note or None,
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

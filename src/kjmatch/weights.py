"""The scoring components, declared once, and the weights that combine them.

Every component is a pure function of a `LinkFacts`: the few facts about one
linked pair of strengths that scoring may read. Keeping components to those facts
is what lets the fast top-N ranking score a whole group of alike strengths once
(see `scoring.ranking`); a component cannot read a player's name, tags or notes.

score = 100 × Σ wᵢ·cᵢ / Σ wᵢ, each cᵢ in [0, 1] and each wᵢ ≥ 0, so a score is in
[0, 100] and the contributions 100·wᵢ·cᵢ/Σw (rounded to 0.01) add up to it.

This module is on the ground floor: validation, scenarios, views, `--help` and the
README's formula table all read the registry, and it imports nothing of kjmatch.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Literal, NamedTuple

Direction = Literal["jp-to-kr", "kr-to-jp", "horizontal", "same-stage"]
DIRECTIONS: tuple[Direction, ...] = ("jp-to-kr", "kr-to-jp", "horizontal", "same-stage")
# direction → (short label for tables and CSV, arrow, words)
DIRECTION_LABELS: dict[str, tuple[str, str, str]] = {
    "jp-to-kr": ("JP→KR", "◀", "Japan → Korea"),
    "kr-to-jp": ("KR→JP", "▶", "Korea → Japan"),
    "horizontal": ("partners", "⇄", "horizontal cooperation"),
    "same-stage": ("rivals", "≈", "same product (rivals)"),
}

MAX_WEIGHT = 100.0
FIT = {0: 0.1, 1: 1.0, 2: 0.5}  # hops between the two products → fit
HORIZONTAL_FIT = 0.75  # documented cooperation between makers of one product or stage
TIE_VALUE = {"active": 1.0, "completed": 0.7, "announced": 0.6, "suspended": 0.4, "ended": 0.3}


class LinkFacts(NamedTuple):
    """All a component may read about one linked pair of strengths."""

    direction: Direction
    hops: int  # 0 same product or horizontal, 1 direct input, 2 two steps upstream
    korea_level: int
    japan_level: int
    gap: float  # how far the supplier fills a gap in the buyer country's chain, in [0, 1]
    security: float  # how far the supplier cuts reliance on third countries, in [0, 1]
    tie: float  # the strongest documented tie's value (TIE_VALUE), 0 if none
    tied: bool  # any documented tie, whatever its status
    peer: float = 0.0  # the best tie between one firm and the other's same-product peer
    in_house: bool = False  # the buyer makes the supplier's product itself, at least as well


class Component(NamedTuple):
    """One scoring component: its name, default weight, table label, meaning and scorer."""

    name: str
    default: float
    label: str  # three letters or so, for table headers
    meaning: str  # one line, for --help and `scenarios`
    value: Callable[[LinkFacts], float]
    detail: str = ""  # how the value is computed, for the README's formula table


def _fit(f: LinkFacts) -> float:
    if f.in_house:  # they compete at the supplier's product more than they trade it
        return FIT[0]
    return HORIZONTAL_FIT if f.direction == "horizontal" else FIT[f.hops]


def _strength(f: LinkFacts) -> float:
    return ((f.korea_level - 1) + (f.japan_level - 1)) / 8


_REGISTRY: dict[str, Component] = {
    c.name: c
    for c in (
        Component(
            "fit",
            0.35,
            "fit",
            "value-chain fit between the two products",
            _fit,
            detail="**1.0** when the supplier's product is a direct input of the buyer's, **0.5** two steps upstream, **0.75** for a horizontal link (makers of one product or stage with a documented cooperative tie, or products the sector declares complementary: two products of a stage, or one product whose makers are partners rather than rivals, as LNG's buyers are), **0.1** for the same product without one (rivals more than partners), and for a supply link whose buyer makes the supplier's product in-house at least as well (a level at least the supplier's: they compete at it), unless the buyer's product resells its inputs (`resells: true`: an offtaker or trading house buys from many producers whatever it makes itself). Products three or more steps apart, a product two steps upstream of an activity that takes its inputs whole (`whole_inputs: true`: a recycler takes scrap cells, not their film), different products of one stage, a supply link from a product sold only where it is made (`tradable: false`: gaseous hydrogen, electricity, a filling station's service), and one from a product its maker makes only for its own use (`captive`: Toyota's hydrogen tanks) or may sell only in its own country (`home_market`: Mitsui E&S's licensed engines) are not paired.",
        ),
        Component(
            "strength",
            0.25,
            "str",
            "capability of both sides",
            _strength,
            detail="the mean of (level − 1)/4 over the two firms' levels at the linked products.",
        ),
        Component(
            "gap",
            0.20,
            "gap",
            "how far the supplier fills a gap in the buyer country's own chain",
            lambda f: f.gap,
            detail="(supplier level − the buyer country's best level at the supplier's product among the makers that sell it, the buyer's own in-house level included: a firm that makes the input itself needs an outside supplier less; a maker for its own use only (`captive`) is left out, as it serves no other buyer)/4, clipped to [0, 1]; if the buyer country has nobody there that sells it, the level/4 where a source says it has no maker (the product's `absent` entry, aged × 0.5^(age/5 years) but never below half) and half of it where the data is merely silent (a hole, which `validate` lists). The supplier country's documented share of the buyer country's imports of that product raises it (the most recent figure per item, aged: × 0.5^(age/5 years)). 0 for horizontal and same-product links.",
        ),
        Component(
            "security",
            0.10,
            "sec",
            "how far the supplier cuts the buyer country's reliance on third countries",
            lambda f: f.security,
            detail="(supplier level − 1)/4 × the buyer country's exposure at the supplier's product: the largest of third-country import shares (most recent figure per item) and third-country export controls (0.6 in force, 0.45 suspended, 0.2 lifted), each aged × 0.5^(age/5 years). A third-country control counts nothing where the supplier's own country enforces a control on the product. For a horizontal link: the weaker firm's (level − 1)/4 × either country's exposure at the two products. Facts about other products never count; products without documented facts score 0, and the reasons say so.",
        ),
        Component(
            "relationship",
            0.10,
            "tie",
            "an existing documented tie",
            lambda f: f.tie,
            detail="the best of the pair's ties that concern the sector and, when a tie names products, the linked ones (at least one of the link's products, and on each side one the tie names if it names any that firm makes: a cylindrical-cell deal does not vouch for the same firms' pouch cells): 1 active, 0.7 completed, 0.6 announced, 0.4 suspended, 0.3 ended, each aged × 0.5^(age/8 years) from its last confirmation (or end); 0 none.",
        ),
        Component(
            "peer",
            0.10,
            "peer",
            "a documented tie with the other firm's same-product peer",
            lambda f: f.peer,
            detail="the best aged tie (values as for `relationship`) between the Japanese firm and another Korean maker of the Korean firm's linked product, or between the Korean firm and another Japanese maker of the Japanese firm's linked product: who already supplies your peer can supply you. A sister company's record of the pair's own deal (a group-wide agreement filed once per signatory: same group, type and year) is that deal, counted once as `relationship`, not again here. On a horizontal link the same ties count (who already cooperates with your peer at this product can cooperate with you); 0 for same-product rivals.",
        ),
        Component(
            "novelty",
            0.0,
            "new",
            "no documented tie yet",
            lambda f: 0.0 if f.tied else 1.0,
            detail="1 when the pair has no documented tie of any status in any sector, else 0 (used by the `new-partners` scenario).",
        ),
    )
}


def components() -> tuple[Component, ...]:
    """The registered components, in declaration order."""
    return tuple(_REGISTRY.values())


def names() -> tuple[str, ...]:
    return tuple(_REGISTRY)


def default_weights() -> dict[str, float]:
    return {c.name: c.default for c in _REGISTRY.values()}


def register(component: Component) -> None:
    """Add a component (its name must be new). Everything that lists components sees it."""
    if component.name in _REGISTRY:
        raise ValueError(f"component {component.name!r} is already registered")
    _REGISTRY[component.name] = component


def unregister(name: str) -> None:
    del _REGISTRY[name]


@contextlib.contextmanager
def registered(component: Component) -> Iterator[Component]:
    """A component registered for the duration of a block (for tests and experiments)."""
    register(component)
    try:
        yield component
    finally:
        unregister(component.name)


# ---------------------------------------------------------------- scoring


def values(facts: LinkFacts) -> dict[str, float]:
    """Every component's value for one link, rounded as shown to users."""
    return {c.name: round(c.value(facts), 4) for c in _REGISTRY.values()}


def combine(
    vals: Mapping[str, float], weights: Mapping[str, float]
) -> tuple[dict[str, float], float]:
    """Contributions (points, rounded to 0.01) and the score, their sum.

    The one score formula: ranking, explain and stability all call it."""
    total = sum(weights[c] for c in vals)
    contributions = {c: round(100 * weights[c] * v / total, 2) for c, v in vals.items()}
    # each contribution is rounded, so their sum may overshoot 100 by a hundredth
    return contributions, min(100.0, round(sum(contributions.values()), 2))


def scorer(weights: Mapping[str, float]) -> Callable[[LinkFacts], float]:
    """`combine(values(facts), weights)[1]` with the weights bound: the same sums in the
    same order (so the same floats), without building the dicts or looking the weights
    up again: the fast ranking scores every group pair this way."""
    comps = [(c.value, 100 * weights[c.name]) for c in _REGISTRY.values()]
    total = sum(weights[c.name] for c in _REGISTRY.values())

    def rate(facts: LinkFacts) -> float:
        points = sum(round(hw * round(value(facts), 4) / total, 2) for value, hw in comps)
        return min(100.0, round(points, 2))

    return rate


def score(facts: LinkFacts, weights: Mapping[str, float]) -> float:
    """One link's score (see `scorer`)."""
    return scorer(weights)(facts)


# ---------------------------------------------------------------- weights


class WeightError(ValueError):
    """Weights that cannot be used. `name` is the offending weight, if any."""

    def __init__(self, message: str, name: str | None = None) -> None:
        super().__init__(message)
        self.name = name


def _check_value(name: str, value: object) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or value != value
        or not 0 <= value <= MAX_WEIGHT
    ):
        raise WeightError(f"weight {name!r} must be a number from 0 to 100, got {value!r}", name)
    return float(value)


def _check_name(name: str) -> None:
    if name not in _REGISTRY:
        from .errors import nearest

        by_label = {c.label: c.name for c in _REGISTRY.values()}
        close = [by_label[name]] if name in by_label else nearest(name, _REGISTRY)
        hint = f"did you mean {close[0]!r}? " if close else ""
        if name in by_label:  # `tie` from a table's header
            hint += f"({name!r} is its label in tables) "
        raise WeightError(
            f"unknown weight {name!r}; {hint}valid weights: {', '.join(_REGISTRY)}", name
        )


def resolve_weights(*layers: Mapping[str, object] | None) -> dict[str, float]:
    """Defaults, then each layer in turn (scenario, weights file, single weights).

    Unknown names, non-numbers, negatives and all-zero sets are refused."""
    out = default_weights()
    for layer in layers:
        for name, value in (layer or {}).items():
            _check_name(name)
            out[name] = _check_value(name, value)
    if not any(out.values()):
        raise WeightError("at least one weight must be above zero")
    return out


def parse_assignments(items: Iterable[str]) -> dict[str, float]:
    """`NAME=VALUE` strings as a dict of weights."""
    out: dict[str, float] = {}
    for item in items:
        name, sep, raw = item.partition("=")
        name = name.strip()
        if not sep:
            raise WeightError(f"expected NAME=VALUE, got {item!r}")
        _check_name(name)
        try:
            value = float(raw)
        except ValueError:
            raise WeightError(
                f"weight {name!r} must be a number from 0 to 100, got {raw!r}", name
            ) from None
        out[name] = _check_value(name, value)
    return out


def formula_table() -> str:
    """The README's component table, generated here so it cannot drift."""
    rows = ["| component | default weight | value |", "|---|---|---|"]
    rows += [
        f"| `{c.name}` | {c.default:g} | {c.meaning}{': ' + c.detail if c.detail else ''} |"
        for c in _REGISTRY.values()
    ]
    return "\n".join(rows) + "\n"

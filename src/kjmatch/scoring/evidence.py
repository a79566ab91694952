"""The dated facts behind `gap` and `security`: who else the buyer country has at a
stage, its import shares and third-country exposure, export controls.

Each function returns a value in [0, 1] and the reasons, in words, with sources.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TypeVar

from kjmatch.model import ImportShare, Strength, ThirdCountryShare
from kjmatch.weights import Direction

from .chain import Chain

COUNTRY_NAME = {"KR": "Korea", "JP": "Japan"}
CONTROL_VALUE = {"in_force": 0.6, "lifted": 0.3}  # third-country export controls at a stage
UNMATCHED_FACTOR = 0.5  # a stage-wide figure counts half for a supplier of other goods there
_STOP = {"and", "the", "for", "with", "from", "imports", "import", "material", "materials"}
_STOP |= {"products"}


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


@functools.lru_cache(maxsize=4096)
def _words(text: str) -> frozenset[str]:
    out = set()
    for raw in text.lower().replace("-", " ").replace("/", " ").split():
        w = raw.strip(".,;:()[]'\"")
        if len(w) >= 2 and w not in _STOP:
            out.add(w[:-1] if w.endswith("s") and len(w) > 3 else w)
    return frozenset(out)


ShareT = TypeVar("ShareT", ImportShare, ThirdCountryShare)


def latest(items: Iterable[ShareT]) -> list[ShareT]:
    """The most recent figure for each item (older ones are history, not current exposure)."""
    best: dict[tuple[str, str], ShareT] = {}
    for x in items:
        key = (getattr(x, "country", "JP"), x.item)
        if key not in best or (x.year, x.value) > (best[key].year, best[key].value):
            best[key] = x
    return list(best.values())


def concerns(item: str, s: Strength) -> bool:
    """Whether a stage-level fact about `item` concerns this supplier's goods (tags or note)."""
    return bool(_words(item) & _words(" ".join(s.tags) + " " + s.note))


def gap(
    chain: Chain, supplier_name: str, s: Strength, buyer_country: str, buyer_id: str
) -> tuple[float, list[str]]:
    """How far supplier strength `s` fills a gap in the buyer country's chain at its stage.

    Measured against the buyer country's best player other than the buyer itself."""
    stage = chain.stages[s.stage]
    buyer = COUNTRY_NAME[buyer_country]
    level, who = chain.best(buyer_country, s.stage, excluding=buyer_id)
    if level:
        value = max(0.0, min(1.0, (s.level - level) / 4))
        why = (
            f"{buyer}'s strongest at {stage.name.en} is {who} (level {level}); "
            f"{supplier_name} at level {s.level} "
            + (
                f"fills a gap of {s.level - level} level(s)."
                if s.level > level
                else "adds no capability gap."
            )
        )
    else:
        value = min(1.0, s.level / 4)
        why = (
            f"{buyer} has no other player at {stage.name.en} in the dataset; "
            f"{supplier_name} fills that gap."
        )
    reasons = [why]
    if buyer_country == "KR":
        shares = latest(stage.context.japan_import_share)
        if shares:
            scored = [
                (x.value * (1.0 if concerns(x.item, s) else UNMATCHED_FACTOR), x) for x in shares
            ]
            eff, top = max(scored, key=lambda t: (t[0], t[1].year))
            value = max(value, eff)
            own = concerns(top.item, s)
            reasons.append(
                f"Japan supplied {_pct(top.value)} of Korea's {top.item} imports in {top.year} "
                f"({top.source.label()})"
                + (
                    "."
                    if own
                    else f"; a stage-wide figure, counted at {UNMATCHED_FACTOR:g}× for {supplier_name}."
                )
            )
        else:
            reasons.append(
                f"No documented figure for Japan's share of Korea's imports at {stage.name.en}."
            )
    return value, reasons


def security(chain: Chain, s: Strength, direction: Direction) -> tuple[float, list[str]]:
    """How far a Japanese supplier cuts Korea's exposure to third countries at its stage."""
    stage = chain.stages[s.stage]
    if direction != "jp-to-kr":
        return 0.0, []
    ctx = stage.context
    capability = (s.level - 1) / 4
    exposure = 0.0
    reasons: list[str] = []
    for t in latest(ctx.third_country_import_share):
        own = concerns(t.item, s)
        exposure = max(exposure, t.value * (1.0 if own else UNMATCHED_FACTOR))
        reasons.append(
            f"Korea sourced {_pct(t.value)} of its {t.item} imports from {t.country} in {t.year} "
            f"({t.source.label()}); "
            + (
                "this supplier offers an alternative."
                if own
                else "a stage-wide figure, counted at half."
            )
        )
    japan_controls = any(
        c.imposed_by == "JP" and c.status == "in_force" for c in ctx.export_controls
    )
    for c in ctx.export_controls:
        status = c.status.replace("_", " ")
        if c.imposed_by not in ("KR", "JP") and japan_controls:
            reasons.append(
                f"{c.imposed_by} export controls on {c.item} ({c.year}) are matched by Japan's own "
                "controls at this stage, so a Japanese source does not escape them."
            )
        elif c.imposed_by in ("KR", "JP"):
            reasons.append(
                f"Risk: {c.imposed_by} export controls on {c.item} ({c.year}, {status})."
            )
        else:
            own = concerns(c.item, s)
            exposure = max(exposure, CONTROL_VALUE[c.status] * (1.0 if own else UNMATCHED_FACTOR))
            reasons.append(
                f"{c.imposed_by} export controls on {c.item} ({c.year}, {status}) "
                f"make a non-{c.imposed_by} source valuable."
            )
    if not reasons:
        reasons.append(
            f"No documented third-country dependence or export control at {stage.name.en}."
        )
    return capability * exposure, reasons

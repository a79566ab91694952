"""Why a ranking came out empty, and what request would not be.

The request is re-run with one filter relaxed at a time (the score floor, new
partners only, beyond the leaders, the directions); the first relaxation that finds pairs names the
filter to blame and the values that would work."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from math import floor
from typing import TYPE_CHECKING, Any

from kjmatch.model import Dataset
from kjmatch.weights import DIRECTIONS

from .ranking import Pairing

if TYPE_CHECKING:
    from .chain import Chain

# rerun(min_score=..., new_only=..., directions=..., beyond_leaders=...) → the pairings found
Rerun = Callable[..., list[Pairing]]


@dataclass(slots=True)
class Empty:
    reasons: list[str] = field(default_factory=list)
    # request fields and values that would give results: ("min_score", "92.27"),
    # ("new_only", "false"), ("beyond_leaders", "false"), ("direction", "kr-to-jp"),
    # ("sector", "semiconductors")
    tries: list[tuple[str, str]] = field(default_factory=list)


def why_empty(
    rerun: Rerun,
    *,
    where: str,
    min_score: float,
    new_only: bool,
    directions: Iterable[str],
    inactive: Mapping[str, list[str]],
    beyond_leaders: bool = False,
) -> Empty:
    """`where` names the scope in sentences ("Secondary batteries"); `inactive` maps each
    firm asked for that has no strengths in scope to the sectors it has strengths in."""
    why = Empty()
    for firm, sectors in inactive.items():
        if sectors:
            why.reasons.append(f"{firm} has strengths only in {', '.join(sectors)}")
            why.tries += [("sector", s) for s in sectors]
        else:
            why.reasons.append(f"{firm} has no strengths in the dataset")
    if why.reasons:
        return why
    dirs = tuple(d for d in DIRECTIONS if d in set(directions))
    if min_score > 0:
        found = rerun(
            min_score=0.0, new_only=new_only, directions=dirs, beyond_leaders=beyond_leaders
        )
        if found:
            best = max(p.score for p in found)
            why.reasons.append(
                f"no pair scores {min_score:g} or more; the best score available is {best:.2f}"
            )
            why.tries.append(("min_score", f"{floor(best * 100) / 100:.2f}"))
            return why
    # a filter that alone hid every pair: (it is on, its name, what each pair found is)
    for on, name, what in (
        (new_only, "new_only", ("it has", "each has", "a documented tie")),
        (beyond_leaders, "beyond_leaders", ("it is", "each is", "a pair of two sector leaders")),
    ):
        if not on:
            continue
        request = {"new_only": new_only, "beyond_leaders": beyond_leaders, name: False}
        found = rerun(min_score=min_score, directions=dirs, **request)
        if found:
            one, each, thing = what
            n = len(found)
            found_words = "1 pair found in" if n == 1 else f"{n} pairs found in"
            why.reasons.append(f"{found_words} {where}, but {one if n == 1 else each} {thing}")
            why.tries.append((name, "false"))
            return why
    if dirs != DIRECTIONS:
        found = rerun(
            min_score=min_score,
            new_only=new_only,
            directions=DIRECTIONS,
            beyond_leaders=beyond_leaders,
        )
        other = [
            d
            for d in DIRECTIONS
            if d not in dirs and any(link.direction == d for p in found for link in p.links)
        ]
        if other:
            why.reasons.append(
                f"no pairs in {where} in direction {', '.join(dirs)}; "
                f"there are pairs in {', '.join(other)}"
            )
            why.tries += [("direction", d) for d in other]
            return why
    why.reasons.append(f"no linked products between the chosen players in {where}")
    return why


def why_no_companies(
    ds: Dataset, *, sector: str | None, country: str | None, stage: str | None
) -> Empty:
    """Why `companies` with these filters lists nobody, and the values that would not."""
    why = Empty()
    firms = [p for p in ds.players.values() if country is None or p.country == country]
    who = f"{country} firm" if country else "firm"
    if stage is not None:
        sectors = [sector] if sector else sorted(ds.sectors)
        where = [s for s in sectors if ds.sectors[s].stage(stage)]
        scope = f" in {ds.sectors[where[0]].name.en}" if len(where) == 1 else ""
        here = sorted({s.stage for p in firms for s in p.strengths if s.sector in where} - {stage})
        text = f"no {who} has strengths at stage {stage}{scope}"
        if here:
            text += f"; {who}s{scope} are strong at {', '.join(here)}"
            why.tries += [("stage", s) for s in here]
        why.reasons.append(text)
        others = {p.country for p in ds.players.values() if p.country != country
                  for s in p.strengths if s.stage == stage and s.sector in where}  # fmt: skip
        why.tries += [("country", c) for c in sorted(others)]
        return why
    if sector is not None:
        active = sorted({s.sector for p in firms for s in p.strengths} - {sector})
        name = ds.sectors[sector].name.en
        if active:
            why.reasons.append(f"no {who} has strengths in {name}; {who}s have strengths in "
                               f"{', '.join(active)}")  # fmt: skip
            why.tries += [("sector", s) for s in active]
        else:
            why.reasons.append(f"no {who} has strengths in {name}, nor in any other sector")
        return why
    why.reasons.append(f"the dataset has no {who}s")
    return why


def why_no_dependence(
    rows: Callable[..., list[Any]],
    ds: Dataset,
    *,
    sector: str | None,
    importer: str | None,
    partner: str | None,
) -> Empty:
    """Why `dependence` with these filters finds no figure: `rows(sector=, importer=,
    partner=)` is rerun with one filter dropped at a time, and the values it then finds
    are the ones to try."""
    why = Empty()
    other = {"KR": "Japan", "JP": "Korea"}.get(importer or "", "each other")
    label = {"pair": other, "third": "third countries"}
    where = f" in {ds.sectors[sector].name.en}" if sector else ""
    whose = f"{importer}'s imports" if importer else "imports"
    frm = f" from {label.get(partner, partner)}" if partner else ""
    nothing = f"no figure for {whose}{frm}{where}"
    if sector and not rows(sector=sector, importer=None, partner=None):
        secs = sorted({d.sector.id for d in rows(sector=None, importer=importer, partner=partner)})
        why.reasons.append(f"{ds.sectors[sector].name.en} has no import figures at all")
        why.tries += [("sector", s) for s in secs]
        return why
    if partner and (found := rows(sector=sector, importer=importer, partner=None)):
        seen = sorted({d.share.partner for d in found})
        why.reasons.append(f"{nothing}; {whose}{where} on record come from {', '.join(seen)}")
        pair = [p for p in seen if p in ("KR", "JP")]
        why.tries += [("partner", "pair")] if pair else []
        why.tries += [("partner", "third")] if len(pair) < len(seen) else []
        return why
    if importer and (found := rows(sector=sector, importer=None, partner=partner)):
        seen = sorted({d.share.importer for d in found})
        why.reasons.append(f"{nothing}; the imports{frm}{where} on record are {', '.join(seen)}'s")
        why.tries += [("importer", c) for c in seen]
        return why
    why.reasons.append(nothing)
    why.tries += [
        ("sector", s)
        for s in sorted(
            {d.sector.id for d in rows(sector=None, importer=importer, partner=partner)}
        )
    ]
    return why


def why_unlinked(ds: Dataset, korea: str, japan: str, sectors: Iterable[str]) -> list[str]:
    """For two firms with no link in `sectors`: each of one firm's products that feeds
    the other's but that a rule keeps from supplying it (a product made for its maker's
    own use, one it may sell only at home, one sold only where it is made), and why."""
    from .chain import Chain

    out: list[str] = []
    kp, jp = ds.players[korea], ds.players[japan]
    for sid in sectors:
        chain = Chain(ds, ds.sectors[sid])
        mine = {
            p.id: sorted({x for s in p.strengths if s.sector == sid for x in s.products})
            for p in (kp, jp)
        }
        fed: dict[tuple[str, str], list[str]] = {}  # (supplier, its product) → buyer's
        whole: dict[tuple[str, str], list[str]] = {}  # two steps up of a whole-input taker
        for a in mine[kp.id]:
            for b in mine[jp.id]:
                if (b, a) in chain.hops:
                    fed.setdefault((japan, b), []).append(a)
                elif (a, b) in chain.hops:
                    fed.setdefault((korea, a), []).append(b)
                elif _through(chain, b, a):
                    whole.setdefault((japan, b), []).append(a)
                elif _through(chain, a, b):
                    whole.setdefault((korea, a), []).append(b)
        for (firm, sprod), bought in whole.items():
            sup, buy = (kp, jp) if firm == korea else (jp, kp)
            names = "; ".join(chain.products[b].name.en for b in bought)
            out.append(
                f"{chain.products[sprod].name.en} ({sup.name}) → {names} ({buy.name}): two "
                "steps apart, and the buyer's product takes its inputs whole (whole_inputs), "
                "not what they are made of"
            )
        for (firm, sprod), bought in fed.items():
            sup, buy = (kp, jp) if firm == korea else (jp, kp)
            if (sup.id, sprod) in chain.captive:
                rule = f"{sup.name} makes it only for its own use (captive)"
            elif (sup.id, sprod) in chain.closed:
                home = "Korea" if sup.country == "KR" else "Japan"
                rule = f"{sup.name} may sell it only in {home} (home_market)"
            elif sprod in chain.local:
                rule = "it is sold only where it is made (tradable: false)"
            else:
                continue
            names = "; ".join(chain.products[b].name.en for b in bought)
            out.append(
                f"{chain.products[sprod].name.en} ({sup.name}) → {names} ({buy.name}): {rule}"
            )
    return out


def _through(chain: Chain, up: str, down: str) -> bool:
    """Whether `up` feeds `down` two steps away, a step the whole-input rule cut."""
    return chain.products[down].whole_inputs and any(
        down in chain.feeds[mid] for mid in chain.feeds[up]
    )


def no_link(ds: Dataset, korea: str, japan: str, sector: str | None) -> str:
    """Why two firms have no link, for `explain` and `compare`: the words, then each
    supply relation a rule cut, one per line."""
    where = f"sector {sector}" if sector else "any shared sector"
    theirs = [{s.sector for s in ds.players[f].strengths} for f in (korea, japan)]
    sectors = [sector] if sector else sorted(theirs[0] & theirs[1])
    if not sectors:  # nothing to link: say where each is active instead
        return f"{korea} and {japan} share no sector ({korea}: " + (
            f"{', '.join(sorted(theirs[0])) or 'none'}; {japan}: "
            f"{', '.join(sorted(theirs[1])) or 'none'})"
        )
    cut = why_unlinked(ds, korea, japan, sectors)
    return f"{korea} and {japan} have no linked products in {where}" + "".join(
        f"\n  {line}" for line in cut
    )

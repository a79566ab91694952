"""How well does the ranking find real partnerships? The matcher against firm levels alone.

    python benchmarks/ranking_eval.py                 # table on stdout
    python benchmarks/ranking_eval.py --json out.json # and the figures as JSON

Labels: `benchmarks/labels/pairs.yaml`, sourced Korea–Japan pairs (positive: a real
supply, customer, JV, licence, equity or co-development relation; rival: same-product
competitors), chosen independently of the matcher. Weights are never tuned to them.

Three measurements per sector, each for the matcher (default weights) and for a
baseline that ranks the same linked pairs by the two firms' strength levels alone
(weights: strength = 1, all else 0):

- as-is: precision of each sector's top 10% and 15% (share of those pairs that are
  labelled positive) and recall (share of labelled positives inside the top 15%).
- blind: the same with every documented tie of a labelled pair removed first, so the
  matcher earns no `relationship` credit for the answer it is asked to find.
- backtest: every tie first reported in 2023 or later is removed, the rest ranked,
  and the held-out pairs (those ties and labelled positives first reported ≥ 2023;
  not reported talks without an agreement, which are no deal) located: share inside
  each sector's top 15%.
- leave one out: each positive in turn, ranked with only its own ties removed (blind
  removes every labelled pair's ties at once, and with them the peers' ties that the
  `peer` component reads); how many land in the top 15%.

Equal scores are not ordered by the ids they happen to have: a cut through a group of
equal scores counts each member of the group by the share of the group that fits.
Rival pairs inside each sector's top 10 are counted too (they should be none), and
`partners>rivals` is the share of (labelled partner, labelled rival) pairs that a ranking
orders right (0.5 is a coin toss): precision counts a rival ranked high no worse than
any unlabelled pair, this counts it against the ranking.

Each sector holds few labelled pairs, so a cut-off count moves a lot when one pair
crosses it. A paired comparison says whether a difference is more than that: every
wanted pair (blind and leave-one-out positives; backtest held-out pairs) gets its place in each ranking
as a percentile (0 = top, equal scores at their mid-rank), the table gives the mean
for the matcher and for levels alone, how many pairs each ranks higher, and a 90%
bootstrap interval (2,000 resamples of the pairs, seed 7) of the mean difference:
an interval above 0 is a margin for the matcher, one that spans 0 is not a margin.
The paired comparison is repeated without the pairs of two sector leaders (firms rated
5 at some product of the sector): the partnerships an analyst would not list from
memory, which are what the tool is for. It is repeated once more on new pairs only: a
pair whose documented tie the test left in place is already a known relation, not a
prediction, so it is taken out of the candidates (for both rankings), as link-prediction
studies score only pairs without an observed link. The matcher ranks known partners
high on purpose (the `relationship` component); counting them as misses would charge it
for that.

A last view leaves out the *rule-bound* pairs: cooperation between firms whose every link,
once the test hides their tie, is a rivalry (the same product with no cooperative tie, or
a supply link to a buyer that makes the input in-house at least as well: SK hynix ×
Kioxia, POSCO × Nippon Steel). The matcher's rules rank such pairs low on purpose (a
horizontal link needs a documented tie or a declared complement; plain rivals rank low),
so a hidden-tie test asks it for something its rules forbid. Which pairs are rule-bound
is read from the links' `fit` on the test's own data, never from a score or a rank. This
view is reported beside the full one, never instead of it.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import random
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

from kjmatch.loader import load_dataset
from kjmatch.model import Dataset
from kjmatch.scoring.ranking import match
from kjmatch.weights import FIT, names

HERE = Path(__file__).resolve().parent
LABELS = HERE / "labels" / "pairs.yaml"
# firm levels alone: every other component weighs nothing (whatever the registry holds)
BASELINE = {name: 1.0 if name == "strength" else 0.0 for name in names()}
Pair = tuple[str, str]


def load_labels(ds: Dataset) -> list[dict[str, Any]]:
    """Labelled pairs whose two firms are both in the dataset, in that sector."""
    raw = yaml.safe_load(LABELS.read_text(encoding="utf-8"))
    out = []
    for e in raw:
        k, j = ds.players.get(e["korea"]), ds.players.get(e["japan"])
        if k is None or j is None or e["sector"] not in ds.sectors:
            continue
        out.append(e)
    return out


def ranking(ds: Dataset, sector: str, weights: dict[str, float] | None) -> list[tuple[Pair, float]]:
    result = match(ds, sector, weights=weights, top=None)
    return [((p.korea.id, p.japan.id), p.score) for p in result.pairings]


def hits_in_top(ranked: list[tuple[Pair, float]], wanted: set[Pair], k: int) -> float:
    """How many `wanted` pairs the top k holds, counting a group of equal scores that the
    cut splits by the share of the group that fits."""
    got = 0.0
    taken = 0
    i = 0
    while i < len(ranked) and taken < k:
        j = i
        while j < len(ranked) and ranked[j][1] == ranked[i][1]:
            j += 1
        group = ranked[i:j]
        fits = min(len(group), k - taken)
        hits = sum(1 for pair, _ in group if pair in wanted)
        got += hits * fits / len(group)
        taken += fits
        i = j
    return got


def percentiles(ranked: list[tuple[Pair, float]], wanted: set[Pair]) -> dict[Pair, float]:
    """Each wanted pair's place as a share of the ranking (0 top, 1 bottom), equal
    scores at the mid-rank of their group."""
    out: dict[Pair, float] = {}
    n = len(ranked)
    i = 0
    while i < n:
        j = i
        while j < n and ranked[j][1] == ranked[i][1]:
            j += 1
        mid = (i + j - 1) / 2 / max(1, n - 1)
        for pair, _ in ranked[i:j]:
            if pair in wanted:
                out[pair] = mid
        i = j
    return out


def paired(matcher: dict[Pair, float], levels: dict[Pair, float]) -> dict[str, Any]:
    """Mean percentiles, wins and a bootstrap interval of levels − matcher (> 0: the
    matcher places the wanted pairs higher)."""
    pairs = sorted(matcher.keys() & levels.keys())
    if not pairs:
        return {"pairs": 0}
    diffs = [levels[p] - matcher[p] for p in pairs]
    rnd = random.Random(7)
    means = sorted(sum(rnd.choice(diffs) for _ in diffs) / len(diffs) for _ in range(2000))
    return {
        "pairs": len(pairs),
        "matcher_mean_pct": round(sum(matcher[p] for p in pairs) / len(pairs), 3),
        "levels_mean_pct": round(sum(levels[p] for p in pairs) / len(pairs), 3),
        "matcher_higher": sum(d > 0 for d in diffs),
        "levels_higher": sum(d < 0 for d in diffs),
        "difference": round(sum(diffs) / len(diffs), 3),
        "interval90": [round(means[99], 3), round(means[1899], 3)],
    }


def without_ties(ds: Dataset, drop: Iterable[Any]) -> Dataset:
    gone = {r.id for r in drop}
    kept = tuple(r for r in ds.relationships if r.id not in gone)
    return dataclasses.replace(ds, relationships=kept)


def held_out(
    ds: Dataset, sector: str, mine: list[dict[str, Any]]
) -> tuple[set[Pair], Dataset, set[Pair], Dataset]:
    """A sector's labelled positives and the data without their ties (blind), and the
    backtest's held-out pairs (ties and positives first reported ≥ 2023) and the data
    without the ties of 2023 or later."""
    positives = {(e["korea"], e["japan"]) for e in mine if e["label"] == "positive"}
    blind = without_ties(ds, (r for r in ds.relationships if (r.korea, r.japan) in positives))
    recent = [r for r in ds.relationships if r.year >= 2023]
    # reported talks with no agreement are hidden like any later tie but are no deal to
    # predict (Hyundai × Toyota's hydrogen talks: the labels hold the pair as rivals)
    held = {(r.korea, r.japan) for r in recent if sector in r.sectors and r.type != "talks"}
    held |= {
        (e["korea"], e["japan"])
        for e in mine
        if e["label"] == "positive" and e["first_reported"] >= 2023
    }
    return positives, blind, held, without_ties(ds, recent)


def one_out(
    ds: Dataset, sector: str, positives: set[Pair], weights: dict[str, float] | None
) -> list[tuple[Pair, list[tuple[Pair, float]]]]:
    """Leave one out: for each positive, the sector ranked with only that pair's ties
    removed. Everything else the data knows (the firms' other ties, their peers' ties)
    stays, as it would for an analyst asking about one new pair."""
    out = []
    for pair in sorted(positives):
        data = without_ties(ds, (r for r in ds.relationships if (r.korea, r.japan) == pair))
        out.append((pair, ranking(data, sector, weights)))
    return out


def leaders(ds: Dataset, sector: str) -> set[str]:
    """Firms at the top level (5) at some product of the sector: who an analyst names
    from memory."""
    return {
        p.id
        for p in ds.players.values()
        for st in p.strengths
        if st.sector == sector and 5 in st.products.values()
    }


def not_obvious(ranked: list[tuple[Pair, float]], top: set[str]) -> list[tuple[Pair, float]]:
    """The ranking without the pairs of two leaders (`leaders`): the partnerships an
    analyst would not list from memory, the ones the tool is for."""
    return [(pair, s) for pair, s in ranked if not (pair[0] in top and pair[1] in top)]


def rule_bound(ds: Dataset, sector: str) -> set[Pair]:
    """Pairs whose every link on this data is a rivalry (the rivals' `fit`): the matcher's
    rules rank them low whatever their hidden tie. A pair's links depend on its own ties
    and the firms' levels only, so hiding other pairs' ties does not change the set."""
    rival_fit = FIT[0]
    return {
        (p.korea.id, p.japan.id)
        for p in match(ds, sector, weights=None, top=None).pairings
        if all(link.components["fit"] <= rival_fit for link in p.links)
    }


def free_of(places: dict[Pair, float], bound: set[Pair]) -> dict[Pair, float]:
    return {pair: v for pair, v in places.items() if pair not in bound}


def tied_pairs(ds: Dataset) -> set[Pair]:
    """Pairs with a documented tie of any status in any sector: known relations (what
    `novelty` reads)."""
    return {(r.korea, r.japan) for r in ds.relationships}


def new_only(ranked: list[tuple[Pair, float]], known: set[Pair]) -> list[tuple[Pair, float]]:
    """The ranking without pairs whose tie is in the data it was ranked on: only new
    pairs are candidates for a prediction."""
    return [(pair, s) for pair, s in ranked if pair not in known]


TRADE = frozenset({"supply", "customer_order"})
FEW = 4  # a bootstrap over fewer pairs than this says nothing


def relation_kinds(ds: Dataset, sector: str, mine: list[dict[str, Any]]) -> dict[Pair, str]:
    """Each wanted pair's kind, from its labels and the sector's ties, never from a score:
    `trade` when any relation is a supply deal or an order, else `cooperation` (joint
    ventures, licences, R&D, consortia, joint procurement, equity, studies)."""
    kinds: dict[Pair, str] = {}
    found = [
        ((e["korea"], e["japan"]), e["relation"]) for e in mine if e["label"] == "positive"
    ] + [((r.korea, r.japan), r.type) for r in ds.relationships if sector in r.sectors]
    for pair, relation in found:
        if relation in TRADE or kinds.get(pair) == "trade":
            kinds[pair] = "trade"
        else:
            kinds[pair] = "cooperation"
    return kinds


def partners_above_rivals(
    ranked: list[tuple[Pair, float]], positives: set[Pair], rivals: set[Pair]
) -> float | None:
    """The share of (partner, rival) label pairs that the ranking orders right: a
    documented partner above a documented same-product competitor (equal places count
    half; a pair labelled both ways in the sector is left out of both sides)."""
    both = positives & rivals
    places = percentiles(ranked, (positives | rivals) - both)
    good = [v for k, v in places.items() if k in positives]
    bad = [v for k, v in places.items() if k in rivals]
    if not good or not bad:
        return None
    won = sum(1.0 if g < b else 0.5 if g == b else 0.0 for g in good for b in bad)
    return round(won / (len(good) * len(bad)), 3)


def measure(ds: Dataset, sector: str, positives: set[Pair], rivals: set[Pair]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, weights in (("matcher", None), ("levels_only", BASELINE)):
        ranked = ranking(ds, sector, weights)
        n = len(ranked)
        k10, k15 = max(1, math.ceil(0.10 * n)), max(1, math.ceil(0.15 * n))
        linked = {pair for pair, _ in ranked}
        found = positives & linked
        out[name] = {
            "pairs": n,
            "precision_top10pct": round(hits_in_top(ranked, positives, k10) / k10, 3),
            "precision_top15pct": round(hits_in_top(ranked, positives, k15) / k15, 3),
            "recall_top15pct": round(hits_in_top(ranked, found, k15) / len(found), 3)
            if found
            else None,
            "rivals_in_top10": round(hits_in_top(ranked, rivals, 10), 2),
            "partners_above_rivals": partners_above_rivals(ranked, positives, rivals),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args(argv)
    ds = load_dataset(None, use_cache=False)
    labels = load_labels(ds)
    report: dict[str, Any] = {"sectors": {}, "labels_used": len(labels)}
    for sector in sorted(ds.sectors):
        mine = [e for e in labels if e["sector"] == sector]
        rivals = {(e["korea"], e["japan"]) for e in mine if e["label"] == "rival"}
        positives, blind_ds, held, back_ds = held_out(ds, sector, mine)
        if not positives:
            continue
        backtest: dict[str, Any] = {"held_out": len(held)}
        loo: dict[str, Any] = {}
        modes = (
            "blind",
            "backtest",
            "leave one out",
            "blind, no two leaders",
            "backtest, no two leaders",
            "leave one out, no two leaders",
            "blind, new pairs only",
            "backtest, new pairs only",
            "leave one out, new pairs only",
            "blind, rule-bound out",
            "backtest, rule-bound out",
            "leave one out, rule-bound out",
        )
        places: dict[str, dict[str, dict[Pair, float]]] = {mode: {} for mode in modes}
        top = leaders(ds, sector)
        # hiding a pair's own tie is what the blind data does, so it also serves leave one out
        bound = {"blind": rule_bound(blind_ds, sector), "backtest": rule_bound(back_ds, sector)}
        known = {
            mode: tied_pairs(data)
            for mode, data in (("blind", blind_ds), ("backtest", back_ds), ("all", ds))
        }
        for name, weights in (("matcher", None), ("levels_only", BASELINE)):
            ranked = ranking(back_ds, sector, weights)
            k15 = max(1, math.ceil(0.15 * len(ranked)))
            linked = held & {pair for pair, _ in ranked}
            backtest[name] = {
                "held_out_linked": len(linked),
                "in_top15pct": round(hits_in_top(ranked, linked, k15), 2),
            }
            blind = ranking(blind_ds, sector, weights)
            places["backtest"][name] = percentiles(ranked, held)
            places["blind"][name] = percentiles(blind, positives)
            places["blind, no two leaders"][name] = percentiles(not_obvious(blind, top), positives)
            places["backtest, no two leaders"][name] = percentiles(not_obvious(ranked, top), held)
            places["blind, new pairs only"][name] = percentiles(
                new_only(blind, known["blind"]), positives
            )
            places["backtest, new pairs only"][name] = percentiles(
                new_only(ranked, known["backtest"]), held
            )
            alone = places["leave one out"][name] = {}
            obscure = places["leave one out, no two leaders"][name] = {}
            fresh = places["leave one out, new pairs only"][name] = {}
            for pair, one in one_out(ds, sector, positives, weights):
                alone.update(percentiles(one, {pair}))
                obscure.update(percentiles(not_obvious(one, top), {pair}))
                # only this pair's ties were removed: every other tie is still known
                fresh.update(percentiles(new_only(one, known["all"] - {pair}), {pair}))
            for mode, kind in (
                ("blind", "blind"),
                ("backtest", "backtest"),
                ("leave one out", "blind"),
            ):
                places[f"{mode}, rule-bound out"][name] = free_of(places[mode][name], bound[kind])
            loo[name] = {
                "linked": len(alone),
                "in_top15pct": sum(1 for place in alone.values() if place < 0.15),
            }
        kinds = relation_kinds(ds, sector, mine)
        by_relation = {
            kind: {
                mode: paired(
                    *(
                        {q: v for q, v in places[mode][name].items() if kinds.get(q) == kind}
                        for name in ("matcher", "levels_only")
                    )
                )
                for mode in ("blind", "backtest", "leave one out")
            }
            for kind in ("trade", "cooperation")
        }
        report["sectors"][sector] = {
            "positives": len(positives),
            "rivals": len(rivals),
            "as_is": measure(ds, sector, positives, rivals),
            "blind": measure(blind_ds, sector, positives, rivals),
            "backtest": backtest,
            "leave_one_out": loo,
            "paired": {mode: paired(p["matcher"], p["levels_only"]) for mode, p in places.items()},
            "paired_by_relation": by_relation,
        }
    _print(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


def _print(report: dict[str, Any]) -> None:
    w = sys.stdout.write
    w(f"labelled pairs used: {report['labels_used']} (both firms in the dataset)\n\n")
    _print_summary(w, report)
    w("precision in each sector's top 10% / 15% and recall in the top 15%, matcher | levels only\n")
    head = (
        f"{'sector':<15}{'mode':<7}{'P@10%':>14}{'P@15%':>14}{'R@15%':>14}{'rivals@10':>12}"
        f"{'partners>rivals':>16}\n"
    )
    w(head)
    for sector, s in report["sectors"].items():
        for mode in ("as_is", "blind"):
            m, b = s[mode]["matcher"], s[mode]["levels_only"]

            def cell(key: str, m: dict[str, Any] = m, b: dict[str, Any] = b) -> str:
                return f"{_f(m[key])} | {_f(b[key])}"

            w(
                f"{sector:<15}{mode:<7}{cell('precision_top10pct'):>14}"
                f"{cell('precision_top15pct'):>14}{cell('recall_top15pct'):>14}"
                f"{cell('rivals_in_top10'):>12}{cell('partners_above_rivals'):>16}\n"
            )
    _top15(
        w,
        report,
        "\nbacktest: ties first reported ≥ 2023 held out; held-out pairs in the top 15%\n",
        "held out (linked)",
        lambda s: (s["backtest"]["held_out"], s["backtest"], "held_out_linked"),
        ".1f",
    )
    _top15(
        w,
        report,
        "\nleave one out: each positive ranked with only its own ties removed;"
        " positives in the top 15% (place < 0.15)\n",
        "positives (linked)",
        lambda s: (s["positives"], s["leave_one_out"], "linked"),
        ".0f",
    )
    w(
        "\npaired: each wanted pair's place (percentile, 0 = top), matcher | levels only;"
        " pairs each ranks higher;\nmean difference (levels − matcher, > 0 favours the"
        " matcher) with its 90% bootstrap interval\n"
    )
    w(f"{'sector':<15}{'mode':<31}{'pairs':>6}{'mean place':>15}{'higher':>9}{'difference':>24}\n")
    for sector, s in report["sectors"].items():
        for mode, p in s["paired"].items():
            if not p["pairs"]:
                continue
            lo, hi = p["interval90"]
            verdict = "margin" if lo > 0 else "behind" if hi < 0 else "no margin"
            w(
                f"{sector:<15}{mode:<31}{p['pairs']:>6}"
                f"{p['matcher_mean_pct']:>8.2f} | {p['levels_mean_pct']:.2f}"
                f"{p['matcher_higher']:>5} | {p['levels_higher']:<3}"
                f"{p['difference']:>+7.2f} [{lo:+.2f}, {hi:+.2f}] {verdict}\n"
            )
    _print_by_relation(w, report)


SUMMARY_MODES = ("blind", "leave one out", "backtest")


def _print_summary(w: Callable[[str], object], report: dict[str, Any]) -> None:
    """The headline: each sector's paired difference in the three modes, with every
    wanted pair and with the rule-bound pairs out, and how many show a margin."""
    w(
        "summary: paired mean difference, levels − matcher (> 0 favours the matcher);"
        " * a margin (90% interval\nabove 0), ! behind (below 0); every wanted pair | the"
        " rule-bound pairs out (cooperation\nthat is a rivalry once its tie is hidden)\n"
    )
    cols = "".join(f"{m:>15}" for m in SUMMARY_MODES)
    w(f"{'sector':<15}{cols}   |{cols}\n")
    margins = {"": 0, ", rule-bound out": 0}
    tests = 0
    for sector, s in report["sectors"].items():
        halves = []
        for suffix in margins:
            cells = ""
            for mode in SUMMARY_MODES:
                p = s["paired"][mode + suffix]
                if not p["pairs"]:
                    cells += f"{'-':>15}"
                    continue
                lo, hi = p["interval90"]
                mark = "*" if lo > 0 else "!" if hi < 0 else " "
                margins[suffix] += lo > 0
                cells += f"{p['difference']:+.2f}{mark}".rjust(15)
            halves.append(cells)
        tests += len(SUMMARY_MODES)
        w(f"{sector:<15}{halves[0]}   |{halves[1]}\n")
    w(
        f"margins: {margins['']} of {tests} with every wanted pair,"
        f" {margins[', rule-bound out']} of {tests} with the rule-bound pairs out\n\n"
    )


def _print_by_relation(w: Callable[[str], object], report: dict[str, Any]) -> None:
    w(
        "\npaired, by the kind of relation: trade (supply deals and orders) and cooperation"
        " (joint ventures,\nlicences, R&D, consortia, joint procurement, equity); difference"
        " as above, with the pairs counted\n"
    )
    modes = ("blind", "backtest", "leave one out")
    w(f"{'sector':<15}{'relation':<13}" + "".join(f"{m:>27}" for m in modes) + "\n")
    for sector, s in report["sectors"].items():
        for kind, by_mode in s["paired_by_relation"].items():
            cells = []
            for mode in modes:
                p = by_mode[mode]
                if not p["pairs"]:
                    cells.append(f"{'-':>27}")
                    continue
                lo, hi = p["interval90"]
                mark = "·" if p["pairs"] < FEW else "*" if lo > 0 else "!" if hi < 0 else " "
                cells.append(
                    f"{p['pairs']:>4} {p['difference']:+.2f} [{lo:+.2f}, {hi:+.2f}]{mark}".rjust(27)
                )
            w(f"{sector:<15}{kind:<13}" + "".join(cells) + "\n")
    w(f"* a margin for the matcher, ! behind, · fewer than {FEW} pairs: too few to tell\n")


def _top15(
    w: Callable[[str], object],
    report: dict[str, Any],
    title: str,
    head: str,
    part: Callable[[dict[str, Any]], tuple[int, dict[str, Any], str]],
    fmt: str,
) -> None:
    """A per-sector table of wanted pairs in the top 15%, matcher | levels only, with
    the total: `part` gives a sector's wanted count, its figures and the linked key."""
    width = len(head) + 1
    w(title)
    w(f"{'sector':<15}{head:>{width}}{'matcher':>10}{'levels only':>13}\n")
    tot = {"m": 0.0, "b": 0.0, "n": 0}
    for sector, s in report["sectors"].items():
        count, figures, linked = part(s)
        n = figures["matcher"][linked]
        m, b = figures["matcher"]["in_top15pct"], figures["levels_only"]["in_top15pct"]
        tot["m"] += m
        tot["b"] += b
        tot["n"] += n
        w(f"{sector:<15}{count:>{width - 7}} ({n:>3}){m:>10{fmt}}{b:>13{fmt}}\n")
    w(f"{'all':<15}{'':>{width - 7}} ({tot['n']:>3}){tot['m']:>10{fmt}}{tot['b']:>13{fmt}}\n")


def _f(x: float | None) -> str:
    return "  - " if x is None else f"{x:.2f}"


if __name__ == "__main__":
    raise SystemExit(main())

"""Fit the matcher's default weights on half of the labelled pairs; report on the other half.

    python benchmarks/fit_weights.py [--json FILE]

The labelled pairs (benchmarks/labels/pairs.yaml) and the backtest's held-out ties are
split in two by a hash of (sector, Korean id, Japanese id): the *train* half chooses
the weights, the *test* half judges them. The objective, on train pairs only, is the
number of known partnerships that land in their sector's top 15%, summed over two
settings that hide the answer from the matcher:

- blind: the labelled pairs' own ties are removed from the data;
- backtest: every tie first reported in 2023 or later is removed.

Search: coordinate descent from the current defaults over a grid of weights per
component (novelty stays 0), three passes, a move only when it strictly improves the
train objective. Component values do not depend on weights, so each candidate only
re-weights the links scored once (as `--stability` does).

The report gives, on the test half, the defaults, the fitted weights and firm levels
alone, side by side.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ranking_eval import BASELINE, held_out, hits_in_top, load_labels

from kjmatch.loader import load_dataset
from kjmatch.scoring.ranking import Pairing, match
from kjmatch.weights import combine, default_weights, names

GRID = [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.35, 0.5]
Pair = tuple[str, str]


@dataclass
class Setting:
    sector: str
    mode: str  # blind or backtest
    pairings: list[Pairing]
    wanted: dict[str, set[Pair]]  # "train" / "test" → pairs that should rank high


def half(sector: str, pair: Pair) -> str:
    digest = hashlib.sha256(f"{sector}/{pair[0]}/{pair[1]}".encode()).digest()
    return "train" if digest[0] % 2 == 0 else "test"


def settings() -> list[Setting]:
    ds = load_dataset(None, use_cache=False)
    labels = load_labels(ds)
    out = []
    for sector in sorted(ds.sectors):
        mine = [e for e in labels if e["sector"] == sector]
        positives, blind, held, back = held_out(ds, sector, mine)
        if not positives:
            continue
        for mode, data, wanted in (("blind", blind, positives), ("backtest", back, held)):
            pairings = match(data, sector, top=None).ranked
            split = {
                name: {p for p in wanted if half(sector, p) == name} for name in ("train", "test")
            }
            out.append(Setting(sector, mode, pairings, split))
    return out


def rescore(p: Pairing, weights: Mapping[str, float]) -> float:
    """A pairing's score under other weights: its best link under those weights."""
    return max(combine(link.components, weights)[1] for link in p.links)


def hits(s: Setting, weights: Mapping[str, float], part: str) -> float:
    scored = sorted(
        (((p.korea.id, p.japan.id), rescore(p, weights)) for p in s.pairings),
        key=lambda t: -t[1],
    )
    k15 = max(1, math.ceil(0.15 * len(scored)))
    return hits_in_top(scored, s.wanted[part], k15)


def objective(all_: list[Setting], weights: Mapping[str, float], part: str) -> float:
    return sum(hits(s, weights, part) for s in all_)


def fit(all_: list[Setting]) -> dict[str, float]:
    w = default_weights()
    best = objective(all_, w, "train")
    for _ in range(3):
        moved = False
        for name in names():
            if name == "novelty":
                continue
            for value in GRID:
                trial = {**w, name: value}
                if not any(trial.values()):
                    continue
                score = objective(all_, trial, "train")
                if score > best + 1e-9:
                    best, w, moved = score, trial, True
        if not moved:
            break
    return w


def table(all_: list[Setting], weights: dict[str, dict[str, float]], part: str) -> list[str]:
    lines = [f"{'sector':<15}{'mode':<10}{'wanted':>7}" + "".join(f"{n:>12}" for n in weights)]
    totals = dict.fromkeys(weights, 0.0)
    for s in all_:
        row = f"{s.sector:<15}{s.mode:<10}{len(s.wanted[part]):>7}"
        for name, w in weights.items():
            h = hits(s, w, part)
            totals[name] += h
            row += f"{h:>12.1f}"
        lines.append(row)
    wanted = sum(len(s.wanted[part]) for s in all_)
    lines.append(f"{'all':<25}{wanted:>7}" + "".join(f"{totals[n]:>12.1f}" for n in weights))
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args(argv)
    all_ = settings()
    fitted = fit(all_)
    weights = {"defaults": default_weights(), "fitted": fitted, "levels_only": BASELINE}
    print("fitted weights: " + ", ".join(f"{k}={v:g}" for k, v in fitted.items()))
    for part in ("train", "test"):
        print(f"\n{part} half: known partnerships in their sector's top 15%")
        print("\n".join(table(all_, weights, part)))
    if args.json:
        report: dict[str, Any] = {
            "weights": weights,
            "train": {n: objective(all_, w, "train") for n, w in weights.items()},
            "test": {n: objective(all_, w, "test") for n, w in weights.items()},
        }
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

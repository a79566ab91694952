"""The weight fit (benchmarks/fit_weights.py) re-weights the links a ranking scored once."""

from __future__ import annotations

import sys
from pathlib import Path

from kjmatch.model import Dataset
from kjmatch.scoring.ranking import match
from kjmatch.weights import default_weights

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import fit_weights as fw


def test_rescoring_with_the_defaults_gives_the_rankings_own_scores(bundled: Dataset) -> None:
    ranked = match(bundled, "hydrogen", top=None).ranked
    assert ranked
    assert [fw.rescore(p, default_weights()) for p in ranked] == [p.score for p in ranked]
    wanted = {(p.korea.id, p.japan.id) for p in ranked[:3]}
    s = fw.Setting("hydrogen", "blind", ranked, {"train": wanted, "test": set()})
    assert fw.hits(s, default_weights(), "train") == 3  # all three in the top 15%
    levels = dict.fromkeys(default_weights(), 0.0) | {"strength": 1.0}
    assert fw.hits(s, levels, "test") == 0

"""A group-wide agreement filed once per signatory counts once: Hyundai Motor Group's
2024 CFRP agreement with Toray is recorded for Hyundai and for Kia; for Hyundai × Toray
it is the pair's own tie, never also a `peer` tie "with another maker" (QA round 2)."""

from __future__ import annotations

import pytest

from kjmatch.model import Dataset
from kjmatch.scoring.ranking import explain, match


@pytest.mark.parametrize("carmaker", ["hyundai-motor", "kia"])
def test_a_sister_companys_record_of_the_same_deal_is_not_peer_evidence(
    bundled: Dataset, carmaker: str
) -> None:
    (p,) = [
        q
        for q in explain(bundled, carmaker, "toray")
        if q.links[0].korea_strength.sector == "automobiles"
    ]
    link = p.best
    assert link.components["relationship"] > 0
    assert link.components["peer"] == 0
    assert not [e for e in link.evidence if e.component == "peer" and "cfrp" in e.text]


def test_the_fast_ranking_agrees_on_the_bundled_automobiles(bundled: Dataset) -> None:
    fast = match(bundled, "automobiles", top=40)
    full = match(bundled, "automobiles", top=None, exhaustive=True)
    assert [(p.korea.id, p.japan.id, p.score) for p in fast.pairings] == [
        (p.korea.id, p.japan.id, p.score) for p in full.pairings[:40]
    ]

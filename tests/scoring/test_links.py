"""A link is scored at once and explained when first read, the same either way."""

from __future__ import annotations

from typing import Any

import pytest

from kjmatch.model import Dataset
from kjmatch.scoring import links as links_mod
from kjmatch.scoring.chain import Chain
from kjmatch.scoring.links import pair_links
from kjmatch.scoring.ranking import match, ties_of
from kjmatch.weights import default_weights


def test_reasons_are_written_once_and_only_when_read(
    bundled: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = links_mod._explain

    def counted(*args: Any) -> Any:
        calls.append(args[1].id)
        return real(*args)

    monkeypatch.setattr(links_mod, "_explain", counted)
    chain = Chain(bundled, bundled.sectors["batteries"])
    rels = ties_of(bundled).get(("lg-energy-solution", "toyota"), ())
    found = pair_links(
        chain,
        bundled.players["lg-energy-solution"],
        bundled.players["toyota"],
        rels,
        default_weights(),
    )
    assert len(found) > 1 and not calls  # scored, not yet explained
    first = found[0].reasons
    assert first and found[0].evidence is found[0].evidence
    assert calls == ["lg-energy-solution"]  # one link explained, once
    assert found[0].score == max(link.score for link in found)


def test_lazy_and_eager_explanations_agree(bundled: Dataset) -> None:
    """Reading a link's reasons after the ranking gives what explaining it at once did."""
    ranked = match(bundled, "semiconductors", top=5).pairings
    late = [(p.best.reasons, p.best.evidence) for p in ranked]
    chain = Chain(bundled, bundled.sectors["semiconductors"])
    ties = ties_of(bundled)
    for p, (reasons, evidence) in zip(ranked, late, strict=True):
        fresh = pair_links(
            chain, p.korea, p.japan, ties.get((p.korea.id, p.japan.id), ()), default_weights()
        )
        assert fresh[0].reasons == reasons
        assert fresh[0].evidence == evidence
        assert fresh[0] == p.best


def test_possessive_after_a_final_s() -> None:
    from kjmatch.model import possessive

    assert possessive("Isuzu Motors") == "Isuzu Motors'"
    assert possessive("Toray") == "Toray's"


def test_reasons_use_the_plain_possessive_after_a_final_s(bundled: Dataset) -> None:
    from kjmatch.scoring.ranking import explain

    (p,) = explain(bundled, "lg-energy-solution", "isuzu", sector="batteries")
    text = " ".join(r for link in p.links for r in link.reasons)
    assert "Isuzu Motors' " in text and "Isuzu Motors's" not in text

"""The component registry: one declaration reaches scoring, output, scenarios and docs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kjmatch import weights
from kjmatch.cli import app
from kjmatch.weights import Component, LinkFacts, WeightError, registered

README = Path(__file__).resolve().parents[1] / "README.md"
runner = CliRunner()


def _zeal(f: LinkFacts) -> float:
    return 1.0 if f.direction == "jp-to-kr" else 0.0


ZEAL = Component("zeal", 0.5, "zl", "throwaway test component", _zeal, "1 for JP→KR links")


def run(*args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, list(args))
    return r.exit_code, r.stdout, r.stderr


def test_readme_formula_table_is_generated_from_the_registry() -> None:
    text = README.read_text(encoding="utf-8")
    found = re.search(r"<!-- components:start -->\n(.*?)<!-- components:end -->", text, re.S)
    assert found, "README lacks the generated components table"
    assert found.group(1) == weights.formula_table(), "regenerate it from weights.formula_table()"


def test_a_component_added_through_the_registry_alone_is_seen_everywhere(tiny: Path) -> None:
    with registered(ZEAL):
        assert "| `zeal` | 0.5 | throwaway test component: 1 for JP→KR links |" in (
            weights.formula_table()
        )
        code, out, err = run("match", "-s", "widgets", "--data-dir", str(tiny), "--json")
        assert code == 0, err
        doc = json.loads(out)
        assert doc["weights"]["zeal"] == 0.5
        first = doc["pairings"][0]
        assert first["components"]["zeal"] == (1.0 if first["direction"] == "jp-to-kr" else 0.0)
        assert sum(first["contributions"].values()) == pytest.approx(first["score"], abs=0.02)

        code, out, err = run("match", "-s", "widgets", "--data-dir", str(tiny), "-w", "zeal=2")
        assert code == 0, err
        assert "fit/str/gap/sec/tie/peer/zl" in out  # the table's header takes the short label

        code, out, err = run("explain", "kr-cellco", "jp-filmco", "--data-dir", str(tiny), "--json")
        assert code == 0, err
        link = json.loads(out)["sectors"][0]["links"][0]
        assert link["components"]["zeal"] == 1.0 and "zeal" in link["contributions"]

        code, out, err = run("scenarios", "--json")
        assert code == 0, err
        assert all(s["weights"]["zeal"] == 0.5 for s in json.loads(out)["scenarios"])
    # and it is gone afterwards
    assert "zeal" not in weights.names()
    code, out, err = run("match", "-s", "widgets", "--data-dir", str(tiny), "-w", "zeal=1")
    assert code == 2 and "unknown weight 'zeal'" in err and out == ""


def test_registry_refuses_a_name_twice() -> None:
    with pytest.raises(ValueError, match="already registered"):
        weights.register(Component("fit", 1.0, "f", "dup", lambda f: 0.0))


def test_weights_layers_and_errors() -> None:
    assert weights.resolve_weights() == weights.default_weights()
    assert weights.resolve_weights({"gap": 1}, {"gap": 2})["gap"] == 2.0
    with pytest.raises(WeightError, match="did you mean 'fit'"):
        weights.resolve_weights({"fitt": 1})
    with pytest.raises(WeightError, match="from 0 to 100"):
        weights.parse_assignments(["gap=abc"])
    with pytest.raises(WeightError, match="NAME=VALUE"):
        weights.parse_assignments(["gap"])
    with pytest.raises(WeightError, match="from 0 to 100"):
        weights.resolve_weights({"gap": True})


def test_combine_is_the_one_formula() -> None:
    contributions, score = weights.combine({"a": 1.0, "b": 0.5}, {"a": 1.0, "b": 1.0})
    assert contributions == {"a": 50.0, "b": 25.0} and score == 75.0


@settings(max_examples=300, deadline=None)
@given(
    direction=st.sampled_from(weights.DIRECTIONS),
    hops=st.integers(0, 2),
    levels=st.tuples(st.integers(1, 5), st.integers(1, 5)),
    values=st.tuples(*[st.floats(0, 1, allow_nan=False)] * 4),
    tied=st.booleans(),
    in_house=st.booleans(),
    w=st.lists(st.floats(0, 100, allow_nan=False), min_size=7, max_size=7).filter(
        lambda ws: sum(ws) > 0
    ),
)
def test_fast_score_equals_combine(
    direction: weights.Direction,
    hops: int,
    levels: tuple[int, int],
    values: tuple[float, float, float, float],
    tied: bool,
    in_house: bool,
    w: list[float],
) -> None:
    """The fast ranking's `score` adds the same rounded contributions as `combine`."""
    gap, security, tie, peer = values
    facts = LinkFacts(direction, hops, *levels, gap, security, tie, tied, peer, in_house)
    names = list(weights.values(facts))
    ws = dict(zip(names, w[: len(names)] + [1.0] * (len(names) - len(w)), strict=True))
    if sum(ws.values()) == 0:
        ws[names[0]] = 1.0
    assert weights.score(facts, ws) == weights.combine(weights.values(facts), ws)[1]

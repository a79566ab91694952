"""`explain`'s component table in a narrow terminal: headers abbreviated on purpose,
then one line per component; no component name or header is ever cut short
(round-2 audit, item 12h)."""

from __future__ import annotations

import pytest

from clirun import jrun, run
from kjmatch.weights import components

NAMES = [c.name for c in components()]


def _explain(monkeypatch: pytest.MonkeyPatch, width: int) -> list[str]:
    monkeypatch.setenv("COLUMNS", str(width))
    code, out, err = run("explain", "sk-hynix", "namics")
    assert code == 0 and err == ""
    assert "…" not in out  # nothing truncated anywhere
    return out.splitlines()


def _points(line: str) -> str:
    return line.split()[-1]


@pytest.mark.parametrize(("width", "head"), [(100, "contribution"), (40, "contrib.")])
def test_the_table_fits_with_whole_words(
    width: int, head: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = jrun("explain", "sk-hynix", "namics")
    link = doc["sectors"][0]["links"][0]
    lines = _explain(monkeypatch, width)
    at = next(i for i, line in enumerate(lines) if line.startswith("component "))
    header = lines[at].split()
    assert header == ["component", "┃", "value", "┃", "weight", "┃", head]
    rows = lines[at + 2 : at + 2 + len(NAMES)]
    assert [r.split()[0] for r in rows] == NAMES  # "relationship", never "relations…"
    assert [_points(r) for r in rows] == [f"{link['contributions'][n]:.2f}" for n in NAMES]
    assert _points(lines[at + 2 + len(NAMES)]) == f"{link['score']:.2f}"
    assert all(len(line) <= width for line in lines[at : at + 3 + len(NAMES)])


def test_narrower_still_each_component_is_a_line_of_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    doc = jrun("explain", "sk-hynix", "namics")
    link = doc["sectors"][0]["links"][0]
    lines = _explain(monkeypatch, 34)
    assert not any(line.startswith("component ") for line in lines)
    for name in NAMES:
        value = f"{link['components'][name]:.3f}"
        points = f"{link['contributions'][name]:.2f}"
        want = f"{name} {value} × {doc['weights'][name]:g} = {points}"
        assert want in lines
    assert f"total {link['score']:.2f}" in lines

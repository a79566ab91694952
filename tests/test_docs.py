"""The Markdown the project ships renders as written: every code fence closes, and a
fence line holds nothing but the fence and its language (text after a closing fence
turns the rest of the page into code)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# shipped docs only: not those in tool caches and environments (.pytest_cache, .venv)
DOCS = sorted(
    p
    for p in ROOT.glob("**/*.md")
    if not any(
        part.startswith(".") or part == "node_modules" for part in p.relative_to(ROOT).parts[:-1]
    )
)
FENCE = re.compile(r"^\s*```")
GOOD = re.compile(r"^\s*```[A-Za-z0-9_+-]*\s*$")


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_code_fences_close_and_hold_nothing_else(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    fences = [(i, line) for i, line in enumerate(lines, 1) if FENCE.match(line)]
    bad = [f"{path.name}:{i}: {line!r}" for i, line in fences if not GOOD.match(line)]
    assert not bad, bad
    assert len(fences) % 2 == 0, f"{path.name}: an unclosed code fence"


def test_the_docs_are_found() -> None:
    assert ROOT / "README.md" in DOCS and ROOT / "data" / "README.md" in DOCS

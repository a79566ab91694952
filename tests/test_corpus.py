"""Each file in tests/corpus/ breaks the tiny dataset in one way; its header gives the exact report."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import write_dataset
from kjmatch.cli import app

CORPUS = sorted((Path(__file__).parent / "corpus").glob("*.yaml"))


def _header(text: str) -> tuple[str, list[str]]:
    target = ""
    expect = []
    for line in text.splitlines():
        if line.startswith("# target: "):
            target = line.removeprefix("# target: ")
        elif line.startswith("# expect: "):
            expect.append(line.removeprefix("# expect: "))
    return target, expect


def test_corpus_is_not_empty() -> None:
    assert len(CORPUS) >= 15


@pytest.mark.parametrize("case", CORPUS, ids=lambda p: p.stem)
def test_bad_input_gets_exact_message(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = case.read_text(encoding="utf-8")
    target, expect = _header(text)
    assert target and expect, "corpus files need '# target:' and '# expect:' lines"
    write_dataset(tmp_path / "data")
    (tmp_path / "data" / target).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["validate", "--data-dir", "data"])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = [ln for ln in result.stderr.splitlines() if not ln.startswith("kjmatch: ")]
    assert lines == expect
    assert "Traceback" not in result.stderr

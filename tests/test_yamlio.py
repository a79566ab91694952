"""Safe YAML reading: encodings, line ends and hostile input."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kjmatch import yamlio
from kjmatch.yamlio import YamlProblem, parse, read_text


def test_bom_and_crlf_load_fine(tmp_path: Path) -> None:
    p = tmp_path / "x.yaml"
    p.write_bytes(b"\xef\xbb\xbfid: a\r\nname: \xed\x95\x9c\r\n")
    data, dups = parse(read_text(p, "x.yaml"), "x.yaml")
    assert data == {"id": "a", "name": "한"}
    assert dups == []


def test_non_utf8_is_located(tmp_path: Path) -> None:
    p = tmp_path / "x.yaml"
    p.write_bytes(b"id: a\nname: caf\xe9\n")
    with pytest.raises(YamlProblem) as exc:
        read_text(p, "x.yaml")
    [problem] = exc.value.problems
    assert str(problem) == "x.yaml:2:10: not valid UTF-8 (byte 0xe9); save the file as UTF-8"


def test_file_over_size_limit_is_refused_without_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yamlio, "MAX_FILE_BYTES", 1024)
    p = tmp_path / "big.yaml"
    p.write_text("a: " + "x" * 4096)
    with pytest.raises(YamlProblem) as exc:
        read_text(p, "big.yaml")
    assert "over the 0 MiB limit" in str(exc.value) or "limit" in str(exc.value)


def test_duplicate_keys_are_reported_with_both_lines() -> None:
    data, dups = parse("a: 1\nb: 2\na: 3\n", "f.yaml")
    assert data == {"a": 3, "b": 2}
    assert [str(d) for d in dups] == [
        "f.yaml:3:1: duplicate key 'a' (first defined on line 1); a later value would silently replace it"
    ]


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]")
    start = time.perf_counter()
    with pytest.raises(YamlProblem, match="expands to more than"):
        parse("\n".join(lines) + "\n", "bomb.yaml")
    assert time.perf_counter() - start < 5


def test_modest_aliases_are_allowed() -> None:
    data, _ = parse("s: &s {publisher: P, year: 2024}\nx: [*s, *s]\n", "ok.yaml")
    assert data["x"][0] == {"publisher": "P", "year": 2024}


def test_recursive_alias_is_refused() -> None:
    with pytest.raises(YamlProblem, match="recursive alias"):
        parse("a: &a [*a]\n", "loop.yaml")


@pytest.mark.parametrize(
    "text",
    [
        "[" * 5000 + "]" * 5000,
        "a:\n" + "".join(" " * (i + 1) + "- \n" for i in range(1500)),
        "- " * 200 + "x\n",
    ],
    ids=["flow", "block", "dashes"],
)
def test_deep_nesting_is_refused(text: str) -> None:
    with pytest.raises(YamlProblem, match="nesting"):
        parse(text, "deep.yaml")


def test_syntax_error_has_position() -> None:
    with pytest.raises(YamlProblem) as exc:
        parse("a: [1, 2\nb: 3\n", "s.yaml")
    assert str(exc.value.problems[0]).startswith("s.yaml:2:")

"""Safe YAML reading: encodings, line ends and hostile input."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

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


@pytest.mark.parametrize(
    "style",
    [
        '{"a":&a ["x","x","x","x","x","x","x","x","x","x"],',  # anchor right after a colon
        "{a: !!seq &a [x,x,x,x,x,x,x,x,x,x],",  # a tag before the anchor
        "{a:\n  &a\n  [x,x,x,x,x,x,x,x,x,x],",  # anchor alone on its line
    ],
    ids=["after-colon", "after-tag", "own-line"],
)
def test_alias_bomb_is_refused_whatever_the_style(style: str) -> None:
    text = style + "".join(
        f'"a{i}":&a{i} [' + ",".join([f"*{'a' if i == 1 else f'a{i - 1}'}"] * 10) + "],"
        for i in range(1, 9)
    )
    text += "z: *a8}\n"
    start = time.perf_counter()
    with pytest.raises(YamlProblem, match="expands to more than"):
        parse(text, "bomb.yaml")
    assert time.perf_counter() - start < 5


def test_anchor_without_alias_and_ampersand_in_text_load_fine() -> None:
    data, _ = parse('a: &x R&D\nb: "AT&T"\nc: *x\n', "ok.yaml")
    assert data == {"a": "R&D", "b": "AT&T", "c": "R&D"}


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("a: 1\nyear: " + "9" * 5000 + "\n", "f.yaml:2:7", "number has 5,000 digits"),
        ("a:\n  - 2024-02-30\n", "f.yaml:2:5", "cannot read `2024-02-30` as a date"),
        ("as_of: !!int abc\n", "f.yaml:1:8", "cannot read `abc` as 'int'"),
        ("a: !!timestamp soon\n", "f.yaml:1:4", "cannot read `soon` as a date"),
        ("a: !!bool maybe\n", "f.yaml:1:4", "cannot read `maybe` as 'bool'"),
        ("a: &x 1\nb: 2024-13-01\n", "f.yaml:2:4", "as a date"),  # the counting loader too
    ],
)
def test_hostile_scalars_are_located(text: str, where: str, message: str) -> None:
    with pytest.raises(YamlProblem) as exc:
        parse(text, "f.yaml")
    [problem] = exc.value.problems
    assert str(problem).startswith(where + ": ") and message in str(problem)


def test_long_numbers_in_json_are_located() -> None:
    from kjmatch.yamlio import parse_json

    with pytest.raises(YamlProblem) as exc:
        parse_json('{"a": 1,\n "b": -' + "7" * 5000 + "}", "f.json")
    assert str(exc.value.problems[0]).startswith("f.json:2:7: number has 5,000 digits")


def test_raw_control_character_is_located() -> None:
    with pytest.raises(YamlProblem) as exc:
        parse("id: a\nname: 한국\x07어\n", "c.yaml")
    assert str(exc.value.problems[0]).startswith(
        "c.yaml:2:9: invalid YAML: control character U+0007 is not allowed"
    )


@pytest.mark.parametrize("value", ["abc", "-3", "0", "1e3", ""])
def test_bad_size_limit_setting_is_a_usage_error(
    value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kjmatch.errors import RequestError

    p = tmp_path / "x.yaml"
    p.write_text("a: 1\n")
    monkeypatch.setenv("KJMATCH_MAX_FILE_MB", value)
    if value == "":
        assert read_text(p, "x.yaml") == "a: 1\n"  # unset or empty: the default
        return
    with pytest.raises(RequestError, match="KJMATCH_MAX_FILE_MB must be a whole number"):
        read_text(p, "x.yaml")


def test_size_limit_setting_is_read_when_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = tmp_path / "x.yaml"
    p.write_bytes(b"a: " + b"x" * (2 * 2**20) + b"\n")
    monkeypatch.setenv("KJMATCH_MAX_FILE_MB", "1")
    with pytest.raises(YamlProblem, match=r"file is 2 MiB, over the 1 MiB limit"):
        read_text(p, "x.yaml")


def test_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    import signal

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError("hung opening a FIFO")

    fifo = tmp_path / "zz.yaml"
    os.mkfifo(fifo)
    old = signal.signal(signal.SIGALRM, expire)
    signal.alarm(10)
    try:
        with pytest.raises(YamlProblem) as exc:
            read_text(fifo, "zz.yaml")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert str(exc.value.problems[0]) == (
        "zz.yaml: cannot read file: it is a FIFO (named pipe); only regular files are read"
    )


def test_device_is_refused_even_though_its_size_is_zero(tmp_path: Path) -> None:
    link = tmp_path / "w.yaml"
    link.symlink_to("/dev/zero")
    with pytest.raises(YamlProblem, match="it is a character device; only regular files"):
        read_text(link, "w.yaml")


@pytest.mark.parametrize("text", ["a: &x 1\nb: &x 2\n", "{a: &x 1, b: &x [*x]}\n"])
def test_duplicate_anchor_is_located(text: str) -> None:
    with pytest.raises(YamlProblem) as exc:
        parse(text, "f.yaml")
    assert str(exc.value.problems[0]) == (
        f"f.yaml:{text.count(chr(10), 0, text.rindex('&')) + 1}:"
        f"{text.rindex('&') - text.rfind(chr(10), 0, text.rindex('&'))}: "
        "invalid YAML: found duplicate anchor 'x' (first defined on line 1)"
    )


# ---- the fast path (yaml-rs) reads what PyYAML reads, or leaves the text to PyYAML

_TOKENS = [
    "a", "no", "No", "on", "OFF", "yes", "y", "true", "null", "~", "0", "7", "-3", "+1",
    "010", "0303", "0o17", "0x1F", "1_000", "1e5", "1.5e3", "1.5e+3", "2825.20", "0.75",
    ".5", ".inf", ".NaN", "1:30", "2024-01-01", "2024-01-01 10:00:00", "kr-000001",
    "'no'", '"010"', "<<", "=", "!!str 5", "!!binary aGk=", "&x 1", "*x", "? k", "[1]",
    "{k: v}", "R&D", "x # c", "a b", "-", "'", "\t1", "|", ">-", "%", "@x", "`x",
    "\"\\ud800\"", "\"\\x41\"", "1,000", "3M Co.", "a: b", "x\u2028y", "\ufeffk",
]  # fmt: skip


@st.composite
def _documents(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        key = draw(st.sampled_from(["k", "no", "1", "010", "a b", "<<", "'q'", *_TOKENS[:8]]))
        value = draw(st.sampled_from(_TOKENS))
        style = draw(st.sampled_from(["map", "seq", "flow-seq", "flow-map", "cont", "doc"]))
        if style == "map":
            lines.append(f"{key}: {value}")
        elif style == "seq":
            lines.append(f"{key}:\n  - {value}\n  - {draw(st.sampled_from(_TOKENS))}")
        elif style == "flow-seq":
            lines.append(f"{key}: [{value}, {draw(st.sampled_from(_TOKENS))}]")
        elif style == "flow-map":
            lines.append(f"{key}: {{x: {value}, {draw(st.sampled_from(_TOKENS))}: 1}}")
        elif style == "cont":
            lines.append(f"{key}: text\n  {value}")
        else:
            lines.append(draw(st.sampled_from(["---", "...", "--- x", "# c"])))
    return "\n".join(lines) + "\n"


def _pyyaml(text: str) -> Any:
    try:
        return ("ok", yaml.load(text, Loader=yamlio._Loader))
    except Exception:
        return ("error", None)


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b or (a != a and b != b))  # NaN


@settings(max_examples=400, deadline=None)
@given(_documents())
def test_fast_path_reads_what_pyyaml_reads(text: str) -> None:
    fast = yamlio._fast_parse(text)
    if fast is None:
        return  # PyYAML reads it
    kind, data = _pyyaml(text)
    assert kind == "ok", f"yaml-rs read a text PyYAML refuses: {text!r}"
    loader = yamlio._Loader(text)
    loader.duplicates = []
    try:
        loader.get_single_data()
    finally:
        loader.dispose()
    assert not loader.duplicates, text
    assert _same(fast[0], data), (text, fast[0], data)


def test_fast_path_takes_plain_registries_and_leaves_the_traps() -> None:
    pytest.importorskip("yaml_rs")
    plain = "players:\n  - {id: kr-000001, name: KR Firm 1, level: 3, hs: ['0303', '8486.20']}\n"
    assert yamlio._fast_parse(plain) == (yaml.safe_load(plain),)
    for trap in ("id: no", "hs: [0303]", "x: 1e5", "t: 1:30", "<<: {a: 1}", "a: &x 1\nb: *x",
                 "d: 2024-01-01", "a: 1\na: 2", "a: [1", "--- 1\n--- 2", "k: !!binary aGk="):  # fmt: skip
        assert yamlio._fast_parse(trap + "\n") is None, trap

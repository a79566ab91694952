"""Safe, bounded YAML reading with positions for error messages.

The fast path is `yaml.load` with the C loader when present (safe-load
semantics). Positions are only looked up, by composing the file again, when
something is wrong; a valid dataset never pays for them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer

from .errors import DataError, Problem
from .safeio import UnreadableError, read_data_file

MAX_FILE_BYTES: int | None = None  # None: KJMATCH_MAX_FILE_MB, or 64 MiB
MAX_NODES = 2_000_000  # after alias expansion; a billion-laughs file is stopped here
MAX_DEPTH = 64
MAX_INT_DIGITS = 100  # more digits than any dataset needs, and a float can still hold it

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DEEP_BLOCK = re.compile(rf"^(?: *- +){{{MAX_DEPTH}}}", re.MULTILINE)


class YamlProblem(DataError):
    """Located problems with one YAML or JSON file; a DataError, so that one that reaches
    the CLI (an event file, say) is an ordinary error, exit 1."""


def _at(file: str, node: yaml.Node, message: str, path: str = "") -> Problem:
    return _at_mark(file, node.start_mark, message, path)


def _at_mark(file: str, mark: Any, message: str, path: str = "") -> Problem:
    return Problem(file, mark.line + 1, mark.column + 1, path, message)


def _short(value: object) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:20] + "…" + text[-10:]


class _Loader(_BaseLoader):  # type: ignore[misc]
    """Safe loader that reports duplicate keys and values PyYAML cannot construct."""

    file = "<yaml>"

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
            # PyYAML's scalar constructors raise plain errors for `2024-02-30` or `!!int x`
            kind = str(node.tag).rpartition(":")[2] or "a value"
            what = "a date" if kind == "timestamp" else f"{kind!r}"
            why = f": {exc}" if isinstance(exc, ValueError) and len(str(exc)) < 80 else ""
            raise YamlProblem(
                [_at(self.file, node, f"cannot read `{_short(node.value)}` as {what}{why}")]
            ) from None

    def construct_long_int(self, node: yaml.ScalarNode) -> Any:
        digits = sum(c.isdigit() for c in str(node.value))
        if digits > MAX_INT_DIGITS:
            raise YamlProblem(
                [
                    _at(
                        self.file,
                        node,
                        f"number has {digits:,} digits; at most {MAX_INT_DIGITS} are allowed",
                    )
                ]
            )
        return self.construct_yaml_int(node)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Any:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key = (key_node.tag, key_node.value)
                if key in seen:
                    first = seen[key].start_mark.line + 1
                    self.duplicates.append(
                        _at(
                            self.file,
                            key_node,
                            f"duplicate key {key_node.value!r} (first defined on line {first}); a later value would silently replace it",
                        )
                    )
                else:
                    seen[key] = key_node
        return super().construct_mapping(node, deep=deep)


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_long_int)


class _CountingLoader(_Loader):
    """Composes in Python to count nodes as aliases would expand them, refusing early.

    Each anchored node's expanded size is recorded when it is complete and added
    again at every alias to it, so a billion-laughs document is stopped after a
    few thousand events, whatever its style (block, flow, JSON-like).
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        Composer.__init__(self)
        self.expanded = 0
        self.depth = 0
        self.sizes: dict[str, int] = {}

    get_single_node = Composer.get_single_node
    compose_document = Composer.compose_document
    compose_scalar_node = Composer.compose_scalar_node
    compose_sequence_node = Composer.compose_sequence_node
    compose_mapping_node = Composer.compose_mapping_node

    def compose_node(self, parent: yaml.Node | None, index: Any) -> Any:
        event = self.peek_event()
        anchor: Any = event.anchor
        if isinstance(event, yaml.AliasEvent):
            if anchor in self.anchors:
                size = self.sizes.get(anchor)
                if size is None:
                    raise YamlProblem(
                        [
                            _at_mark(
                                self.file,
                                event.start_mark,
                                "recursive alias: a node contains itself",
                            )
                        ]
                    )
                self._grow(size, event.start_mark)
            return Composer.compose_node(self, parent, index)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise YamlProblem(
                [_at_mark(self.file, event.start_mark, f"nesting deeper than {MAX_DEPTH} levels")]
            )
        start = self.expanded
        self._grow(1, event.start_mark)
        node = Composer.compose_node(self, parent, index)
        self.depth -= 1
        if anchor is not None:
            self.sizes[anchor] = self.expanded - start
        return node

    def _grow(self, n: int, mark: Any) -> None:
        self.expanded += n
        if self.expanded > MAX_NODES:
            raise YamlProblem(
                [
                    _at_mark(
                        self.file,
                        mark,
                        f"document expands to more than {MAX_NODES:,} nodes through aliases; refusing to load it",
                    )
                ]
            )


def read_bytes(path: Path, file: str) -> bytes:
    """Read a regular file whole, within the size limit; anything else is a located problem."""
    try:
        return read_data_file(path, file, MAX_FILE_BYTES)
    except UnreadableError as exc:
        raise YamlProblem([exc.problem]) from None


def decode(raw: bytes, file: str) -> str:
    """UTF-8 text (a BOM is fine); a bad byte is a located problem."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        bad = raw[exc.start : exc.start + 1].hex()
        raise YamlProblem(
            [
                Problem(
                    file, line, col, "", f"not valid UTF-8 (byte 0x{bad}); save the file as UTF-8"
                )
            ]
        ) from None


def read_text(path: Path, file: str) -> str:
    """Read a regular file as UTF-8 (a BOM is fine), refusing huge, special or non-UTF-8 files."""
    return decode(read_bytes(path, file), file)


def parse(text: str, file: str, *, fast: bool = True) -> tuple[Any, list[Problem]]:
    """Parse one YAML document with safe-load semantics (`fast=False`: PyYAML alone).

    Returns the data and any duplicate-key problems: those are reported, but the
    rest of the file is still checked (the later value wins, as in PyYAML).
    """
    if _DEEP_BLOCK.search(text):
        raise YamlProblem([Problem(file, 0, 0, "", f"nesting deeper than {MAX_DEPTH} levels")])
    quick = _fast_parse(text) if fast else None
    if quick is not None:
        return quick[0], []
    # Every anchor is written with a literal '&' (no escape makes one), and an alias
    # needs an anchor: a text without '&' cannot expand, so it keeps libyaml's fast
    # composer. Any other text is composed by the counting loader.
    loader = (_CountingLoader if "&" in text else _Loader)(text)
    loader.file = file
    loader.duplicates = []
    try:
        data = loader.get_single_data()
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as exc:
        raise YamlProblem([_syntax_problem(exc, file, text)]) from None
    except yaml.reader.ReaderError as exc:
        raise YamlProblem([_reader_problem(exc, file, text)]) from None
    except yaml.YAMLError as exc:
        raise YamlProblem([Problem(file, 0, 0, "", f"invalid YAML: {exc}")]) from None
    except RecursionError:
        raise YamlProblem([Problem(file, 0, 0, "", "nesting too deep to read")]) from None
    finally:
        loader.dispose()
    return data, list(loader.duplicates)


# ---------------------------------------------------------------- the fast path
#
# yaml-rs (Rust) reads YAML 10-20x faster than PyYAML's C loader, but follows YAML 1.2:
# `no` and `on` stay strings, `010` is ten, `1e5` is a number, `1:30` a string, and it has
# no merge keys. It is used only for a text in which none of that can arise; any other
# text, and any text it cannot read (syntax errors, duplicate keys, deep nesting), goes
# to PyYAML, which gives the same data and the located errors users know.
#
# Words and numbers the two read differently, kept only where a plain scalar starts
# and, for words, ends. Each pattern leads with the one character before the scalar (a
# blank, a line break or a flow indicator: never part of a scalar, so no match can
# swallow the next one's), which the regex engine scans for far faster than for the
# scalars themselves (the scans were most of a cold load):
_WORDS = re.compile(r"[ \t\n\[{,](?P<w>(?i:yes|no|on|off))(?=[ \t]*(?:[,\[\]{}#\r\n:]|\Z))")
_NUMBERS = re.compile(
    r"[ \t\n\[{,](?P<t>[-+]?(?:0[0-9_xXoObB]|[.0-9][0-9_]*(?:[_xXoObBeE]|:[0-9]|\.[0-9_]*[eE])"
    r"|[0-9]{4}-|[0-9]{51}|\.[a-zA-Z]))"
)
# and what PyYAML alone reads (merge keys, tags, anchors, complex keys, documents,
# YAML 1.1 line breaks) or refuses (tabs, control characters, surrogates, nesting
# past its limit: a line indented 64 spaces), the indicators counting only where a
# scalar could start. One pattern each: an alternation of them scans twice as slowly.
_SYNTAX = (
    re.compile(r"[!&*%@`?<=|>\\\t\ufeff\x85\u2028\u2029]"),
    re.compile("[^\x09\x0a\x0d\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"),
    re.compile(r"[\]}][ \t]*:"),
    re.compile(r"\r(?!\n)"),
    re.compile(r"\n(?:\.\.\.|---| {64})"),  # at a line's start: scanned with a "\n" before
)
_INDICATORS = frozenset("!&*%@`?<=|>")  # `|` and `>`: block scalars too
_SURROGATE = re.compile(r"\\[uU]0*[dD][89a-fA-F]")
_LEADING = re.compile(r"(?:[ \t]*(?:#[^\n]*)?\n)*(?:---[ \t]*\n)?")  # comments, a `---`
_ENDS = frozenset(",[]{}#\r\n")


def _fast_parse(text: str) -> tuple[Any] | None:
    """The data of a text that reads the same in YAML 1.1 and 1.2, via yaml-rs; None
    when PyYAML must read it (see above), or when yaml-rs is not installed."""
    lead = _LEADING.match(text)
    body = text[lead.end() if lead else 0 :]
    if not body.strip():
        return None
    lines = "\n" + body  # a line break before the first line; offsets one past the body's
    for pattern in _SYNTAX:
        for hit in pattern.finditer(lines):
            c, i = hit.group()[0], hit.start() - 1
            if c == "\n":  # a document marker or a line indented too deep
                return None
            if c == "\\":
                if _SURROGATE.match(body, i):
                    return None
            elif c not in _INDICATORS or i == 0 or body[i - 1] in " \t\n[]{},":
                return None
    for hit in _WORDS.finditer(lines):
        if _plain_start(body, hit.start("w") - 1):
            return None
    for hit in _NUMBERS.finditer(lines):
        if _plain_start(body, hit.start("t") - 1):
            return None
    try:
        import yaml_rs
    except ImportError:
        return None
    try:
        data = yaml_rs.loads(body, duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error)
    except Exception:  # the PyYAML path reads it, and locates whatever is wrong
        return None
    return (data,)


def _plain_start(text: str, i: int) -> bool:
    """Whether a plain scalar may start at `i` (erring towards yes): at a line's start,
    after a flow indicator, or after `: ` or `- ` (blanks between)."""
    j = i
    while j > 0 and text[j - 1] in " \t":
        j -= 1
    if j == 0 or text[j - 1] in "\n[{,":
        return True
    return j < i and text[j - 1] in ":-"


def _plain_end(text: str, i: int) -> bool:
    """Whether a plain scalar may end at `i` (erring towards yes)."""
    while i < len(text) and text[i] in " \t":
        i += 1
    return i >= len(text) or text[i] in _ENDS or text[i] == ":"


def _reader_problem(exc: yaml.reader.ReaderError, file: str, text: str) -> Problem:
    """A character YAML refuses outright, located by its first occurrence."""
    char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
    at = text.find(char)
    line = text.count("\n", 0, at) + 1 if at >= 0 else 0
    col = at - (text.rfind("\n", 0, at) + 1) + 1 if at >= 0 else 0
    return Problem(
        file,
        line,
        col,
        "",
        f"invalid YAML: control character U+{ord(char[:1] or '?'):04X} is not allowed; "
        "remove it (or write it as an escape in double quotes)",
    )


def _syntax_problem(exc: yaml.MarkedYAMLError, file: str, text: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    problem = (exc.problem or exc.context or "invalid YAML").strip()
    if problem == "second occurrence" and exc.context and exc.context_mark:
        first = exc.context.removesuffix("; first occurrence")
        problem = f"{first} (first defined on line {exc.context_mark.line + 1})"
    if "\t" in problem or "'\\t'" in problem or _tab_at(text, line):
        problem = "tab character used for indentation; YAML needs spaces"
    elif "exceeded maximum nesting depth" in problem:
        problem = "nesting too deep to read"
    return Problem(file, line, col, "", f"invalid YAML: {problem}")


def _tab_at(text: str, line: int) -> bool:
    """Whether the error line, or the one before it, starts with a tab."""
    lines = text.splitlines()
    near = lines[max(0, line - 2) : line]
    return any(x.startswith("\t") for x in near)


class _LongNumber(Exception):
    def __init__(self, digits: str) -> None:
        self.digits = digits


def parse_json(text: str, file: str) -> tuple[Any, list[Problem]]:
    """Parse a JSON data file (registry-sized data is often exported as JSON): the
    same layout, read far faster than YAML. Duplicate keys are reported as in YAML."""
    import json

    duplicates: list[Problem] = []

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            seen: set[str] = set()
            for k, _ in pairs:
                if k in seen:
                    duplicates.append(
                        Problem(
                            file,
                            0,
                            0,
                            "",
                            f"duplicate key {k!r}; a later value would silently replace it",
                        )
                    )
                seen.add(k)
        return obj

    def parse_int(digits: str) -> int:
        if len(digits.lstrip("-")) > MAX_INT_DIGITS:
            raise _LongNumber(digits)
        return int(digits)

    try:
        # the fast path: Python's int() refuses thousands of digits by itself, and shorter
        # long numbers fail the schema's bounds with a located error like any other
        try:
            data = json.loads(text, object_pairs_hook=pairs_hook)
        except ValueError as exc:
            if isinstance(exc, json.JSONDecodeError):
                raise
            duplicates.clear()  # parsed again, reported again
            data = json.loads(text, object_pairs_hook=pairs_hook, parse_int=parse_int)
    except _LongNumber as exc:
        # the decoder does not say where; the first run of these digits is the one
        at = re.search(rf"(?<![\d.]){re.escape(exc.digits)}(?![\d.eE])", text)
        pos = at.start() if at else -1
        line = text.count("\n", 0, pos) + 1 if at else 0
        col = pos - (text.rfind("\n", 0, pos) + 1) + 1 if at else 0
        n = len(exc.digits.lstrip("-"))
        raise YamlProblem(
            [
                Problem(
                    file,
                    line,
                    col,
                    "",
                    f"number has {n:,} digits; at most {MAX_INT_DIGITS} are allowed",
                )
            ]
        ) from None
    except json.JSONDecodeError as exc:
        raise YamlProblem(
            [Problem(file, exc.lineno, exc.colno, "", f"invalid JSON: {exc.msg}")]
        ) from None
    except RecursionError:
        raise YamlProblem([Problem(file, 0, 0, "", "nesting too deep to read")]) from None
    return data, duplicates

"""Safe, bounded YAML reading with positions for error messages.

The fast path is `yaml.load` with the C loader when present (safe-load
semantics). Positions are only looked up, by composing the file again, when
something is wrong; a valid dataset never pays for them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem

MAX_FILE_BYTES = int(os.environ.get("KJMATCH_MAX_FILE_MB", "64")) * 1024 * 1024
MAX_NODES = 2_000_000  # after alias expansion; a billion-laughs file is stopped here
MAX_DEPTH = 64

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ANCHOR = re.compile(r"(?:^|[\s\[{,])&[^\s\[\]{},]")
_DEEP_BLOCK = re.compile(rf"^(?: *- +){{{MAX_DEPTH}}}", re.MULTILINE)


class YamlProblem(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def _expanded_size(root: yaml.Node, file: str) -> None:
    """Count nodes as aliases would expand them, without expanding anything."""
    sizes: dict[int, int] = {}
    # iterative post-order walk; (node, depth, children_done)
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 0, False)]
    on_path: set[int] = set()
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            total = 1 + sum(sizes[id(c)] for c in _children(node))
            if total > MAX_NODES:
                raise YamlProblem(
                    [
                        _at(
                            file,
                            node,
                            f"document expands to more than {MAX_NODES:,} nodes through aliases; refusing to load it",
                        )
                    ]
                )
            sizes[key] = total
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise YamlProblem([_at(file, node, "recursive alias: a node contains itself")])
        if depth > MAX_DEPTH:
            raise YamlProblem([_at(file, node, f"nesting deeper than {MAX_DEPTH} levels")])
        on_path.add(key)
        stack.append((node, depth, True))
        for child in _children(node):
            if id(child) not in sizes:
                stack.append((child, depth + 1, False))


def _children(node: yaml.Node) -> Iterator[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        yield from node.value
    elif isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            yield k
            yield v


def _at(file: str, node: yaml.Node, message: str, path: str = "") -> Problem:
    mark = node.start_mark
    return Problem(file, mark.line + 1, mark.column + 1, path, message)


class _Loader(_BaseLoader):  # type: ignore[misc]
    """Safe loader that refuses alias bombs and reports duplicate keys."""

    file = "<yaml>"
    may_alias = True

    def construct_document(self, node: yaml.Node) -> Any:
        if self.may_alias:
            _expanded_size(node, self.file)
        return super().construct_document(node)

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


def read_text(path: Path, file: str) -> str:
    """Read a file as UTF-8 (a BOM is fine), refusing huge or non-UTF-8 files."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise YamlProblem(
                [
                    Problem(
                        file,
                        0,
                        0,
                        "",
                        f"file is {size / 2**20:.0f} MiB, over the {MAX_FILE_BYTES // 2**20} MiB limit (set KJMATCH_MAX_FILE_MB to raise it)",
                    )
                ]
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlProblem(
            [Problem(file, 0, 0, "", f"cannot read file: {exc.strerror or exc}")]
        ) from None
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


def parse(text: str, file: str) -> tuple[Any, list[Problem]]:
    """Parse one YAML document with safe-load semantics.

    Returns the data and any duplicate-key problems: those are reported, but the
    rest of the file is still checked (the later value wins, as in PyYAML).
    """
    if _DEEP_BLOCK.search(text):
        raise YamlProblem([Problem(file, 0, 0, "", f"nesting deeper than {MAX_DEPTH} levels")])
    loader = _Loader(text)
    loader.file = file
    loader.duplicates = []
    # only documents with an anchor can expand through aliases; skip the walk otherwise
    loader.may_alias = bool(_ANCHOR.search(text))
    try:
        data = loader.get_single_data()
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as exc:
        raise YamlProblem([_syntax_problem(exc, file, text)]) from None
    except yaml.YAMLError as exc:
        raise YamlProblem([Problem(file, 0, 0, "", f"invalid YAML: {exc}")]) from None
    except RecursionError:
        raise YamlProblem([Problem(file, 0, 0, "", "nesting too deep to read")]) from None
    finally:
        loader.dispose()
    return data, list(loader.duplicates)


def _syntax_problem(exc: yaml.MarkedYAMLError, file: str, text: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    problem = (exc.problem or exc.context or "invalid YAML").strip()
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

    try:
        data = json.loads(text, object_pairs_hook=pairs_hook)
    except json.JSONDecodeError as exc:
        raise YamlProblem(
            [Problem(file, exc.lineno, exc.colno, "", f"invalid JSON: {exc.msg}")]
        ) from None
    except RecursionError:
        raise YamlProblem([Problem(file, 0, 0, "", "nesting too deep to read")]) from None
    return data, duplicates

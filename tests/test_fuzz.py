"""Random valid datasets and random corruptions: the loader returns a dataset or raises DataError."""

from __future__ import annotations

import copy
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import PLAYERS, RELATIONSHIPS, SECTOR, write_dataset
from kjmatch.errors import DataError
from kjmatch.loader import load_dataset
from kjmatch.scoring.ranking import match

SETTINGS = settings(
    max_examples=int(__import__("os").environ.get("KJMATCH_FUZZ_EXAMPLES", "80")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
FILES = {
    "sectors/widgets.yaml": SECTOR,
    "players/all.yaml": PLAYERS,
    "relationships/all.yaml": RELATIONSHIPS,
}

junk = st.one_of(
    st.text(max_size=12),
    st.integers(-10, 10**6),
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.sampled_from(["no", "yes", "off", "0303", "8486.20", "kr-cellco", "widgets", "cells"]),
)


def _paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += _paths(v, (*prefix, i))
    return out


def _load(files: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as d:
        root = write_dataset(Path(d) / "data", files)
        try:
            ds = load_dataset(root, use_cache=False)
        except DataError as exc:
            assert exc.problems and all(str(p) for p in exc.problems)
            return
        for sid in ds.sectors:
            r = match(ds, sid, top=None)
            scores = [p.score for p in r.pairings]
            assert scores == sorted(scores, reverse=True) and all(0 <= s <= 100 for s in scores)


@SETTINGS
@given(st.data())
def test_structural_corruption(data: st.DataObject) -> None:
    files = copy.deepcopy(FILES)
    name = data.draw(st.sampled_from(sorted(files)))
    doc = files[name]
    path = data.draw(st.sampled_from(_paths(doc)[1:]))
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    action = data.draw(st.sampled_from(["replace", "delete", "add"]))
    if action == "replace":
        parent[path[-1]] = data.draw(junk)
    elif action == "delete":
        del parent[path[-1]]
    elif isinstance(parent, dict):
        parent[data.draw(st.text(max_size=6))] = data.draw(junk)
    else:
        parent.append(data.draw(junk))
    _load(files)


@SETTINGS
@given(st.data())
def test_textual_corruption(data: st.DataObject) -> None:
    files: dict[str, Any] = {
        k: yaml.safe_dump(v, allow_unicode=True, sort_keys=False) for k, v in FILES.items()
    }
    name = data.draw(st.sampled_from(sorted(files)))
    text = files[name]
    pos = data.draw(st.integers(0, len(text)))
    cut = data.draw(st.integers(0, 20))
    insert = data.draw(
        st.text(alphabet=st.sampled_from(list(":-[]{}&*!|>'\"#%@`\t\n ab0é\ufeff")), max_size=8)
    )
    files[name] = text[:pos] + insert + text[pos + cut :]
    if data.draw(st.booleans()):
        files[name] = files[name].encode("utf-8")[
            : data.draw(st.integers(0, len(files[name])))
        ] + data.draw(st.binary(max_size=4))
    _load(files)


@SETTINGS
@given(
    st.integers(1, 6),
    st.integers(1, 6),
    st.lists(st.tuples(st.integers(0, 4), st.integers(1, 5)), min_size=12, max_size=12),
)
def test_random_valid_datasets_load_and_match(
    n_kr: int, n_jp: int, picks: list[tuple[int, int]]
) -> None:
    from conftest import player, strength

    stages = ["ore", "film", "tools", "cells", "cars"]
    players = []
    for i in range(n_kr):
        s, lvl = picks[i]
        players.append(player(f"kr-{i}", "KR", strength(stages[s], lvl)))
    for i in range(n_jp):
        s, lvl = picks[6 + i]
        players.append(player(f"jp-{i}", "JP", strength(stages[s], lvl)))
    files = {"sectors/widgets.yaml": SECTOR, "players/all.yaml": {"players": players}}
    with tempfile.TemporaryDirectory() as d:
        ds = load_dataset(write_dataset(Path(d) / "data", files), use_cache=False)
        assert len(ds.players) == n_kr + n_jp
        r1 = match(ds, "widgets", top=None)
        r2 = match(ds, "widgets", top=None)
        assert [(p.korea.id, p.japan.id, p.score) for p in r1.pairings] == [
            (p.korea.id, p.japan.id, p.score) for p in r2.pairings
        ]


# ---------------------------------------------------------------- hostile corruption

HOSTILE_SETTINGS = settings(
    max_examples=int(__import__("os").environ.get("KJMATCH_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
HIDDEN = [chr(c) for c in (*range(0x20), 0x7F, 0x85, 0x9B)] + [
    *"\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e",
    *"\u2066\u2067\u2068\u2069\u2060\ufeff\u061c",
    "e\u0301",  # NFD
    "\u1100\u1161\u11a8",  # Hangul jamo: NFD of 각
]
ESCAPES = [' "\\x07"', ' "\\u202e"', ' "\\x1b[2J"', ' "\\U0001F600"', ' "a\\tb\\nc"', ' "\\_\\L"']
# a file-level problem has no line; every other problem must point into the file
FILE_LEVEL = ("nesting", "file is empty", "top level is")


def _bomb(flow: bool, depth: int, width: int) -> str:
    if not flow:
        lines = ["x0: &x0 [" + ",".join(["lol"] * width) + "]"]
        lines += [
            f"x{i}: &x{i} [" + ", ".join([f"*x{i - 1}"] * width) + "]" for i in range(1, depth)
        ]
        return "\n".join(lines) + "\n"
    parts = ['"x0":&x0 [' + ",".join(['"lol"'] * width) + "]"]
    parts += [f'"x{i}":&x{i} [' + ",".join([f"*x{i - 1}"] * width) + "]" for i in range(1, depth)]
    return "{" + ",".join(parts) + "}\n"


@st.composite
def hostile_text(draw: st.DrawFn, text: str) -> str:
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        action = draw(
            st.sampled_from(
                ["char", "escape", "anchor", "alias", "bomb", "int", "date", "delete", "dup"]
            )
        )
        i = draw(st.integers(0, max(len(lines) - 1, 0)))
        line = lines[i] if lines else ""
        if action == "char":
            pos = draw(st.integers(0, len(line)))
            lines[i : i + 1] = [line[:pos] + draw(st.sampled_from(HIDDEN)) + line[pos:]]
        elif action == "escape" and ":" in line:
            head = line.split(":", 1)[0]
            lines[i] = head + ":" + draw(st.sampled_from(ESCAPES)) + "\n"
        elif action == "anchor" and ":" in line:
            head, _, tail = line.partition(":")
            sep = draw(st.sampled_from(["", " ", "\n  "]))  # flow: right after the colon
            lines[i] = f"{head}:{sep}&a{draw(st.integers(0, 2))} {tail.lstrip()}"
        elif action == "alias" and ":" in line:
            head = line.split(":", 1)[0]
            lines[i] = f"{head}: *a{draw(st.integers(0, 2))}\n"
        elif action == "bomb":  # as extra top-level keys, in the file's own style
            flow = "".join(lines).lstrip().startswith("{")
            bomb = _bomb(flow, draw(st.integers(2, 9)), draw(st.integers(2, 9)))
            if flow:
                text = "".join(lines).replace("{", bomb.rstrip().rstrip("}") + ",", 1)
                lines = text.splitlines(keepends=True)
            else:
                lines.insert(0, bomb)
        elif action in ("int", "date"):
            value = (
                "9" * draw(st.sampled_from([20, 101, 400, 4301, 5000]))
                if action == "int"
                else draw(st.sampled_from(["2024-02-30", "2023-13-01", "2024-00-10", "1999-9-9"]))
            )
            lines[i] = re.sub(r"(?<=: )\S+$", value, line.rstrip("\n"), count=1) + "\n"
        elif action == "delete" and lines:
            del lines[i]
        elif action == "dup" and lines:
            lines.insert(i, line)
    return "".join(lines)


@HOSTILE_SETTINGS
@given(st.data())
def test_hostile_corruption_ends_in_located_problems_or_success(data: st.DataObject) -> None:
    flow = data.draw(st.booleans())
    files: dict[str, Any] = {
        k: yaml.safe_dump(v, allow_unicode=True, sort_keys=False, default_flow_style=flow)
        for k, v in FILES.items()
    }
    name = data.draw(st.sampled_from(sorted(files)))
    files[name] = data.draw(hostile_text(files[name]))
    with tempfile.TemporaryDirectory() as d:
        root = write_dataset(Path(d) / "data", files)
        try:
            load_dataset(root, use_cache=False)
        except DataError as exc:
            assert exc.problems
            for p in exc.problems:
                assert p.file.startswith(str(root)), p
                assert p.line > 0 or p.message.startswith(FILE_LEVEL), str(p)
                assert "\x1b" not in str(p) and "\u202e" not in str(p)


def test_a_key_over_two_lines_of_a_flow_mapping_is_located(tmp_path: Path) -> None:
    """yaml-rs reads a flow-mapping key that runs over a line break (YAML forbids it);
    PyYAML does not, and its located syntax error is what the user sees (found by the
    test above)."""
    files: dict[str, Any] = {
        k: yaml.safe_dump(v, allow_unicode=True, sort_keys=False) for k, v in FILES.items()
    }
    files["relationships/all.yaml"] = (
        "{relationships: [{id: cellco-filmco-supply, korea: kr-cellco, japan: jp-filmco,"
        " sectors: [\n        widgets], type: supply, year: 2023, status: active,"
        " summary: Film supply.,\u200b\n      sources: [{publisher: Test Publisher, year: 2024,"
        " url: 'https://example.org/a'}]}]}\n"
    )
    root = write_dataset(tmp_path / "data", files)
    try:
        load_dataset(root, use_cache=False)
    except DataError as exc:
        assert exc.problems and all(p.line > 0 for p in exc.problems), exc.problems
        assert any("relationships/all.yaml" in p.file and p.line == 3 for p in exc.problems)
    else:
        raise AssertionError("a key over two lines loaded")


# ---------------------------------------------------------------- hostile output

# what a terminal obeys, what rich reads as markup, what a spreadsheet runs, what
# Markdown turns into rows, headings, links or HTML
NASTY = [*HIDDEN, *"[]/=+-@|<>&`\\#*_", "[/]", "[link=http://evil]", "\x1b]8;;", "\r\n", "\n"]
# C0 (but newline), DEL, C1, bidi and zero-width characters: never raw in a table
RAW_CONTROL = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
nasty_text = st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=3)), max_size=8).map(
    "".join
)
cell = st.one_of(nasty_text, st.integers(-(10**6), 10**6), st.floats(-1e6, 1e6), st.none())


@HOSTILE_SETTINGS
@given(nasty_text, st.lists(st.lists(cell, min_size=3, max_size=3), max_size=4), nasty_text)
def test_rendered_output_never_carries_controls_formulas_or_forged_rows(
    title: str, rows: list[list[Any]], footer: str
) -> None:
    import csv
    import io

    from kjmatch.output.documents import Output
    from kjmatch.output.formats import Target, write

    out = Output(
        kind="fuzz",
        data={},
        records="",
        columns=["name", "value", "note"],
        rows=rows,
        title=title,
        footer=[footer],
        numeric=frozenset({"value"}),
    )
    table = io.StringIO()
    write(out, "table", table, Target(file=True))
    assert not RAW_CONTROL.search(table.getvalue().replace("\t", " ")), table.getvalue()

    md = io.StringIO()
    write(out, "markdown", md, Target(file=True))
    lines = md.getvalue().split("\n")
    from kjmatch.output.formats import _md

    noted = 2 if _md(footer).strip() else 0  # the footer: a blank line, then one line
    assert len(lines) == (2 if title else 0) + 2 + len(rows) + noted + 1  # one line each
    assert not RAW_CONTROL.search(md.getvalue().replace("\t", " "))
    assert "<" not in md.getvalue() and ">" not in md.getvalue()
    for line in lines[(2 if title else 0) + 2 : -1 - noted]:
        assert len(re.findall(r"(?<!\\)\|", line.replace("\\\\", ""))) == 4  # 3 cells, no more

    sheet = io.StringIO()
    write(out, "csv", sheet, Target(file=True))
    parsed = list(csv.reader(io.StringIO(sheet.getvalue().removeprefix("\ufeff"), newline="")))
    assert len(parsed) == 1 + len(rows)
    for row in parsed:
        for text in row:
            if text.startswith(("=", "+", "-", "@", "\t", "\r")):
                float(text)  # only a number may start so; anything else got a leading '

"""Output formats, by name: each writes an `Output` to a text stream.

`table` draws for people (rich, through the document's registered view);
the others are data formats and never touch rich. `-o FILE` picks a format
from the file's extension (see `for_path`)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from kjmatch.errors import printable
from kjmatch.records import Record

if TYPE_CHECKING:  # kept light: the CLI reads the format names at start-up
    from .documents import Output


class Target(Record):
    """Where output goes: a terminal (colour, its width), a pipe, or a file."""

    terminal: bool = False
    file: bool = False


class Format(Record):
    """An output format: its name, file extensions and writer."""

    name: str
    extensions: tuple[str, ...]
    write: Callable[[Output, IO[Any], Target], None]  # IO[bytes] when `binary`, else IO[str]
    help: str
    binary: bool = False  # written only to a file or a pipe, never to a terminal


FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    FORMATS[fmt.name] = fmt
    return fmt


def isatty(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError):
        return False


def for_path(path: Path) -> str | None:
    """The format a file's extension asks for, if any (`.csv`, `.json`, `.jsonl`, `.md`)."""
    suffix = path.suffix.lower()
    return next((f.name for f in FORMATS.values() if suffix in f.extensions), None)


def write(out: Output, fmt: str, stream: IO[Any], target: Target) -> None:
    """`stream` is binary for a binary format (`FORMATS[fmt].binary`), text otherwise."""
    FORMATS[fmt].write(out, stream, target)


# ---------------------------------------------------------------- the formats


def _json(out: Output, stream: IO[str], target: Target) -> None:
    """Indented for people and files; compact (and several times faster) for pipes."""
    pretty = target.terminal or target.file
    stream.write(json.dumps(out.data, ensure_ascii=False, indent=2 if pretty else None) + "\n")


def _jsonl(out: Output, stream: IO[str], target: Target) -> None:
    for record in out.data[out.records]:
        stream.write(json.dumps(record, ensure_ascii=False) + "\n")


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


# A spreadsheet runs a cell that starts with one of these as a formula
# (`=HYPERLINK(...)`, `@SUM(...)`, `-2+3`); OWASP's CSV-injection advice is a leading '.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def neutralised(value: Any, numeric: bool) -> str:
    """A cell as text, neutralised so a spreadsheet cannot read it as a formula;
    numbers (an int or float, or number text in a numeric column) stay numbers."""
    text = _cell(value)
    if not text.startswith(_FORMULA_START):
        return text
    if (isinstance(value, int | float) and not isinstance(value, bool)) or (
        numeric and _is_number(text)
    ):
        return text
    return "'" + text


def _csv(out: Output, stream: IO[str], target: Target) -> None:
    """CSV; into a file with a UTF-8 BOM, so that a spreadsheet opening it reads Korean
    and Japanese text as UTF-8, and into a pipe without (the next program wants clean
    keys). Text that a spreadsheet would run as a formula gets a leading ' (see
    `neutralised`)."""
    import csv

    if target.file:
        stream.write("\ufeff")
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow([neutralised(c, False) for c in out.columns])
    numeric = [c in out.numeric for c in out.columns]
    writer.writerows(
        [
            [neutralised(v, numeric[i] if i < len(numeric) else False) for i, v in enumerate(row)]
            for row in out.rows
        ]
    )


_MD_ESCAPES = str.maketrans(
    {
        "\\": "\\\\",
        "|": "\\|",
        "`": "\\`",
        "[": "\\[",
        "]": "\\]",
        "<": "&lt;",
        ">": "&gt;",
        "\n": " ",
        "\r": " ",
    }
)


def _md(value: Any) -> str:
    """Text for one Markdown line: no line breaks (a row or heading cannot be split or
    forged), no raw HTML or links, no table pipes, no terminal controls."""
    # `&` only where it would start an entity (`&lt;`, `&#60;`): "R&D" stays as written
    return printable(_ENTITY.sub("&amp;", _cell(value)).translate(_MD_ESCAPES))


_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# kjmatch's own code spans in a note (a command, an option): kept as code, not escaped
_OWN_CODE = re.compile(r"`((?:kjmatch |--)[^`\n]*)`")


def _md_note(note: str) -> str:
    """A footer note: its text escaped as data, the tool's own code spans kept as code
    (their text, without backticks, renders literally whatever it holds)."""
    parts = _OWN_CODE.split(note)  # text, code, text, code, ..., text
    return "".join(f"`{printable(code)}`" if n % 2 else _md(code) for n, code in enumerate(parts))


def _markdown(out: Output, stream: IO[str], target: Target) -> None:
    from .markdown import WRITERS  # documents with more to say than one table

    writer = WRITERS.get(out.kind)
    if writer is not None:
        stream.write("\n".join(writer(dict(out.data), _md)).rstrip("\n") + "\n")
        return
    lines = [f"## {_md(out.title)}", ""] if out.title else []
    lines.append("| " + " | ".join(_md(c) for c in out.columns) + " |")
    lines.append("|" + "|".join("---" for _ in out.columns) + "|")
    rows = out.rows if out.shown is None else out.shown
    lines += ["| " + " | ".join(_md(v) for v in row) + " |" for row in rows]
    notes = [_md_note(note) for note in out.footer]  # what shaped the table, as under a table
    lines += [part for note in notes if note.strip() for part in ("", note)]
    stream.write("\n".join(lines) + "\n")


def _safe(value: Any) -> Any:
    """A document with every string made safe for a terminal (line breaks and tabs kept)."""
    if isinstance(value, str):
        return printable(value, keep="\n\t")
    if isinstance(value, Mapping):
        return {k: _safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_safe(v) for v in value]
    return value


def _table(out: Output, stream: IO[str], target: Target) -> None:
    """The document's view if it has one, else its flat table; then the footer. A ranked
    or flat table is drawn without importing rich (`plain.py`) wherever it comes out
    the same."""
    from . import plain

    # data may hold what a terminal obeys (ESC, bidi controls): drawn escaped, never raw
    out = replace(
        out,
        data=_safe(out.data),
        rows=_safe(out.rows if out.shown is None else out.shown),
        title=_safe(out.title),
        footer=_safe(out.footer),
        columns=_safe(out.columns),
    )
    where = plain.surface(stream, to_file=target.file)
    if where is not None:
        text = plain.document(out, where)
        if text is not None:
            stream.write(text)
            return
    from . import console as cons
    from .views import VIEWS

    con = (
        cons.console(stream, width=plain.FILE_WIDTH, color=False)
        if target.file
        else cons.console(stream)
    )
    draw = VIEWS.get(out.kind)
    if draw is not None:
        draw(con, dict(out.data))
    else:
        cons.print_table(out, con)
    cons.print_footer(out, con)


register(
    Format(name="table", extensions=(".txt",), write=_table, help="a table or picture for people")
)
register(Format(name="json", extensions=(".json",), write=_json, help="one JSON document"))
register(
    Format(
        name="jsonl",
        extensions=(".jsonl", ".ndjson"),
        write=_jsonl,
        help="one JSON record per line",
    )
)
register(Format(name="csv", extensions=(".csv",), write=_csv, help="CSV with a header row"))
register(
    Format(
        name="markdown", extensions=(".md", ".markdown"), write=_markdown, help="a Markdown table"
    )
)


def _xlsx(out: Output, stream: IO[bytes], target: Target) -> None:
    from .xlsx import write_xlsx

    write_xlsx(out, stream)


register(
    Format(
        name="xlsx",
        extensions=(".xlsx",),
        write=_xlsx,
        help="an Excel workbook (needs openpyxl)",
        binary=True,
    )
)

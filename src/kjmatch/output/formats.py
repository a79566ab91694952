"""Output formats, by name: each writes an `Output` to a text stream.

`table` draws for people (rich, through the document's registered view);
the others are data formats and never touch rich. `-o FILE` picks a format
from the file's extension (see `for_path`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:  # kept light: the CLI reads the format names at start-up
    from .documents import Output


@dataclass(frozen=True, slots=True)
class Target:
    """Where output goes: a terminal (colour, its width), a pipe, or a file."""

    terminal: bool = False
    file: bool = False


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    extensions: tuple[str, ...]
    write: Callable[[Output, IO[str], Target], None]
    help: str


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


def write(out: Output, fmt: str, stream: IO[str], target: Target) -> None:
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


def _csv(out: Output, stream: IO[str], target: Target) -> None:
    """CSV with a UTF-8 BOM so spreadsheets read Korean and Japanese text correctly."""
    import csv

    stream.write("\ufeff")
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(out.columns)
    writer.writerows([[_cell(v) for v in row] for row in out.rows])


def _md(value: Any) -> str:
    return _cell(value).replace("|", "\\|").replace("\n", " ")


def _markdown(out: Output, stream: IO[str], target: Target) -> None:
    lines = [f"## {out.title}", ""] if out.title else []
    lines.append("| " + " | ".join(_md(c) for c in out.columns) + " |")
    lines.append("|" + "|".join("---" for _ in out.columns) + "|")
    lines += ["| " + " | ".join(_md(v) for v in row) + " |" for row in out.rows]
    stream.write("\n".join(lines) + "\n")


def _table(out: Output, stream: IO[str], target: Target) -> None:
    """The document's view if it has one, else its flat table; then the footer."""
    from . import console as cons
    from .views import VIEWS

    con = (
        cons.console(stream, width=cons.FILE_WIDTH, color=False)
        if target.file
        else cons.console(stream)
    )
    draw = VIEWS.get(out.kind)
    if draw is not None:
        draw(con, dict(out.data))
    else:
        con.print(cons.table(out))
    cons.print_footer(out, con)


register(Format("table", (".txt",), _table, "a table or picture for people"))
register(Format("json", (".json",), _json, "one JSON document"))
register(Format("jsonl", (".jsonl", ".ndjson"), _jsonl, "one JSON record per line"))
register(Format("csv", (".csv",), _csv, "CSV with a header row"))
register(Format("markdown", (".md", ".markdown"), _markdown, "a Markdown table"))

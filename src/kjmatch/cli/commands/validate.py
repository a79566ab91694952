"""`kjmatch validate`."""

from __future__ import annotations

from typing import Annotated

import typer

from kjmatch.cli.application import app, err
from kjmatch.cli.options import (
    DataDirOpt,
    ForceOpt,
    FormatOpt,
    JsonOpt,
    OutputOpt,
    choose_format,
    emit,
)
from kjmatch.errors import DataError, KjmatchError


class StrictWarnings(KjmatchError):
    """Warnings count as errors (--strict)."""


@app.command()
def validate(
    data_dir: DataDirOpt = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail (exit 1) on warnings too.")
    ] = False,
    max_age: Annotated[
        int,
        typer.Option(
            "--max-age", min=0, help="Warn when a strength's as_of is more than N years old."
        ),
    ] = 6,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Check a dataset and summarise it: counts, stale facts, unsourced addresses.

    Errors exit 1; warnings exit 1 only with --strict (the bundled data has two
    documented warnings, so --strict is for your own data once those are settled). In a
    data format the report (or the list of problems) goes to stdout or --output as well.

    \b
    Examples:
      kjmatch validate
      kjmatch validate --data-dir my-data --format json
    """
    import datetime

    from kjmatch.loader import load_dataset, resolve_data_dir
    from kjmatch.output.documents import validate_output
    from kjmatch.report import summarize

    chosen = choose_format(fmt, as_json, output)
    root = str(resolve_data_dir(data_dir))
    try:
        ds = load_dataset(data_dir, use_cache=False)
    except DataError as exc:
        if chosen != "table":
            out = validate_output(root, None, exc.problems)
            emit(out, chosen, output, force, data_dir=data_dir)
        raise
    summary = summarize(ds, current_year=datetime.date.today().year, max_age=max_age)
    emit(validate_output(root, summary), chosen, output, force, data_dir=data_dir)
    if summary.warnings:
        by_kind: dict[str, list[str]] = {}
        for w in summary.warnings:
            by_kind.setdefault(w.kind, []).append(f"{w.where}: {w.message}")
        for kind, items in sorted(by_kind.items()):
            err(f"warning: {len(items)} × {kind}")
            for item in items[:5]:
                err(f"  {item}")
            if len(items) > 5:
                err(f"  … and {len(items) - 5} more (see --format json)")
        if strict:
            raise StrictWarnings("warnings are errors with --strict")

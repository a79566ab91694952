"""`kjmatch trade import` and `kjmatch trade show`: official trade statistics as evidence."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from kjmatch.cli.application import BoundaryGroup, app, err
from kjmatch.cli.options import (
    CommandIO,
    DataDirOpt,
    FormatOpt,
    JsonOpt,
    NoCacheOpt,
    choose_format,
    emit,
    load,
    progress_bar,
    with_io,
)

trade_app = typer.Typer(
    cls=BoundaryGroup,  # its commands' usage lines and metavars as every other command's
    help="Official trade statistics (CEPII BACI, UN Comtrade) as dated, sourced evidence.",
    no_args_is_help=True,
)
app.add_typer(trade_app, name="trade")


class Engine(str, Enum):
    auto = "auto"
    duckdb = "duckdb"
    python = "python"


@trade_app.command("import")
def trade_import(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILES...",
            help="BACI_HS??_Y????_V*.csv (with its country_codes_V*.csv) or UN Comtrade CSV exports.",
            show_default=False,
        ),
    ],
    folder: Annotated[
        Path,
        typer.Option(
            "--output", "-o", metavar="DIR", help="Evidence folder to write (created if new)."
        ),
    ],
    file_revision: Annotated[
        str | None,
        typer.Option(
            "--file-revision",
            metavar="HSnn",
            help="HS revision of the files when their names do not say (HS17, HS22...).",
        ),
    ] = None,
    dataset_revision: Annotated[
        str,
        typer.Option(
            "--dataset-revision", metavar="HSnn", help="HS revision of the dataset's product codes."
        ),
    ] = "HS22",
    concordance: Annotated[
        Path | None,
        typer.Option(
            "--concordance",
            metavar="FILE",
            help="CSV of two columns (file's HS6, dataset revision's HS6) when the revisions differ.",
        ),
    ] = None,
    engine: Annotated[
        Engine,
        typer.Option(
            "--engine", case_sensitive=False, help="duckdb (the trade extra), python, or auto."
        ),
    ] = Engine.auto,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an earlier import in DIR.")
    ] = False,
    data_dir: DataDirOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    no_cache: NoCacheOpt = False,
) -> None:
    """Compute import shares, RCA and Michaely complementarity at the dataset's products.

    For every HS code a product names (and each product's and sector's codes): Korea's
    and Japan's imports by partner and year, the other country's share, the largest
    third countries, the trend; Balassa RCA of both countries' exports; the Michaely
    index both ways per sector. Writes DIR/trade-facts.json (import shares in the
    dataset format, with the file and its SHA-256 as source) and DIR/figures/trade.json.

    \b
    Examples:
      kjmatch trade import BACI_HS22_Y2022_V202401.csv country_codes_V202401.csv -o evidence
      kjmatch match --sector batteries --evidence evidence
      kjmatch trade show 3920.20 --evidence evidence
    """
    from kjmatch.output.trade import import_output
    from kjmatch.trade.facts import import_files, write

    chosen = choose_format(fmt, as_json, None)
    ds = load(data_dir, no_cache)
    with progress_bar() as progress:
        result = import_files(
            ds,
            files,
            dataset_revision=dataset_revision,
            file_revision=file_revision,
            concordance=concordance,
            progress=progress,
            engine=engine.value,
        )
    written = write(result, folder, force)
    from kjmatch.trade.facts import load_figures

    emit(import_output(result, folder, written, load_figures([folder])[0]), chosen)
    for warning in result.warnings:  # stderr only: stdout carries data
        err(f"kjmatch: note: {warning}")
    err(
        f"kjmatch: wrote {written[0]} and {written[1]}; next: "
        f"kjmatch match --sector batteries --evidence {folder}"
    )


@trade_app.command("show")
@with_io
def trade_show(
    query: Annotated[
        str,
        typer.Argument(metavar="HS|PRODUCT", help="An HS code, a product id or a sector id."),
    ],
    *,
    io: CommandIO,
) -> None:
    """The trade figures behind one HS code, product or sector, by year, both directions.

    \b
    Examples:
      kjmatch trade show 3920.20 --evidence evidence
      kjmatch trade show pouch-film --evidence evidence --format json
    """
    from kjmatch.errors import RequestError
    from kjmatch.output.trade import find, show_output
    from kjmatch.trade.facts import load_figures

    if not io.evidence:
        raise RequestError("give --evidence DIR (a folder from `kjmatch trade import`)", "evidence")
    io.emit(show_output(query, find(load_figures(io.evidence), query)))

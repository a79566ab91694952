"""`kjmatch import`: a spreadsheet of firms into a dataset folder."""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Annotated

import typer

from kjmatch.cli.application import app, err
from kjmatch.cli.options import CommandIO, country_code, with_io


@app.command("import")
@with_io
def import_firms(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", help="A .csv (UTF-8) or .xlsx sheet of firms.", show_default=False
        ),
    ],
    target: Annotated[
        Path,
        typer.Option(
            "--into",
            metavar="DIR",
            help="Dataset folder to add the firms to; created from the bundled data if new.",
        ),
    ],
    country: Annotated[
        str | None,
        typer.Option("--country", metavar="KR|JP", help="Country of every row without one."),
    ] = None,
    sector: Annotated[
        str | None,
        typer.Option(
            "--sector", "-s", metavar="ID", help="Sector (id or name) of every row without one."
        ),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            min=1900,
            max=2100,
            metavar="YEAR",
            help="as_of for rows without a year [default: this year].",
            show_default=False,
        ),
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace an earlier import of the same file.")
    ] = False,
    *,
    io: CommandIO,
) -> None:
    """Add your own firms from a spreadsheet to a dataset folder, then match them.

    Columns (header row, any order, case ignored): name; products (ids or names,
    separated by ; or ,) or hs_codes; and optionally native_name, id, country,
    sector, level (1-5; empty = unrated, counted as 3 and tagged), note, source,
    source_url, year, aliases, captive (products made only for the firm's own use),
    home_market (products it may sell only in its own country). A header close to one
    of these (levle) is an error; other columns are left out, with a warning. Every row that cannot be placed is reported with
    its row number and the nearest valid products.

    \b
    Examples:
      kjmatch import data/examples/korean-battery-materials.csv --country KR \\
          --sector batteries --into my-data
      kjmatch validate --data-dir my-data
      kjmatch partners "Daejoo Electronic Materials" --data-dir my-data
    """
    from kjmatch.errors import DataError, OutputError, Problem
    from kjmatch.import_file import players_path, write_players
    from kjmatch.import_sheet import read_rows
    from kjmatch.importer import import_rows, locate
    from kjmatch.loader import load_dataset
    from kjmatch.output.analysis import import_output
    from kjmatch.safeio import read_data_file
    from kjmatch.scaffold import init_dataset

    country = country_code(country, "country")
    data = read_data_file(file, str(file))
    existed = target.exists()
    created = not existed or (target.is_dir() and not any(target.iterdir()))
    made = False  # whether this run filled the folder with `init`'s copy
    out = players_path(target, file.stem)
    if out.exists() and not replace:
        raise OutputError(_imported_before(out, file))
    aside = out.with_name(f".{out.name}.replaced")
    if out.exists():
        os.replace(out, aside)  # the earlier import must not count as the base
    try:
        base = load_dataset(None if created else target, use_cache=False)
        ignored: list[str] = []
        cells: list[Problem] = []  # a sheet's unreadable cells, reported with its rows'
        imported = import_rows(
            read_rows(file, data, ignored, cells),
            base,
            file=str(file),
            country=country,
            sector=sector,
            year=year or datetime.date.today().year,
            cells=cells,
        )
        imported.ignored = ignored
        if created:
            init_dataset(target)
            made = True
        written = write_players(imported, out, file.name)
        try:
            ds = load_dataset(target, use_cache=False)
        except DataError as exc:
            written.unlink(missing_ok=True)  # leave the folder as valid as it was
            raise DataError(locate(imported, exc.problems, str(written), str(file))) from None
    except BaseException:
        if aside.exists():
            os.replace(aside, out)
        if made:  # a folder this run made for a failed import is taken back
            _unmake(target, existed)
        raise
    aside.unlink(missing_ok=True)
    if ignored:
        err(
            f"kjmatch: warning: {file.name}: columns not read: {', '.join(ignored)} "
            "(see `kjmatch import --help` for the columns it reads)"
        )
    io.emit(import_output(imported, file, target, written, ds))
    first = (imported.players or imported.strengths or [{"id": "FIRM"}])[0]
    err(
        f"kjmatch: added {_count(len(imported.players), 'new firm')} and "
        f"{_count(len(imported.strengths), 'strength')} of known firms to {target}; next: "
        f"kjmatch partners {first.get('id') or first.get('player')} --data-dir {target}"
    )


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def _imported_before(out: Path, file: Path) -> str:
    """Why the import stops: the players file for this sheet's name is there already,
    from this sheet or from another of the same name (`firms.csv` saved as `firms.xlsx`)."""
    from kjmatch.import_file import imported_from

    earlier = imported_from(out)
    if earlier == file.name:
        return f"{out} exists: {file.name} was imported before; use --replace to import it again"
    by = f"the import of {earlier}" if earlier else "an earlier import or by hand"
    return (
        f"{out} exists (written by {by}; a sheet's firms go in a file named after it); "
        f"use --replace to replace those firms with {file.name}'s"
    )


def _unmake(target: Path, existed: bool) -> None:
    """Remove what `init` put in `target` (the folder too, unless it was there, empty)."""
    import shutil

    if not existed:
        shutil.rmtree(target, ignore_errors=True)
        return
    for child in target.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)

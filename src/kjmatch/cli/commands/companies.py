"""`kjmatch companies`."""

from __future__ import annotations

from typing import Annotated

import typer

from kjmatch.cli.application import app
from kjmatch.cli.options import CommandIO, country_code, with_io


@app.command()
@with_io
def companies(
    sector: Annotated[str | None, typer.Option("--sector", "-s", help="Only this sector.")] = None,
    country: Annotated[
        str | None, typer.Option("--country", "-c", metavar="KR|JP", help="KR or JP.")
    ] = None,
    stage: Annotated[
        str | None, typer.Option("--stage", help="Only this value-chain stage.")
    ] = None,
    *,
    io: CommandIO,
) -> None:
    """List players (companies and institutions) with their strengths and sources.

    \b
    Examples:
      kjmatch companies --sector semiconductors --country JP
      kjmatch companies --sector batteries --stage cells --format csv > cells.csv
    """
    from kjmatch import lookup
    from kjmatch.output.documents import companies_output

    cc = country_code(country, "country")
    ds = io.load()
    if sector:
        sector = lookup.sector(ds, sector)
    rows = lookup.companies(ds, sector, cc, stage)
    io.emit(companies_output(ds, rows, sector, cc))
    if not rows:
        from kjmatch.cli.options import say_why_empty
        from kjmatch.scoring.empty import why_no_companies

        stage_id = lookup.stage(ds, stage, sector) if stage else None
        say_why_empty(why_no_companies(ds, sector=sector, country=cc, stage=stage_id))

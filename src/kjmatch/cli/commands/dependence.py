"""`kjmatch dependence`."""

from __future__ import annotations

from typing import Annotated

import typer

from kjmatch.cli.application import app
from kjmatch.cli.options import AsOfOpt, CommandIO, country_code, with_io


@app.command()
@with_io
def dependence(
    sector: Annotated[
        str | None, typer.Option("--sector", "-s", metavar="ID", help="Only this sector.")
    ] = None,
    importer: Annotated[
        str | None,
        typer.Option("--importer", metavar="KR|JP", help="Only this importing country."),
    ] = None,
    partner: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="CC|pair|third",
            help="Only imports from this country code, from the other of the pair, or from third countries.",
        ),
    ] = None,
    top: Annotated[
        int | None, typer.Option("--top", "-n", min=1, metavar="N", help="Show the first N.")
    ] = None,
    as_of: AsOfOpt = None,
    *,
    io: CommandIO,
) -> None:
    """Where Korea or Japan depends on the other, or on third countries, product by product.

    The latest dated import share per item, with its age and source: heaviest first by
    its aged share (share × 0.5^(age/5)), superseded figures last.

    \b
    Examples:
      kjmatch dependence --importer KR --from JP
      kjmatch dependence --from third --sector batteries
      kjmatch dependence --importer JP --format json | jq '.dependence[0]'
    """
    from kjmatch import lookup
    from kjmatch.errors import RequestError
    from kjmatch.output.analysis import by_weight, dependence_output
    from kjmatch.scoring.dependence import Dependence
    from kjmatch.scoring.dependence import dependence as run_dependence

    ds = io.load()
    if sector:
        sector = lookup.sector(ds, sector)
    imp = country_code(importer, "importer")
    chosen = partner
    if partner is not None:
        lower = partner.lower()
        chosen = lower if lower in ("pair", "third") else partner.upper()
        if chosen not in ("pair", "third") and not (len(chosen) == 2 and chosen.isalpha()):
            raise RequestError(
                f"--from takes a two-letter country code, 'pair' or 'third', got {partner!r}",
                "partner",
            )
    rows = by_weight(run_dependence(ds, sector=sector, importer=imp, partner=chosen, as_of=as_of))
    if top is not None:
        rows = rows[:top]
    io.emit(dependence_output(rows, importer=imp, partner=chosen, as_of=as_of or ds.as_of))
    if not rows:
        from kjmatch.cli.options import say_why_empty
        from kjmatch.scoring.empty import why_no_dependence

        def rerun(**filters: str | None) -> list[Dependence]:
            return run_dependence(ds, as_of=as_of, **filters)

        say_why_empty(why_no_dependence(rerun, ds, sector=sector, importer=imp, partner=chosen))

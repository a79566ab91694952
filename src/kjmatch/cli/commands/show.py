"""`kjmatch show sector` and `kjmatch show company`."""

from __future__ import annotations

from typing import Annotated

import typer

from kjmatch.cli.application import show_app
from kjmatch.cli.options import CommandIO, with_io


@show_app.command("sector")
@with_io
def show_sector(
    sector: Annotated[str, typer.Argument(help="Sector id.", show_default=False)],
    *,
    io: CommandIO,
) -> None:
    """Show a sector: stages, HS codes, players per stage, country context and ties, with sources.

    \b
    Examples:
      kjmatch show sector hydrogen
      kjmatch show sector batteries --format json | jq '.stages[0]'
    """
    from kjmatch import lookup
    from kjmatch.output.documents import sector_output

    ds = io.load()
    io.emit(sector_output(ds, ds.sectors[lookup.sector(ds, sector, "sector_arg")]))


@show_app.command("company")
@with_io
def show_company(
    player: Annotated[str, typer.Argument(help="Player id.", show_default=False)],
    *,
    io: CommandIO,
) -> None:
    """Show a player: names, strengths with notes and sources, operations abroad, relationships.

    \b
    Examples:
      kjmatch show company tokyo-ohka-kogyo
      kjmatch show company "Showa Denko" --format json
    """
    from kjmatch import lookup
    from kjmatch.output.documents import company_output

    ds = io.load()
    io.emit(company_output(ds, ds.players[lookup.player(ds, player, field="player_arg")]))

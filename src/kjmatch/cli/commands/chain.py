"""`kjmatch chain`."""

from __future__ import annotations

from typing import Annotated

import typer

from kjmatch.cli.application import app
from kjmatch.cli.options import CommandIO, with_io


@app.command()
@with_io
def chain(
    sector: Annotated[str, typer.Option("--sector", "-s", help="Sector id.")],
    *,
    io: CommandIO,
) -> None:
    """Draw a sector's value chain: stages, feed links, leading players, gaps, export controls.

    \b
    Examples:
      kjmatch chain --sector batteries
      kjmatch chain --sector semiconductors --format json | jq '.stages[] | {id, stronger, gap}'
    """
    from kjmatch import lookup
    from kjmatch.output.documents import chain_output

    ds = io.load()
    io.emit(chain_output(ds, ds.sectors[lookup.sector(ds, sector)]))

"""`kjmatch sectors`."""

from __future__ import annotations

from kjmatch.cli.application import app
from kjmatch.cli.options import CommandIO, with_io


@app.command()
@with_io
def sectors(*, io: CommandIO) -> None:
    """List the sectors: stages and player counts per country.

    \b
    Examples:
      kjmatch sectors
      kjmatch sectors --format json | jq '.sectors[].id'
    """
    from kjmatch.output.documents import sectors_output

    io.emit(sectors_output(io.load()))

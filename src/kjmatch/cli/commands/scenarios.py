"""`kjmatch scenarios`."""

from __future__ import annotations

from kjmatch.cli.application import app
from kjmatch.cli.options import CommandIO, with_io


@app.command()
@with_io
def scenarios(*, io: CommandIO) -> None:
    """List the named weight sets in the dataset (scenarios/*.yaml), with their full weights.

    \b
    Examples:
      kjmatch scenarios
      kjmatch match --sector hydrogen --scenario new-partners
    """
    from kjmatch.output.documents import scenarios_output
    from kjmatch.weights import resolve_weights

    ds = io.load()
    weights = {sc.id: resolve_weights(sc.weights) for sc in ds.scenarios.values()}
    io.emit(scenarios_output(ds, weights))

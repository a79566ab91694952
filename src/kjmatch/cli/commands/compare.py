"""`kjmatch compare`."""

from __future__ import annotations

from typing import Annotated

import typer

from kjmatch.cli.application import app
from kjmatch.cli.options import (
    AsOfOpt,
    CommandIO,
    ScenarioOpt,
    WeightOpt,
    WeightsFileOpt,
    with_io,
)


@app.command()
@with_io
def compare(
    korea_a: Annotated[str, typer.Argument(metavar="KOREA_A", show_default=False)],
    japan_a: Annotated[str, typer.Argument(metavar="JAPAN_A", show_default=False)],
    korea_b: Annotated[str, typer.Argument(metavar="KOREA_B", show_default=False)],
    japan_b: Annotated[str, typer.Argument(metavar="JAPAN_B", show_default=False)],
    sector: Annotated[
        str | None,
        typer.Option(
            "--sector",
            "-s",
            metavar="ID",
            help="Compare both pairs in this sector [default: each pair's best sector].",
        ),
    ] = None,
    scenario: ScenarioOpt = None,
    weights_file: WeightsFileOpt = None,
    weight: WeightOpt = None,
    as_of: AsOfOpt = None,
    *,
    io: CommandIO,
) -> None:
    """Why is one pairing above another? Components and reasons side by side.

    \b
    Examples:
      kjmatch compare sk-hynix namics sk-hynix resonac --sector semiconductors
      kjmatch compare lg-energy-solution toyota sk-on nissan --format json | jq .difference
    """
    from kjmatch import lookup
    from kjmatch.output.analysis import compare_output
    from kjmatch.scoring.compare import best_pairing
    from kjmatch.scoring.compare import compare as run_compare

    ds = io.load()
    if sector:
        sector = lookup.sector(ds, sector)
    scenario = lookup.scenario_id(ds, scenario)  # recorded as its id
    w = lookup.weights(ds, scenario, weights_file, weight or [])
    pairs = []
    for k, j, (kf, jf) in (
        (korea_a, japan_a, ("korea_a", "japan_a")),
        (korea_b, japan_b, ("korea_b", "japan_b")),
    ):
        kid, jid = lookup.pair(ds, k, j, (kf, jf))
        p = best_pairing(ds, kid, jid, sector=sector, weights=w, as_of=as_of)
        if p is None:  # nothing to compare: no usage error, the data has no link
            from kjmatch.errors import KjmatchError
            from kjmatch.scoring.empty import no_link

            raise KjmatchError(no_link(ds, kid, jid, sector))
        pairs.append(p)
    result = run_compare(pairs[0], pairs[1])
    io.emit(compare_output(ds, result, w, as_of or ds.as_of))

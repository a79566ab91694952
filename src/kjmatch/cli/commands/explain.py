"""`kjmatch explain`."""

from __future__ import annotations

from typing import Annotated

import typer

from kjmatch.cli.application import app, err
from kjmatch.cli.options import AsOfOpt, CommandIO, ScenarioOpt, WeightOpt, WeightsFileOpt, with_io


@app.command()
@with_io
def explain(
    korea: Annotated[str, typer.Argument(help="Korean player id.", show_default=False)],
    japan: Annotated[str, typer.Argument(help="Japanese player id.", show_default=False)],
    sector: Annotated[str | None, typer.Option("--sector", "-s", help="Only this sector.")] = None,
    scenario: ScenarioOpt = None,
    weights_file: WeightsFileOpt = None,
    weight: WeightOpt = None,
    as_of: AsOfOpt = None,
    *,
    io: CommandIO,
) -> None:
    """Break one pairing down: every linked product, component, weight, dated fact and source.

    The contributions add up to the score `match` shows for the pair.

    \b
    Examples:
      kjmatch explain lg-energy-solution toyota --sector batteries
      kjmatch explain sk-hynix namics --format json | jq '.sectors[0].links[0].contributions'
    """
    from kjmatch import lookup
    from kjmatch.output.pairings import explain_output
    from kjmatch.scoring.ranking import explain as run_explain

    ds = io.load()
    korea, japan = lookup.pair(ds, korea, japan, ("korea_arg", "japan_arg"))
    if sector:
        sector = lookup.sector(ds, sector)
    scenario = lookup.scenario_id(ds, scenario)  # recorded as its id
    w = lookup.weights(ds, scenario, weights_file, weight or [])
    pairings = run_explain(ds, korea, japan, sector=sector, weights=w, as_of=as_of)
    from kjmatch.scoring.empty import no_link, why_unlinked

    why = None
    if not pairings:
        why = no_link(ds, korea, japan, sector)
        err(f"kjmatch: {why}")
    # a linked pair may still have a supply a rule cut: each sector says which (QA round 8)
    cut = {
        s: why_unlinked(ds, korea, japan, [s])
        for s in {p.best.korea_strength.sector for p in pairings}
    }
    firms = (ds.players[korea], ds.players[japan])
    io.emit(explain_output(ds, *firms, pairings, w, scenario, as_of, cut, why))

"""`kjmatch partners`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from kjmatch.cli.application import app

if TYPE_CHECKING:
    from kjmatch.scoring.ranking import Pairing
from kjmatch.cli.options import (
    AsOfOpt,
    BeyondLeadersOpt,
    CommandIO,
    DirectionOpt,
    MinScoreOpt,
    NewOnlyOpt,
    ScenarioOpt,
    TopOpt,
    WeightOpt,
    WeightsFileOpt,
    chosen_directions,
    say_why_empty,
    with_io,
)


@app.command()
@with_io
def partners(
    firms: Annotated[
        list[str],
        typer.Argument(
            help="One or more player ids or names (Korean or Japanese).",
            metavar="FIRM...",
            show_default=False,
        ),
    ],
    sector: Annotated[
        str | None, typer.Option("--sector", "-s", help="Only this sector.", metavar="ID")
    ] = None,
    top: TopOpt = 20,
    min_score: MinScoreOpt = 0.0,
    direction: DirectionOpt = None,
    new_only: NewOnlyOpt = False,
    beyond_leaders: BeyondLeadersOpt = False,
    scenario: ScenarioOpt = None,
    weights_file: WeightsFileOpt = None,
    weight: WeightOpt = None,
    as_of: AsOfOpt = None,
    *,
    io: CommandIO,
) -> None:
    """The best counterparts of a firm across every sector it is active in, on one list.

    Each pairing keeps its rank in its sector's full ranking (#); the list is ordered
    by score across sectors.

    \b
    Examples:
      kjmatch partners samsung-electronics
      kjmatch partners toyota --direction kr-to-jp
      kjmatch partners "LG Energy Solution" sk-on --new-only --top 10
      kjmatch partners toyota --format json | jq '.pairings[] | [.sector.id, .korea.id, .score]'
    """
    from kjmatch import lookup
    from kjmatch.output.pairings import partners_output
    from kjmatch.scoring.partners import partners as run_partners

    ds = io.load()
    ids = [lookup.player(ds, f, None, "firms") for f in firms]
    if sector:
        sector = lookup.sector(ds, sector)
    scenario = lookup.scenario_id(ds, scenario)  # recorded as its id
    w = lookup.weights(ds, scenario, weights_file, weight or [])
    result = run_partners(
        ds,
        ids,
        sector=sector,
        weights=w,
        top=top,
        min_score=min_score,
        directions=chosen_directions(direction),
        new_only=new_only,
        beyond_leaders=beyond_leaders,
        scenario=scenario,
        as_of=as_of,
    )
    io.emit(
        partners_output(
            ds,
            result,
            directions=chosen_directions(direction),
            min_score=min_score,
        )
    )
    if not result.pairings:
        from kjmatch.scoring.empty import why_empty

        def rerun(**changed: Any) -> list[Pairing]:
            return run_partners(
                ds, ids, sector=sector, weights=w, top=top, as_of=as_of, **changed
            ).pairings

        say_why_empty(
            why_empty(
                rerun,
                where=", ".join(result.sectors) or "any sector",
                min_score=min_score,
                new_only=new_only,
                beyond_leaders=beyond_leaders,
                directions=chosen_directions(direction),
                inactive=result.inactive,
            )
        )

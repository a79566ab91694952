"""`kjmatch match`."""

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
    JapanIdsOpt,
    KoreaIdsOpt,
    MinScoreOpt,
    NewOnlyOpt,
    ScenarioOpt,
    TopOpt,
    WeightOpt,
    WeightsFileOpt,
    chosen_directions,
    progress_bar,
    say_why_empty,
    with_io,
)


@app.command()
@with_io
def match(
    sector: Annotated[
        str, typer.Option("--sector", "-s", help="Sector id (see `kjmatch sectors`).")
    ],
    top: TopOpt = 20,
    min_score: MinScoreOpt = 0.0,
    korea: KoreaIdsOpt = None,
    japan: JapanIdsOpt = None,
    direction: DirectionOpt = None,
    new_only: NewOnlyOpt = False,
    beyond_leaders: BeyondLeadersOpt = False,
    scenario: ScenarioOpt = None,
    weights_file: WeightsFileOpt = None,
    weight: WeightOpt = None,
    as_of: AsOfOpt = None,
    stability: Annotated[
        bool,
        typer.Option(
            "--stability", help="Perturb every weight by ±20% and report how stable each rank is."
        ),
    ] = False,
    samples: Annotated[
        int | None,
        typer.Option(
            "--samples",
            min=1,
            max=100_000,
            help="Perturbed weight sets for --stability [default: 200].",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed", help="Random seed for --stability [default: 7].", show_default=False
        ),
    ] = None,
    *,
    io: CommandIO,
) -> None:
    """Rank complementary Korea–Japan pairings in a sector, with reasons.

    \b
    Examples:
      kjmatch match --sector batteries
      kjmatch match --sector semiconductors --direction jp-to-kr --top 10
      kjmatch match --sector batteries --format json | jq '.pairings[0]'
      kjmatch match --sector semiconductors --scenario supply-security --stability
      kjmatch match --sector shipbuilding --weight relationship=0 --weight gap=0.4
      kjmatch match --sector hydrogen --new-only

    With --korea, --japan, --direction, --new-only or --beyond-leaders, # is still the
    pair's rank in the sector's full ranking ("–" where --direction shows a weaker link
    than the one that earned it).
    """

    from kjmatch import lookup
    from kjmatch.errors import RequestError
    from kjmatch.output.pairings import match_output
    from kjmatch.scoring.ranking import StabilityRequest
    from kjmatch.scoring.ranking import match as run_match

    for given, flag in ((samples, "samples"), (seed, "seed")):
        if given is not None and not stability:
            raise RequestError(
                "is used only with --stability; add --stability or leave it out", flag
            )
    ds = io.load()
    sector = lookup.sector(ds, sector)
    kr = [lookup.player(ds, k, "KR", "korea") for k in korea] if korea else None
    jp = [lookup.player(ds, j, "JP", "japan") for j in japan] if japan else None
    request = None
    if stability:
        request = StabilityRequest()
        if samples is not None:
            request = request._replace(samples=samples)
        if seed is not None:
            request = request._replace(seed=seed)
    scenario = lookup.scenario_id(ds, scenario)  # recorded as its id
    w = lookup.weights(ds, scenario, weights_file, weight or [])
    with progress_bar() as progress:
        result = run_match(
            ds,
            sector,
            weights=w,
            top=top,
            min_score=min_score,
            korea=kr,
            japan=jp,
            directions=chosen_directions(direction),
            new_only=new_only,
            beyond_leaders=beyond_leaders,
            scenario=scenario,
            stability=request,
            progress=progress,
            as_of=as_of,
        )
    io.emit(
        match_output(
            result,
            ds,
            directions=chosen_directions(direction),
            korea=kr,
            japan=jp,
            min_score=min_score,
        )
    )
    if not result.pairings:
        from kjmatch.scoring.empty import why_empty

        def rerun(**changed: Any) -> list[Pairing]:
            return run_match(
                ds, sector, weights=w, top=top, korea=kr, japan=jp, as_of=as_of, **changed
            ).pairings

        firms = [*(kr or []), *(jp or [])]
        active = {f: sorted({s.sector for s in ds.players[f].strengths}) for f in firms}
        say_why_empty(
            why_empty(
                rerun,
                where=result.sector.name.en,
                min_score=min_score,
                new_only=new_only,
                beyond_leaders=beyond_leaders,
                directions=chosen_directions(direction),
                inactive={f: secs for f, secs in active.items() if sector not in secs},
            )
        )

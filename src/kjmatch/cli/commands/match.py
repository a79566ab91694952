"""`kjmatch match`."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from kjmatch.cli.app import app
from kjmatch.cli.options import (
    AsOfOpt,
    CommandIO,
    ScenarioOpt,
    WeightOpt,
    WeightsFileOpt,
    progress_bar,
    with_io,
)


class Direction(str, Enum):
    jp_to_kr = "jp-to-kr"
    kr_to_jp = "kr-to-jp"
    horizontal = "horizontal"
    same_stage = "same-stage"
    all = "all"


@app.command()
@with_io
def match(
    sector: Annotated[
        str, typer.Option("--sector", "-s", help="Sector id (see `kjmatch sectors`).")
    ],
    top: Annotated[int, typer.Option("--top", "-n", min=1, help="Show the best N pairings.")] = 20,
    min_score: Annotated[
        float,
        typer.Option(
            "--min-score", min=0.0, max=100.0, help="Hide pairings scoring below X (0-100)."
        ),
    ] = 0.0,
    korea: Annotated[
        str | None, typer.Option("--korea", help="Only this Korean player id.")
    ] = None,
    japan: Annotated[
        str | None, typer.Option("--japan", help="Only this Japanese player id.")
    ] = None,
    direction: Annotated[
        list[Direction] | None,
        typer.Option(
            "--direction",
            "-d",
            case_sensitive=False,
            help="jp-to-kr (Japanese supplier, Korean buyer), kr-to-jp, horizontal (documented cooperation), same-stage (same-product rivals), or all. Repeatable.",
        ),
    ] = None,
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
    """
    import dataclasses

    from kjmatch import lookup
    from kjmatch.output.pairings import match_output
    from kjmatch.scoring.ranking import StabilityRequest
    from kjmatch.scoring.ranking import match as run_match
    from kjmatch.weights import DIRECTIONS

    ds = io.load()
    lookup.sector(ds, sector)
    if korea:
        korea = lookup.player(ds, korea, "KR", "korea")
    if japan:
        japan = lookup.player(ds, japan, "JP", "japan")
    dirs = [d.value for d in direction or []]
    chosen = DIRECTIONS if not dirs or "all" in dirs else tuple(d for d in DIRECTIONS if d in dirs)
    request = None
    if stability:
        request = StabilityRequest()
        if samples is not None:
            request = dataclasses.replace(request, samples=samples)
        if seed is not None:
            request = dataclasses.replace(request, seed=seed)
    w = lookup.weights(ds, scenario, weights_file, weight or [])
    with progress_bar() as progress:
        result = run_match(
            ds,
            sector,
            weights=w,
            top=top,
            min_score=min_score,
            korea=korea,
            japan=japan,
            directions=chosen,
            scenario=scenario,
            stability=request,
            progress=progress,
            as_of=as_of,
        )
    io.emit(match_output(result))

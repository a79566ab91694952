"""`kjmatch assign`."""

from __future__ import annotations

import datetime
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from kjmatch.cli.application import app, err
from kjmatch.cli.options import (
    AsOfOpt,
    CommandIO,
    JapanIdsOpt,
    KoreaIdsOpt,
    ScenarioOpt,
    WeightOpt,
    WeightsFileOpt,
    min_score_option,
    with_io,
)
from kjmatch.errors import KjmatchError, RequestError


class PlanName(str, Enum):
    best_total = "best-total"
    stable = "stable"
    fair = "fair"


class Side(str, Enum):
    korea = "korea"
    japan = "japan"


@app.command()
@with_io
def assign(
    event_file: Annotated[
        Path | None,
        typer.Argument(
            metavar="EVENT",
            help="Event file: YAML or JSON (`kjmatch schema event`), or a CSV/XLSX sheet "
            "(one row per participant). Without one: flags.",
            show_default=False,
        ),
    ] = None,
    sector: Annotated[
        str | None,
        typer.Option("--sector", "-s", metavar="ID", help="Sector (overrides EVENT's)."),
    ] = None,
    korea_capacity: Annotated[
        int | None,
        typer.Option(
            "--korea-capacity",
            min=0,
            max=1000,
            metavar="N",
            help="Meetings per Korean firm [default: EVENT's, else 4].",
            show_default=False,
        ),
    ] = None,
    japan_capacity: Annotated[
        int | None,
        typer.Option(
            "--japan-capacity",
            min=0,
            max=1000,
            metavar="N",
            help="Meetings per Japanese firm [default: EVENT's, else 8].",
            show_default=False,
        ),
    ] = None,
    slots: Annotated[
        int | None,
        typer.Option(
            "--slots",
            min=1,
            max=96,
            metavar="N",
            help=(
                "Time slots [default: EVENT's slots, and an EVENT without them needs this "
                "option; without EVENT, 12]."
            ),
            show_default=False,
        ),
    ] = None,
    korea: KoreaIdsOpt = None,
    japan: JapanIdsOpt = None,
    tables: Annotated[
        int | None,
        typer.Option(
            "--tables",
            min=1,
            metavar="N",
            help="Tables per slot [default: one per Japanese firm, kept all day].",
        ),
    ] = None,
    plan: Annotated[
        PlanName, typer.Option("--plan", help="The plan to print as a timetable and export.")
    ] = PlanName.best_total,
    proposing: Annotated[
        Side, typer.Option("--proposing", help="Which side proposes in the stable plan.")
    ] = Side.korea,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="YYYY-MM-DD",
            help="The day, for calendars [default: the event file's, else today].",
            show_default=False,
        ),
    ] = None,
    export: Annotated[
        Path | None,
        typer.Option(
            "--export",
            metavar="DIR",
            help="Write timetable.csv, calendars/<firm>.ics and agendas/<firm>.md.",
        ),
    ] = None,
    min_score: Annotated[
        float,
        min_score_option("Book no pair scoring below X (must-meet and requested pairs excepted)."),
    ] = 0.0,
    include_rivals: Annotated[
        bool,
        typer.Option(
            "--include-rivals",
            help="Also book rivals: makers of one product with no cooperative tie, and "
            "supply links whose buyer makes the product as well (left out by default: "
            "their agendas would say they compete).",
        ),
    ] = False,
    scenario: ScenarioOpt = None,
    weights_file: WeightsFileOpt = None,
    weight: WeightOpt = None,
    as_of: AsOfOpt = None,
    *,
    io: CommandIO,
) -> None:
    """Plan a business-matching day: who meets whom under capacities, and when.

    Three plans over the same scores: best total (the largest summed score under the
    capacities), stable (no two firms would both rather meet each other than keep a
    meeting) and fair (the most meetings for the firm with fewest first, then the
    best total); their totals side by side show what stability and fairness cost.
    The chosen plan (--plan) is printed as a timetable: slot, time, table, firms,
    score. Options given with EVENT override its settings.

    \b
    Examples:
      kjmatch assign --sector batteries --korea-capacity 4 --japan-capacity 8 --slots 12
      kjmatch assign data/examples/battery-day.yaml
      kjmatch assign data/examples/battery-day.yaml --plan stable --export day/
      kjmatch assign data/examples/battery-day.csv --plan fair --slots 10
      kjmatch assign --sector batteries --format json | jq '.totals, .difference'
    """
    from kjmatch import lookup
    from kjmatch.event import from_flags, read_event
    from kjmatch.output.assign import assign_output, exports
    from kjmatch.scoring.assign import plan_event, require

    require()
    ds = io.load()
    scenario = lookup.scenario_id(ds, scenario)  # recorded as its id
    w = lookup.weights(ds, scenario, weights_file, weight or [])
    if event_file is not None:
        if korea or japan:
            raise RequestError(
                "name the participants in the event file, not with --korea or --japan",
                "korea" if korea else "japan",
            )
        settings = {
            "sector": lookup.sector(ds, sector) if sector else None,
            "slots": slots,
            "korea_capacity": korea_capacity,
            "japan_capacity": japan_capacity,
            "tables": tables,
        }
        event = read_event(event_file, ds, settings)
    else:
        if not sector:
            raise RequestError("give an event file or --sector", "sector")
        sid = lookup.sector(ds, sector)
        event = from_flags(
            ds,
            sid,
            slots=12 if slots is None else slots,
            korea_capacity=4 if korea_capacity is None else korea_capacity,
            japan_capacity=8 if japan_capacity is None else japan_capacity,
            korea=[lookup.player(ds, k, "KR", "korea") for k in korea or []],
            japan=[lookup.player(ds, j, "JP", "japan") for j in japan or []],
            tables=tables,
        )
    if tables is not None:
        event.tables = tables
    day = event.date or datetime.date.today()
    if date:
        try:
            day = datetime.date.fromisoformat(date)
        except ValueError:
            raise RequestError(f"not a date (YYYY-MM-DD): {date!r}", "date") from None
    event.date = day
    result = plan_event(
        ds,
        event,
        weights=w,
        as_of=as_of,
        proposing="KR" if proposing is Side.korea else "JP",
        min_score=min_score,
        rivals=include_rivals,
    )
    out = assign_output(ds, result, plan.value)
    if export is not None:
        from kjmatch.cli.options import write_atomic

        try:
            files = exports(ds, result, out, day)
        except ModuleNotFoundError as exc:
            raise KjmatchError(
                f"--export needs {exc.name}: pip install 'kjmatch[assign]'"
            ) from None
        for rel, text in files.items():
            path = export / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, text, io.force)
        err(f"kjmatch: wrote {len(files)} files to {export} (timetable.csv, calendars/, agendas/)")
    io.emit(out)

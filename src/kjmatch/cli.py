"""The command line: parse options, call the core, pick a renderer.

Heavy modules (rich, pydantic, PyYAML, the matcher) are imported inside the
commands that need them, so `--help` and `--version` stay fast.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from . import __version__
from .errors import DataError, ExitCode, KjmatchError, OutputError, UsageError, unknown

if TYPE_CHECKING:
    from .model import Dataset
    from .render import Output

app = typer.Typer(
    name="kjmatch",
    help="Find complementary Korea–Japan industrial pairings along sector value chains.",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

_state = {"debug": False}
STABILITY_POOL = 5  # --stability re-ranks the best 5×N pairs (at least 2000)
F = TypeVar("F", bound=Callable[..., Any])


class Format(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    markdown = "markdown"


class Country(str, Enum):
    KR = "KR"
    JP = "JP"


class DirectionOpt(str, Enum):
    jp_to_kr = "jp-to-kr"
    kr_to_jp = "kr-to-jp"
    same_stage = "same-stage"
    all = "all"


FormatOpt = Annotated[
    Format,
    typer.Option("--format", "-f", case_sensitive=False, help="Output format."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Shorthand for --format json.")]
DataDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        envvar="KJMATCH_DATA_DIR",
        help="Dataset folder to use instead of the bundled one (same layout).",
        show_default=False,
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="Write to FILE (atomically) instead of stdout.", show_default=False
    ),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Let --output replace an existing file.")]
NoCacheOpt = Annotated[
    bool, typer.Option("--no-cache", help="Ignore and do not write the dataset cache.")
]

ScenarioOpt = Annotated[
    str | None,
    typer.Option("--scenario", help="Named weight set from the dataset (see `kjmatch scenarios`)."),
]
WeightsFileOpt = Annotated[
    Path | None,
    typer.Option("--weights", help="YAML file of weights (NAME: VALUE), applied after --scenario."),
]
WeightOpt = Annotated[
    list[str] | None,
    typer.Option("--weight", "-w", help="Set one weight, NAME=VALUE (repeatable); applied last."),
]


def _err(message: str) -> None:
    sys.stderr.write(message.rstrip("\n") + "\n")


def guarded(fn: F) -> F:
    """Map the project's errors to messages on stderr and exit codes; tracebacks only with --debug."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except DataError as exc:
            if _state["debug"]:
                raise
            for p in exc.problems:
                _err(str(p))
            if len(exc.problems) > 1:
                _err(f"kjmatch: {len(exc.problems)} problems in the dataset")
            raise typer.Exit(ExitCode.ERROR) from None
        except KjmatchError as exc:
            if _state["debug"]:
                raise
            _err(f"kjmatch: error: {exc}")
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            _err("kjmatch: interrupted")
            raise typer.Exit(ExitCode.INTERRUPTED) from None
        except BrokenPipeError:
            _silence_stdout()
            raise typer.Exit(ExitCode.OK) from None
        except Exception as exc:  # a bug or an OS failure: say so plainly
            if _state["debug"]:
                raise
            _err(
                f"kjmatch: unexpected error: {type(exc).__name__}: {exc} (run with --debug for a traceback)"
            )
            raise typer.Exit(ExitCode.ERROR) from None

    return wrapper  # type: ignore[return-value]


def _silence_stdout() -> None:
    """After the reader has gone (`| head`), stop Python complaining at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kjmatch {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
) -> None:
    """Find complementary Korea–Japan industrial pairings along sector value chains.

    \b
    Examples:
      kjmatch sectors
      kjmatch match --sector batteries
      kjmatch match --sector batteries --format json | jq '.pairings[0]'
    """
    _state["debug"] = debug


# ---------------------------------------------------------------- helpers


def load(data_dir: Path | None, no_cache: bool = False) -> Dataset:
    from .loader import load_dataset

    with progress_bar() as progress:
        return load_dataset(data_dir, use_cache=not no_cache, progress=progress)


@contextlib.contextmanager
def progress_bar() -> Iterator[_TerminalProgress | None]:
    """A progress callback for long work (None when stderr is not a terminal)."""
    progress = _progress_reporter()
    try:
        yield progress
    finally:
        if progress is not None:
            progress.close()


class _TerminalProgress:
    """A progress bar on stderr, shown only on a terminal and only after a second of work."""

    def __init__(self) -> None:
        import time

        self._time = time.monotonic
        self._start = time.monotonic()
        self._bar: Any = None
        self._task: Any = None

    def __call__(self, label: str, done: int, total: int) -> None:
        if self._bar is None:
            if self._time() - self._start < 1.0:
                return
            from rich.progress import Progress

            from .render_rich import console

            self._bar = Progress(console=console(sys.stderr), transient=True)
            self._bar.start()
            self._task = self._bar.add_task(label, total=total)
        self._bar.update(self._task, completed=done, total=total, description=label)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def _progress_reporter() -> _TerminalProgress | None:
    try:
        return _TerminalProgress() if sys.stderr.isatty() else None
    except (AttributeError, ValueError):
        return None


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _fmt(fmt: Format, as_json: bool) -> str:
    return "json" if as_json else fmt.value


def write_atomic(path: Path, text: str, force: bool) -> None:
    """Write via a temporary file and a rename; never replace a file without --force."""
    if path.exists() and not force:
        raise OutputError(f"{path} already exists; use --force to replace it")
    if path.is_dir():
        raise OutputError(f"{path} is a folder")
    parent = path.parent if str(path.parent) else Path(".")
    tmp = parent / f".{path.name}.{os.getpid()}.tmp"
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:  # including Ctrl-C: never leave a half-written temp file
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise


def emit(
    out: Output,
    fmt: str,
    output: Path | None = None,
    force: bool = False,
    draw: Callable[[Any], None] | None = None,
) -> None:
    """Render `out` in `fmt` to stdout or to a file. `draw(console)` overrides the table view."""
    if output is not None and output.exists() and not force:
        raise OutputError(f"{output} already exists; use --force to replace it")
    if fmt == "table":
        from . import render_rich

        if output is None:
            con = render_rich.console()
            draw(con) if draw else render_rich.print_output(out, con)
            return
        text = render_rich.render_to_string(
            draw or (lambda con: render_rich.print_output(out, con))
        )
    else:
        from .render import PLAIN, to_json

        if fmt == "json":
            text = to_json(out, pretty=output is not None or _isatty(sys.stdout))
        else:
            text = PLAIN[fmt](out)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_atomic(output, text, force)


def view(name: str, out: Output) -> Callable[[Any], None]:
    """The terminal picture for `out`: `views.<name>(console, document[, footer])`."""

    def draw(con: Any) -> None:
        from . import views
        from .render_rich import print_footer

        getattr(views, name)(con, out.data)
        print_footer(out, con)

    return draw


def need_sector(ds: Dataset, sector: str) -> str:
    if sector not in ds.sectors:
        raise unknown("sector", sector, ds.sectors)
    return sector


def need_player(ds: Dataset, pid: str, country: str | None = None, flag: str = "") -> str:
    """A player id; a unique name, native name or alias (any case) is accepted for it."""
    if pid not in ds.players:
        wanted = pid.casefold()
        named = [
            p.id
            for p in ds.players.values()
            if (country is None or p.country == country)
            and wanted in {n.casefold() for n in (p.name, p.native_name, *p.aliases)}
        ]
        if len(named) != 1:
            pool = [p.id for p in ds.players.values() if country is None or p.country == country]
            raise unknown("player", pid, pool)
        pid = named[0]
    if country and ds.players[pid].country != country:
        side = "Korean" if country == "KR" else "Japanese"
        raise UsageError(f"{pid!r} is not a {side} player{' (' + flag + ')' if flag else ''}")
    return pid


def weights_for(
    ds: Dataset, scenario: str | None, weights_file: Path | None, items: list[str]
) -> dict[str, float]:
    """Scenario, then weights file, then --weight; any bad name or value is a usage error."""
    from .matching import WeightError, parse_assignments, resolve_weights

    layers: list[dict[str, object]] = []
    if scenario:
        if scenario not in ds.scenarios:
            raise unknown("scenario", scenario, ds.scenarios)
        layers.append(dict(ds.scenarios[scenario].weights))
    try:
        if weights_file is not None:
            layers.append(_read_weights_file(weights_file))
        layers.append(dict(parse_assignments(items)))
        return resolve_weights(*layers)
    except WeightError as exc:
        raise UsageError(str(exc)) from None


def _read_weights_file(path: Path) -> dict[str, object]:
    from .yamlio import YamlProblem, parse, read_text

    try:
        data, dups = parse(read_text(path, str(path)), str(path))
    except YamlProblem as exc:
        raise UsageError("; ".join(str(p) for p in exc.problems)) from None
    if dups:
        raise UsageError("; ".join(str(p) for p in dups))
    if isinstance(data, dict) and isinstance(data.get("weights"), dict):
        data = data["weights"]
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected a mapping of weight names to numbers")
    return {str(k): v for k, v in data.items()}


@dataclass
class CommandIO:
    """The options every dataset command shares: where the data is, how to print it."""

    data_dir: Path | None
    fmt: str
    output: Path | None
    force: bool
    no_cache: bool

    def load(self) -> Dataset:
        return load(self.data_dir, self.no_cache)

    def emit(self, out: Output, draw: Callable[[Any], None] | None = None) -> None:
        emit(out, self.fmt, self.output, self.force, draw)


_IO_OPTIONS = (
    ("data_dir", DataDirOpt, None),
    ("fmt", FormatOpt, Format.table),
    ("as_json", JsonOpt, False),
    ("output", OutputOpt, None),
    ("force", ForceOpt, False),
    ("no_cache", NoCacheOpt, False),
)


def with_io(fn: F) -> F:
    """Give a command the shared options, declared once here (as sqlite-utils does):
    typer sees them in the signature; the command receives them as `io`."""
    sig = inspect.signature(fn, eval_str=True)
    own = [p for p in sig.parameters.values() if p.name != "io"]
    shared = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=ann)
        for name, ann, default in _IO_OPTIONS
    ]

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        fmt: Format = kwargs.pop("fmt")
        io = CommandIO(
            data_dir=kwargs.pop("data_dir"),
            fmt=_fmt(fmt, kwargs.pop("as_json")),
            output=kwargs.pop("output"),
            force=kwargs.pop("force"),
            no_cache=kwargs.pop("no_cache"),
        )
        return fn(*args, io=io, **kwargs)

    wrapper.__signature__ = sig.replace(parameters=[*own, *shared])  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in (*own, *shared)} | {"return": None}
    return wrapper  # type: ignore[return-value]


# ---------------------------------------------------------------- commands


@app.command()
@guarded
@with_io
def sectors(
    *,
    io: CommandIO,
) -> None:
    """List the sectors: stages and player counts per country.

    \b
    Examples:
      kjmatch sectors
      kjmatch sectors --format json | jq '.sectors[].id'
    """
    from .render import sectors_output

    ds = io.load()
    io.emit(sectors_output(ds))


@app.command()
@guarded
@with_io
def companies(
    sector: Annotated[str | None, typer.Option("--sector", "-s", help="Only this sector.")] = None,
    country: Annotated[
        Country | None, typer.Option("--country", "-c", case_sensitive=False, help="KR or JP.")
    ] = None,
    stage: Annotated[
        str | None, typer.Option("--stage", help="Only this value-chain stage.")
    ] = None,
    *,
    io: CommandIO,
) -> None:
    """List players (companies and institutions) with their strengths and sources.

    \b
    Examples:
      kjmatch companies --sector semiconductors --country JP
      kjmatch companies --sector batteries --stage cells --format csv > cells.csv
    """
    from .render import companies_output

    ds = io.load()
    if sector:
        need_sector(ds, sector)
    if stage:
        scope = [ds.sectors[sector]] if sector else list(ds.sectors.values())
        stage_ids = {st.id for sec in scope for st in sec.stages}
        if stage not in stage_ids:
            raise unknown("stage", stage, stage_ids)
    rows = []
    for p in sorted(ds.players.values(), key=lambda p: (p.country, p.id)):
        if country and p.country != country.value:
            continue
        strengths = [
            s
            for s in p.strengths
            if (sector is None or s.sector == sector) and (stage is None or s.stage == stage)
        ]
        if strengths or (sector is None and stage is None):
            rows.append((p, strengths))
    io.emit(companies_output(ds, rows))


@app.command()
@guarded
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
        list[DirectionOpt] | None,
        typer.Option(
            "--direction",
            "-d",
            case_sensitive=False,
            help="jp-to-kr (Japanese supplier, Korean buyer), kr-to-jp, same-stage, or all. Repeatable.",
        ),
    ] = None,
    scenario: ScenarioOpt = None,
    weights_file: WeightsFileOpt = None,
    weight: WeightOpt = None,
    stability: Annotated[
        bool,
        typer.Option(
            "--stability", help="Perturb every weight by ±20% and report how stable each rank is."
        ),
    ] = False,
    samples: Annotated[
        int,
        typer.Option(
            "--samples", min=1, max=100_000, help="Perturbed weight sets for --stability."
        ),
    ] = 200,
    seed: Annotated[int, typer.Option("--seed", help="Random seed for --stability.")] = 7,
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

    from .matching import DIRECTIONS
    from .matching import match as run_match
    from .render import match_output

    ds = io.load()
    need_sector(ds, sector)
    if korea:
        korea = need_player(ds, korea, "KR", "--korea")
    if japan:
        japan = need_player(ds, japan, "JP", "--japan")
    dirs = [d.value for d in direction or []]
    chosen = DIRECTIONS if not dirs or "all" in dirs else tuple(d for d in DIRECTIONS if d in dirs)
    w = weights_for(ds, scenario, weights_file, weight or [])
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
            # stability re-ranks a pool of the best pairs: all of them on small data
            pool=max(top * STABILITY_POOL, 2000) if stability else 0,
            progress=progress,
        )
    if stability:
        from .stability import analyse

        per_pair, summary = analyse(
            result.ranked, result.weights, top=top, samples=samples, seed=seed
        )
        result.pairings = [
            dataclasses.replace(p, stability=per_pair[(p.korea.id, p.japan.id)])
            for p in result.pairings
        ]
        result.stability = summary
    out = match_output(result)

    io.emit(out, draw=view("draw_match", out))


@app.command()
@guarded
def validate(
    data_dir: DataDirOpt = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail (exit 1) on warnings too.")
    ] = False,
    max_age: Annotated[
        int,
        typer.Option(
            "--max-age", min=0, help="Warn when a strength's as_of is more than N years old."
        ),
    ] = 6,
    fmt: FormatOpt = Format.table,
    as_json: JsonOpt = False,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Check a dataset and summarise it: counts, stale facts, unsourced addresses.

    Errors exit 1; warnings exit 1 only with --strict.

    \b
    Examples:
      kjmatch validate
      kjmatch validate --data-dir my-data --strict --format json
    """
    import dataclasses
    import datetime
    import json

    from .loader import load_dataset
    from .render import Output
    from .report import summarize

    fmt_ = _fmt(fmt, as_json)
    try:
        ds = load_dataset(data_dir, use_cache=False)
    except DataError as exc:
        if fmt_ in ("json", "jsonl"):
            doc = {
                "ok": False,
                "problems": [dataclasses.asdict(p) | {"text": str(p)} for p in exc.problems],
            }
            sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
        raise
    summary = summarize(ds, current_year=datetime.date.today().year, max_age=max_age)
    cols = [
        "id",
        "name",
        "stages",
        "korea_players",
        "japan_players",
        "strengths",
        "relationships",
        "stages_with_context",
    ]
    out = Output(
        data=summary.as_dict(),
        records="sectors",
        columns=[
            "sector",
            "name",
            "stages",
            "KR players",
            "JP players",
            "strengths",
            "ties",
            "context",
        ],
        rows=[[row[c] for c in cols] for row in summary.sectors],
        title=f"Dataset {summary.root}",
        footer=[", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in summary.totals.items())],
    )
    emit(out, fmt_, output, force)
    if summary.warnings:
        by_kind: dict[str, list[str]] = {}
        for w in summary.warnings:
            by_kind.setdefault(w.kind, []).append(f"{w.where}: {w.message}")
        for kind, items in sorted(by_kind.items()):
            _err(f"warning: {len(items)} × {kind}")
            for item in items[:5]:
                _err(f"  {item}")
            if len(items) > 5:
                _err(f"  … and {len(items) - 5} more (see --format json)")
        if strict:
            _err("kjmatch: warnings are errors with --strict")
            raise typer.Exit(ExitCode.ERROR)


@app.command()
@guarded
@with_io
def explain(
    korea: Annotated[str, typer.Argument(help="Korean player id.", show_default=False)],
    japan: Annotated[str, typer.Argument(help="Japanese player id.", show_default=False)],
    sector: Annotated[str | None, typer.Option("--sector", "-s", help="Only this sector.")] = None,
    scenario: ScenarioOpt = None,
    weights_file: WeightsFileOpt = None,
    weight: WeightOpt = None,
    *,
    io: CommandIO,
) -> None:
    """Break one pairing down: every linked stage, component, weight, contribution and source.

    The contributions add up to the score `match` shows for the pair.

    \b
    Examples:
      kjmatch explain lg-energy-solution toyota --sector batteries
      kjmatch explain sk-hynix namics --format json | jq '.sectors[0].links[0].components'
    """
    from .matching import explain as run_explain
    from .render import explain_output

    ds = io.load()
    korea = need_player(ds, korea, "KR", "first argument")
    japan = need_player(ds, japan, "JP", "second argument")
    if sector:
        need_sector(ds, sector)
    w = weights_for(ds, scenario, weights_file, weight or [])
    pairings = run_explain(ds, korea, japan, sector=sector, weights=w)
    out = explain_output(ds, ds.players[korea], ds.players[japan], pairings, w, scenario)
    if not pairings:
        _err(
            f"kjmatch: {korea} and {japan} have no linked stages in {'sector ' + sector if sector else 'any shared sector'}"
        )

    io.emit(out, draw=view("draw_explain", out))


@app.command()
@guarded
@with_io
def scenarios(
    *,
    io: CommandIO,
) -> None:
    """List the named weight sets in the dataset (scenarios/*.yaml), with their full weights.

    \b
    Examples:
      kjmatch scenarios
      kjmatch match --sector hydrogen --scenario new-partners
    """
    from .matching import resolve_weights
    from .render import scenarios_output

    ds = io.load()
    rows = [
        (sc.id, sc.name, sc.description, resolve_weights(sc.weights))
        for sc in sorted(ds.scenarios.values(), key=lambda x: x.id)
    ]
    io.emit(scenarios_output(rows))


@app.command()
@guarded
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
    from .render import chain_output

    ds = io.load()
    need_sector(ds, sector)
    out = chain_output(ds, ds.sectors[sector])

    io.emit(out, draw=view("draw_chain", out))


show_app = typer.Typer(
    help="Everything known about one sector or one player, with sources.",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(show_app, name="show")


@show_app.command("sector")
@guarded
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
    from .render import show_sector_output

    ds = io.load()
    need_sector(ds, sector)
    out = show_sector_output(ds, ds.sectors[sector])

    io.emit(out, draw=view("draw_sector", out))


@show_app.command("company")
@guarded
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
      kjmatch show company hanwha-ocean --format json
    """
    from .render import show_company_output

    ds = io.load()
    player = need_player(ds, player)
    out = show_company_output(ds, ds.players[player])

    io.emit(out, draw=view("draw_company", out))


class SchemaKind(str, Enum):
    sector = "sector"
    players = "players"
    relationships = "relationships"
    scenario = "scenario"


@app.command()
@guarded
def schema(
    kind: Annotated[
        SchemaKind | None, typer.Argument(help="One kind of data file; all kinds if omitted.")
    ] = None,
    output_dir: Annotated[
        Path | None,
        typer.Option(
            "--output-dir", help="Write <kind>.schema.json files into DIR instead of printing."
        ),
    ] = None,
) -> None:
    """Print the JSON Schema of the dataset's files (for editors and other tools).

    \b
    Examples:
      kjmatch schema sector
      kjmatch schema --output-dir schema
    """
    import json

    from .schema import schemas

    docs = schemas()
    if output_dir is not None:
        output_dir.mkdir(parents=True, exist_ok=True)
        for name, doc in docs.items():
            write_atomic(
                output_dir / f"{name}.schema.json",
                json.dumps(doc, indent=2, ensure_ascii=False) + "\n",
                force=True,
            )
        return
    chosen = docs[kind.value] if kind else docs
    sys.stdout.write(json.dumps(chosen, indent=2, ensure_ascii=False) + "\n")


@app.command()
@guarded
def init(
    directory: Annotated[
        Path, typer.Argument(help="New folder for your dataset.", show_default=False)
    ],
) -> None:
    """Copy the bundled dataset into a new folder, as a starting point for your own data.

    Refuses to write into a folder that exists and is not empty.

    \b
    Examples:
      kjmatch init my-data
      kjmatch validate --data-dir my-data
      kjmatch match --data-dir my-data --sector batteries
    """
    from .scaffold import init_dataset

    written = init_dataset(directory)
    _err(
        f"kjmatch: wrote {written} files to {directory}; edit them, then run `kjmatch validate --data-dir {directory}`"
    )


def _only_invoked_command(argv: list[str]) -> None:
    """Register just the command being run: typer builds every registered command's
    parameters at start-up, which costs more than the command itself on small data."""
    if not argv or argv[0].startswith("-"):
        return
    name = argv[0]
    chosen = [c for c in app.registered_commands if (c.name or c.callback.__name__) == name]  # type: ignore[union-attr]
    if chosen:
        app.registered_commands = chosen
        app.registered_groups = []
    elif any(g.name == name for g in app.registered_groups):
        app.registered_commands = []


def main() -> None:
    """Console-script entry point."""
    try:
        _only_invoked_command(sys.argv[1:])
        app(prog_name="kjmatch")
    except KeyboardInterrupt:
        _err("kjmatch: interrupted")
        sys.exit(ExitCode.INTERRUPTED)

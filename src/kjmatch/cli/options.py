"""Options shared by the commands, declared once, and the plumbing behind them:
loading the dataset, choosing a format, writing output, progress on a terminal."""

from __future__ import annotations

import contextlib
import functools
import inspect
import io
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from kjmatch.errors import OutputError, RequestError
from kjmatch.output.formats import FORMATS, for_path

if TYPE_CHECKING:
    from kjmatch.model import Dataset
    from kjmatch.output.documents import Output
    from kjmatch.scoring.empty import Empty

F = TypeVar("F", bound=Callable[..., Any])

Format = Enum("Format", {name: name for name in FORMATS}, type=str)  # type: ignore[misc]


def country_code(value: str | None, field: str) -> str | None:
    """A country option (`--country`, `--importer`): KR or JP in either case, always
    said and returned in upper case."""
    if value is None:
        return None
    code = value.strip().upper()
    if code not in ("KR", "JP"):
        raise RequestError(f"{value!r} is not one of 'KR', 'JP'", field)
    return code


FormatOpt = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        case_sensitive=False,
        help="Output format (default: from the --output extension, else table).",
        show_default=False,
    ),
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
EvidenceOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--evidence",
        metavar="DIR",
        help="Also use the computed facts in DIR (from `kjmatch trade import -o DIR`); repeatable.",
        show_default=False,
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write to FILE (atomically) instead of stdout; .csv .json .jsonl .md .xlsx "
        "pick the format.",
        show_default=False,
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


class Direction(str, Enum):
    jp_to_kr = "jp-to-kr"
    kr_to_jp = "kr-to-jp"
    horizontal = "horizontal"
    same_stage = "same-stage"
    all = "all"


DirectionOpt = Annotated[
    list[Direction] | None,
    typer.Option(
        "--direction",
        "-d",
        case_sensitive=False,
        help="jp-to-kr (Japanese supplier, Korean buyer), kr-to-jp, horizontal (documented "
        "cooperation), same-stage (same-product rivals), or all. Repeatable.",
    ),
]
KoreaIdsOpt = Annotated[
    list[str] | None,
    typer.Option("--korea", metavar="ID", help="Only these Korean firms (repeatable)."),
]
JapanIdsOpt = Annotated[
    list[str] | None,
    typer.Option("--japan", metavar="ID", help="Only these Japanese firms (repeatable)."),
]
TopOpt = Annotated[
    int, typer.Option("--top", "-n", min=1, metavar="N", help="Show the best N pairings.")
]


def min_score_option(help: str) -> Any:
    """`--min-score X` (0–100), with what it does for the command."""
    return typer.Option("--min-score", min=0.0, max=100.0, metavar="X", help=help)


MinScoreOpt = Annotated[float, min_score_option("Hide pairings scoring below X (0-100).")]
BeyondLeadersOpt = Annotated[
    bool,
    typer.Option(
        "--beyond-leaders",
        help="Drop pairs of two sector leaders (firms rated 5 at some product of the sector): "
        "the pairs an analyst names from memory.",
    ),
]
NewOnlyOpt = Annotated[
    bool,
    typer.Option(
        "--new-only", help="Drop pairs with a documented tie of any status in any sector."
    ),
]


def chosen_directions(direction: list[Direction] | None) -> tuple[str, ...]:
    from kjmatch.weights import DIRECTIONS

    dirs = [d.value for d in direction or []]
    return DIRECTIONS if not dirs or "all" in dirs else tuple(d for d in DIRECTIONS if d in dirs)


AsOfOpt = Annotated[
    int | None,
    typer.Option(
        "--as-of",
        min=1900,
        max=2100,
        metavar="YEAR",
        help="Rank with the ties and facts known in YEAR, aged from it; firms' levels stay as curated [default: the dataset's newest year].",
        show_default=False,
    ),
]


def choose_format(fmt: Any, as_json: bool, output: Path | None) -> str:
    """--json, else --format, else the output file's extension, else table."""
    chosen = fmt.value if fmt is not None else None
    if as_json:
        if chosen not in (None, "json"):
            raise RequestError(f"--json and --format {chosen} disagree; give one", "format")
        return "json"
    if chosen:
        return str(chosen)
    if output is not None and (by_ext := for_path(output)):
        return by_ext
    if output is not None and output.suffix and str(output) != "-":
        # `-o pairs.xls` must not quietly be a text table (QA round 13)
        known = sorted({e for f in FORMATS.values() for e in f.extensions})
        raise RequestError(
            f"cannot tell a format from {output.suffix!r}; give --format, or one of "
            f"{' '.join(known)}",
            "output",
        )
    return "table"


def load(data_dir: Path | None, no_cache: bool = False, evidence: Iterable[Path] = ()) -> Dataset:
    from kjmatch.cli.application import err
    from kjmatch.loader import load_dataset

    with progress_bar() as progress:
        return load_dataset(
            data_dir,
            use_cache=not no_cache,
            progress=progress,
            warn=err,
            evidence=tuple(evidence),
        )


def write_atomic(path: Path, text: str | bytes, force: bool) -> None:
    """Write a file all at once (`safeio.atomic_write`); never replace one without --force,
    and never replace anything but a regular file (a device, folder or link)."""
    from kjmatch.safeio import NotRegularFileError, atomic_write

    try:
        atomic_write(path, text, replace=force)
    except FileExistsError:
        raise OutputError(f"{path} already exists; use --force to replace it") from None
    except NotRegularFileError:
        raise OutputError(f"{path} is not a regular file; refusing to replace it") from None
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


@contextlib.contextmanager
def to_stdout() -> Iterator[IO[str]]:
    """stdout for writing, flushed at the end; a closed or failing stdout (`>&-`,
    a full disk) is an OutputError, never a crash or output silently lost."""
    stream = sys.stdout
    if stream is None:  # Python sets it to None when fd 1 was closed at start-up
        raise OutputError("stdout is closed; nothing was written (use -o FILE)")
    try:
        yield stream
        stream.flush()
    except BrokenPipeError:
        raise  # the reader went away (`| head`): handled quietly by the boundary
    except (OSError, ValueError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise OutputError(f"cannot write to stdout: {why}") from None


def refuse_inputs(output: Path, data_dir: Path | None, inputs: Iterable[Path] = ()) -> None:
    """An `-o` that names a file the command reads (a data file, the weights file)
    is refused: replacing it would destroy the input. Checked only if it exists."""
    import os

    try:
        st = os.stat(output)
    except OSError:
        return
    from kjmatch.errors import DataError
    from kjmatch.loader import KIND_DIRS, discover, resolve_data_dir

    root = resolve_data_dir(data_dir)
    candidates = list(inputs)
    try:
        candidates += [path for files in discover(root).values() for _, path in files]
    except DataError:  # a broken dataset (validate): its plain files, links not followed
        for kind in KIND_DIRS:
            for folder, _, names in os.walk(root / kind):
                candidates += [Path(folder) / name for name in names]
    for path in candidates:
        try:
            other = os.stat(path)
        except OSError:
            continue
        if (other.st_dev, other.st_ino) == (st.st_dev, st.st_ino):
            raise OutputError(f"{output} is one of the input files; refusing to replace it")


def emit(
    out: Output,
    fmt: str,
    output: Path | None = None,
    force: bool = False,
    *,
    data_dir: Path | None = None,
    inputs: Iterable[Path] = (),
) -> None:
    """Write `out` in `fmt` to stdout, or atomically to a file (never one of the inputs:
    the dataset in `data_dir` or the files in `inputs`)."""
    from kjmatch.output.formats import Target, isatty, write

    binary = FORMATS[fmt].binary
    if output is None or str(output) == "-":
        with to_stdout() as stream:
            refuse_binary_terminal(fmt, stream)
            if binary:
                stream.flush()
                raw: IO[bytes] = stream.buffer  # type: ignore[attr-defined]
                write(out, fmt, raw, Target())
                raw.flush()
            else:
                write(out, fmt, stream, Target(terminal=isatty(stream)))
        return
    refuse_inputs(output, data_dir, inputs)
    if output.is_dir():  # --force would not help: say so at once
        example = output / f"out{(*FORMATS[fmt].extensions, '')[0]}"
        raise OutputError(f"{output} is a folder; give a file name, such as {example}")
    if output.exists() and not force:  # before the work of rendering
        raise OutputError(f"{output} already exists; use --force to replace it")
    buf: io.BytesIO | io.StringIO = io.BytesIO() if binary else io.StringIO()
    write(out, fmt, buf, Target(file=True))
    write_atomic(output, buf.getvalue(), force)


def refuse_binary_terminal(fmt: str, stream: IO[str] | None, output: Path | None = None) -> None:
    """A binary format (xlsx) goes to a file or a pipe, never to a terminal, where it
    would be noise that can upset the terminal (as gzip and tar refuse)."""
    from kjmatch.output.formats import isatty

    to_stdout = output is None or str(output) == "-"
    if FORMATS[fmt].binary and to_stdout and isatty(stream):
        raise RequestError(
            f"{fmt} is binary and stdout is a terminal; write it to a file with "
            f"-o FILE.{fmt}, or pipe it",
            "format",
        )


@dataclass
class CommandIO:
    """The options every dataset command shares: where the data is, how to print it."""

    data_dir: Path | None
    fmt: str
    output: Path | None
    force: bool
    no_cache: bool
    inputs: tuple[Path, ...] = ()  # files read besides the dataset (--weights)
    evidence: tuple[Path, ...] = ()  # folders of computed facts (--evidence)

    def load(self) -> Dataset:
        return load(self.data_dir, self.no_cache, self.evidence)

    def emit(self, out: Output) -> None:
        inputs = self.inputs
        if self.evidence and self.output is not None:
            from kjmatch.loader import evidence_files

            with contextlib.suppress(Exception):  # a missing folder failed the load already
                inputs += tuple(p for d in self.evidence for _, p in evidence_files(d))
        emit(out, self.fmt, self.output, self.force, data_dir=self.data_dir, inputs=inputs)


_IO_OPTIONS = (
    ("data_dir", DataDirOpt, None),
    ("evidence", EvidenceOpt, None),
    ("fmt", FormatOpt, None),
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
        output = kwargs.pop("output")
        fmt = choose_format(kwargs.pop("fmt"), kwargs.pop("as_json"), output)
        refuse_binary_terminal(fmt, sys.stdout, output)  # before any work
        io_ = CommandIO(
            data_dir=kwargs.pop("data_dir"),
            evidence=tuple(kwargs.pop("evidence") or ()),
            fmt=fmt,
            output=output,
            force=kwargs.pop("force"),
            no_cache=kwargs.pop("no_cache"),
            inputs=tuple(p for p in (kwargs.get("weights_file"),) if p is not None),
        )
        return fn(*args, io=io_, **kwargs)

    wrapper.__signature__ = sig.replace(parameters=[*own, *shared])  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in (*own, *shared)} | {"return": None}
    return wrapper  # type: ignore[return-value]


def say_why_empty(why: Empty) -> None:
    """On stderr: why nothing was found, and the options that would find something."""
    from kjmatch.cli.application import err

    for reason in why.reasons:
        err(f"kjmatch: nothing to show: {reason}")
    words = {
        "sector": "--sector {}",
        "min_score": "--min-score {}",
        "new_only": "without --new-only",
        "beyond_leaders": "without --beyond-leaders",
        "direction": "--direction {}",
        "country": "--country {}",
        "stage": "--stage {}",
        "importer": "--importer {}",
        "partner": "--from {}",
    }
    tries = list(dict.fromkeys(words[f].format(v) for f, v in why.tries if f in words))
    if tries:
        err("kjmatch: try " + " or ".join(tries))


# ---------------------------------------------------------------- progress


@contextlib.contextmanager
def progress_bar() -> Iterator[TerminalProgress | None]:
    """A progress callback for long work (None when stderr is not a terminal)."""
    progress = progress_reporter()
    try:
        yield progress
    finally:
        if progress is not None:
            progress.close()


class TerminalProgress:
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

            from kjmatch.output.console import console

            self._bar = Progress(console=console(sys.stderr), transient=True)
            self._bar.start()
            self._task = self._bar.add_task(label, total=total)
        self._bar.update(self._task, completed=done, total=total, description=label)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def progress_reporter() -> TerminalProgress | None:
    try:
        return TerminalProgress() if sys.stderr.isatty() else None
    except (AttributeError, ValueError):
        return None

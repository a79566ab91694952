"""The typer application and the one place where errors become exit codes.

As httpie's `core.main` does over `program()`: commands raise, `BoundaryGroup`
maps each error type to a message on stderr and an exit code (`EXIT_CODES`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from enum import IntEnum
from typing import Any

import typer
from typer.core import TyperGroup
from typer.exceptions import Abort, Exit, TyperException

from kjmatch.errors import DataError, KjmatchError, OutputError, RequestError, printable


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1  # bad data or a runtime failure
    USAGE = 2  # bad command line
    INTERRUPTED = 130
    TERMINATED = 143  # SIGTERM: 128 + 15, as a shell reports it


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that every cleanup runs (temporary files of `-o`
    and of the cache, `init`'s staging folder) before kjmatch exits."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


@contextlib.contextmanager
def sigterm_raises() -> Iterator[None]:
    """While a command runs, SIGTERM raises `Terminated` instead of killing at once."""
    try:
        old = signal.signal(signal.SIGTERM, _terminate)
    except (ValueError, OSError):  # not the main thread: leave the default alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


# error type → exit code; the first match in order wins
EXIT_CODES: tuple[tuple[type[BaseException], ExitCode], ...] = (
    (RequestError, ExitCode.USAGE),
    (DataError, ExitCode.ERROR),
    (OutputError, ExitCode.ERROR),
    (KjmatchError, ExitCode.ERROR),
    (Terminated, ExitCode.TERMINATED),
    (KeyboardInterrupt, ExitCode.INTERRUPTED),
    (BrokenPipeError, ExitCode.OK),  # the reader went away (`| head`): not our failure
    (Exception, ExitCode.ERROR),
)

# a request field (as the core names it) → the option a user typed
FLAGS = {
    "sector": "--sector",
    "korea": "--korea",
    "japan": "--japan",
    "stage": "--stage",
    "scenario": "--scenario",
    "weight": "--weight",
    "weights_file": "--weights",
    "data_dir": "--data-dir (or KJMATCH_DATA_DIR)",
    "format": "--format",
    "output": "--output",
    "output_dir": "--output-dir",
    "schema_output": "--output",
    "evidence": "--evidence",
    "files": "FILES",
    "file_revision": "--file-revision",
    "concordance": "--concordance",
    "engine": "--engine",
    "query": "HS|PRODUCT",
}
STATE = {"debug": False}


def err(message: str) -> None:
    """One message on stderr; names in it (a file called `x\\x1b[2J`) are shown escaped."""
    sys.stderr.write(printable(message.rstrip("\n"), keep="\n") + "\n")


def exit_code(exc: BaseException) -> ExitCode:
    return next(code for kind, code in EXIT_CODES if isinstance(exc, kind))


def report(exc: BaseException) -> ExitCode:
    """Tell the user what went wrong, on stderr, and return the exit code."""
    code = exit_code(exc)
    if isinstance(exc, DataError):
        for p in exc.problems:
            err(str(p))
        if len(exc.problems) > 1:
            err(f"kjmatch: {len(exc.problems)} problems in the dataset")
    elif isinstance(exc, RequestError):
        flag = FLAGS.get(exc.field, "")
        err(f"kjmatch: error: {flag + ': ' if flag else ''}{exc}")
    elif isinstance(exc, KjmatchError):
        err(f"kjmatch: error: {exc}")
    elif isinstance(exc, Terminated):
        err("kjmatch: terminated")
    elif isinstance(exc, KeyboardInterrupt):
        err("kjmatch: interrupted")
    elif isinstance(exc, BrokenPipeError):
        silence_stdout()
    else:  # a bug or an OS failure: say so plainly
        err(
            f"kjmatch: unexpected error: {type(exc).__name__}: {exc} "
            "(run with --debug for a traceback)"
        )
    return code


def silence_stdout() -> None:
    """After the reader has gone (`| head`), stop Python complaining at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


class BoundaryGroup(TyperGroup):
    """Runs every command (and sub-group) inside the error boundary."""

    def invoke(self, ctx: Any) -> Any:
        try:
            with sigterm_raises():
                return super().invoke(ctx)
        except (Exit, Abort, TyperException):  # typer's own: --help, usage errors, exits
            raise
        except (Exception, KeyboardInterrupt) as exc:
            if STATE["debug"] and not isinstance(exc, KeyboardInterrupt | BrokenPipeError):
                raise
            raise Exit(report(exc)) from None


def _version(value: bool) -> None:
    if value:
        from kjmatch import __version__

        typer.echo(f"kjmatch {__version__}")
        raise typer.Exit()


app = typer.Typer(
    name="kjmatch",
    cls=BoundaryGroup,
    help="Find complementary Korea–Japan industrial pairings along sector value chains.",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors."),
) -> None:
    """Find complementary Korea–Japan industrial pairings along sector value chains.

    \b
    Examples:
      kjmatch sectors
      kjmatch match --sector batteries
      kjmatch match --sector batteries --format json | jq '.pairings[0]'
      kjmatch explain sk-hynix namics
    """
    STATE["debug"] = debug


show_app = typer.Typer(
    help="Everything known about one sector or one player, with sources.",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(show_app, name="show")

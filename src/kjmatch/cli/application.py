"""The typer application and the one place where errors become exit codes.

As httpie's `core.main` does over `program()`: commands raise, `BoundaryGroup`
maps each error type to a message on stderr and an exit code (`EXIT_CODES`).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import sys
from collections.abc import Iterator
from enum import IntEnum
from typing import Any

import typer
from typer.core import TyperGroup
from typer.exceptions import Abort, Exit, TyperException

from kjmatch.errors import DataError, KjmatchError, OutputError, RequestError, printable
from kjmatch.output.formats import FORMATS

FORMAT_NAMES = tuple(FORMATS)


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
    "country": "--country",
    "importer": "--importer",
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
    "date": "--date",
    "evidence": "--evidence",
    "files": "FILES",
    "file_revision": "--file-revision",
    "concordance": "--concordance",
    "engine": "--engine",
    "query": "HS|PRODUCT",
    "samples": "--samples",
    "seed": "--seed",
}
# reported: `report` has told the user; command: the command being run, for the --debug hint
STATE: dict[str, Any] = {"debug": False, "reported": False, "command": ""}


def err(message: str) -> None:
    """One message on stderr; names in it (a file called `x\\x1b[2J`) are shown escaped."""
    sys.stderr.write(printable(message.rstrip("\n"), keep="\n") + "\n")


def exit_code(exc: BaseException) -> ExitCode:
    return next(code for kind, code in EXIT_CODES if isinstance(exc, kind))


def report(exc: BaseException) -> ExitCode:
    """Tell the user what went wrong, on stderr, and return the exit code."""
    STATE["reported"] = True
    code = exit_code(exc)
    if isinstance(exc, DataError):
        # located problems keep the compiler's `file:line:col: message` (editors jump to
        # them); a problem with the folder itself (not found, not readable) has no line,
        # and alone it is the error line; in a list it is one item like the others
        alone = len(exc.problems) == 1 and not exc.omitted
        for p in exc.problems:
            err(f"kjmatch: error: {p}" if alone and not p.line else str(p))
        # the list ends with one `kjmatch: error:` line, whatever its length, unless
        # its only line already was one
        if any(p.line for p in exc.problems) or len(exc.problems) > 1 or exc.omitted:
            files = sorted({p.file for p in exc.problems})
            where = files[0] if len(files) == 1 else f"{len(files)} files"
            total = len(exc.problems) + exc.omitted
            more = f" (the first {len(exc.problems)} shown; {exc.omitted:,} more)"
            what = "problem" if total == 1 else "problems"
            err(f"kjmatch: error: {total:,} {what} in {where}{more if exc.omitted else ''}")
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
            f"(for a traceback, run: kjmatch --debug {STATE['command'] or 'COMMAND'} ...)"
        )
    return code


def silence_stdout() -> None:
    """After the reader has gone (`| head`), stop Python complaining at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


_TYPER_WORDS = (  # typer's validation messages, said plainly
    (r"Input should be a valid integer.*", "expected a whole number"),
    (r"Input should be a valid number.*", "expected a number"),
    (r"Input should be greater than or equal to ", "must be at least "),
    (r"Input should be less than or equal to ", "must be at most "),
    (r"Input should be ", "must be "),
)


def usage_message(exc: Exception) -> str:
    """typer's (click's) usage error in kjmatch's words: `kjmatch: error: --top: ...`,
    and where to look for help."""
    message = exc.format_message()  # type: ignore[attr-defined]
    param = getattr(exc, "param", None)
    ctx = getattr(exc, "ctx", None)
    opts = getattr(param, "opts", None)
    if opts and message.startswith("Invalid value for "):
        message = f"{max(opts, key=len)}: {message.partition(': ')[2]}"
    elif param is not None and getattr(param, "param_type_name", "") == "argument":
        message = message.replace("Invalid value for ", "", 1)
    message = message.replace("Value error, ", "")
    for pattern, words in _TYPER_WORDS:
        message = re.sub(pattern, words, message)
    message = message[:1].lower() + message[1:] if message[:2] != message[:2].upper() else message
    where = f" (see '{ctx.command_path} -h')" if ctx is not None else ""
    if getattr(exc, "option_name", "") in _GLOBAL and ctx is not None and ctx.parent:
        # an option of kjmatch itself, given after the command
        where = f"; it goes before the command: kjmatch {exc.option_name} {ctx.info_name} …"  # type: ignore[attr-defined]
    return f"kjmatch: error: {message.rstrip('.')}{where}"


_GLOBAL = ("--debug", "--version")  # options of `kjmatch` itself, not of a command


# metavars by parameter name, for `-h`: what to type, not the Python type
METAVARS = {
    "sector": "ID",
    "stage": "ID",
    "korea": "ID",
    "japan": "ID",
    "scenario": "NAME",
    "weights_file": "FILE",
    "weight": "NAME=VALUE",
    "data_dir": "DIR",
    "output_dir": "DIR",
    "output": "FILE",
    "fmt": "|".join(FORMAT_NAMES),
    "schema_output": "DOCUMENT",
}


def _no_type(ctx: Any) -> None:
    return None


def _usage_name(param: Any) -> Any:
    """An argument as usage lines write it: `FILE`, `[EVENT]` (optional), `FILES...`."""

    def name() -> str:
        text = param.metavar or (param.name or "").upper()
        text = text if param.required else f"[{text}]"
        return text + ("..." if param.nargs != 1 and not text.endswith("...") else "")

    return name


def _type_of(param: Any) -> tuple[Any, str]:
    """A parameter's choices (if any) and type name, in typer's newer API or click's."""
    desc = getattr(param, "type_descriptor", None)
    if desc is not None:
        if desc.is_choice:
            return desc.choices, "choice"
        if desc.is_path:
            return None, "path"
        return None, str(param.bare_type())
    kind = getattr(param, "type", None)
    return getattr(kind, "choices", None), str(getattr(kind, "name", "") or type(kind).__name__)


def readable_metavars(command: Any) -> Any:
    """Give every option and argument of `command` a metavar a reader understands
    (`N`, `ID`, `KR|JP`, `FILE`) instead of typer's `<int range>` or `<list[str]>`."""
    for param in getattr(command, "params", ()):
        choices, type_name = _type_of(param)
        if param.param_type_name == "argument":
            if not choices and hasattr(param, "display_type_rich"):
                param.display_type_rich = _no_type  # newer typer: `FILE <path>` → `FILE`
            if hasattr(param, "_usage_display_name"):  # newer typer: `{FILE}`, `[[EVENT]]`
                param._usage_display_name = _usage_name(param)
            if param.metavar is None:
                param.metavar = (param.name or "").upper() + ("..." if param.nargs != 1 else "")
            continue
        if param.metavar is not None or getattr(param, "is_flag", False):
            continue
        if param.name in METAVARS:
            param.metavar = METAVARS[param.name]
        elif choices:
            param.metavar = "|".join(str(getattr(c, "value", c)) for c in choices)
        elif "int" in type_name.lower():
            param.metavar = "N"
        elif "float" in type_name.lower():
            param.metavar = "X"
        elif "path" in type_name.lower():
            param.metavar = "FILE"
        else:
            param.metavar = "TEXT"
    return command


class BoundaryGroup(TyperGroup):
    """Runs every command (and sub-group) inside the error boundary."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        return readable_metavars(super().get_command(ctx, cmd_name))

    def main(  # type: ignore[override]
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """typer's usage errors (missing option, bad choice, bad number) reported in
        kjmatch's one style, on stderr, with exit code 2."""
        standalone = standalone_mode
        STATE["reported"] = False
        STATE["command"] = ""
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except (Exit, Abort, TyperException, Exception) as exc:
            if not standalone:
                raise
            if isinstance(exc, Exit):
                sys.exit(exc.exit_code)
            if isinstance(exc, Abort):
                err("kjmatch: interrupted")
                sys.exit(ExitCode.INTERRUPTED)
            if not hasattr(exc, "format_message"):
                raise
            if type(exc).__name__ == "NoArgsIsHelpError":  # `kjmatch` alone: the help
                exc.show()  # type: ignore[attr-defined]
            else:
                err(usage_message(exc))
            sys.exit(getattr(exc, "exit_code", ExitCode.USAGE))
        if not standalone:
            return result
        if result == ExitCode.INTERRUPTED and not STATE["reported"]:
            # Ctrl-C while typer parsed the options: typer turns it into a bare 130
            err("kjmatch: interrupted")
        sys.exit(result if isinstance(result, int) else ExitCode.OK)

    def invoke(self, ctx: Any) -> Any:
        try:
            with sigterm_raises():
                return super().invoke(ctx)
        except (Exit, Abort, TyperException):  # typer's own: --help, usage errors, exits
            raise
        except (Exception, KeyboardInterrupt) as exc:
            STATE["command"] = _command_words(ctx)
            if STATE["debug"] and not isinstance(exc, KeyboardInterrupt | BrokenPipeError):
                raise
            raise Exit(report(exc)) from None


def _command_words(ctx: Any) -> str:
    """The command being run as typed after `kjmatch` (`show company`), for the hint."""
    words = [ctx.invoked_subcommand or ""]
    while ctx.parent is not None:
        words.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(w for w in reversed(words) if w)


def _version(value: bool) -> None:
    if value:
        from kjmatch import __version__

        typer.echo(f"kjmatch {__version__}")
        raise typer.Exit()


app = typer.Typer(
    name="kjmatch",
    cls=BoundaryGroup,
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
      kjmatch partners samsung-electronics
      kjmatch partners toyota --direction kr-to-jp
      kjmatch compare sk-hynix namics sk-hynix resonac
      kjmatch dependence --importer KR --from JP
      kjmatch match --sector hydrogen --new-only -o hydrogen.xlsx
      kjmatch show company toyota

    Errors go to stderr as `kjmatch: error: ...` (exit 2 for a bad command line,
    1 for bad data); `kjmatch COMMAND -h` shows each command's options.
    """
    STATE["debug"] = debug


show_app = typer.Typer(
    cls=BoundaryGroup,
    help="""Everything known about one sector or one player, with sources.

    \b
    Examples:
      kjmatch show sector ammonia
      kjmatch show company tokyo-ohka-kogyo
      kjmatch show company "Showa Denko"          (a former name finds Resonac)
      kjmatch show company トヨタ自動車 --json | jq '.strengths[].sector'
    """,
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(show_app, name="show")

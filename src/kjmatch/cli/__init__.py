"""The command line: parse options, call the core, pick a renderer.

`application.py` holds the typer app and the error boundary, `options.py` the
shared options and output plumbing, and `commands/` one module per command, which
registers itself on the app when imported. The console script imports only the
command it runs (all of them for `--help`, an unknown name or a leading option);
`from kjmatch.cli import app` gives the app with every command. Heavy modules (rich,
pydantic, PyYAML, the matcher) are imported inside the commands that need them, so
`--help` and `--version` stay fast.
"""

from __future__ import annotations

import atexit
import os
import sys
from typing import Any

from .commands import COMMANDS

__all__ = ["app", "main"]

_NAMES = {"import": "import_"}  # command name → its module, where they differ
INTERRUPTED = 130  # ExitCode.INTERRUPTED, known without importing typer


def _register(modules: tuple[str, ...] = COMMANDS) -> None:
    import importlib

    for name in modules:
        importlib.import_module(f"{__name__}.commands.{name}")


def __getattr__(name: str) -> Any:
    """`app`: the typer app with every command registered (for tests and embedding)."""
    if name == "app":
        from .application import app

        _register()
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _register_invoked(argv: list[str]) -> None:
    """Register just the command being run: importing every command module and building
    every command's parameters costs more than a small command itself."""
    name = argv[0] if argv and not argv[0].startswith("-") else ""
    module = _NAMES.get(name, name)
    _register((module,) if module in COMMANDS else COMMANDS)


def main() -> None:
    """Console-script entry point."""
    try:
        # typer and click are imported here, inside the handler, so Ctrl-C while they
        # load is an interrupted run (130), not a traceback
        from .application import app

        _register_invoked(sys.argv[1:])
        app(prog_name="kjmatch")
    except KeyboardInterrupt as exc:  # before or after a command runs
        _interrupted(exc)
    except SystemExit as exc:
        _exit_now(exc.code)
        raise


def _interrupted(exc: KeyboardInterrupt) -> None:
    """Report an interrupt and leave with its code, even when it landed while the
    error boundary itself was being imported (then only the plain message is sure)."""
    try:
        from .application import report

        code = int(report(exc))
    except BaseException:  # application half-imported, or a second Ctrl-C
        sys.stderr.write("kjmatch: interrupted\n")
        code = INTERRUPTED
    _exit_now(code)
    sys.exit(code)


def _exit_now(code: object) -> None:
    """After a command that loaded a dataset, end the process without tearing down its
    millions of objects one by one (0.4 s at 50k players per country, twice that at 100k):
    flush stdout and stderr, run the exit hooks, then leave. Every file a command
    writes is closed by then (`safeio.atomic_write`). Anything unusual (a message as the
    exit code, a flush that fails) takes the ordinary exit instead.

    An interrupted run (130) always leaves this way: when Ctrl-C lands inside code that
    `exec` compiles (a dataclass being created), CPython 3.11 marks the interrupt as
    unhandled even though kjmatch handled it, and its ordinary exit would then kill the
    process with SIGINT instead of exiting 130."""
    loader = sys.modules.get("kjmatch.loader")
    if code != INTERRUPTED and (loader is None or not loader.loaded()):
        return
    if code is None:
        code = 0
    if not isinstance(code, int):
        return
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except Exception:  # e.g. the reader went away: the ordinary exit handles it
        return
    atexit._run_exitfuncs()
    os._exit(code)

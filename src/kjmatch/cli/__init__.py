"""The command line: parse options, call the core, pick a renderer.

`app.py` holds the typer app and the error boundary, `options.py` the shared
options and output plumbing, and `commands/` one module per command. Heavy
modules (rich, pydantic, PyYAML, the matcher) are imported inside the commands
that need them, so `--help` and `--version` stay fast.
"""

from __future__ import annotations

import atexit
import importlib
import os
import sys

from .app import app, report
from .commands import COMMANDS

for _name in COMMANDS:
    importlib.import_module(f"{__name__}.commands.{_name}")

__all__ = ["app", "main"]


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
    except KeyboardInterrupt as exc:  # before or after a command runs
        sys.exit(report(exc))
    except SystemExit as exc:
        _exit_now(exc.code)
        raise


def _exit_now(code: object) -> None:
    """After a command that loaded a dataset, end the process without tearing down its
    millions of objects one by one (0.4 s at 50k players per country, twice that at 100k):
    flush stdout and stderr, run the exit hooks, then leave. Every file a command
    writes is closed by then (`safeio.atomic_write`). Anything unusual (a message as the
    exit code, a flush that fails) takes the ordinary exit instead."""
    loader = sys.modules.get("kjmatch.loader")
    if loader is None or not loader.loaded():
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

"""The command line: parse options, call the core, pick a renderer.

`app.py` holds the typer app and the error boundary, `options.py` the shared
options and output plumbing, and `commands/` one module per command. Heavy
modules (rich, pydantic, PyYAML, the matcher) are imported inside the commands
that need them, so `--help` and `--version` stay fast.
"""

from __future__ import annotations

import importlib
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

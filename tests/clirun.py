"""Run the CLI in-process and keep exit code, stdout and stderr apart."""

from __future__ import annotations

import json
from typing import Any

from typer.testing import CliRunner

from kjmatch.cli import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, list(args))
    return r.exit_code, r.stdout, r.stderr


def jrun(*args: str) -> dict[str, Any]:
    """The command's JSON document (the command must succeed)."""
    code, out, err = run(*args, "--format", "json")
    assert code == 0, err
    doc: dict[str, Any] = json.loads(out)
    return doc

"""Start-up discipline: cheap commands must not import what they do not use."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# the list is written by an exit hook: after loading a dataset the CLI ends the process
# right after the hooks run (see kjmatch.cli._exit_now)
PROBE = """
import atexit, sys
sys.argv = ["kjmatch", *{args!r}]
atexit.register(lambda: sys.stderr.write("MODULES=" + ",".join(sorted(sys.modules)) + "\\n"))
from kjmatch.cli import main
main()
"""
HEAVY_FOR_HELP = {
    "rich",
    "rich.table",
    "rich.console",
    "yaml",
    "kjmatch.scoring.ranking",
    "kjmatch.loader",
    "kjmatch.validation",
    "kjmatch.model",
    "kjmatch.output.documents",
    "kjmatch.scoring.stability",
}


def modules_after(*args: str, env: dict[str, str] | None = None) -> set[str]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=list(args))],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
    line = next(x for x in proc.stderr.splitlines() if x.startswith("MODULES="))
    return set(line.removeprefix("MODULES=").split(","))


@pytest.mark.parametrize(
    "args", [["--help"], ["--version"], ["match", "--help"], ["explain", "-h"]]
)
def test_help_and_version_load_no_tables_matcher_or_data(args: list[str]) -> None:
    loaded = modules_after(*args)
    assert not (loaded & HEAVY_FOR_HELP), sorted(loaded & HEAVY_FOR_HELP)


def test_cached_json_commands_skip_yaml_pydantic_validation_and_rich(tmp_path: Path) -> None:
    env = {"KJMATCH_CACHE_DIR": str(tmp_path)}
    modules_after("sectors", "--format", "json", env=env)  # fills the cache
    for args in (
        ["sectors", "--format", "json"],
        ["match", "--sector", "batteries", "--format", "json"],
    ):
        loaded = modules_after(*args, env=env)
        assert "yaml" not in loaded and "kjmatch.validation" not in loaded
        assert not any(m == "rich" or m.startswith("rich.") for m in loaded)
    loaded = modules_after("sectors", "--format", "json", env=env)
    assert "kjmatch.scoring.ranking" not in loaded  # listing sectors needs no scoring


def test_progress_only_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from kjmatch.cli import options as cli

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    piped = io.StringIO()
    monkeypatch.setattr(sys, "stderr", piped)
    assert cli.progress_reporter() is None  # not a terminal: nothing at all

    tty = Tty()
    monkeypatch.setattr(sys, "stderr", tty)
    bar = cli.progress_reporter()
    assert bar is not None
    bar("Reading data", 1, 10)  # under a second: still silent
    assert tty.getvalue() == ""
    bar._start -= 2.0  # pretend the work has run for two seconds
    bar("Reading data", 5, 10)
    bar.close()
    assert "Reading data" in tty.getvalue()


@pytest.mark.parametrize(
    ("args", "module"),
    [(["sectors", "--format", "json"], "sectors"), (["import", "--help"], "import_")],
)
def test_the_console_script_imports_only_the_command_it_runs(args: list[str], module: str) -> None:
    loaded = {m for m in modules_after(*args) if m.startswith("kjmatch.cli.commands.")}
    assert loaded == {f"kjmatch.cli.commands.{module}"}


def test_help_and_unknown_names_see_every_command() -> None:
    for args in (["--help"], ["mtch"]):
        loaded = {m for m in modules_after(*args) if m.startswith("kjmatch.cli.commands.")}
        assert "kjmatch.cli.commands.match" in loaded and "kjmatch.cli.commands.trade" in loaded

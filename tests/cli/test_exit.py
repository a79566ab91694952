"""After loading a dataset the CLI leaves without tearing down its objects one by one
(`kjmatch.cli._exit_now`): output, files, exit codes and exit hooks are unchanged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def _run(*args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KJMATCH_CACHE_DIR": str(cache), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "kjmatch", *args], capture_output=True, text=True, env=env
    )


def test_output_is_complete_and_the_exit_code_kept(tiny: Path, tmp_path: Path) -> None:
    for _ in range(2):  # a cold load (writes the cache), then a cache hit
        proc = _run("match", "-s", "widgets", "--data-dir", str(tiny), "--json", cache=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["pairings"]
        assert proc.stderr == ""


def test_a_written_file_is_whole(tiny: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    proc = _run(
        "match", "-s", "widgets", "--data-dir", str(tiny), "-o", str(target), cache=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(target.read_text(encoding="utf-8"))["pairings"]


def test_errors_after_loading_keep_their_code_and_message(tiny: Path, tmp_path: Path) -> None:
    proc = _run("match", "-s", "no-such-sector", "--data-dir", str(tiny), cache=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == "" and "no-such-sector" in proc.stderr


def test_exit_hooks_still_run(tiny: Path, tmp_path: Path) -> None:
    probe = (
        "import atexit, sys\n"
        "atexit.register(lambda: sys.stderr.write('hook ran\\n'))\n"
        f"sys.argv = ['kjmatch', 'sectors', '--data-dir', {str(tiny)!r}, '--json']\n"
        "from kjmatch.cli import main\n"
        "main()\n"
    )
    env = {**os.environ, "KJMATCH_CACHE_DIR": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
    assert proc.returncode == 0
    assert json.loads(proc.stdout) and proc.stderr == "hook ran\n"


def test_ctrl_c_while_typer_loads_is_an_interrupted_run(tmp_path: Path) -> None:
    # Ctrl-C in the first tens of milliseconds lands while typer is imported: the run
    # ends 130 with the usual message, not a traceback
    probe = (
        "import sys\n"
        "class Stop:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'typer':\n"
        "            raise KeyboardInterrupt\n"
        "sys.meta_path.insert(0, Stop())\n"
        "sys.argv = ['kjmatch', 'sectors']\n"
        "from kjmatch.cli import main\n"
        "main()\n"
    )
    env = {**os.environ, "KJMATCH_CACHE_DIR": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
    assert proc.returncode == 130
    assert proc.stdout == ""
    assert proc.stderr == "kjmatch: interrupted\n"


def test_the_entry_points_interrupt_code_is_the_cli_s() -> None:
    from kjmatch import cli
    from kjmatch.cli.application import ExitCode

    assert cli.INTERRUPTED == ExitCode.INTERRUPTED

"""Hostile neighbours of a run (issue 13): closed or full stdout, planted init folders,
termination mid-write, look-ups by odd names, outputs aimed at inputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kjmatch.cli import app

runner = CliRunner()
DATASET_ENTRIES = ["README.md", "players", "relationships", "scenarios", "schema", "sectors"]


# ---------------------------------------------------------------- stdout


def _sh(command: str, tiny: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KJMATCH_DATA_DIR": str(tiny)}
    return subprocess.run(
        ["sh", "-c", f"exec '{sys.executable}' -m kjmatch {command}"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


@pytest.mark.parametrize("args", ["sectors --json", "sectors -f csv", "sectors", "schema"])
def test_closed_stdout_is_an_error_not_a_crash(tiny: Path, args: str) -> None:
    proc = _sh(f"{args} >&-", tiny)
    assert proc.returncode == 1
    assert proc.stderr == "kjmatch: error: stdout is closed; nothing was written (use -o FILE)\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args", ["sectors --json", "sectors", "match -s widgets", "match -s widgets -f xlsx"]
)
def test_full_stdout_is_an_error_not_lost_output(tiny: Path, args: str) -> None:
    proc = _sh(f"{args} >/dev/full", tiny)
    assert proc.returncode == 1
    assert proc.stderr == "kjmatch: error: cannot write to stdout: No space left on device\n"


# ---------------------------------------------------------------- init


def test_init_dot_fills_an_empty_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "empty"
    here.mkdir()
    monkeypatch.chdir(here)
    r = runner.invoke(app, ["init", "."])
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "" and r.stderr.startswith("kjmatch: wrote ")
    assert sorted(os.listdir(here)) == DATASET_ENTRIES
    assert runner.invoke(app, ["validate", "--data-dir", "."]).exit_code == 0


@pytest.mark.parametrize("planted", ["file", "link", "folder"])
def test_init_never_touches_a_planted_staging_name(tmp_path: Path, planted: str) -> None:
    """The old staging name `.X.init-tmp` was fixed: a file or link there crashed init,
    and a folder there was deleted with its contents."""
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious").write_text("mine")
    staging = tmp_path / ".new.init-tmp"
    if planted == "file":
        staging.write_text("mine")
    elif planted == "link":
        staging.symlink_to(victim)
    else:
        (staging / "sub").mkdir(parents=True)
        (staging / "sub" / "precious").write_text("mine")
    r = runner.invoke(app, ["init", str(tmp_path / "new")])
    assert r.exit_code == 0, r.stderr
    assert sorted(os.listdir(tmp_path / "new")) == DATASET_ENTRIES
    assert (victim / "precious").read_text() == "mine"
    if planted == "file":
        assert staging.read_text() == "mine"
    elif planted == "link":
        assert staging.is_symlink() and os.listdir(victim) == ["precious"]
    else:
        assert (staging / "sub" / "precious").read_text() == "mine"
    assert sorted(os.listdir(tmp_path)) == sorted([".new.init-tmp", "new", "victim"])


@pytest.mark.parametrize("into", ["new", "empty"])
@pytest.mark.parametrize("failure", [KeyboardInterrupt(), PermissionError(13, "Permission denied")])
def test_interrupted_or_failed_init_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, into: str, failure: BaseException
) -> None:
    from kjmatch import scaffold

    target = tmp_path / into
    if into == "empty":
        target.mkdir()
    real = scaffold._copy_bundled

    def copy_then_fail(staging: Path) -> int:
        real(staging)
        raise failure

    monkeypatch.setattr(scaffold, "_copy_bundled", copy_then_fail)
    r = runner.invoke(app, ["init", str(target)])
    if isinstance(failure, KeyboardInterrupt):
        assert r.exit_code == 130 and r.stderr == "kjmatch: interrupted\n"
    else:
        assert r.exit_code == 1
        assert r.stderr == f"kjmatch: error: cannot write {target}: Permission denied\n"
    assert os.listdir(tmp_path) == ([] if into == "new" else ["empty"])
    if into == "empty":
        assert os.listdir(target) == []


def test_init_under_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    r = runner.invoke(app, ["init", str(tmp_path / "no" / "such")])
    assert r.exit_code == 1
    assert (
        r.stderr == f"kjmatch: error: cannot write {tmp_path}/no/such: No such file or directory\n"
    )


def test_validate_json_with_bad_data_goes_to_the_output_file(tmp_path: Path) -> None:
    (tmp_path / "d" / "sectors").mkdir(parents=True)
    (tmp_path / "d" / "sectors" / "x.yaml").write_text("id: [\n")
    report = tmp_path / "report.json"
    r = runner.invoke(
        app, ["validate", "--data-dir", str(tmp_path / "d"), "--json", "-o", str(report)]
    )
    assert r.exit_code == 1 and r.stdout == ""
    assert "x.yaml:2:1: invalid YAML" in r.stderr
    doc = json.loads(report.read_text(encoding="utf-8"))
    assert doc["ok"] is False and doc["problems"][0]["line"] == 2


def test_schema_output_dir_that_is_a_file_is_a_usage_error(tmp_path: Path) -> None:
    f = tmp_path / "FILE"
    f.write_text("mine")
    r = runner.invoke(app, ["schema", "--output-dir", str(f)])
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr == f"kjmatch: error: --output-dir: {f} is not a folder\n"
    assert f.read_text() == "mine"


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_output_to_a_folder_says_so_at_once(tiny: Path, tmp_path: Path, force: list[str]) -> None:
    """QA finding 13: `-o FOLDER` said "already exists; use --force", then with --force
    "is not a regular file"."""
    folder = tmp_path / "out"
    folder.mkdir()
    args = ["sectors", "--data-dir", str(tiny), "-f", "json", "-o", str(folder), *force]
    result = runner.invoke(app, args)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (
        f"kjmatch: error: {folder} is a folder; give a file name, such as {folder}/out.json\n"
    )
    assert list(folder.iterdir()) == []


def test_dash_output_is_stdout_not_a_file(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, ["sectors", "--data-dir", str(tiny), "--json", "-o", "-"])
    assert r.exit_code == 0 and r.stderr == ""
    assert json.loads(r.stdout)["sectors"][0]["id"] == "widgets"
    assert not (tmp_path / "-").exists()


# ---------------------------------------------------------------- SIGTERM

STALL_FSYNC = """
import os, sys, time
marker, needle = sys.argv[1], sys.argv[2]
real = os.fsync
def stall(fd):
    if needle in os.readlink(f"/proc/self/fd/{fd}"):
        open(marker, "w").close()
        # short sleeps, not one long one: a signal that lands just before a sleep's
        # syscall starts is handled only when it ends (CI once waited out all 60 s)
        for _ in range(6000):
            time.sleep(0.01)
    return real(fd)
os.fsync = stall
sys.argv = ["kjmatch", *sys.argv[3:]]
from kjmatch.cli import main
main()
"""


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("during", ["output", "cache"])
def test_sigterm_mid_write_leaves_no_partial_or_temp_file(
    tiny: Path, tmp_path: Path, during: str
) -> None:
    import signal
    import time

    out_dir = tmp_path / "out"
    out_dir.mkdir()
    cache = tmp_path / "cache"
    marker = tmp_path / "writing"
    env = {**os.environ, "KJMATCH_CACHE_DIR": str(cache)}
    if during == "output":
        env["KJMATCH_NO_CACHE"] = "1"
    needle = "out.json" if during == "output" else ".dataset-"
    args = ["sectors", "--data-dir", str(tiny), "-o", str(out_dir / "out.json")]
    proc = subprocess.Popen(
        [sys.executable, "-c", STALL_FSYNC, str(marker), needle, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + 30
    while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert marker.exists(), proc.communicate()
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 143, err
    assert out == "" and err == "kjmatch: terminated\n"
    assert os.listdir(out_dir) == []
    if during == "cache":
        assert os.listdir(cache / "kjmatch") == ["key"]


# ---------------------------------------------------------------- look-ups


def _named_dataset(tmp_path: Path) -> Path:
    from conftest import default_files, write_dataset

    files = default_files()
    players = files["players/all.yaml"]["players"]
    players[0]["native_name"] = "삼성전자"
    players[3]["native_name"] = "\u30c0\u30a4\u30ad\u30f3工業"  # ダイキン工業, NFC
    players[1]["name"] = players[2]["name"] = "Twin Co"  # kr-filmco and kr-carco
    players[4]["aliases"] = ["Café Tools"]
    return write_dataset(tmp_path / "d", files)


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("삼성전자", "kr-cellco"),
        ("\u1109\u1161\u11b7\u1109\u1165\u11bc\u110c\u1165\u11ab\u110c\u1161", "kr-cellco"),  # NFD
        ("ダイキン工業", "jp-filmco"),
        ("\u30bf\u3099\u30a4\u30ad\u30f3工業", "jp-filmco"),  # NFD: the dakuten typed apart
        ("CAFE\u0301 TOOLS", "jp-toolco"),
    ],
    ids=["nfc", "nfd-hangul", "nfc-kana", "nfd-kana", "nfd-latin-any-case"],
)
def test_typed_names_are_normalised_to_nfc(tmp_path: Path, typed: str, found: str) -> None:
    root = _named_dataset(tmp_path)
    r = runner.invoke(app, ["show", "company", typed, "--data-dir", str(root), "--json"])
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["id"] == found


def test_a_shared_name_is_ambiguous_not_unknown(tmp_path: Path) -> None:
    root = _named_dataset(tmp_path)
    r = runner.invoke(app, ["show", "company", "twin co", "--data-dir", str(root)])
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr == (
        "kjmatch: error: ambiguous player 'twin co': 'kr-carco' or 'kr-filmco'; give the id\n"
    )
    r = runner.invoke(
        app, ["match", "-s", "widgets", "--korea", "Twin Co", "--data-dir", str(root)]
    )
    assert r.exit_code == 2
    assert r.stderr.startswith("kjmatch: error: --korea: ambiguous player 'Twin Co': ")


# ---------------------------------------------------------------- -o aimed at an input


@pytest.mark.parametrize("which", ["data-file", "linked-data-file", "weights-file", "validate"])
def test_output_that_is_an_input_file_is_refused(tiny: Path, tmp_path: Path, which: str) -> None:
    data = tiny / "players" / "all.yaml"
    weights = tmp_path / "w.yaml"
    weights.write_text("fit: 1\n")
    args = ["match", "-s", "widgets", "--data-dir", str(tiny), "--weights", str(weights)]
    target = data
    if which == "linked-data-file":
        target = tmp_path / "link.yaml"
        target.symlink_to(data)  # another name for the same file
    elif which == "weights-file":
        target = weights
    elif which == "validate":
        args = ["validate", "--data-dir", str(tiny)]
    before = {p: p.read_bytes() for p in (data, weights)}
    r = runner.invoke(app, [*args, "-o", str(target), "--force", "-f", "json"])
    assert r.exit_code == 1 and r.stdout == ""
    assert (
        r.stderr == f"kjmatch: error: {target} is one of the input files; refusing to replace it\n"
    )
    assert {p: p.read_bytes() for p in before} == before


def test_output_next_to_the_inputs_is_fine(tiny: Path) -> None:
    target = tiny / "report.json"
    target.write_text("old")
    r = runner.invoke(app, ["sectors", "--data-dir", str(tiny), "-o", str(target), "--force"])
    assert r.exit_code == 0, r.stderr
    assert json.loads(target.read_text())["sectors"][0]["id"] == "widgets"


def test_an_output_extension_no_format_owns_is_refused(tiny: Path, tmp_path: Path) -> None:
    """QA round 13: `-o pairs.xls` wrote a box-drawn text table under a spreadsheet name."""
    target = tmp_path / "pairs.xls"
    r = runner.invoke(app, ["sectors", "--data-dir", str(tiny), "-o", str(target)])
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr.startswith("kjmatch: error: --output: cannot tell a format from '.xls'")
    assert not target.exists()
    r = runner.invoke(app, ["sectors", "--data-dir", str(tiny), "-o", str(target), "-f", "csv"])
    assert r.exit_code == 0 and target.read_text("utf-8-sig").startswith("id,")

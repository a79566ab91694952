"""Every command end to end, in every format; stdout and stderr checked separately."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SRC, default_files, write_dataset
from kjmatch import __version__
from kjmatch.cli import app

runner = CliRunner()
FORMATS = ["table", "json", "jsonl", "csv", "markdown"]


def run(*args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, list(args))
    return r.exit_code, r.stdout, r.stderr


def test_version() -> None:
    assert run("--version") == (0, f"kjmatch {__version__}\n", "")


@pytest.mark.parametrize(
    "cmd",
    [
        "sectors",
        "companies",
        "match",
        "validate",
        "explain",
        "scenarios",
        "chain",
        "schema",
        "init",
        "show sector",
        "show company",
    ],
)
def test_every_command_has_help_with_example(cmd: str) -> None:
    code, out, err = run(*cmd.split(), "-h")
    assert code == 0 and err == ""
    assert "Examples:" in out and f"kjmatch {cmd.split()[0]}" in out


def test_top_level_help_lists_commands() -> None:
    code, out, _ = run("--help")
    assert code == 0
    for cmd in (
        "sectors",
        "companies",
        "match",
        "explain",
        "chain",
        "show",
        "validate",
        "schema",
        "init",
    ):
        assert cmd in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_sectors_every_format(tiny: Path, fmt: str) -> None:
    code, out, err = run("sectors", "--data-dir", str(tiny), "--format", fmt)
    assert code == 0 and err == ""
    if fmt == "json":
        doc = json.loads(out)
        assert doc["sectors"][0] == {
            "id": "widgets",
            "name": "Widgets",
            "names": {"en": "Widgets", "ko": "Widgets (ko)", "ja": "Widgets (ja)"},
            "stages": 5,
            "korea_players": 3,
            "japan_players": 5,
            "relationships": 1,
            "stage_ids": ["ore", "film", "tools", "cells", "cars"],
        }
    elif fmt == "jsonl":
        assert [json.loads(x)["id"] for x in out.splitlines()] == ["widgets"]
    elif fmt == "csv":
        assert not out.startswith("\ufeff")  # the BOM goes only into files
        rows = list(csv.reader(io.StringIO(out)))
        assert rows[0][:2] == ["id", "name"] and rows[1][0] == "widgets"
    elif fmt == "markdown":
        assert "| widgets | Widgets |" in out
    else:
        assert "widgets" in out and "Widgets (ko)" in out


def test_json_shorthand(tiny: Path) -> None:
    assert json.loads(run("sectors", "--data-dir", str(tiny), "--json")[1])["sectors"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_companies_every_format(tiny: Path, fmt: str) -> None:
    code, out, err = run(
        "companies", "--data-dir", str(tiny), "--country", "jp", "--stage", "film", "-f", fmt
    )
    assert code == 0 and err == ""
    if fmt == "json":
        [c] = json.loads(out)["companies"]
        assert c["id"] == "jp-filmco" and c["country"] == "JP"
        assert c["strengths"][0]["sources"][0]["publisher"] == "Test Publisher"
        assert c["strengths"][0]["level"] == 5
    elif fmt == "jsonl":
        assert [json.loads(x)["id"] for x in out.splitlines()] == ["jp-filmco"]
    else:
        assert "jp-filmco" in out and "kr-cellco" not in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_match_every_format(tiny: Path, fmt: str) -> None:
    code, out, err = run(
        "match", "--data-dir", str(tiny), "--sector", "widgets", "--top", "3", "-f", fmt
    )
    assert code == 0 and err == ""
    if fmt == "json":
        doc = json.loads(out)
        assert doc["sector"] == {"id": "widgets", "name": "Widgets"}
        assert set(doc["weights"]) == {
            "fit",
            "strength",
            "gap",
            "security",
            "relationship",
            "peer",
            "novelty",
        }
        assert [p["rank"] for p in doc["pairings"]] == [1, 2, 3]
        first = doc["pairings"][0]
        assert first["korea"]["id"] == "kr-cellco" and first["japan"]["id"] == "jp-filmco"
        assert first["direction"] == "jp-to-kr"
        assert first["korea"]["stage"] == "cells" and first["japan"]["stage"] == "film"
        assert 0 <= first["score"] <= 100
        assert set(first["components"]) == set(doc["weights"])
        assert first["reasons"] and first["relationships"][0]["id"] == "cellco-filmco-supply"
        scores = [p["score"] for p in doc["pairings"]]
        assert scores == sorted(scores, reverse=True)
    elif fmt == "jsonl":
        lines = [json.loads(x) for x in out.splitlines()]
        assert [x["rank"] for x in lines] == [1, 2, 3]
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff"))))
        assert len(rows) == 4 and rows[1][0] == "1"
    else:
        assert "Kr Cellco" in out and "Jp Filmco" in out


def test_match_filters(tiny: Path) -> None:
    code, out, _ = run(
        "match", "--data-dir", str(tiny), "-s", "widgets", "--japan", "jp-carco", "--json"
    )
    assert code == 0
    assert {p["japan"]["id"] for p in json.loads(out)["pairings"]} == {"jp-carco"}
    code, out, _ = run(
        "match", "--data-dir", str(tiny), "-s", "widgets", "--min-score", "60", "--json"
    )
    assert all(p["score"] >= 60 for p in json.loads(out)["pairings"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["match", "--sector", "widget"], "unknown sector 'widget'; did you mean 'widgets'?"),
        (["match", "--sector", "widgets", "--korea", "kr-celco"], "did you mean 'kr-cellco'"),
        (
            ["match", "--sector", "widgets", "--korea", "jp-filmco"],
            "'jp-filmco' is not a Korean player",
        ),
        (["companies", "--stage", "cell"], "unknown stage 'cell'; did you mean 'cells'?"),
        (["companies", "--sector", "widgetz"], "did you mean 'widgets'?"),
    ],
)
def test_unknown_names_are_usage_errors_with_suggestions(
    tiny: Path, args: list[str], message: str
) -> None:
    code, out, err = run(*args, "--data-dir", str(tiny))
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--top", "0"], "--top"),
        (["--top", "-1"], "--top"),
        (["--min-score", "101"], "--min-score"),
        (["--format", "xml"], "--format"),
        (["--direction", "sideways"], "--direction"),
    ],
)
def test_invalid_option_values_exit_2(tiny: Path, args: list[str], fragment: str) -> None:
    code, out, err = run("match", "--sector", "widgets", "--data-dir", str(tiny), *args)
    assert code == 2 and out == ""
    assert fragment in err


def test_bad_dataset_exits_1_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "d" / "sectors"
    bad.mkdir(parents=True)
    (bad / "x.yaml").write_text("id: [\n")
    code, out, err = run("sectors", "--data-dir", str(tmp_path / "d"))
    assert code == 1 and out == ""
    assert "x.yaml:2:1: invalid YAML" in err and "Traceback" not in err


def test_debug_shows_traceback(tmp_path: Path) -> None:
    r = runner.invoke(app, ["--debug", "sectors", "--data-dir", str(tmp_path / "missing")])
    assert r.exit_code == 1 and r.exception is not None


@pytest.mark.parametrize(
    ("args", "words"), [(["sectors"], "sectors"), (["show", "company", "x"], "show company")]
)
def test_an_unexpected_error_names_the_debug_syntax_that_works(
    tiny: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], words: str
) -> None:
    """QA finding 4: the hint said `run with --debug`, and `kjmatch sectors --debug` is a
    usage error; it now names `kjmatch --debug COMMAND ...`, which gives the traceback."""
    import kjmatch.loader

    def broken(*a: object, **k: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(kjmatch.loader, "load_dataset", broken)
    code, out, err = run(*args, "--data-dir", str(tiny))
    assert code == 1 and out == ""
    assert err == (
        "kjmatch: unexpected error: RuntimeError: boom "
        f"(for a traceback, run: kjmatch --debug {words} ...)\n"
    )
    r = runner.invoke(app, ["--debug", *args, "--data-dir", str(tiny)])
    assert r.exit_code == 1 and isinstance(r.exception, RuntimeError)


def test_ctrl_c_exits_130(tiny: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kjmatch.loader

    def interrupted(*a: object, **k: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(kjmatch.loader, "load_dataset", interrupted)
    code, out, err = run("sectors", "--data-dir", str(tiny))
    assert code == 130 and out == "" and "interrupted" in err and "Traceback" not in err


def test_ctrl_c_while_options_are_parsed_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    # typer turns Ctrl-C during option parsing into a bare exit 130: the user still
    # hears why, once
    from kjmatch.cli.application import BoundaryGroup

    monkeypatch.setattr(BoundaryGroup, "make_context", _interrupt)
    code, out, err = run("sectors")
    assert code == 130 and out == "" and err == "kjmatch: interrupted\n"


def test_an_error_reported_earlier_does_not_hide_a_later_interrupt(
    tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kjmatch.cli.application import BoundaryGroup

    assert run("sectors", "--data-dir", str(tiny / "missing"))[0] == 1  # reported
    monkeypatch.setattr(BoundaryGroup, "make_context", _interrupt)
    assert run("sectors")[1:] == ("", "kjmatch: interrupted\n")


def _interrupt(*a: object, **k: object) -> None:
    raise KeyboardInterrupt


def test_output_file_is_atomic_and_never_clobbered(tiny: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    code, out, err = run(
        "match", "-s", "widgets", "--data-dir", str(tiny), "--json", "-o", str(target)
    )
    assert code == 0 and out == "" and err == ""
    first = target.read_text()
    assert json.loads(first)["pairings"]
    code, out, err = run(
        "match", "-s", "widgets", "--data-dir", str(tiny), "-f", "csv", "-o", str(target)
    )
    assert code == 1 and "already exists; use --force" in err
    assert target.read_text() == first
    code, _, _ = run(
        "match", "-s", "widgets", "--data-dir", str(tiny), "-f", "csv", "-o", str(target), "--force"
    )
    assert code == 0 and target.read_text(encoding="utf-8-sig").startswith(
        "rank,tied,position,score,direction,sector,korea_id"
    )
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_table_to_file_has_no_colour(tiny: Path, tmp_path: Path) -> None:
    target = tmp_path / "t.txt"
    assert run("sectors", "--data-dir", str(tiny), "-o", str(target))[0] == 0
    assert "\x1b[" not in target.read_text()


def _kjmatch(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kjmatch", *args], capture_output=True, text=True, env=env
    )


def test_python_dash_m_and_broken_pipe(tiny: Path) -> None:
    proc = subprocess.run(
        f"'{sys.executable}' -m kjmatch match --sector widgets --data-dir '{tiny}' --format jsonl | head -1",
        shell=True,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0
    assert len(proc.stdout.splitlines()) == 1 and json.loads(proc.stdout)["rank"] == 1
    assert "Traceback" not in proc.stderr and "Broken pipe" not in proc.stderr


def test_no_color_and_piped_output_have_no_escape_codes(tiny: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    proc = _kjmatch("match", "-s", "widgets", "--data-dir", str(tiny), env=env)
    assert proc.returncode == 0 and "\x1b[" not in proc.stdout and proc.stderr == ""


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux /proc")
def test_real_ctrl_c_exits_130_quietly(tmp_path: Path) -> None:
    import signal
    import time

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from synth import generate

    data = generate(tmp_path / "big", 12000, seed=3)
    env = {**os.environ, "KJMATCH_NO_CACHE": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kjmatch", "match", "--data-dir", str(data), "-s", "synthetic"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    # ready when the child has loaded PyYAML's parser: it is then inside the slow YAML load
    maps = Path(f"/proc/{proc.pid}/maps")
    deadline = time.monotonic() + 30
    while "yaml" not in maps.read_text() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert proc.poll() is None, "the load finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    # generous: a signal waits for native parsing to return, slow on a loaded machine
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 130, err
    assert out == "" and "Traceback" not in err and "interrupted" in err


def test_players_can_be_named_by_name_or_alias() -> None:
    code, out, err = run("show", "company", "Showa Denko", "--json")
    assert code == 0, err
    assert json.loads(out)["id"] == "resonac"
    code, out, err = run(
        "explain", "LG에너지솔루션", "Toyota Motor Corporation", "--json", "--sector", "batteries"
    )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["korea"]["id"] == "lg-energy-solution" and doc["japan"]["id"] == "toyota"


def test_validate_summary_warnings_and_strict(tiny: Path) -> None:
    # Korea has no ore or tool maker in the tiny data, and no source says it has none
    code, out, err = run("validate", "--data-dir", str(tiny), "--json")
    assert code == 0 and "warning: 2 × empty-side" in err
    doc = json.loads(out)
    assert doc["ok"] is True and doc["totals"]["players"] == 8
    assert [(w["kind"], w["where"]) for w in doc["warnings"]] == [
        ("empty-side", "widgets/ore"),
        ("empty-side", "widgets/tools"),
    ]
    assert run("validate", "--data-dir", str(tiny), "--strict")[0] == 1
    # with a source for each absence the data is clean
    files = default_files()
    for st in files["sectors/widgets.yaml"]["stages"]:
        if st["id"] in ("ore", "tools"):
            st["products"][0]["absent"] = [
                {"country": "KR", "year": 2024, "note": "None left.", "source": SRC}
            ]
    tiny = write_dataset(tiny.parent / "declared", files)
    code, out, err = run("validate", "--data-dir", str(tiny), "--json")
    assert code == 0 and err == "" and json.loads(out)["warnings"] == []
    assert doc["sectors"][0] == {
        "id": "widgets",
        "name": "Widgets",
        "stages": 5,
        "korea_players": 3,
        "japan_players": 5,
        "strengths": 8,
        "relationships": 1,
        "stages_with_context": 0,
    }
    assert run("validate", "--data-dir", str(tiny), "--strict")[0] == 0
    # the same data judged with a zero-year horizon: every as_of is stale, and so are the
    # active tie of 2023 that was never confirmed since and the two absences of 2024
    code, out, err = run("validate", "--data-dir", str(tiny), "--max-age", "0", "--json")
    assert code == 0 and "warning: 8 × stale" in err and "warning: 1 × stale-tie" in err
    assert "warning: 2 × stale-fact" in err
    assert {w["kind"] for w in json.loads(out)["warnings"]} == {"stale", "stale-tie", "stale-fact"}
    code, out, err = run("validate", "--data-dir", str(tiny), "--max-age", "0", "--strict")
    assert code == 1 and "warnings are errors with --strict" in err


def test_validate_errors_in_json(tmp_path: Path) -> None:
    bad = tmp_path / "d" / "sectors"
    bad.mkdir(parents=True)
    (bad / "x.yaml").write_text("id: [\n")
    code, out, err = run("validate", "--data-dir", str(tmp_path / "d"), "--json")
    assert code == 1 and "invalid YAML" in err
    doc = json.loads(out)
    assert (
        doc["ok"] is False
        and doc["problems"][0]["line"] == 2
        and "invalid YAML" in doc["problems"][0]["message"]
    )


def test_output_extension_picks_the_format_and_json_flag_conflicts(
    tiny: Path, tmp_path: Path
) -> None:
    target = tmp_path / "s.csv"
    code, out, err = run("sectors", "--data-dir", str(tiny), "-o", str(target))
    assert code == 0 and out == "" and err == ""
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert rows[0]["id"] == "widgets"
    md = tmp_path / "s.md"
    assert run("sectors", "--data-dir", str(tiny), "-o", str(md))[0] == 0
    assert md.read_text(encoding="utf-8").startswith("## Sectors")
    code, out, err = run("sectors", "--data-dir", str(tiny), "--json", "--format", "csv")
    assert code == 2 and out == "" and "--json and --format csv disagree" in err


def test_output_never_replaces_a_device(tiny: Path) -> None:
    code, out, err = run("sectors", "--data-dir", str(tiny), "-o", "/dev/null", "--force")
    assert code == 1 and out == "" and "not a regular file" in err
    assert Path("/dev/null").is_char_device()

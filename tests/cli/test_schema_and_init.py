"""Published JSON Schemas stay current; `kjmatch init` gives a working starting point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clirun import run
from kjmatch.cli import app
from kjmatch.loader import KIND_DIRS, bundled_data_dir
from kjmatch.schema import schemas

ROOT = Path(__file__).resolve().parents[2]
KIND_SCHEMA = {
    "sectors": "sector",
    "players": "players",
    "relationships": "relationships",
    "scenarios": "scenario",
}
runner = CliRunner()


def test_committed_schemas_are_current() -> None:
    for kind, doc in schemas().items():
        path = ROOT / "schema" / f"{kind}.schema.json"
        assert path.exists(), f"missing {path}; run `kjmatch schema --output-dir schema`"
        assert json.loads(path.read_text(encoding="utf-8")) == doc, (
            f"{path} is out of date; run `kjmatch schema --output-dir schema`"
        )


def test_schema_command_prints_json() -> None:
    r = runner.invoke(app, ["schema", "sector"])
    assert r.exit_code == 0 and r.stderr == ""
    doc = json.loads(r.stdout)
    assert doc["$schema"].startswith("https://json-schema.org/") and "stages" in doc["properties"]
    everything = json.loads(runner.invoke(app, ["schema"]).stdout)
    assert set(everything) == {"sector", "players", "relationships", "scenario", "event"}


@pytest.mark.parametrize("kind", KIND_DIRS)
def test_bundled_files_point_editors_at_their_schema(kind: str) -> None:
    files = sorted((ROOT / "data" / kind).glob("*.yaml"))
    assert files
    for f in files:
        first = f.read_text(encoding="utf-8").splitlines()[0]
        assert (
            first == f"# yaml-language-server: $schema=../../schema/{KIND_SCHEMA[kind]}.schema.json"
        ), f
        assert (f.parent / "../../schema" / f"{KIND_SCHEMA[kind]}.schema.json").resolve().exists()


def test_init_copies_a_valid_dataset(tmp_path: Path) -> None:
    target = tmp_path / "mine"
    r = runner.invoke(app, ["init", str(target)])
    assert r.exit_code == 0 and r.stdout == "" and "kjmatch validate" in r.stderr
    assert {p.name for p in target.iterdir()} >= {
        "sectors",
        "players",
        "relationships",
        "scenarios",
        "schema",
    }
    first = (target / "sectors" / "batteries.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/sector.schema.json"
    assert (target / "schema" / "sector.schema.json").exists()
    v = runner.invoke(app, ["validate", "--data-dir", str(target), "--json"])
    assert v.exit_code == 0 and json.loads(v.stdout)["totals"]["sectors"] == len(
        list((bundled_data_dir() / "sectors").glob("*.yaml"))
    )
    m = runner.invoke(app, ["match", "--data-dir", str(target), "-s", "batteries", "--json"])
    assert m.exit_code == 0 and json.loads(m.stdout)["pairings"]


def test_init_refuses_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    r = runner.invoke(app, ["init", str(tmp_path)])
    assert r.exit_code == 1 and "not empty" in r.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_init_onto_a_file_says_it_is_a_file(tmp_path: Path) -> None:
    """QA round 12: it said the file 'exists and is not empty'."""
    f = tmp_path / "notes.txt"
    f.write_text("mine", encoding="utf-8")
    r = runner.invoke(app, ["init", str(f)])
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr == f"kjmatch: error: {f} is a file, not a folder; choose a new folder\n"
    assert f.read_text(encoding="utf-8") == "mine"


def test_init_into_existing_empty_folder(tmp_path: Path) -> None:
    target = tmp_path / "empty"
    target.mkdir()
    assert runner.invoke(app, ["init", str(target)]).exit_code == 0
    assert (target / "sectors").is_dir()


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("nope", "valid output documents: all, assign, chain, companies"),
        ("matchs", "did you mean 'match'?"),
        ("explian", "did you mean 'explain'?"),
    ],
)
def test_an_unknown_schema_document_suggests_only_close_names(typed: str, hint: str) -> None:
    """QA finding 13: `--output nope` suggested 'compare' (three letters in order)."""
    code, out, err = run("schema", "--output", typed)
    assert code == 2 and out == "" and err.endswith("\n") and len(err.splitlines()) == 1
    assert err.startswith(f"kjmatch: error: --output: unknown output document {typed!r}; {hint}")
    assert ("did you mean" in err) == (typed != "nope")

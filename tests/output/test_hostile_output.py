"""Output others open or see (issue 13, output side): terminal controls and rich markup
never reach a terminal raw, CSV cells cannot run as formulas, Markdown cannot be forged."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import default_files, write_dataset
from kjmatch.cli import app
from kjmatch.loader import load_dataset
from kjmatch.model import Dataset
from kjmatch.output import documents as d
from kjmatch.output import pairings as pr
from kjmatch.output.documents import Output
from kjmatch.output.formats import Target, write
from kjmatch.report import summarize
from kjmatch.scoring.ranking import StabilityRequest, explain, match
from kjmatch.weights import default_weights

runner = CliRunner()

# clears the screen, opens an unterminated OSC hyperlink, reverses the line, and is
# rich markup that would make a live link (or crash on a stray closing tag)
HOSTILE = "\x1b[2J\x1b]8;;http://evil/\x07\u202e\u200b[link=http://evil]x[/link] [/] [bold]"
RAW = ("\x1b", "\x07", "\u202e", "\u200b")
TEXT_KEYS = {
    "name",
    "en",
    "ko",
    "ja",
    "native_name",
    "aliases",
    "group",
    "note",
    "summary",
    "description",
    "stage_name",
    "tags",
    "item",
    "publisher",
    "title",
    "url",
    "location",
    "activity",
    "reasons",
    "data_dir",
}


def _taint(value: Any, key: str = "") -> Any:
    """Every text field of a document (not ids or enums, which views look up) made hostile."""
    if isinstance(value, str):
        return value + HOSTILE if key in TEXT_KEYS else value
    if isinstance(value, dict):
        return {k: _taint(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_taint(v, key) for v in value]
    return value


def _hostile(out: Output) -> Output:
    return Output(
        kind=out.kind,
        data=_taint(dict(out.data)),
        records=out.records,
        columns=out.columns,
        rows=[[v + HOSTILE if isinstance(v, str) else v for v in row] for row in out.rows],
        title=out.title + HOSTILE,
        footer=[line + HOSTILE for line in out.footer],
        numeric=out.numeric,
    )


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Output]:
    root = write_dataset(tmp_path_factory.mktemp("hostile") / "data")
    ds: Dataset = load_dataset(root, use_cache=False)
    sector = ds.sectors["widgets"]
    pair = explain(ds, "kr-cellco", "jp-filmco")
    result = match(ds, "widgets", stability=StabilityRequest(samples=5))
    return {
        "sectors": d.sectors_output(ds),
        "companies": d.companies_output(ds, [(p, list(p.strengths)) for p in ds.players.values()]),
        "chain": d.chain_output(ds, sector),
        "sector": d.sector_output(ds, sector),
        "company": d.company_output(ds, ds.players["kr-cellco"]),
        "scenarios": d.scenarios_output(ds, {}),
        "validate": d.validate_output(str(root), summarize(ds, current_year=2024, max_age=6)),
        "match": pr.match_output(result, ds),
        "explain": pr.explain_output(
            ds, ds.players["kr-cellco"], ds.players["jp-filmco"], pair, default_weights(), None
        ),
    }


@pytest.mark.parametrize(
    "kind",
    ["sectors", "companies", "chain", "sector", "company", "validate", "match", "explain"],
)
@pytest.mark.parametrize("target", [Target(), Target(file=True)], ids=["pipe", "file"])
def test_tables_and_views_never_print_terminal_controls_or_markup(
    outputs: dict[str, Output], kind: str, target: Target
) -> None:
    buf = io.StringIO()
    write(_hostile(outputs[kind]), "table", buf, target)
    text = buf.getvalue()
    for raw in RAW:
        assert raw not in text, (kind, raw)
    assert "\\x1b[2J" in text and "\\u202e" in text  # shown, escaped
    assert "[link=http://evil]x[/link] [/] [bold]" in text.replace("\n", "")  # markup as text


def test_markup_in_a_sector_name_is_text_not_a_link_or_a_crash(tmp_path: Path) -> None:
    files = default_files()
    files["sectors/widgets.yaml"]["name"]["en"] = "W [/] [link=http://evil]x[/link]"
    root = write_dataset(tmp_path / "d", files)
    r = runner.invoke(app, ["match", "-s", "widgets", "--data-dir", str(root)])
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("W [/] [link=http://evil]x[/link]: Korea–Japan pairings")
    assert "\x1b]8;" not in r.stdout


@pytest.mark.parametrize("name", ["x[/]", "e\x1b[31mvil\u202e"])
def test_data_dir_names_are_shown_as_text(tmp_path: Path, name: str) -> None:
    root = write_dataset(tmp_path / name)
    r = runner.invoke(app, ["validate", "--data-dir", str(root)])
    assert r.exit_code == 0, r.stderr
    shown = "Dataset" + str(root).replace("\x1b", "\\x1b").replace("\u202e", "\\u202e")
    assert "".join(r.stdout.split()).startswith(shown)  # the title wraps at the table's width
    for fmt in ("markdown", "table"):
        r = runner.invoke(app, ["validate", "--data-dir", str(root), "-f", fmt])
        assert "\x1b" not in r.stdout and "\u202e" not in r.stdout


def test_names_on_stderr_are_escaped(tiny: Path, tmp_path: Path) -> None:
    target = tmp_path / "no such folder\x1b[2J" / "out\u202e.json"
    r = runner.invoke(app, ["sectors", "--data-dir", str(tiny), "-o", str(target)])
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr == (
        f"kjmatch: error: cannot write {tmp_path}/no such folder\\x1b[2J/out\\u202e.json: "
        "No such file or directory\n"
    )


# ---------------------------------------------------------------- CSV formulas


def _csv_rows(out: Output) -> list[list[str]]:
    buf = io.StringIO()
    write(out, "csv", buf, Target(file=True))
    return list(csv.reader(io.StringIO(buf.getvalue().removeprefix("\ufeff"))))


def test_csv_cells_that_a_spreadsheet_would_run_get_a_quote() -> None:
    out = Output(
        kind="t",
        data={},
        records="",
        columns=["name", "score", "=col"],
        rows=[
            ['=HYPERLINK("http://evil","x")', -3.5, "a"],
            ["-2+3", "-4", "b"],
            ["+82 2 123", 5, "@SUM(A1)"],
            ["\tz", "-x", "\rq"],
            ["plain", None, "x=1"],
            [-7, "+1", "-"],
        ],
        numeric=frozenset({"score"}),
    )
    assert _csv_rows(out) == [
        ["name", "score", "'=col"],
        ['\'=HYPERLINK("http://evil","x")', "-3.5", "a"],
        ["'-2+3", "-4", "b"],
        ["'+82 2 123", "5", "'@SUM(A1)"],
        ["'\tz", "'-x", "'\rq"],
        ["plain", "", "x=1"],
        ["-7", "+1", "'-"],  # a number stays a number, wherever it is
    ]


def test_csv_neutralises_formulas_from_data_and_json_stays_exact(tmp_path: Path) -> None:
    files = default_files()
    evil = '=HYPERLINK("http://evil","x")'
    files["players/all.yaml"]["players"][0]["name"] = evil
    files["players/all.yaml"]["players"][0]["strengths"][0]["sources"][0] = {
        "publisher": "@cmd|' /C calc'!A0",
        "year": 2024,
    }
    root = write_dataset(tmp_path / "d", files)
    r = runner.invoke(app, ["companies", "--data-dir", str(root), "-f", "csv"])
    assert r.exit_code == 0, r.stderr
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(r.stdout.removeprefix("\ufeff")))}
    assert rows["kr-cellco"]["name"] == f"'{evil}"
    assert rows["kr-cellco"]["sources"].startswith("'@cmd|' /C calc'!A0")
    assert rows["kr-cellco"]["level"] == "5"
    r = runner.invoke(app, ["companies", "--data-dir", str(root), "--json"])
    [player] = [p for p in json.loads(r.stdout)["companies"] if p["id"] == "kr-cellco"]
    assert player["name"] == evil


# ---------------------------------------------------------------- Markdown


def test_markdown_heading_and_cells_cannot_be_forged() -> None:
    out = Output(
        kind="t",
        data={},
        records="",
        columns=["a", "b"],
        rows=[
            ["x\r| forged | row |", "<img src=x onerror=alert(1)>"],
            ["[click](javascript:alert(1))", "a\\|b `code` \x1b[2J & \u202e"],
        ],
        title="Title\n\n| forged | table |\n|---|---|\n<script>",
    )
    buf = io.StringIO()
    write(out, "markdown", buf, Target(file=True))
    lines = buf.getvalue().splitlines()
    assert lines == [
        "## Title  \\| forged \\| table \\| \\|---\\|---\\| &lt;script&gt;",
        "",
        "| a | b |",
        "|---|---|",
        "| x \\| forged \\| row \\| | &lt;img src=x onerror=alert(1)&gt; |",
        "| \\[click\\](javascript:alert(1)) | a\\\\\\|b \\`code\\` \\x1b\\[2J & \\u202e |",
    ]


# ---------------------------------------------------------------- no home folder


def test_no_home_folder_means_no_cache_and_a_warning(
    tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pwd

    def no_entry(uid: int) -> pwd.struct_passwd:
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    for var in ("HOME", "KJMATCH_CACHE_DIR", "XDG_CACHE_HOME", "KJMATCH_NO_CACHE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(pwd, "getpwuid", no_entry)
    r = runner.invoke(app, ["sectors", "--data-dir", str(tiny), "--json"])
    assert r.exit_code == 0
    assert json.loads(r.stdout)["sectors"][0]["id"] == "widgets"
    assert r.stderr == "kjmatch: warning: no home folder for the cache; loading without it\n"
    r = runner.invoke(app, ["sectors", "--data-dir", str(tiny), "--json", "--no-cache"])
    assert r.exit_code == 0 and r.stderr == ""


def test_markdown_keeps_a_plain_ampersand_but_not_an_entity() -> None:
    """ "R&D" reads as written (QA round 7); "&lt;" cannot turn into a tag."""
    from kjmatch.output.formats import _md

    assert _md("R&D active 2024") == "R&D active 2024"
    assert _md("&lt;script&gt; &#60;b&#62;") == "&amp;lt;script&amp;gt; &amp;#60;b&amp;#62;"


def test_markdown_footer_keeps_the_tools_own_code_spans_and_escapes_the_rest() -> None:
    """QA round 8: the footer's `kjmatch explain KOREA JAPAN` came out as \\`…\\`; data
    in the same note (a firm named with markup) is still escaped."""
    from kjmatch.output.formats import _md_note

    assert _md_note("See `kjmatch explain KOREA JAPAN` and `--top 4`.") == (
        "See `kjmatch explain KOREA JAPAN` and `--top 4`."
    )
    forged = _md_note("for `evil` [x](http://a) <b>, `kjmatch show company X`")
    assert "`kjmatch show company X`" in forged
    assert "\\`evil\\`" in forged and "\\[x\\]" in forged and "<b>" not in forged
    r = runner.invoke(app, ["match", "-s", "batteries", "-n", "3", "-f", "markdown"])
    assert r.exit_code == 0 and "`kjmatch explain KOREA JAPAN` shows any pairing" in r.stdout
    assert "\\`kjmatch" not in r.stdout

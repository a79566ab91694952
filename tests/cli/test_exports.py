"""Spreadsheet exports: XLSX through the format registry, CSV's BOM only in files, and
table output cut short by its reader."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from clirun import jrun, run, runner
from kjmatch.cli import app

openpyxl = pytest.importorskip("openpyxl")


def _sheet(data: bytes) -> list[list[object]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    assert sheet.freeze_panes == "A2"  # the header row stays in view
    assert all(c.font.bold for c in sheet[1])
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_match_as_xlsx_keeps_hangul_kanji_ids_and_numbers(tmp_path: Path) -> None:
    target = tmp_path / "m.xlsx"
    code, out, err = run("match", "-s", "batteries", "--top", "5", "-o", str(target))
    assert code == 0 and out == "" and err == ""
    rows = _sheet(target.read_bytes())
    head = rows[0]
    assert head[:4] == ["rank", "tied", "position", "score"]
    assert {"korea_id", "korea", "korea_native", "japan_id", "japan_native"} <= set(head)
    first = dict(zip(head, rows[1], strict=True))
    assert first["korea_id"] == "lg-energy-solution" and first["korea_native"] == "LG에너지솔루션"
    assert first["japan_native"] == "トヨタ自動車"
    assert isinstance(first["score"], float) and first["rank"] == 1
    assert isinstance(first["contribution_fit"], float)
    assert len(rows) == 6


def test_companies_as_xlsx_through_a_pipe_and_column_widths() -> None:
    r = runner.invoke(app, ["companies", "-s", "batteries", "--country", "JP", "-f", "xlsx"])
    assert r.exit_code == 0, r.stderr
    book = openpyxl.load_workbook(io.BytesIO(r.stdout_bytes))
    sheet = book.active
    head = [c.value for c in sheet[1]]
    assert head[:3] == ["id", "name", "native name"]
    natives = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "旭化成" in natives
    widths = {k: v.width for k, v in sheet.column_dimensions.items()}
    assert 6 <= widths["A"] <= 60 and widths["C"] >= 6


def test_xlsx_neutralises_formulas_and_controls() -> None:
    from kjmatch.output.documents import Output
    from kjmatch.output.xlsx import write_xlsx

    out = Output(
        kind="t",
        data={},
        records="r",
        columns=["text", "n"],
        rows=[['=HYPERLINK("x")', "-3.5"], ["a\x1bb", "7"], ["-3.5", ""]],
        numeric=frozenset({"n"}),
    )
    buf = io.BytesIO()
    write_xlsx(out, buf)
    rows = _sheet(buf.getvalue())
    assert rows[1] == ['\'=HYPERLINK("x")', -3.5]
    assert rows[2] == ["a\\x1bb", 7]
    assert rows[3] == ["'-3.5", None]  # number text in a text column stays text
    book = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
    assert book.active["A2"].data_type == "s"


def test_xlsx_is_refused_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import kjmatch.output.formats as formats

    monkeypatch.setattr(formats, "isatty", lambda stream: True)
    code, out, err = run("sectors", "-f", "xlsx")
    assert code == 2 and out == ""
    assert err.startswith("kjmatch: error: --format: xlsx is binary") and "-o FILE.xlsx" in err


def test_xlsx_without_openpyxl_says_how_to_get_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    code, _, err = run("sectors", "-o", str(tmp_path / "s.xlsx"))
    assert code == 1 and "pip install 'kjmatch[xlsx]'" in err
    assert not (tmp_path / "s.xlsx").exists()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_reads_the_xlsx(tmp_path: Path) -> None:
    """The manual check of the README, automated where LibreOffice exists."""
    book = tmp_path / "m.xlsx"
    assert run("match", "-s", "batteries", "--top", "3", "-o", str(book))[0] == 0
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76",
         "--outdir", str(tmp_path), str(book)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    text = (tmp_path / "m.csv").read_text(encoding="utf-8")
    assert text.startswith("rank,") and "LG에너지솔루션" in text and "トヨタ自動車" in text


def test_csv_into_a_pipe_has_no_bom_and_dictreader_gets_clean_keys() -> None:
    code, out, _ = run("match", "-s", "batteries", "--top", "3", "-f", "csv")
    assert code == 0 and not out.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert next(iter(rows[0])) == "rank" and rows[0]["korea_native"] == "LG에너지솔루션"


def test_csv_into_a_file_starts_with_a_bom(tmp_path: Path) -> None:
    target = tmp_path / "m.csv"
    assert run("match", "-s", "batteries", "--top", "3", "-o", str(target))[0] == 0
    assert target.read_bytes().startswith(b"\xef\xbb\xbfrank,")


@pytest.mark.parametrize("cmd", [["match", "-s", "batteries"], ["companies"], ["sectors"]])
def test_table_cut_short_by_head_exits_0_quietly(cmd: list[str]) -> None:
    proc = subprocess.run(
        f"'{sys.executable}' -m kjmatch {' '.join(cmd)} | head -1; exit ${{PIPESTATUS[0]}}",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "" and len(proc.stdout.splitlines()) == 1


@pytest.mark.parametrize(
    "cmd",
    [
        ["sectors"],
        ["companies", "-s", "hydrogen"],
        ["match", "-s", "hydrogen", "--top", "3"],
        ["partners", "toyota", "--top", "3"],
        ["compare", "sk-hynix", "namics", "sk-hynix", "resonac"],
        ["dependence"],
        ["chain", "-s", "ammonia"],
        ["scenarios"],
        ["explain", "sk-hynix", "namics"],
        ["show", "sector", "ammonia"],
        ["show", "company", "toyota"],
        ["validate"],
    ],
)
def test_every_listing_command_writes_xlsx(cmd: list[str], tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    code, out, err = run(*cmd, "-o", str(target))
    assert code == 0 and out == "", err
    rows = _sheet(target.read_bytes())
    assert rows[0] and all(isinstance(h, str) for h in rows[0]) and len(rows) > 1


@pytest.mark.parametrize("command", [["match", "-s", "batteries"], ["partners", "toyota"]])
def test_csv_xlsx_and_markdown_carry_product_ids_beside_names(
    tmp_path: Path, command: list[str]
) -> None:
    """QA round 3, finding 10b: a sheet joins back to the data's product ids."""
    import json

    code, out, err = run(*command, "-n", "4", "--json")
    assert code == 0, err
    want = [(p["korea"]["product"], p["japan"]["product"]) for p in json.loads(out)["pairings"]]
    code, out, err = run(*command, "-n", "4", "-f", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0])[:6] == ["rank", "tied", "position", "score", "direction", "sector"]
    assert [(r["korea_product_id"], r["japan_product_id"]) for r in rows] == want
    assert rows[0]["korea_product"] != rows[0]["korea_product_id"]  # the name stays
    target = tmp_path / "m.xlsx"
    code, _, err = run(*command, "-n", "4", "-o", str(target))
    assert code == 0, err
    sheet = _sheet(target.read_bytes())
    at = {name: i for i, name in enumerate(sheet[0])}
    got = [(r[at["korea_product_id"]], r[at["japan_product_id"]]) for r in sheet[1:]]
    assert got == want
    code, out, err = run(*command, "-n", "4", "-f", "markdown")
    assert code == 0, err
    lines = [line for line in out.splitlines() if line.startswith("|")]
    head = [c.strip() for c in lines[0].strip("|").split("|")]
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in lines[2:]]
    k, j = head.index("korea_product_id"), head.index("japan_product_id")
    assert [(r[k], r[j]) for r in cells] == want


def _ok(*args: str) -> str:
    code, out, err = run(*args)
    assert code == 0, err
    return out


def test_an_in_house_rivalry_is_marked_in_every_flat_format() -> None:
    """Hyundai's engines "supply" Honda, which builds its own as well: a rivalry, which the
    table marks ≈ and which CSV, Markdown, explain's CSV and a matching day's timetable
    must mark too, or a spreadsheet reads it as a supply lead (QA round 6)."""
    pair = ("match", "-s", "automobiles", "--korea", "hyundai-motor", "--japan", "honda")
    (row,) = list(csv.DictReader(io.StringIO(_ok(*pair, "-f", "csv"))))
    assert row["direction"] == "kr-to-jp" and row["in_house"] == "yes"
    assert jrun(*pair)["pairings"][0]["in_house"] is True
    assert "| yes |" in _ok(*pair, "-f", "markdown").splitlines()[4]
    plain = ("match", "-s", "automobiles", "--korea", "hankook-tire", "--japan", "toyota")
    (row,) = list(csv.DictReader(io.StringIO(_ok(*plain, "-f", "csv"))))
    assert row["in_house"] == ""
    explained = _ok("explain", "hyundai-motor", "honda", "-s", "automobiles", "-f", "csv")
    links = list(csv.DictReader(io.StringIO(explained)))
    assert links[0]["in_house"] == "yes"
    assert all(x["in_house"] in ("yes", "") for x in links)

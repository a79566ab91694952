"""kjmatch import: spreadsheets of firms (CSV, XLSX) into a dataset folder."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml

from clirun import jrun, run
from kjmatch.errors import DataError
from kjmatch.import_sheet import read_rows
from kjmatch.importer import import_rows, slug
from kjmatch.model import Dataset

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "examples" / "korean-battery-materials.csv"


def test_the_shipped_example_imports_validates_and_matches(tmp_path: Path) -> None:
    target = tmp_path / "mine"
    args = ["import", str(EXAMPLE), "--country", "KR", "--sector", "batteries", "--into"]
    code, out, err = run(*args, str(target), "--format", "json")
    assert code == 0, err
    import json

    doc = json.loads(out)
    assert doc["kjmatch"]["document"] == "import" and doc["rows"] == 4
    ids = {f["id"] for f in doc["firms"]}
    assert {"daejoo-electronic-materials", "lithium-plus", "foosung"} <= ids
    # the HS code column placed Lithium Plus at lithium hydroxide
    lp = next(f for f in doc["firms"] if f["id"] == "lithium-plus")
    assert lp["strengths"] == [
        {
            "sector": "batteries",
            "stage": "minerals",
            "products": {"lithium-hydroxide": 2},
            "captive": [],
            "home_market": [],
        }
    ]
    assert doc["ignored_columns"] == []
    assert any("unrated" in d["default"] for d in doc["defaults"])
    assert "next: kjmatch partners" in err
    written = yaml.safe_load((target / "players" / "korean-battery-materials.yaml").read_text())
    cosmo = next(p for p in written["players"] if p["native_name"] == "코스모신소재")
    assert cosmo["strengths"][0]["tags"] == ["unrated"]
    assert cosmo["strengths"][0]["note"].startswith("Level unrated (counted as 3)")
    partners = jrun("partners", "daejoo-electronic-materials", "--data-dir", str(target))
    assert partners["pairings"], "an imported firm gets counterparts"
    # importing the same file again is refused, unless asked to replace it
    code, out, err = run(*args, str(target))
    assert code == 1 and "exists" in err
    code, _, err = run(*args, str(target), "--replace")
    assert code == 0, err


def rows_of(text: str, name: str = "firms.csv") -> list[tuple[int, dict[str, str]]]:
    return list(read_rows(Path(name), text.encode("utf-8-sig")))


def import_kr_batteries(sheet: Path, into: Path, *extra: str) -> tuple[int, str, str]:
    """`kjmatch import` of a Korean batteries sheet into a folder."""
    return run(
        "import", str(sheet), "--country", "KR", "--sector", "batteries", "--into", str(into),
        *extra,
    )  # fmt: skip


def test_excel_csv_quirks_bom_semicolons_and_native_scripts() -> None:
    text = "\ufeffName;Native name;Products\r\n삼화;三和;separator-base-film, binders\r\n\r\n"
    rows = rows_of(text.replace("\ufeff", ""))
    assert rows == [
        (2, {"name": "삼화", "native_name": "三和", "products": "separator-base-film, binders"})
    ]


def test_bad_rows_are_all_reported_with_row_numbers_and_nearest_products(bundled: Dataset) -> None:
    text = (
        "name,products,level,hs_codes\n"
        "Good Firm,electrolyte,4,\n"
        "Typo Firm,electrolite,3,\n"
        ",binders,2,\n"
        "Level Firm,binders,9,\n"
        "Code Firm,,,9999.99\n"
    )
    with pytest.raises(DataError) as exc:
        import_rows(
            iter(rows_of(text)), bundled, file="f.csv", country="KR", sector="batteries", year=2026
        )
    got = [(p.line, p.path, p.message) for p in exc.value.problems]
    assert [g[0] for g in got] == [3, 4, 5, 6]
    assert "no product 'electrolite' in batteries; nearest: electrolyte" in got[0][2]
    assert got[1][1] == "name" and got[2][1] == "level"
    assert "HS code '9999.99' matches no product" in got[3][2]


def test_rows_for_a_known_firm_add_strengths_to_it(bundled: Dataset) -> None:
    text = "name,products,level\nSK hynix,battery-recycling,2\n"
    done = import_rows(
        iter(rows_of(text)), bundled, file="f.csv", country="KR", sector="batteries", year=2026
    )
    assert done.players == []
    assert done.strengths[0]["player"] == "sk-hynix"
    clash = "name,products\nLG Energy Solution,pouch-cells\n"
    with pytest.raises(DataError, match="already has a strength at batteries/cells") as exc:
        import_rows(
            iter(rows_of(clash)), bundled, file="f.csv", country="KR", sector="batteries", year=2026
        )
    assert "name it in that strength's `products` in the players file" in str(exc.value)


def test_a_product_name_with_commas_is_one_product(bundled: Dataset) -> None:
    """The name `chain` prints is accepted as written, beside ids and `;` lists (QA 4)."""
    text = (
        'name,products,level\n"New Cobalt Co","Cobalt sulphate, oxides and hydroxides",2\n'
        '"Two Things Co","nickel-sulphate, Cobalt sulphate, oxides and hydroxides; '
        'lithium-hydroxide",2\n'
    )
    done = import_rows(
        iter(rows_of(text)), bundled, file="f.csv", country="KR", sector="batteries", year=2026
    )
    made = {p["name"]: p["strengths"][0]["products"] for p in done.players}
    assert made["New Cobalt Co"] == {"cobalt-chemicals": 2}
    assert set(made["Two Things Co"]) == {
        "nickel-sulphate",
        "cobalt-chemicals",
        "lithium-hydroxide",
    }


def test_wrong_country_sector_or_encoding_are_clear(bundled: Dataset, tmp_path: Path) -> None:
    text = "name,products,country,sector\nA,electrolyte,CN,batteries\nB,electrolyte,KR,batteris\n"
    with pytest.raises(DataError) as exc:
        import_rows(
            iter(rows_of(text)), bundled, file="f.csv", country=None, sector=None, year=2026
        )
    messages = [p.message for p in exc.value.problems]
    assert "country must be KR or JP" in messages[0]
    assert "did you mean 'batteries'?" in messages[1]
    with pytest.raises(DataError, match="not UTF-8"):
        list(read_rows(Path("x.csv"), "name\n삼성\n".encode("cp949")))
    with pytest.raises(DataError, match="no 'name' column"):
        list(read_rows(Path("x.csv"), b"contact,products\nA,b\n"))


def test_xlsx_is_read_like_csv(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    for row in csv.reader(io.StringIO(EXAMPLE.read_text(encoding="utf-8"))):
        sheet.append([int(x) if x.isdigit() else x for x in row])
    path = tmp_path / "firms.xlsx"
    book.save(path)
    from_xlsx = list(read_rows(path, path.read_bytes()))
    from_csv = list(read_rows(EXAMPLE, EXAMPLE.read_bytes()))
    assert from_xlsx == from_csv
    with pytest.raises(DataError, match=r"not a readable \.xlsx"):
        list(read_rows(path, b"not a zip"))


def test_slugs_are_ids() -> None:
    assert slug("Cosmo Advanced Materials & Technology") == "cosmo-advanced-materials-technology"
    assert slug("후성") == ""


def test_problems_are_reported_at_the_sheets_cells_not_a_temporary_file(tmp_path: Path) -> None:
    """QA finding 5: a control character in a name was reported in the players file the
    import wrote, which the failed import had removed; now at the sheet's row and cell,
    with the dataset check's own problems moved there too, all at once."""
    sheet = tmp_path / "hostile2.csv"
    sheet.write_text(
        "name,products,level,note,year,id\n"
        "Good Firm,anode-materials,3,,2024,\n"
        "Bad \x1b[31mFirm,anode-materials,2,,,\n"
        "Quiet,anode-materials,2,bad\x01note,,\n"
        "Old,anode-materials,2,,3000,\n"
        "Id Firm,anode-materials,2,,,Bad ID\n",
        encoding="utf-8",
    )
    target = tmp_path / "d2"
    args = ["import", str(sheet), "--country", "JP", "-s", "batteries", "--into", str(target)]
    code, out, err = run(*args)
    assert code == 1 and out == ""
    assert err == (
        f"{sheet}:3:1: name: text holds control character U+001B (at character 5); remove it\n"
        f"{sheet}:4:4: note: text holds control character U+0001 (at character 4); remove it\n"
        f"{sheet}:5:5: year: must be a year from 1900 to 2100 (or empty), got '3000'\n"
        f"kjmatch: error: 3 problems in {sheet}\n"
    )
    # the rows that pass on their own reach the dataset check, whose problem (an id
    # the schema refuses) is placed at the sheet's id cell
    sheet.write_text("name,products,id\nGood Firm,anode-materials,\nId Firm,binders,Bad ID\n")
    code, out, err = run(*args)
    assert code == 1 and out == ""
    assert err == (
        f"{sheet}:3:3: id: must be a lower-case id (a-z, 0-9 and single hyphens), got 'Bad ID'\n"
        f"kjmatch: error: 1 problem in {sheet}\n"
    )
    assert not (target / "players" / "hostile2.yaml").exists()


def test_located_problems_follow_players_and_known_firms_strengths(bundled: Dataset) -> None:
    from kjmatch.errors import Problem
    from kjmatch.importer import locate

    text = "year,name,products\n2024,New Firm,binders\n2023,SK hynix,battery-recycling\n"
    done = import_rows(
        iter(rows_of(text)), bundled, file="f.csv", country="KR", sector="batteries", year=2026
    )
    written = "d/players/f.yaml"
    found = [
        Problem(written, 3, 9, "players[0].native_name", "bad native name"),
        Problem(written, 9, 9, "players[0].strengths[0].as_of", "bad year"),
        Problem(written, 20, 9, "strengths[0].sources[0].title", "bad title"),
        Problem(written, 1, 1, "", "bad file"),
        Problem("d/sectors/x.yaml", 1, 1, "id", "elsewhere"),
    ]
    assert [str(p) for p in locate(done, found, written, "f.csv")] == [
        "f.csv:2:2: native_name: bad native name",  # no native_name column: from the name
        "f.csv:2:1: as_of: bad year",  # no as_of column: from the year
        "f.csv:3:1: title: bad title",  # made up by the import (no source columns): the row
        "f.csv: bad file",
        "d/sectors/x.yaml:1:1: id: elsewhere",
    ]


def test_summary_counts_real_defaults_and_names_the_earlier_sheet(tmp_path: Path) -> None:
    """QA finding 13: every row of the example has a year, yet the summary said 4 rows
    took the as_of default; `x.xlsx` after `x.csv` was said to be "imported before";
    "added 1 new firms"."""
    target = tmp_path / "mine"
    args = ["--country", "KR", "--sector", "batteries", "--into", str(target), "--json"]
    code, out, err = run("import", str(EXAMPLE), *args)
    assert code == 0, err
    defaults = {d["default"]: d["rows"] for d in json.loads(out)["defaults"]}
    assert not [d for d in defaults if "as_of" in d], defaults
    # the same name from another sheet: the message names the sheet that wrote it
    other = tmp_path / "korean-battery-materials.xlsx"
    other.write_bytes(b"")
    code, out, err = run("import", str(other), *args)
    written = target / "players" / "korean-battery-materials.yaml"
    assert code == 1 and out == ""
    assert err == (
        f"kjmatch: error: {written} exists (written by the import of "
        "korean-battery-materials.csv; a sheet's firms go in a file named after it); use "
        "--replace to replace those firms with korean-battery-materials.xlsx's\n"
    )
    code, out, err = run("import", str(EXAMPLE), *args)
    assert code == 1 and err == (
        f"kjmatch: error: {written} exists: korean-battery-materials.csv was imported "
        "before; use --replace to import it again\n"
    )
    one = tmp_path / "one.csv"
    one.write_text("name,products,level\nSolo Firm,binders,2\n", encoding="utf-8")
    code, out, err = run("import", str(one), *args)
    assert code == 0
    assert err.startswith(f"kjmatch: added 1 new firm and 0 strengths of known firms to {target}")
    doc = json.loads(out)
    assert {d["default"]: d["rows"] for d in doc["defaults"]}[
        "as_of and source year = --year, or this year (no year or as_of given)"
    ] == 1


def test_a_misspelt_column_is_refused_and_an_unknown_one_left_out_with_a_warning(
    tmp_path: Path,
) -> None:
    """A `levle` column holding levels must not be dropped in silence (the firm would be
    saved as unrated); a column import has no use for is left out, and said so."""
    with pytest.raises(DataError) as exc:
        rows_of("name,products,levle,captve\nFoo,binders,3,\n")
    problems = exc.value.problems
    assert [(p.line, p.col) for p in problems] == [(1, 3), (1, 4)]
    assert "unknown column 'levle'; did you mean 'level'?" in problems[0].message
    assert "did you mean 'captive'?" in problems[1].message
    sheet = tmp_path / "firms.csv"
    sheet.write_text("name,products,level,phone,contact name\nFoo,binders,3,+82 2,Kim\n")
    code, out, err = import_kr_batteries(sheet, tmp_path / "mine", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["ignored_columns"] == ["phone", "contact name"]
    assert "warning: firms.csv: columns not read: phone, contact name" in err


def test_a_header_with_a_hint_is_read_and_a_column_without_one_is_reported(
    tmp_path: Path,
) -> None:
    """QA round 8: "Level (1-5)" was left out, so the firm came in unrated at level 3;
    data under an empty header was dropped without a word."""
    sheet = tmp_path / "firms.csv"
    sheet.write_text("Name [EN],Level (1-5),Products,,Country\nAcme Cells,4,pouch cells,x,KR\n")
    code, out, err = import_kr_batteries(sheet, tmp_path / "mine", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["ignored_columns"] == ["(column 4, no header)"]
    (firm,) = doc["firms"]
    assert firm["name"] == "Acme Cells" and firm["strengths"][0]["products"] == {"pouch-cells": 4}
    assert not any("level" in d["default"] for d in doc["defaults"])
    assert "columns not read: (column 4, no header)" in err


@pytest.mark.parametrize(
    "header",
    ["Level: 1-5", "Level (1-5) (required)", "Level［1〜5］", "Level 1-5", "(1-5) Level",
     "Rating (1-5)"],
)  # fmt: skip
def test_a_level_header_with_any_hint_is_read(tmp_path: Path, header: str) -> None:
    """QA round 9: "Level: 1-5" was left out and every firm came in unrated at 3."""
    sheet = tmp_path / "firms.csv"
    sheet.write_text(f"Company name,Products,{header}\nAcme Cells,pouch cells,4\n", "utf-8")
    code, out, err = import_kr_batteries(sheet, tmp_path / "mine", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["ignored_columns"] == [] and doc["firms"][0]["strengths"][0]["products"] == {
        "pouch-cells": 4
    }


def test_every_bad_name_is_reported_in_one_run(tmp_path: Path) -> None:
    """QA round 9: line breaks showed up only once the control characters were fixed,
    and a defaulted native name was reported at its empty cell."""
    sheet = tmp_path / "firms.csv"
    sheet.write_text(
        'name,products,native_name\n"Line\nBreak Co",pouch cells,\n"Cr\rCo",pouch cells,x\n',
        "utf-8",
    )
    code, out, err = import_kr_batteries(sheet, tmp_path / "mine")
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert lines[0].startswith(f"{sheet}:2:1: name: must be one line of text")
    assert lines[1].startswith(f"{sheet}:3:1: name: text holds control character U+000D")
    assert lines[2] == f"kjmatch: error: 2 problems in {sheet}"


def test_a_line_break_in_a_firm_name_is_refused_at_its_cell(tmp_path: Path) -> None:
    """A name is one line (it fills a table cell, an agenda heading); a note may wrap."""
    sheet = tmp_path / "firms.csv"
    sheet.write_text('name,level,products,note\n"Line\nBreak Co",3,pouch cells,"two\nlines"\n')
    code, out, err = import_kr_batteries(sheet, tmp_path / "mine")
    assert code == 1 and out == ""
    assert f"{sheet}:2:1: name: must be one line of text (no line break or tab)" in err
    assert "note" not in err
    assert not (tmp_path / "mine").exists()  # the folder it made is taken back
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, _ = import_kr_batteries(sheet, empty)
    assert code == 1 and empty.is_dir() and list(empty.iterdir()) == []


def test_a_sheet_can_say_what_a_firm_makes_for_itself_or_sells_at_home_only(
    tmp_path: Path,
) -> None:
    """A licensee whose engines may be sold in Japan only (home_market) supplies no
    Korean yard, as it would from the bundled data; a product outside the row's is an
    error at its cell."""
    sheet = tmp_path / "engines.csv"
    sheet.write_text(
        "name,products,level,home_market,own_use\n"
        "Foo Marine Engines,two-stroke-engines; turbochargers,3,two-stroke-engines,turbochargers\n",
        encoding="utf-8",
    )
    target = tmp_path / "mine"
    args = ("import", str(sheet), "--country", "JP", "--sector", "shipbuilding", "--into")
    code, out, err = run(*args, str(target), "--format", "json")
    assert code == 0, err
    (firm,) = json.loads(out)["firms"]
    (s,) = firm["strengths"]
    assert s["home_market"] == ["two-stroke-engines"] and s["captive"] == ["turbochargers"]
    ranked = jrun(
        "match", "--sector", "shipbuilding", "--japan", firm["id"], "--top", "500",
        "--data-dir", str(target),
    )  # fmt: skip
    assert ranked["pairings"]  # still a buyer and a rival
    for p in ranked["pairings"]:
        assert p["direction"] != "jp-to-kr", p  # it supplies no Korean firm
    bad = tmp_path / "bad.csv"
    bad.write_text("name,products,captive\nBar,turbochargers,propellers\n", encoding="utf-8")
    code, _, err = run("import", str(bad), "--country", "JP", "--sector", "shipbuilding",
                       "--into", str(tmp_path / "b"))  # fmt: skip
    assert code == 1
    assert "bad.csv:2:3: captive: captive product 'propellers' is not among this row's" in err


@pytest.mark.parametrize(
    ("header", "col", "message"),
    [
        ("name,products,level,Level", 4,
         "column 'Level' repeats column 3 ('level'): both give the level; keep one"),
        ("company,name,products", 2,
         "column 'name' repeats column 1 ('company'): both give the name; keep one"),
    ],
)  # fmt: skip
def test_a_column_given_twice_is_refused_not_silently_merged(
    header: str, col: int, message: str
) -> None:
    """Two columns for one field (an old and a new level; `company` beside `name`): one
    would silently win, so the sheet is refused at the second (QA round 6)."""
    with pytest.raises(DataError) as exc:
        rows_of(f"{header}\nFoo,binders,3,4\n")
    (p,) = exc.value.problems
    assert (p.line, p.col, p.message) == (1, col, message)


@pytest.mark.parametrize("header", ["Level/score", "Level - 1 to 5", "Captive products"])
def test_a_rating_header_that_goes_on_in_words_is_refused(tmp_path: Path, header: str) -> None:
    """Left out, such a column would import every firm unrated (QA round 10): refused with
    the field it seems to mean, as a misspelling is."""
    sheet = tmp_path / "firms.csv"
    sheet.write_text(f"Name,Products,{header}\nAcme Cells,pouch cells,4\n", "utf-8")
    code, out, err = import_kr_batteries(sheet, tmp_path / "mine")
    assert code == 1 and out == ""
    assert f"unknown column {header!r}; did you mean" in err
    assert not (tmp_path / "mine").exists()


def test_an_unsaved_formula_is_one_problem_among_the_rows(tmp_path: Path) -> None:
    """QA round 12: a formula cell hid every other problem of the sheet until it was fixed."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["name", "products", "level"])
    sheet.append(["Acme Cells", "pouch cells", "=1+2"])  # no saved value: openpyxl wrote it
    sheet.append(["Beta Cells", "pouch cells", 9])
    path = tmp_path / "firms.xlsx"
    book.save(path)
    code, out, err = import_kr_batteries(path, tmp_path / "mine")
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert lines[0] == f"{path}:2:3: level: formula with no saved value; open and save the " \
        "workbook in Excel, or paste values"  # fmt: skip
    assert lines[1].startswith(f"{path}:3:3: level: level must be a whole number from 1 to 5")
    assert lines[2] == f"kjmatch: error: 2 problems in {path}"

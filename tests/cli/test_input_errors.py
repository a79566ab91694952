"""Round-2 QA, input and error defects: every failure ends the same way, bad options are
usage errors, and sheets are checked cell by cell."""

from __future__ import annotations

from pathlib import Path

from clirun import run
from conftest import write_dataset


def test_a_single_located_problem_ends_with_the_error_line(tmp_path: Path, tiny: Path) -> None:
    """QA2 finding 8: one problem ends with `kjmatch: error: 1 problem in FILE`, in every
    command that prints located problems (import, assign, validate, --evidence)."""
    sheet = tmp_path / "h5.csv"
    sheet.write_text("name,products,id\nToyota,electrolyte,toyota\n", encoding="utf-8")
    code, out, err = run(
        "import", str(sheet), "--country", "KR", "-s", "batteries", "--into", str(tmp_path / "d")
    )
    assert (code, out) == (1, "")
    assert err == (
        f"{sheet}:2:1: country: 'toyota' is a JP firm in the dataset\n"
        f"kjmatch: error: 1 problem in {sheet}\n"
    )
    event = tmp_path / "ev1.yaml"
    event.write_text(
        "sector: batteries\nslots: 4\nkorea:\n  - firm: sk-on\n    available: [9]\n"
        "japan:\n  - firm: toyota\n",
        encoding="utf-8",
    )
    code, out, err = run("assign", str(event))
    assert (code, out) == (1, "")
    assert err == (
        f"{event}:5:17: korea[0].available[0]: slot 9 is outside 1–4 (the event has 4 slots)\n"
        f"kjmatch: error: 1 problem in {event}\n"
    )
    broken = write_dataset(tmp_path / "broken")
    (broken / "players" / "extra.yaml").write_text("players: [\n", encoding="utf-8")
    code, out, err = run("validate", "--data-dir", str(broken))
    assert (code, out) == (1, "")
    *problem, last = err.splitlines()
    assert len(problem) == 1 and problem[0].startswith(f"{broken / 'players' / 'extra.yaml'}:")
    assert last == f"kjmatch: error: 1 problem in {broken / 'players' / 'extra.yaml'}"
    evidence = tmp_path / "ev2"
    evidence.mkdir()
    (evidence / "trade-facts.json").write_text("{", encoding="utf-8")
    code, out, err = run("dependence", "--evidence", str(evidence))
    assert (code, out) == (1, "")
    *problem, last = err.splitlines()
    assert len(problem) == 1 and "invalid JSON" in problem[0]
    assert last == f"kjmatch: error: 1 problem in {evidence / 'trade-facts.json'}"
    # a problem without a line (a folder not found) is already one `kjmatch: error:` line
    code, out, err = run("validate", "--data-dir", str(tmp_path / "nope"))
    assert code == 1 and err.count("kjmatch: error:") == 1 and "problem in" not in err


def _import(sheet: Path, into: Path, *args: str) -> tuple[int, str, str]:
    return run("import", str(sheet), "--country", "KR", *args, "--into", str(into))


def test_import_takes_sector_names_and_a_bad_sector_option_is_one_usage_error(
    tmp_path: Path,
) -> None:
    """QA2 finding 1: `--sector` and a `sector` column accept what `lookup.sector` does
    (Batteries, secondary batteries, 이차전지, 二次電池); a bad option is reported once,
    as a usage error naming it, not at every row."""
    sheet = tmp_path / "h9.csv"
    sheet.write_text("name,products\nA Firm,electrolyte\nB Firm,binders\n", encoding="utf-8")
    for n, name in enumerate(["Batteries", "secondary batteries", "이차전지", "二次電池"]):
        code, _, err = _import(sheet, tmp_path / f"d{n}", "-s", name, "-f", "json")
        assert code == 0, err
        assert "added 2 new firms" in err
    code, out, err = _import(sheet, tmp_path / "bad", "-s", "Batterys")
    assert (code, out) == (2, "")
    assert err == (
        "kjmatch: error: --sector: unknown sector 'Batterys'; did you mean 'batteries'?\n"
    )
    assert not (tmp_path / "bad").exists()
    column = tmp_path / "h10.csv"
    column.write_text(
        "name,products,sector\nA Firm,electrolyte,Batteries\nB Firm,binders,이차전지\n"
        "C Firm,binders,Batterys\n",
        encoding="utf-8",
    )
    code, out, err = _import(column, tmp_path / "d10")
    assert (code, out) == (1, "")
    assert err == (
        f"{column}:4:3: sector: unknown sector 'Batterys'; did you mean 'batteries'?\n"
        f"kjmatch: error: 1 problem in {column}\n"
    )
    column.write_text(column.read_text(encoding="utf-8").replace("Batterys", "batteries"))
    code, out, err = _import(column, tmp_path / "d10")
    assert code == 0 and "added 3 new firms" in err


def test_import_refuses_one_id_for_two_firms_and_two_levels_for_one_product(
    tmp_path: Path,
) -> None:
    """QA2 finding 2: rows that contradict each other are located problems, not merged
    (a firm vanished into another's id) or overwritten (the last level won)."""
    sheet = tmp_path / "h6.csv"
    sheet.write_text(
        "name,products,level,id\n"
        "Dup Firm,electrolyte,3,dup\n"
        "Dup Firm,binders,4,dup\n"
        "Other,electrolyte,3,dup\n",
        encoding="utf-8",
    )
    code, out, err = _import(sheet, tmp_path / "d6", "-s", "batteries")
    assert (code, out) == (1, "")
    assert err == (
        f"{sheet}:4:4: id: id 'dup' is already 'Dup Firm' (row 2); give each firm its own id\n"
        f"kjmatch: error: 1 problem in {sheet}\n"
    )
    same_slug = tmp_path / "h6b.csv"
    same_slug.write_text("name,products\nDup Firm,electrolyte\nDup-Firm,binders\n")
    code, out, err = _import(same_slug, tmp_path / "d6b", "-s", "batteries")
    assert code == 1
    assert err.startswith(
        f"{same_slug}:3:1: name: id 'dup-firm' (the id made from its name) is already "
        "'Dup Firm' (row 2); give each firm its own id\n"
    )
    levels = tmp_path / "h7.csv"
    levels.write_text(
        "name,products,level\nDup Firm,electrolyte,3\nDup Firm,electrolyte,5\n"
        "Dup Firm,binders,\nDup Firm,binders,2\nDup Firm,separator-base-film,2\n"
        "Dup Firm,separator-base-film,2\n",
        encoding="utf-8",
    )
    code, out, err = _import(levels, tmp_path / "d7", "-s", "batteries")
    assert (code, out) == (1, "")
    assert err == (
        f"{levels}:3:3: level: 'dup-firm' has electrolyte at level 5 here but level 3 on "
        "row 2; give one level\n"
        f"{levels}:5:3: level: 'dup-firm' has binders at level 2 here but no level "
        "(unrated) on row 4; give one level\n"
        f"kjmatch: error: 2 problems in {levels}\n"
    )
    assert not (tmp_path / "d7" / "players" / "h7.yaml").exists()


def test_a_file_name_with_a_control_character_is_escaped_in_the_default_source(
    tmp_path: Path,
) -> None:
    """QA2 finding 12g: the default source title and note are built from the file's
    name; an escape in it was blamed on a `title` column the sheet does not have."""
    import yaml

    sheet = tmp_path / "\x1b[31mred.csv"
    sheet.write_text("name,products\nRed Firm,electrolyte\n", encoding="utf-8")
    code, _, err = _import(sheet, tmp_path / "d", "-s", "batteries")
    assert code == 0, err
    written = next((tmp_path / "d" / "players").glob("*red.yaml"))
    strength = yaml.safe_load(written.read_text(encoding="utf-8"))["players"][0]["strengths"][0]
    assert strength["sources"][0]["title"].startswith("\\x1b[31mred.csv, row 2 ")
    assert strength["note"].endswith("imported from \\x1b[31mred.csv row 2")


def test_a_cell_over_the_limit_is_a_located_problem(tmp_path: Path) -> None:
    """QA2 finding 6: a cell over the csv module's field limit crashed `import` and
    `assign` with "unexpected error"; now it is located, at its cell and field."""
    big = tmp_path / "big2.csv"
    big.write_text(f"name,products,note\nBig Firm,electrolyte,{'x' * 200_000}\n", encoding="utf-8")
    code, out, err = _import(big, tmp_path / "d12", "-s", "batteries")
    assert (code, out) == (1, "")
    assert err == (
        f"{big}:2:3: note: cell over 131,072 characters; shorten it\n"
        f"kjmatch: error: 1 problem in {big}\n"
    )
    day = tmp_path / "day7.csv"
    day.write_text(
        f"sector,batteries\nslots,4\ncountry,firm\nKR,sk-on\nJP,{'y' * 200_000}\n",
        encoding="utf-8",
    )
    code, out, err = run("assign", str(day))
    assert (code, out) == (1, "")
    assert err == (
        f"{day}:5:2: firm: cell over 131,072 characters; shorten it\n"
        f"kjmatch: error: 1 problem in {day}\n"
    )
    import csv

    assert csv.field_size_limit() == 131_072  # the process-wide limit is left as it was


def test_an_xlsx_formula_without_a_saved_value_is_not_an_empty_cell(tmp_path: Path) -> None:
    """QA2 finding 12e: a workbook written by a program keeps formulas without their
    values; the cell was reported as empty ("name the firm's products")."""
    import pytest

    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["name", "products", "note"])
    sheet.append(["Formula Firm", '=CONCAT("electro","lyte")', ""])
    sheet.append(["Plain Firm", "binders", None])
    path = tmp_path / "formula.xlsx"
    book.save(path)  # openpyxl saves the formula, not a value
    code, out, err = _import(path, tmp_path / "d", "-s", "batteries")
    assert (code, out) == (1, "")
    assert err == (
        f"{path}:2:2: products: formula with no saved value; open and save the workbook in "
        "Excel, or paste values\n"
        f"kjmatch: error: 1 problem in {path}\n"
    )


def test_samples_or_seed_without_stability_is_a_usage_error() -> None:
    """QA2 finding 12f: `--samples 5` alone was silently ignored."""
    for flag in ("--samples", "--seed"):
        code, out, err = run("match", "-s", "batteries", flag, "5")
        assert (code, out) == (2, "")
        assert err == (
            f"kjmatch: error: {flag}: is used only with --stability; add --stability or "
            "leave it out\n"
        )


def test_usage_lines_write_arguments_plainly() -> None:
    """QA2 finding 12i: `[[EVENT]]` and `{FILES...}...` in usage lines."""
    expected = {
        ("assign",): "Usage: kjmatch assign [OPTIONS] [EVENT]",
        ("trade", "import"): "Usage: kjmatch trade import [OPTIONS] FILES...",
        ("trade", "show"): "Usage: kjmatch trade show [OPTIONS] HS|PRODUCT",
        ("import",): "Usage: kjmatch import [OPTIONS] FILE",
        ("explain",): "Usage: kjmatch explain [OPTIONS] KOREA JAPAN",
    }
    for words, usage in expected.items():
        code, out, err = run(*words, "-h")
        assert code == 0 and err == ""
        assert out.splitlines()[0] == usage


def test_full_width_names_find_and_suggest_players() -> None:
    """QA2 finding 12a: `ＴＯＹＯＴＡ` gave the whole list of players."""
    import json

    code, out, err = run("show", "company", "ＴＯＹＯＴＡ", "-f", "json")
    assert code == 0, err
    assert json.loads(out)["id"] == "toyota"
    code, out, err = run("show", "company", "ＴＯＹＯＴＢ")
    assert (code, out) == (2, "")
    assert "did you mean 'toyota'" in err


def test_a_file_given_to_evidence_names_its_folder(tmp_path: Path) -> None:
    """QA2 finding 12d: a file given to --evidence was "evidence folder not found"."""
    facts = tmp_path / "ev" / "trade-facts.json"
    facts.parent.mkdir()
    facts.write_text("{}", encoding="utf-8")
    code, out, err = run("dependence", "--evidence", str(facts))
    assert (code, out) == (1, "")
    assert err == (
        f"kjmatch: error: {facts}: --evidence takes the folder `kjmatch trade import -o DIR` "
        f"wrote, not a file in it; did you mean --evidence {facts.parent}?\n"
    )


def test_a_bad_sector_does_not_hide_slot_ranges(tmp_path: Path) -> None:
    """QA2 finding 7: with a bad sector but valid `slots`, slot ranges are checked in
    the same run (only checks that need the sector wait)."""
    day = tmp_path / "day3.csv"
    day.write_text(
        "sector,Batterys\nslots,8\ncountry,firm,available\nKR,sk-on,5-9\nJP,honda,\n",
        encoding="utf-8",
    )
    code, out, err = run("assign", str(day))
    assert (code, out) == (1, "")
    assert err == (
        f"{day}:1:2: sector: unknown sector 'Batterys'; did you mean 'batteries'?\n"
        f"{day}:4:3: available: slot 5-9 is outside 1–8 (the event has 8 slots)\n"
        f"kjmatch: error: 2 problems in {day}\n"
    )
    yaml_day = tmp_path / "day3.yaml"
    yaml_day.write_text(
        "sector: batterys\nslots: 4\nkorea:\n  - firm: sk-on\n    available: [9]\n"
        "japan:\n  - firm: honda\n",
        encoding="utf-8",
    )
    code, out, err = run("assign", str(yaml_day))
    assert code == 1
    assert "slot 9 is outside 1–4" in err and "unknown sector 'batterys'" in err


def test_a_misspelt_korean_product_name_gets_a_nearest_product(tmp_path: Path) -> None:
    """QA round 2, 12b: only Latin misspellings got a suggestion."""
    sheet = tmp_path / "kr.csv"
    sheet.write_text("name,products,level\nTest Firm,이차전지 분리막,3\n", encoding="utf-8")
    code, out, err = run(
        "import", str(sheet), "--country", "KR", "-s", "batteries", "--into", str(tmp_path / "d")
    )
    assert code == 1 and out == ""
    assert "no product '이차전지 분리막' in batteries; nearest: " in err
    assert "separators" in err.split("nearest: ")[1]


def test_a_header_only_sheet_is_a_located_error_and_writes_nothing(tmp_path: Path) -> None:
    """QA round 3, finding 10d: `name,products,level` and no rows is not "added 0 firms"."""
    for text in ("name,products,level\n", "name,products,level\n,,\n , , \n"):
        sheet = tmp_path / "hdronly.csv"
        sheet.write_text(text, encoding="utf-8")
        into = tmp_path / "dd"
        code, out, err = _import(sheet, into, "-s", "batteries")
        assert (code, out) == (1, "")
        assert err == (
            f"{sheet}:2:1: no data rows under the header row; nothing was imported\n"
            f"kjmatch: error: 1 problem in {sheet}\n"
        )
        assert not into.exists()
    # into an existing dataset folder: it is left as it was
    existing = write_dataset(tmp_path / "mine")
    before = sorted(p.relative_to(existing) for p in existing.rglob("*"))
    code, _, err = _import(tmp_path / "hdronly.csv", existing, "-s", "widgets")
    assert code == 1 and "no data rows under the header row" in err
    assert sorted(p.relative_to(existing) for p in existing.rglob("*")) == before


def test_ids_of_names_without_latin_letters_come_from_the_name(tmp_path: Path) -> None:
    """QA round 3, finding 10e: re-ordering the sheet keeps every firm's id."""
    import re

    import yaml

    from kjmatch.importer import name_id

    rows = ["한글회사,Electrolyte,4", "ｶﾀｶﾅ商事,separator-base-film,3", "Latin Co,Electrolyte,3"]
    ids: list[dict[str, str]] = []
    for order in (rows, rows[::-1]):
        sheet = tmp_path / "kana.csv"
        sheet.write_text("name,products,level\n" + "\n".join(order) + "\n", encoding="utf-8")
        into = tmp_path / f"d{len(ids)}"
        code, _, err = _import(sheet, into, "-s", "batteries")
        assert code == 0, err
        written = yaml.safe_load((into / "players" / "kana.yaml").read_text(encoding="utf-8"))
        ids.append({p["name"]: p["id"] for p in written["players"]})
    assert ids[0] == ids[1]
    assert ids[0]["Latin Co"] == "latin-co"
    assert ids[0]["한글회사"] == name_id("한글회사")
    assert re.fullmatch(r"firm-[0-9a-f]{6}", ids[0]["한글회사"])
    assert ids[0]["ｶﾀｶﾅ商事"] == name_id("カタカナ商事")  # NFKC: half-width kana too
    assert name_id("\u1112\u1161\u11ab") == name_id("한")  # decomposed Hangul: the same id
    assert ids[0]["한글회사"] != ids[0]["ｶﾀｶﾅ商事"]

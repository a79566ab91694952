"""`kjmatch assign` with the event as a sheet (CSV, XLSX): the same plan as the YAML
file, settings from the sheet's header rows or options, errors located row:column."""

from __future__ import annotations

import csv
import datetime
from pathlib import Path
from typing import Any

import pytest

from clirun import jrun, run

ROOT = Path(__file__).resolve().parents[2]
YAML = str(ROOT / "data" / "examples" / "battery-day.yaml")
CSV = ROOT / "data" / "examples" / "battery-day.csv"


def _plan(doc: dict[str, Any]) -> dict[str, Any]:
    doc = dict(doc)
    doc.pop("kjmatch")
    doc["event"] = {k: v for k, v in doc["event"].items() if k != "file"}
    return doc


def test_example_csv_plans_the_same_day_as_the_yaml_file() -> None:
    sheet = jrun("assign", str(CSV))
    assert sheet["event"]["file"] == str(CSV)
    assert _plan(sheet) == _plan(jrun("assign", YAML))
    assert sheet["event"]["sector"]["id"] == "batteries"  # the sheet says "Batteries"


def test_xlsx_event_with_date_time_and_number_cells(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    for row in csv.reader(CSV.read_text("utf-8").splitlines()):
        cells: list[Any] = []
        for c in row:
            if c == "2026-06-18":
                cells.append(datetime.date(2026, 6, 18))  # a date cell
            elif c == "10:00":
                cells.append(datetime.time(10, 0))  # a time cell, read back as 10:00:00
            else:
                cells.append(int(c) if c.isdigit() else c or None)
        sheet.append(cells)
    path = tmp_path / "day.xlsx"
    book.save(path)
    assert _plan(jrun("assign", str(path))) == _plan(jrun("assign", YAML))


def test_excel_csv_with_semicolons_and_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "day.csv"
    text = "sector;batteries\r\nslots;6\r\n\r\ncountry;firm;available;requests\r\n"
    text += "KR;LG에너지솔루션;1-3;トヨタ自動車\r\nJP;toyota;;\r\nJP;honda;4-6;\r\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    doc = jrun("assign", str(path))
    assert doc["event"]["slots"] == 6 and doc["event"]["korea_firms"] == 1
    plan = doc["plans"][0]
    assert {m["japan"]["id"] for m in plan["timetable"]} <= {"toyota", "honda"}
    assert all(m["slot"] <= 3 for m in plan["timetable"])


def test_options_fill_in_and_override_the_settings(tmp_path: Path) -> None:
    path = tmp_path / "day.csv"
    path.write_text("country,firm\nKR,sk-on\nKR,samsung-sdi\nJP,nissan\nJP,toyota\n", "utf-8")
    code, out, err = run("assign", str(path))
    assert code == 1 and out == ""
    assert err.splitlines()[:2] == [
        f"{path}:1:1: sector: no sector: give a `sector, …` row above the participants, "
        "or --sector",
        f"{path}:1:1: slots: no slots: give a `slots, …` row above the participants, or --slots",
    ]
    doc = jrun("assign", str(path), "--sector", "batteries", "--slots", "5",
               "--korea-capacity", "1")  # fmt: skip
    assert doc["event"]["slots"] == 5
    assert {f["asked"] for f in doc["plans"][0]["firms"] if f["country"] == "KR"} == {1}
    # the same options override a YAML event's settings
    doc = jrun("assign", YAML, "--korea-capacity", "2")
    lges = next(f for f in doc["plans"][0]["firms"] if f["id"] == "lg-energy-solution")
    sdi = next(f for f in doc["plans"][0]["firms"] if f["id"] == "samsung-sdi")
    assert lges["asked"] == 6 and sdi["asked"] == 2  # a firm's own capacity still wins
    code, out, err = run("assign", str(CSV), "--slots", "4")
    assert code == 1 and f"{CSV}:22:4: available: slot 5-8 is outside 1–4" in err


def test_bad_sheet_gets_every_problem_located_by_row_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "day.csv"
    bad.write_text(
        "sector,batteries\nslots,8\nslot_minute,20\n\n"
        "country,firm,capacity,available,must_meet,never_meet,request,Capacity\n"
        "KR,LG Energy Solutoin,,,,,\n"  # row 6
        "KR,sk-on,0,,nissan,,\n"
        "KR,samsung-sdi,,,toyota,toyota,\n"
        "XX,foo,,,,,\n"  # row 9
        "KR,sk-on,,,,,\n"
        "KR,ecopro-bm,3,1-4;9,,,\n"
        "JP,nissan,,,,,\nJP,toyota,,,,,\n",
        encoding="utf-8",
    )
    code, out, err = run("assign", str(bad))
    assert code == 1 and out == ""
    lines = err.splitlines()
    for expected in [
        "3:1: slot_minute: unknown setting 'slot_minute'; did you mean 'slot_minutes'?",
        "5:7: request: unknown column 'request'; did you mean 'requests'?",
        "5:8: Capacity: column 'capacity' is given twice (also column 3)",
        "6:2: firm: unknown player 'LG Energy Solutoin'; did you mean 'lg-energy-solution'?",
        "7:3: capacity: capacity 0 but must meet nissan",
        "8:2: firm: 'samsung-sdi' must meet and never meet 'toyota'",
        "9:1: country: must be KR or JP, got 'XX'",
        "10:2: firm: 'sk-on' is listed twice (also row 7)",
        "11:4: available: slot 9 is outside 1–8 (the event has 8 slots)",
    ]:
        assert any(line.startswith(f"{bad}:{expected}") for line in lines), expected
    bad.write_text("sector,batteries\nslots,4\ncountry,firm,capacity\nKR,sk-on,lots\n", "utf-8")
    code, _, err = run("assign", str(bad))
    assert code == 1 and err.startswith(f"{bad}:4:3: capacity: input should be a valid integer")
    bad.write_text("firm,capacity\nsk-on,3\n", "utf-8")
    code, _, err = run("assign", str(bad))
    assert code == 1 and err.startswith(f"{bad}:1:1: no participants; an event sheet has a row")


@pytest.mark.parametrize("kind", ["csv", "yaml"])
def test_an_event_without_slots_still_reports_its_participants_problems(
    tmp_path: Path, kind: str
) -> None:
    """QA finding 9: with no `slots` row, a misspelt firm and a firm listed twice were
    reported only in the next run, after the slots were added."""
    path = tmp_path / f"day2.{kind}"
    if kind == "csv":
        path.write_text(
            "name,Day 2\nsector,Batteries\nslot_minute,20\n\ncountry,firm,available\n"
            "KR,LG Energy Solutoin,\nKR,sk-on,\nKR,sk-on,99\nXX,samsung-sdi,\nJP,toyota,1-3\n",
            encoding="utf-8",
        )
        expected = [
            "1:1: slots: no slots: give a `slots, …` row above the participants, or --slots",
            "3:1: slot_minute: unknown setting 'slot_minute'; did you mean 'slot_minutes'? "
            "(settings: name, sector, date, start, slot_minutes, break_minutes, slots, tables, "
            "timezone, location, korea_capacity, japan_capacity)",
            "6:2: firm: unknown player 'LG Energy Solutoin'; did you mean 'lg-energy-solution'?",
            "8:2: firm: 'sk-on' is listed twice (also row 7)",
            "9:1: country: must be KR or JP, got 'XX'",
        ]
    else:
        path.write_text(
            "sector: batterys\nkorea:\n  - firm: LG Energy Solutoin\n  - firm: sk-on\n"
            "  - firm: sk-on\njapan:\n  - firm: toyota\n    must_meet: [sk-onn]\n",
            encoding="utf-8",
        )
        expected = [
            "1:1: slots: required field is missing",
            "1:9: sector: unknown sector 'batterys'; did you mean 'batteries'?",
            "3:11: korea[0].firm: unknown player 'LG Energy Solutoin'; did you mean "
            "'lg-energy-solution'?",
            "5:11: korea[2].firm: 'sk-on' is listed twice (also korea[1])",
            "8:17: japan[0].must_meet[0]: unknown player 'sk-onn'; did you mean 'sk-on'?",
        ]
    code, out, err = run("assign", str(path))
    assert code == 1 and out == ""
    assert err.splitlines() == [
        *(f"{path}:{line}" for line in expected),
        f"kjmatch: error: {len(expected)} problems in {path}",
    ]


def test_firm_flags_are_refused_with_an_event_file() -> None:
    code, out, err = run("assign", str(CSV), "--korea", "sk-on")
    assert code == 2 and out == "" and err.startswith("kjmatch: error: --korea: ")


def test_a_setting_given_twice_is_refused(tmp_path: Path) -> None:
    """A sheet copied from an earlier day keeps an old `slots` row: refused at the second
    row, as a YAML event's duplicate key is (QA round 7)."""
    sheet = tmp_path / "day.csv"
    sheet.write_text(
        "sector,batteries\nslots,4\nSlots,6\ncountry,firm\nKR,sk-on\nJP,toyota\n",
        encoding="utf-8",
    )
    code, out, err = run("assign", str(sheet))
    assert code == 1 and out == ""
    assert f"{sheet}:3:1: Slots: setting 'slots' is given twice (also row 2)" in err

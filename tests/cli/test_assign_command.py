"""`kjmatch assign`: flags and event files, both plans, located errors, exports."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from clirun import jrun, run

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = str(ROOT / "data" / "examples" / "battery-day.yaml")


def test_flags_plan_a_batteries_day_with_all_three_plans() -> None:
    doc = jrun("assign", "--sector", "batteries", "--korea-capacity", "4",
               "--japan-capacity", "8", "--slots", "12")  # fmt: skip
    best, stable, fair = (
        next(p for p in doc["plans"] if p["plan"] == k) for k in ("best-total", "stable", "fair")
    )
    assert doc["totals"] == {p["plan"]: p["total"] for p in (best, stable, fair)}
    assert doc["difference"] == round(best["total"] - stable["total"], 2) >= 0
    assert doc["fair_difference"] == round(best["total"] - fair["total"], 2) >= 0
    assert fair["fewest"] >= max(best["fewest"], stable["fewest"])
    assert fair["floor"] >= max(best["floor"], stable["floor"])
    assert fair["fewest"] > best["fewest"]  # on the bundled batteries day, fairness does lift it
    assert stable["blocking_pairs"] == 0 and best["unplaced"] == stable["unplaced"] == 0
    for plan in (best, stable):
        firms = {f["id"]: f for f in plan["firms"]}
        for f in firms.values():
            assert f["meetings"] <= f["asked"] and (f["short_by"] > 0) == bool(f["reasons"])
        seen = set()
        for m in plan["timetable"]:
            assert 1 <= m["slot"] <= 12
            for side in ("korea", "japan"):
                assert (m[side]["id"], m["slot"]) not in seen
                seen.add((m[side]["id"], m["slot"]))
    assert doc["timetable"] == best["timetable"] and doc["plan"] == "best-total"


def test_table_shows_the_timetable_and_both_totals() -> None:
    code, out, err = run("assign", "--sector", "batteries", "--slots", "6")
    assert code == 0 and err == ""
    assert "10:00–10:20" in out and "best total" in out and "stability costs" in out
    rows = [
        line.split()
        for line in out.splitlines()
        if line.startswith(("best total", "stable", "fair "))
    ]
    assert [r[0] for r in rows] == ["best", "stable", "fair"] and "fairness costs" in out


def test_plan_fair_is_the_timetable_and_export() -> None:
    doc = jrun("assign", EXAMPLE, "--plan", "fair")
    fair = next(p for p in doc["plans"] if p["plan"] == "fair")
    assert doc["plan"] == "fair" and doc["timetable"] == fair["timetable"]
    assert all(m["plan"] == "fair" for m in doc["timetable"])
    others = [p for p in doc["plans"] if p["plan"] != "fair"]
    assert fair["fewest"] >= max(p["fewest"] for p in others)
    assert fair["floor"] > max(p["floor"] for p in others)  # 4 against 2 and 0 here
    code, out, err = run("assign", EXAMPLE, "--plan", "fair")
    assert code == 0 and err == "" and "fair plan, timetable" in out


def test_event_file_honours_requests_must_meet_never_meet_and_availability() -> None:
    doc = jrun("assign", EXAMPLE)
    assert doc["event"]["name"] == "Korea–Japan battery partnering day"
    for plan in doc["plans"]:
        pairs = {(m["korea"]["id"], m["japan"]["id"]): m for m in plan["timetable"]}
        assert ("sk-on", "nissan") in pairs and pairs[("sk-on", "nissan")]["must_meet"]
        assert ("sk-ie-technology", "asahi-kasei") not in pairs
        for (k, j), m in pairs.items():
            if k == "samsung-sdi":
                assert m["slot"] <= 4
            if j == "honda":
                assert m["slot"] >= 5
        honda = next(f for f in plan["firms"] if f["id"] == "honda")
        assert any(r["reason"] == "availability" for r in honda["reasons"])
    stable = next(p for p in doc["plans"] if p["plan"] == "stable")
    lges = next(f for f in stable["firms"] if f["id"] == "lg-energy-solution")
    assert "toyota" in lges["partners"]  # its first request


def test_bad_event_file_gets_located_errors(tmp_path: Path) -> None:
    bad = tmp_path / "day.yaml"
    bad.write_text(
        "sector: batteries\nslots: 8\nkorea:\n"
        "  - firm: LG Energy Solutoin\n"
        "  - firm: sk-on\n    capacity: 0\n    must_meet: [nissan]\n    available: [0]\n"
        "  - firm: samsung-sdi\n    must_meet: [toyota]\n    never_meet: [toyota]\n"
        "    capcity: 3\n"
        "japan:\n  - firm: nissan\n  - firm: toyota\n",
        encoding="utf-8",
    )
    code, out, err = run("assign", str(bad))
    assert code == 1 and out == ""
    assert f"{bad}:12:5: korea[2].capcity: unknown key 'capcity'; did you mean 'capacity'?" in err
    bad.write_text(bad.read_text(encoding="utf-8").replace("capcity", "capacity"), encoding="utf-8")
    code, out, err = run("assign", str(bad))
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert (
        f"{bad}:4:11: korea[0].firm: unknown player 'LG Energy Solutoin'; did you mean 'lg-energy-solution'?"
        in lines
    )
    assert f"{bad}:6:15: korea[1].capacity: capacity 0 but must meet nissan" in lines
    assert (
        f"{bad}:8:17: korea[1].available[0]: slot 0 is outside 1–8 (the event has 8 slots)" in lines
    )
    assert f"{bad}:9:11: korea[2].firm: 'samsung-sdi' must meet and never meet 'toyota'" in lines


def test_start_time_must_be_quoted(tmp_path: Path) -> None:
    bad = tmp_path / "day.yaml"
    bad.write_text("sector: batteries\nslots: 4\nstart: 10:00\n", encoding="utf-8")
    code, _, err = run("assign", str(bad))
    assert (
        code == 1 and "day.yaml:3:8: start: expected text, but YAML read `10:00` as a number" in err
    )


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--sector", "batterie"], "--sector"),
        ([], "--sector"),
        (["--sector", "batteries", "--korea", "toyota"], "--korea"),
        (["--sector", "batteries", "--date", "18/06/2026"], "--date"),
    ],
)
def test_usage_errors(args: list[str], flag: str) -> None:
    code, out, err = run("assign", *args)
    assert code == 2 and out == "" and err.startswith(f"kjmatch: error: {flag}: ")


def test_missing_solver_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "scipy" else real(name, *a)
    )
    code, out, err = run("assign", "--sector", "batteries")
    assert code == 1 and out == ""
    assert "kjmatch assign needs scipy: pip install 'kjmatch[assign]'" in err


def test_exports_csv_ics_and_agendas(tmp_path: Path) -> None:
    from icalendar import Calendar

    day = tmp_path / "day"
    code, out, err = run("assign", EXAMPLE, "--plan", "stable", "--export", str(day), "--json")
    assert code == 0 and "wrote" in err
    import json

    doc = json.loads(out)
    rows = list(csv.DictReader(io.StringIO((day / "timetable.csv").read_text("utf-8-sig"))))
    assert len(rows) == len(doc["timetable"]) and rows[0]["slot"] == "1"
    assert {r["korea"] for r in rows} <= {m["korea"]["name"] for m in doc["timetable"]}
    firms = {f["id"]: f for f in doc["plans"][1]["firms"]}
    for fid, f in firms.items():
        cal = Calendar.from_ical((day / "calendars" / f"{fid}.ics").read_bytes())
        events = list(cal.walk("VEVENT"))
        assert len(events) == f["meetings"]
        for e in events:
            start = e.decoded("dtstart")
            assert start.date().isoformat() == "2026-06-18" and str(start.tzinfo) == "Asia/Seoul"
        assert cal.walk("VTIMEZONE") or not events
        agenda = (day / "agendas" / f"{fid}.md").read_text("utf-8")
        assert agenda.startswith("## ")
        names = [m["japan" if f["country"] == "KR" else "korea"]["name"] for m in doc["timetable"]
                 if fid in (m["korea"]["id"], m["japan"]["id"])]  # fmt: skip
        assert len(names) == f["meetings"] and all(n in agenda for n in names)
    code, _, err = run("assign", EXAMPLE, "--export", str(day))
    assert code == 1 and "already exists; use --force" in err
    code, _, _ = run("assign", EXAMPLE, "--export", str(day), "--force")
    assert code == 0


def test_terminal_table_is_compact_and_reasons_stay_in_data_and_agendas(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    code, out, err = run("assign", EXAMPLE)
    assert code == 0 and err == ""
    header = next(line for line in out.splitlines() if "slot" in line and "japan" in line)
    assert "direction" in header and "reason" not in header
    assert "is a direct input" not in out
    assert max(len(line) for line in out.splitlines() if line.startswith(("┃", "│"))) <= 100
    code, out, _ = run("assign", EXAMPLE, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and all(r["reason"] for r in rows)
    day = tmp_path / "day"
    assert run("assign", EXAMPLE, "--export", str(day))[0] == 0
    agenda = (day / "agendas" / "sk-on.md").read_text("utf-8")
    # the partner's product by name, not by id; the reason in full
    assert "| Aluminium pouch film |" in agenda and "| pouch-film |" not in agenda
    assert "is a direct input to SK On's Pouch cells" in agenda


def test_rivals_are_not_booked_unless_asked_for() -> None:
    """Two makers of one product with no cooperative tie are not booked on their rivalry:
    an agenda would tell them they compete (QA round 3, finding 9)."""
    base = ("assign", "--sector", "batteries", "--slots", "12", "--json")
    plain = jrun(*base)
    assert plain["include_rivals"] is False and plain["min_score"] == 0
    assert "same-stage" not in {m["direction"] for m in plain["timetable"]}
    every = jrun(*base, "--include-rivals")
    assert every["include_rivals"] is True
    assert "same-stage" in {m["direction"] for m in every["timetable"]}
    code, out, err = run(*base[:-1])
    assert code == 0 and "Rivals left out: makers of one product with no cooperative tie" in out
    assert "Traceback" not in err


def test_min_score_books_no_pair_below_it_but_asked_ones(tmp_path: Path) -> None:
    doc = jrun("assign", "--sector", "batteries", "--slots", "12", "--min-score", "60", "--json")
    assert doc["min_score"] == 60
    assert doc["timetable"] and all(m["score"] >= 60 for m in doc["timetable"])
    # an event's must-meet pair is booked whatever it scores
    event = tmp_path / "day.yaml"
    event.write_text(
        "sector: batteries\nslots: 6\nkorea_capacity: 3\njapan_capacity: 3\n"
        "korea:\n  - firm: sk-on\n    must_meet: [resonac]\n  - firm: lg-energy-solution\n"
        "japan:\n  - firm: resonac\n  - firm: toyota\n",
        encoding="utf-8",
    )
    day = jrun("assign", str(event), "--min-score", "99", "--json")
    booked = {(m["korea"]["id"], m["japan"]["id"]) for m in day["timetable"]}
    assert booked == {("sk-on", "resonac")}


def _day(tmp_path: Path, capacity: int, korea: str, japan: str) -> Path:
    """A batteries day of 6 slots with one capacity for every firm; `korea` and `japan`
    are the YAML items under each side."""
    event = tmp_path / "day.yaml"
    event.write_text(
        f"sector: batteries\nslots: 6\nkorea_capacity: {capacity}\njapan_capacity: {capacity}\n"
        f"korea:\n{korea}japan:\n{japan}",
        encoding="utf-8",
    )
    return event


def _in_each_plan(doc: dict[str, Any], firm: str) -> list[dict[str, Any]]:
    """The firm's entry in each plan of an `assign` document."""
    return [next(f for f in plan["firms"] if f["id"] == firm) for plan in doc["plans"]]


def test_a_firm_whose_only_partner_is_never_free_is_told_so(tmp_path: Path) -> None:
    """Its one linked partner is out by availability: the reasons say it is linked with
    one participant (not with none), and their counts add up to what it is short by."""
    event = _day(
        tmp_path,
        3,
        "  - firm: lg-energy-solution\n    available: ['4-6']\n",
        "  - firm: toyota\n    available: ['1-2']\n",
    )
    doc = jrun("assign", str(event), "--json")
    for lges in _in_each_plan(doc, "lg-energy-solution"):
        texts = [r["text"] for r in lges["reasons"]]
        assert "no available slot in common with 1 linked partner" in texts
        assert "linked with only 1 participant" in texts
        assert not any("no linked pair with any" in t for t in texts)
        assert sum(r["count"] for r in lges["reasons"]) == lges["short_by"] == 3


def test_a_supply_link_at_rivals_fit_is_no_booking_and_the_reasons_say_why(
    tmp_path: Path,
) -> None:
    """SK IE Technology's base film "supplies" Asahi Kasei and Toray, who make separator
    film as well: a rivalry by another name, so it is not booked unless asked for; the
    firm is told it is linked with them only as rivals, a must-meet partner without
    linked products is not counted as linked, and the counts add up (QA round 5)."""
    event = _day(
        tmp_path,
        4,
        "  - firm: sk-ie-technology\n    must_meet: [kureha]\n",
        "  - firm: asahi-kasei\n  - firm: toray\n  - firm: kureha\n",
    )
    doc = jrun("assign", str(event), "--json")
    booked = {(m["korea"]["id"], m["japan"]["id"]) for m in doc["timetable"]}
    assert booked == {("sk-ie-technology", "kureha")}  # the must-meet, linked or not
    for sk in _in_each_plan(doc, "sk-ie-technology"):
        texts = [r["text"] for r in sk["reasons"]]
        assert texts == [
            "no other linked pair",
            "2 participants linked only as rivals, left out (--include-rivals books them)",
        ], texts
        assert [r["reason"] for r in sk["reasons"]] == ["no linked pair", "rivals"]
        assert sum(r["count"] for r in sk["reasons"]) == sk["short_by"] == 3
    every = jrun("assign", str(event), "--include-rivals", "--json")
    rivals = [m for m in every["timetable"] if m["japan"]["id"] != "kureha"]
    assert {m["japan"]["id"] for m in rivals} == {"asahi-kasei", "toray"}
    # the reason an agenda prints says they compete, whichever link it was booked on
    assert all("compete" in m["reason"] for m in rivals), [m["reason"] for m in rivals]
    # and its JSON and timetable say which kind of rivalry
    assert all(m["in_house"] or m["direction"] == "same-stage" for m in rivals)
    assert any(m["in_house"] for m in rivals)
    code, out, _ = run("assign", str(event), "--include-rivals", "-f", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["in_house"] for r in rows} == {"yes", ""}
    # ids join the rows to `match` (QA round 8)
    assert {r["korea_id"] for r in rows} == {"sk-ie-technology"}
    assert {r["japan_id"] for r in rows} == {"asahi-kasei", "toray", "kureha"}
    assert {r["direction"] for r in rows} <= {"kr-to-jp", "jp-to-kr", "same-stage", ""}


@pytest.mark.parametrize(
    ("korea", "japan"),
    [
        ("  - firm: sk-ie-technology\n    never_meet: [asahi-kasei]\n", "  - firm: asahi-kasei\n"),
        (
            "  - firm: sk-ie-technology\n    available: ['1-2']\n",
            "  - firm: asahi-kasei\n    available: ['5-6']\n",
        ),
    ],
    ids=["never-meet", "no-common-slot"],
)
def test_a_rival_the_event_keeps_apart_is_not_called_left_out(
    tmp_path: Path, korea: str, japan: str
) -> None:
    """A rival pair that never-meet or availability keeps apart would not be booked by
    --include-rivals either: the reasons must not send the organiser there (QA round 8)."""
    event = _day(tmp_path, 2, korea, japan)
    for flags in ([], ["--include-rivals"]):
        doc = jrun("assign", str(event), *flags, "--json")
        assert doc["timetable"] == []
        for firm in ("sk-ie-technology", "asahi-kasei"):
            for entry in _in_each_plan(doc, firm):
                assert "rivals" not in [r["reason"] for r in entry["reasons"]], entry
                assert sum(r["count"] for r in entry["reasons"]) == entry["short_by"]
    code, out, _ = run("assign", str(event))
    assert code == 0 and "--include-rivals books them" not in out


@pytest.mark.parametrize(
    "flags",
    [[], ["--tables", "2"], ["--tables", "3", "--include-rivals"], ["--min-score", "60"]],
    ids=["plain", "two-tables", "three-tables-rivals", "min-score"],
)
def test_every_firms_reasons_add_up_to_what_it_is_short_by(flags: list[str]) -> None:
    """Each reason counts the places it explains: Honda, free in 4 of 8 slots, is not
    also told a full partner or a missing common slot cost it places (QA round 8)."""
    doc = jrun("assign", "data/examples/battery-day.csv", *flags, "--json")
    for plan in doc["plans"]:
        for firm in plan["firms"]:
            counts = [r["count"] for r in firm["reasons"]]
            assert sum(counts) == firm["short_by"] and all(n > 0 for n in counts), firm


def test_plans_fit_the_venue_when_tables_are_limited() -> None:
    """--tables 2 over 8 slots gives 16 places: the best-total and fair plans are chosen
    within them (none left unplaced), so the best total is at least the stable plan's
    and the fair plan's floor at least the others'; a firm the venue had no place for
    is told so (QA round 8: 28 meetings booked for 16 places, a negative stability cost,
    a fair plan with a floor of 0)."""
    base = ("assign", "data/examples/battery-day.csv", "--json")
    doc = jrun(*base, "--tables", "2")
    plans = {p["plan"]: p for p in doc["plans"]}
    for kind in ("best-total", "fair"):
        assert plans[kind]["meetings"] <= 16 and plans[kind]["unplaced"] == 0
    assert plans["stable"]["meetings"] <= 16
    assert plans["best-total"]["total"] >= plans["stable"]["total"]
    assert plans["fair"]["floor"] >= max(p["floor"] for p in plans.values())
    assert plans["fair"]["floor"] > 0
    reasons = {r["reason"] for p in plans.values() for f in p["firms"] for r in f["reasons"]}
    assert "tables" in reasons
    assert any(
        r["text"] == "the venue's 16 places (2 tables × 8 slots) went to other meetings"
        for f in plans["best-total"]["firms"]
        for r in f["reasons"]
    )
    # with room for every meeting the limit changes nothing
    roomy = jrun(*base, "--tables", "20")
    plain = jrun(*base)
    for a, b in zip(roomy["plans"], plain["plans"], strict=True):
        assert (a["meetings"], a["total"]) == (b["meetings"], b["total"])


def test_must_meets_beyond_the_venue_are_one_clear_error(tmp_path: Path) -> None:
    event = _day(
        tmp_path,
        2,
        "  - firm: sk-on\n    must_meet: [resonac]\n"
        "  - firm: lg-energy-solution\n    must_meet: [toyota]\n",
        "  - firm: resonac\n  - firm: toyota\n",
    )
    code, out, err = run("assign", str(event), "--tables", "1", "--slots", "1")
    assert code == 1 and out == ""
    assert err == (
        "kjmatch: error: 2 must-meet pairs need more places than the venue has: "
        "1 table × 1 slot = 1\n"
    )


def test_a_pair_under_min_score_is_not_called_a_rival(tmp_path: Path) -> None:
    """--min-score leaves out linked pairs that score too little: they are no rivals,
    and the shortfall reasons must not say so."""
    event = _day(
        tmp_path, 4, "  - firm: sk-ie-technology\n", "  - firm: asahi-kasei\n  - firm: toyota\n"
    )
    doc = jrun("assign", str(event), "--min-score", "99", "--json")
    for sk in _in_each_plan(doc, "sk-ie-technology"):
        rivals = [r for r in sk["reasons"] if r["reason"] == "rivals"]
        # Asahi Kasei only as a rival; Toyota is linked (cells) but under the floor
        assert [r["text"] for r in rivals] == [
            "1 participant linked only as a rival, left out (--include-rivals books them)"
        ]
        low = [r for r in sk["reasons"] if r["reason"] == "min-score"]
        assert [r["text"] for r in low] == ["1 linked partner under --min-score 99, left out"]
        assert sum(r["count"] for r in sk["reasons"]) == sk["short_by"]


def test_a_request_the_plan_does_not_meet_is_listed() -> None:
    """A request comes first in its firm's preferences but is no must-meet: the example
    day's LG Energy Solution asks for Panasonic Energy, is full, and the plan says so
    (QA round 6)."""
    example = Path(__file__).resolve().parents[2] / "data" / "examples" / "battery-day.csv"
    doc = jrun("assign", str(example), "--json")
    best = next(p for p in doc["plans"] if p["plan"] == "best-total")
    unmet = {(r["firm"], r["requested"]) for r in best["unmet_requests"]}
    assert ("lg-energy-solution", "panasonic-energy") in unmet
    booked = {(m["korea"]["id"], m["japan"]["id"]) for m in best["timetable"]}
    assert ("lg-energy-solution", "panasonic-energy") not in booked
    assert all((k, j) in booked for k, j in {("lg-energy-solution", "toyota")} - unmet)
    code, out, _ = run("assign", str(example))
    assert code == 0
    assert "Requests this plan does not meet: LG Energy Solution → Panasonic Energy" in out


def test_a_rival_booked_as_asked_is_not_called_left_out(tmp_path: Path) -> None:
    """SK IE Technology must meet Asahi Kasei, a rival: booked, so only Toray is a rival
    left out, and the text's count and the reason's agree (QA round 7)."""
    event = _day(
        tmp_path,
        3,
        "  - firm: sk-ie-technology\n    must_meet: [asahi-kasei]\n",
        "  - firm: asahi-kasei\n  - firm: toray\n",
    )
    doc = jrun("assign", str(event), "--json")
    for sk in _in_each_plan(doc, "sk-ie-technology"):
        rivals = [r for r in sk["reasons"] if r["reason"] == "rivals"]
        assert [(r["count"], r["text"]) for r in rivals] == [
            (1, "1 participant linked only as a rival, left out (--include-rivals books them)")
        ]
        assert sum(r["count"] for r in sk["reasons"]) == sk["short_by"]


def test_must_meets_that_cannot_share_the_day_are_one_clear_error(tmp_path: Path) -> None:
    """Two firms free only in slot 1 must both meet Toyota: no timetable holds both, so
    it is an error, not a must-meet quietly "not placed" (QA round 9)."""
    event = _day(
        tmp_path,
        3,
        "  - firm: lg-energy-solution\n    available: [1]\n    must_meet: [toyota]\n"
        "  - firm: sk-on\n    available: [1]\n    must_meet: [toyota]\n",
        "  - firm: toyota\n  - firm: honda\n",
    )
    code, out, err = run("assign", str(event))
    assert code == 1 and out == ""
    assert err.startswith(
        "kjmatch: error: the must-meet pairs cannot all be given a slot "
        "(the firms' free slots allow 1 of 2); cannot place: "
    )
    # it names the pair that holds the slot too (QA round 10)
    assert "(free together in slot 1, held by lg-energy-solution – toyota)" in err


@pytest.mark.parametrize("tables", [[], ["--tables", "1"], ["--tables", "10"]])
def test_a_day_with_availability_books_only_what_it_can_place(
    tmp_path: Path, tables: list[str]
) -> None:
    """Plans are chosen with the slots each firm is free: the best-total and fair plans
    leave nothing unplaced, the best total is at least the stable plan's (placed), and
    every firm's reasons add up (QA round 9: -88.62 points of "stability cost")."""
    event = _day(
        tmp_path,
        4,
        "  - firm: lg-energy-solution\n    available: [1]\n  - firm: sk-on\n    available: [1]\n"
        "  - firm: samsung-sdi\n  - firm: ecopro-bm\n",
        "  - firm: toyota\n    available: [1]\n  - firm: honda\n    available: [1]\n"
        "  - firm: dai-nippon-printing\n  - firm: sumitomo-metal-mining\n",
    )
    doc = jrun("assign", str(event), *tables, "--json")
    plans = {p["plan"]: p for p in doc["plans"]}
    assert plans["best-total"]["unplaced"] == plans["fair"]["unplaced"] == 0
    assert plans["best-total"]["total"] >= plans["stable"]["total"]
    for plan in plans.values():
        for firm in plan["firms"]:
            counts = [r["count"] for r in firm["reasons"]]
            assert sum(counts) == firm["short_by"] and all(n > 0 for n in counts), firm


def test_an_agenda_keeps_unplaced_meetings_on_a_waiting_list(tmp_path: Path) -> None:
    """QA round 9: the cut stable plan handed EcoPro BM an agenda of four meetings, all
    "not placed"; the day's table now holds only placed meetings."""
    out = tmp_path / "exp"
    args = ["data/examples/battery-day.yaml", "--tables", "2", "--plan", "stable"]
    code, _, err = run("assign", *args, "--export", str(out))
    assert code == 0, err
    doc = jrun("assign", *args, "--json")
    stable = next(p for p in doc["plans"] if p["plan"] == "stable")
    assert stable["unplaced"] > 0
    waiting = {m["korea"]["id"] for m in doc["timetable"] if not m["slot"]}
    for firm in waiting:
        agenda = (out / "agendas" / f"{firm}.md").read_text("utf-8")
        day, _, rest = agenda.partition("Waiting list: booked in this plan, but no slot")
        assert rest and "not placed" not in day, firm


def test_a_firm_asking_more_than_the_day_has_is_told_the_day_is_short(tmp_path: Path) -> None:
    event = _day(tmp_path, 8, "  - firm: sk-on\n", "  - firm: toyota\n")
    doc = jrun("assign", str(event), "--json")
    (sk,) = [f for f in doc["plans"][0]["firms"] if f["id"] == "sk-on"]
    assert sk["reasons"][0]["text"] == "the day has only 6 slots"


EVENTS = Path(__file__).resolve().parents[1] / "data" / "events"


def test_a_slot_no_partner_shares_does_not_lower_the_fair_floor() -> None:
    """QA round 10: LG Energy Solution free in slots 1-2 but its partners only in 1 could
    have one meeting, not two; counting two lowered every firm's floor from 2 to 1."""
    doc = jrun("assign", str(EVENTS / "unusable-slot.yaml"), "--json")
    fair_plan = next(p for p in doc["plans"] if p["plan"] == "fair")
    assert fair_plan["floor"] == 2


def test_a_requested_partner_that_was_full_is_named_as_such() -> None:
    """QA round 10: Kyocera's only other possible partner, SK Siltron (which requested
    it, with no linked products), was full; Kyocera was told of no common slot."""
    doc = jrun("assign", str(EVENTS / "requested-partner-full.yaml"), "--plan", "fair", "--json")
    fair_plan = next(p for p in doc["plans"] if p["plan"] == "fair")
    (kyocera,) = [f for f in fair_plan["firms"] if f["id"] == "kyocera"]
    assert [r["text"] for r in kyocera["reasons"]] == ["1 partner it could meet was already full"]


def test_a_partner_is_full_only_with_placed_meetings() -> None:
    """QA round 10: a stable plan cut by the tables told firms their partners were full
    when those partners' meetings had not been placed."""
    doc = jrun("assign", "data/examples/battery-day.yaml", "--tables", "2", "--json")
    stable = next(p for p in doc["plans"] if p["plan"] == "stable")
    full = {f["country"] for f in stable["firms"] if f["meetings"] >= f["asked"]}
    for firm in stable["firms"]:
        if any(r["reason"] == "capacity" for r in firm["reasons"]):
            other = "JP" if firm["country"] == "KR" else "KR"
            assert other in full, firm


def test_a_quoted_slot_number_is_a_slot_and_a_bad_one_is_one_error(tmp_path: Path) -> None:
    """QA round 10: `available: ["2"]` was refused, and the refusal brought two false
    follow-on errors about must-meets."""
    ok = _day(tmp_path, 2, '  - firm: sk-on\n    available: ["2"]\n    must_meet: [toyota]\n',
              "  - firm: toyota\n")  # fmt: skip
    doc = jrun("assign", str(ok), "--json")
    assert [(m["korea"]["id"], m["slot"]) for m in doc["timetable"]] == [("sk-on", 2)]
    bad = _day(tmp_path, 2, '  - firm: sk-on\n    available: ["x"]\n    must_meet: [toyota]\n',
               "  - firm: toyota\n")  # fmt: skip
    code, out, err = run("assign", str(bad))
    assert code == 1 and out == ""
    assert err.count(f"{bad}:") == 1 and "range such as \"3-6\", got 'x'" in err


@pytest.mark.parametrize(
    ("value", "said"),
    [("true", "got true; a firm free all day"), ("yes", "got true; a firm free all day"),
     ("2.5", "got 2.5")],
)  # fmt: skip
def test_a_slot_that_is_no_number_is_one_plain_error(tmp_path: Path, value: str, said: str) -> None:
    """QA round 11: `yes` was read as slot 1 without a word, and 2.5 gave two errors
    naming pydantic's union branches."""
    event = _day(tmp_path, 2, f"  - firm: sk-on\n    available: [{value}]\n", "  - firm: toyota\n")
    code, out, err = run("assign", str(event))
    assert code == 1 and out == ""
    (problem,) = [line for line in err.splitlines() if line.startswith(str(event))]
    assert 'korea[0].available[0]: must be a slot number or a range such as "3-6", ' in problem
    assert said in problem


def test_must_meets_set_by_the_other_side_are_named_at_the_firm(tmp_path: Path) -> None:
    """QA round 11: the error pointed at a must_meet field the firm does not have."""
    event = tmp_path / "day.yaml"
    event.write_text(
        "sector: batteries\nslots: 2\nkorea_capacity: 3\njapan_capacity: 3\nkorea:\n"
        "  - firm: sk-on\n    must_meet: [toyota]\n  - firm: samsung-sdi\n    must_meet: [toyota]\n"
        "  - firm: lg-energy-solution\n    must_meet: [toyota]\njapan:\n  - firm: toyota\n",
        encoding="utf-8",
    )
    code, _, err = run("assign", str(event))
    assert code == 1
    assert (
        "japan[0].firm: must meet 3 partners (asked for by lg-energy-solution, samsung-sdi and "
        "sk-on) but the day has only 2 slots"
    ) in err

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

"""Empty results say why and what would work (stderr); long --stability runs show progress."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from clirun import run
from conftest import SECTOR, default_files, names, strength, write_dataset


def _why(*args: str) -> tuple[dict[str, Any], list[str]]:
    code, out, err = run(*args, "--json")
    assert code == 0, err
    return json.loads(out), err.splitlines()


def test_firm_without_strengths_in_the_sector() -> None:
    doc, err = _why("match", "-s", "batteries", "--korea", "sk-hynix")
    assert doc["pairings"] == []
    assert err == [
        "kjmatch: nothing to show: sk-hynix has strengths only in semiconductors",
        "kjmatch: try --sector semiconductors",
    ]


def test_min_score_too_high_names_the_best_score() -> None:
    best = _why("match", "-s", "batteries", "--top", "1")[0]["pairings"][0]["score"]
    doc, err = _why("match", "-s", "batteries", "--min-score", "99")
    assert doc["pairings"] == []
    assert err[0] == (
        f"kjmatch: nothing to show: no pair scores 99 or more; the best score available is {best:.2f}"
    )
    assert err[1].startswith("kjmatch: try --min-score ")
    floor = err[1].rsplit(" ", 1)[1]
    assert _why("match", "-s", "batteries", "--min-score", floor)[0]["pairings"]


def test_new_only_when_every_pair_has_a_tie() -> None:
    args = ["match", "-s", "batteries", "--korea", "lg-energy-solution", "--japan", "toyota"]
    doc, err = _why(*args, "--new-only")
    assert doc["pairings"] == [] and "documented tie" in err[0]
    assert err[1] == "kjmatch: try without --new-only"


def test_direction_names_the_directions_that_have_pairs() -> None:
    args = ["match", "-s", "batteries", "--korea", "lg-energy-solution", "--japan", "toyota"]
    doc, err = _why(*args, "-d", "horizontal")
    assert doc["pairings"] == [] and "in direction horizontal" in err[0]
    assert "--direction kr-to-jp" in err[1]


def test_partners_outside_the_firm_sectors() -> None:
    doc, err = _why("partners", "toyota", "--sector", "semiconductors")
    assert doc["pairings"] == []
    assert err[0] == (
        "kjmatch: nothing to show: toyota has strengths only in automobiles, batteries, hydrogen"
    )
    assert err[1].startswith("kjmatch: try --sector automobiles")


def test_results_are_quiet_on_stderr() -> None:
    assert _why("match", "-s", "batteries", "--top", "2")[1] == []


def test_stability_reports_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a terminal the CLI passes a progress bar; the stability samples drive it."""
    import kjmatch.cli.options as options

    calls: list[tuple[str, int, int]] = []

    class Recorder:
        def __call__(self, label: str, done: int, total: int) -> None:
            calls.append((label, done, total))

        def close(self) -> None:
            pass

    monkeypatch.setattr(options, "progress_reporter", Recorder)
    code, out, _ = run("match", "-s", "batteries", "--stability", "--samples", "50", "--json")
    assert code == 0 and json.loads(out)["stability"]["samples"] == 50
    stab = [c for c in calls if c[0] == "Stability"]
    assert stab[0] == ("Stability", 0, 50) and stab[-1] == ("Stability", 50, 50)


def test_progress_only_on_a_terminal_and_only_after_a_second(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    import kjmatch.cli.options as options

    class Tty:
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stderr", Tty())
    assert isinstance(options.progress_reporter(), options.TerminalProgress)
    monkeypatch.setattr(sys, "stderr", object())  # no isatty: a pipe or a file
    assert options.progress_reporter() is None
    bar = options.TerminalProgress()
    bar("Stability", 1, 10)  # within the first second: nothing is drawn
    assert bar._bar is None


def test_companies_at_a_stage_the_country_has_no_firm_at(tiny: Path) -> None:
    # the tiny data holds no Korean tool maker (the bundled data has a firm at every stage)
    where = ("--data-dir", str(tiny))
    doc, err = _why("companies", *where, "-s", "widgets", "--stage", "tools", "-c", "KR")
    assert doc["companies"] == []
    assert err[0].startswith(
        "kjmatch: nothing to show: no KR firm has strengths at stage tools in "
        "Widgets; KR firms in Widgets are strong at "
    )
    assert "--stage cells" in err[1] and err[1].endswith(" or --country JP")
    assert _why("companies", *where, "-s", "widgets", "--stage", "cells", "-c", "KR")[0][
        "companies"
    ]


def test_companies_of_a_country_absent_from_the_sector(tmp_path: Path) -> None:
    files = default_files()
    files["sectors/gadgets.yaml"] = {**copy.deepcopy(SECTOR), "id": "gadgets",
                                     "name": names("Gadgets")}  # fmt: skip
    files["players/all.yaml"]["players"][0]["strengths"].append(strength("cells", 4, "gadgets"))
    data = write_dataset(tmp_path / "data", files)
    doc, err = _why("companies", "-s", "gadgets", "-c", "JP", "--data-dir", str(data))
    assert doc["companies"] == []
    assert err == [
        "kjmatch: nothing to show: no JP firm has strengths in Gadgets; JP firms have strengths "
        "in widgets",
        "kjmatch: try --sector widgets",
    ]
    assert _why("companies", "-s", "gadgets", "-c", "KR", "--data-dir", str(data))[1] == []


FACT_SRC = {"publisher": "Test Publisher", "year": 2024}


@pytest.fixture(scope="module")
def facts_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Widgets with one figure (Korea's imports of film from Japan); gadgets with none."""
    files = default_files()
    sector = files["sectors/widgets.yaml"]
    sector["stages"][1]["context"] = {
        "import_shares": [
            {"importer": "KR", "partner": "JP", "value": 0.6, "products": ["film"],
             "item": "film", "year": 2024, "source": FACT_SRC},
        ]
    }  # fmt: skip
    gadgets = copy.deepcopy(SECTOR)
    gadgets.update(id="gadgets", name=names("Gadgets"))
    files["sectors/gadgets.yaml"] = gadgets
    return write_dataset(tmp_path_factory.mktemp("facts") / "data", files)


@pytest.mark.parametrize(
    ("args", "reason", "tries"),
    [
        (["-s", "gadgets", "--importer", "KR"], "Gadgets has no import figures at all",
         "--sector "),
        (["-s", "widgets", "--importer", "JP"],
         "no figure for JP's imports in Widgets; the imports in Widgets on record are KR's",
         "--importer KR"),
        (["-s", "widgets", "--importer", "KR", "--from", "third"],
         "no figure for KR's imports from third countries in Widgets; KR's imports in "
         "Widgets on record come from JP", "--from pair"),
    ],
)  # fmt: skip
def test_dependence_says_which_filter_to_change(
    args: list[str], reason: str, tries: str, facts_data: Path
) -> None:
    args = [*args, "--data-dir", str(facts_data)]
    doc, err = _why("dependence", *args)
    assert doc["dependence"] == []
    assert err[0] == f"kjmatch: nothing to show: {reason}"
    assert err[1].startswith(f"kjmatch: try {tries}")
    flag, value = err[1].removeprefix("kjmatch: try ").split(" or ")[0].split()
    changed = dict(zip(args[::2], args[1::2], strict=True)) | {flag: value}
    again = _why("dependence", *[x for kv in changed.items() for x in kv])
    assert again[0]["dependence"] and again[1] == []

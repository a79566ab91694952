"""One error style (`kjmatch: error: ...` on stderr), readable help, forgiving sector names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from clirun import jrun, run
from kjmatch.cli.commands import COMMANDS


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["match"], "kjmatch: error: missing option '--sector' / '-s' (see 'kjmatch match -h')"),
        (["match", "-s", "batteries", "--top", "x"], "kjmatch: error: --top: expected a whole number"),
        (["match", "-s", "batteries", "--top", "0"], "kjmatch: error: --top: must be at least 1"),
        (["match", "-s", "batteries", "--min-score", "abc"], "kjmatch: error: --min-score: expected a number"),
        (["match", "-s", "batteries", "-d", "up"], "kjmatch: error: --direction: 'up' is not one of"),
        (["match", "-s", "batteries", "--nope"], "kjmatch: error: no such option: --nope"),
        (["show", "company"], "kjmatch: error: missing argument 'PLAYER' (see 'kjmatch show company -h')"),
        (["nosuch"], "kjmatch: error: no such command 'nosuch'"),
        (["match", "-s", "batteries", "--debug"], "kjmatch: error: no such option: --debug; it goes before the command: kjmatch --debug match …"),
        (["companies", "--country", "XX"], "kjmatch: error: --country: 'XX' is not one of"),
    ],
)  # fmt: skip
def test_usage_errors_in_one_style(args: list[str], expected: str) -> None:
    code, out, err = run(*args)
    assert code == 2 and out == ""
    assert err.startswith(expected), err
    assert "Usage:" not in err and "Error:" not in err and len(err.splitlines()) == 1


def test_missing_data_folder_in_the_same_style(tmp_path: Path) -> None:
    code, out, err = run("sectors", "--data-dir", str(tmp_path / "nope"))
    assert (code, out) == (1, "")
    assert err == f"kjmatch: error: {tmp_path / 'nope'}: data folder not found\n"


def test_dataset_problems_keep_file_line_col_and_a_styled_count(tmp_path: Path) -> None:
    root = tmp_path / "d"
    (root / "sectors").mkdir(parents=True)
    (root / "sectors" / "a.yaml").write_text("id: [unclosed\n")
    (root / "sectors" / "b.yaml").write_text("\tid: x\n")
    code, _, err = run("sectors", "--data-dir", str(root))
    lines = err.splitlines()
    assert code == 1 and re.match(r".*a\.yaml:\d+:\d+: ", lines[0])
    assert lines[-1].startswith("kjmatch: error: ") and " problems in " in lines[-1]


def _helps() -> list[list[str]]:
    cmds = [[c.rstrip("_")] for c in COMMANDS if c != "show"]
    return [*cmds, ["show"], ["show", "sector"], ["show", "company"], []]


@pytest.mark.parametrize("cmd", _helps())
def test_help_has_readable_metavars(cmd: list[str]) -> None:
    code, out, _ = run(*cmd, "-h")
    assert code == 0
    for raw in ("<int", "<list", "<str>", "<path>", "<float", "INTEGER", "TEXT RANGE"):
        assert raw not in out, (cmd, raw, out)


@pytest.mark.parametrize("cmd", _helps())
def test_help_examples_name_files_that_exist(cmd: list[str]) -> None:
    """QA finding 10: `import -h` showed examples/kr-smes.csv, which does not exist."""
    out = run(*cmd, "-h")[1]
    root = Path(__file__).resolve().parents[2]
    shipped = re.findall(r"(?<![\w/.-])((?:data|examples)/[\w./-]+\.(?:csv|yaml|xlsx|json))", out)
    for name in shipped:
        assert (root / name).is_file(), (cmd, name)


def test_assign_help_says_what_slots_default_to() -> None:
    out = " ".join(run("assign", "-h")[1].split())
    assert (
        "--slots N Time slots [default: EVENT's slots, and an EVENT without them needs this option; without EVENT, 12]"
        in out
    )


def test_help_metavars_say_what_to_type() -> None:
    out = run("match", "-h")[1]
    for wanted in ("--sector ID", "--top N", "--korea ID", "--samples N", "--weights FILE"):
        assert wanted in out
    assert "--weight NAME=VALUE" in out and "--data-dir DIR" in out
    assert "--format table|json|jsonl|csv|markdown|xlsx" in out
    assert "--country KR|JP" in run("companies", "-h")[1]
    assert "KOREA_A  " in run("compare", "-h")[1]


@pytest.mark.parametrize("cmd", [[], ["show"]])
def test_examples_in_top_level_and_show_help(cmd: list[str]) -> None:
    out = run(*cmd, "-h")[1]
    assert "Examples:" in out and "kjmatch show company" in out
    if cmd:
        assert "kjmatch show sector" in out
    else:
        assert "kjmatch partners" in out and "kjmatch: error:" in out


@pytest.mark.parametrize("name", ["batteries", "Batteries", "BATTERIES", "secondary batteries", "이차전지", "二次電池"])  # fmt: skip
def test_sector_by_any_case_name_or_native_name(name: str) -> None:
    assert jrun("match", "-s", name, "--top", "1")["sector"]["id"] == "batteries"
    assert jrun("chain", "-s", name)["sector"]["id"] == "batteries"
    companies = jrun("companies", "-s", name, "--country", "KR")["companies"]
    assert companies and all(s["sector"] == "batteries" for c in companies for s in c["strengths"])


def test_unknown_sector_still_suggests() -> None:
    code, _, err = run("match", "-s", "batterys")
    assert code == 2 and err.startswith("kjmatch: error: --sector: unknown sector 'batterys'")
    assert "'batteries'" in err


def test_scenario_descriptions_are_for_users() -> None:
    root = Path(__file__).resolve().parents[2] / "data" / "scenarios"
    for path in root.glob("*.yaml"):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        text = doc["description"]
        # no internals: weight arithmetic, code locations
        assert not re.search(r"\d\.\d|matcher|README|weight \(", text), (path.name, text)
        assert len(text) > 80


@pytest.mark.parametrize(
    "args",
    [
        ["companies", "--country", "{}"],
        ["companies", "-c", "{}"],
        ["dependence", "--importer", "{}"],
        ["import", "nofile.csv", "--into", "nowhere", "--country", "{}"],
    ],
)
def test_country_choices_take_either_case_and_are_said_in_upper_case(args: list[str]) -> None:
    """QA round 3, finding 10c: KR/JP, as the data and the help write them."""
    flag = {"-c": "--country"}.get(args[-2], args[-2])
    for bad in ("DE", "de"):
        code, out, err = run(*(a.format(bad) for a in args))
        assert code == 2 and out == ""
        assert err == f"kjmatch: error: {flag}: {bad!r} is not one of 'KR', 'JP'\n"
    if args[0] != "import":
        for good in ("jp", "JP", "Jp"):
            code, out, err = run(*(a.format(good) for a in args), "--json")
            assert code == 0, err


def test_lower_and_upper_case_countries_give_the_same_rows() -> None:
    upper = jrun("companies", "-s", "batteries", "--country", "JP")["companies"]
    assert upper == jrun("companies", "-s", "batteries", "--country", "jp")["companies"]
    assert {c["country"] for c in upper} == {"JP"}
    kr = jrun("dependence", "--importer", "kr", "--from", "PAIR")
    assert kr["dependence"] and {r["importer"] for r in kr["dependence"]} == {"KR"}

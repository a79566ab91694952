"""Hostile datasets and files, end to end: each ends in a located message, never a hang,
a crash or a silent skip (issue 13, input side)."""

from __future__ import annotations

import os
import signal
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from conftest import default_files, write_dataset
from kjmatch.cli import app
from kjmatch.errors import DataError
from kjmatch.loader import load_dataset


@pytest.fixture(autouse=True)
def _no_hang() -> Iterator[None]:
    """A hang (a FIFO read, a walk of /) fails the test instead of the whole run."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError("took over 20 s: hung on hostile input")

    old = signal.signal(signal.SIGALRM, expire)
    signal.alarm(20)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _validate(root: Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["validate", "--data-dir", str(root)])
    assert "Traceback" not in result.stderr and "unexpected error" not in result.stderr
    return result.exit_code, result.stderr


def _problems(root: Path) -> list[str]:
    with pytest.raises(DataError) as exc:
        load_dataset(root, use_cache=False)
    return [str(p) for p in exc.value.problems]


# ---------------------------------------------------------------- special files


def test_fifo_in_the_dataset_is_refused_not_read(tiny: Path) -> None:
    os.mkfifo(tiny / "sectors" / "zz.yaml")
    code, err = _validate(tiny)
    assert code == 1
    assert f"{tiny}/sectors/zz.yaml: cannot read file: it is a FIFO (named pipe)" in err


def test_a_special_file_is_one_problem_among_all_the_others(tiny: Path) -> None:
    """QA round 3, finding 6: a FIFO, a folder named like a data file, a syntax error and
    a dangling reference in other files all come out in one run."""
    import copy

    from conftest import RELATIONSHIPS

    os.mkfifo(tiny / "players" / "fifo.yaml")
    (tiny / "players" / "dir.yaml").mkdir()
    (tiny / "players" / "syntax.yaml").write_text("players: [\n", encoding="utf-8")
    ties = copy.deepcopy(RELATIONSHIPS)
    ties["relationships"][0].update(id="zz-dangling", japan="jp-filmcoo")
    (tiny / "relationships" / "zz.yaml").write_text(yaml.safe_dump(ties), encoding="utf-8")
    code, err = _validate(tiny)
    assert code == 1
    lines = err.splitlines()
    # one item of the list like the others: no `kjmatch: error:` of its own (QA round 12)
    assert f"\n{tiny}/players/fifo.yaml: cannot read file: it is a FIFO" in f"\n{err}"
    assert sum(line.startswith("kjmatch: error:") for line in lines) == 1
    assert f"{tiny}/players/dir.yaml: cannot read file: it is a folder" in err
    assert any(line.startswith(f"{tiny}/players/syntax.yaml:2:") for line in lines)
    dangling = [line for line in lines if line.startswith(f"{tiny}/relationships/zz.yaml:")]
    assert len(dangling) == 1 and "unknown player 'jp-filmcoo'" in dangling[0]
    assert lines[-1].startswith("kjmatch: error: ") and "problems in" in lines[-1]


def test_a_folder_named_like_a_data_file_is_reported(tiny: Path) -> None:
    (tiny / "players" / "more.yaml").mkdir()
    problems = _problems(tiny)
    assert problems == [
        f"{tiny}/players/more.yaml: cannot read file: it is a folder; only regular files "
        "are read (rename it, or move its files up)"
    ]


def _special(kind: str, tmp_path: Path, suffix: str) -> tuple[Path, str]:
    """A FIFO, a folder or a character device named like a sheet, and how it is named."""
    if kind == "device":
        return Path("/dev/null"), "a character device"
    path = tmp_path / f"special{suffix}"
    if kind == "fifo":
        os.mkfifo(path)
        return path, "a FIFO (named pipe)"
    path.mkdir()
    return path, "a folder"


@pytest.mark.parametrize("kind", ["fifo", "folder", "device"])
@pytest.mark.parametrize(
    ("command", "suffix"),
    [("import", ".csv"), ("import", ".xlsx"), ("assign", ".csv"), ("assign", ".yaml")],
)
def test_a_special_input_file_is_an_ordinary_error(
    tmp_path: Path, kind: str, command: str, suffix: str
) -> None:
    """QA finding 4: `import` and `assign` refused these as "unexpected error: ..."."""
    path, what = _special(kind, tmp_path, suffix)
    extra = ["--into", str(tmp_path / "d"), "--country", "KR", "-s", "batteries"]
    args = [command, str(path), *(extra if command == "import" else [])]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"kjmatch: error: {path}: cannot read file: it is {what}; only regular files are read\n"
    )
    assert not (tmp_path / "d").exists()


def test_symlink_to_dev_zero_is_refused(tiny: Path) -> None:
    (tiny / "players" / "z.yaml").symlink_to("/dev/zero")
    code, err = _validate(tiny)
    assert code == 1
    assert f"{tiny}/players/z.yaml: symlink to /dev/zero leads outside the data folder" in err


def test_device_inside_the_root_is_refused(tiny: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Even where a link stays inside the root (a bind mount, say), a device is not read."""
    import stat as stat_mod

    real_stat = Path.stat

    def as_device(self: Path, **kw: bool) -> os.stat_result:
        st = real_stat(self, **kw)
        if self.name == "all.yaml" and "relationships" in str(self):
            fields = list(st)
            fields[0] = stat_mod.S_IFCHR | 0o666
            return os.stat_result(fields)
        return st

    monkeypatch.setattr("pathlib.Path.stat", as_device)
    assert _problems(tiny) == [
        f"{tiny}/relationships/all.yaml: cannot read file: it is a character device; "
        "only regular files are read"
    ]


def test_weights_file_that_is_a_device_is_refused(tiny: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["match", "--sector", "widgets", "--data-dir", str(tiny), "--weights", "/dev/zero"],
    )
    assert result.exit_code == 2
    assert "/dev/zero: cannot read file: it is a character device" in result.stderr


def test_weights_file_that_is_a_fifo_is_refused(tiny: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "w.yaml"
    os.mkfifo(fifo)
    result = CliRunner().invoke(
        app, ["match", "--sector", "widgets", "--data-dir", str(tiny), "--weights", str(fifo)]
    )
    assert result.exit_code == 2
    assert "it is a FIFO (named pipe)" in result.stderr


@pytest.mark.parametrize(
    ("content", "where", "what"),
    [
        ("gap: " + "9" * 5000 + "\n", ":1:6: ", "number has 5,000 digits"),
        ("gap: 2024-02-30\n", ":1:6: ", "as a date"),
        ("gap: " + "9" * 400 + "\n", ":1:6: ", "number has 400 digits"),  # float() overflows
    ],
    ids=["int-str-limit", "bad-date", "float-overflow"],
)
def test_hostile_weights_file_is_a_located_usage_error(
    tiny: Path, tmp_path: Path, content: str, where: str, what: str
) -> None:
    w = tmp_path / "w.yaml"
    w.write_text(content)
    result = CliRunner().invoke(
        app, ["match", "--sector", "widgets", "--data-dir", str(tiny), "--weights", str(w)]
    )
    assert result.exit_code == 2, result.stderr
    assert f"{w}{where}" in result.stderr and what in result.stderr
    assert "unexpected error" not in result.stderr


@pytest.mark.parametrize("value", ["abc", "-1"])
def test_bad_size_limit_setting_is_a_clear_error(
    tiny: Path, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KJMATCH_MAX_FILE_MB", value)
    result = CliRunner().invoke(app, ["sectors", "--data-dir", str(tiny)])
    assert result.exit_code == 2
    assert result.stderr == (
        "kjmatch: error: KJMATCH_MAX_FILE_MB must be a whole number of MiB "
        f"from 1 to 1048576, got {value!r}\n"
    )


# ---------------------------------------------------------------- folders and links


def test_symlink_to_root_of_filesystem_is_not_walked(tiny: Path) -> None:
    (tiny / "scenarios").mkdir()
    (tiny / "scenarios" / "root").symlink_to("/")
    assert _problems(tiny) == [
        f"{tiny}/scenarios/root: symlink to / leads outside the data folder; not followed"
    ]


def test_symlinked_kind_folder_outside_root_is_reported(tiny: Path, tmp_path: Path) -> None:
    elsewhere = write_dataset(tmp_path / "other")
    (tiny / "scenarios").symlink_to(elsewhere / "players")
    [problem] = _problems(tiny)
    assert problem.startswith(f"{tiny}/scenarios: symlink to ")
    assert problem.endswith("leads outside the data folder; not followed")


def test_symlinks_inside_the_root_still_work(tiny: Path) -> None:
    (tiny / "shared").mkdir()
    (tiny / "players" / "all.yaml").rename(tiny / "shared" / "all.yaml")
    (tiny / "players" / "all.yaml").symlink_to(tiny / "shared" / "all.yaml")
    (tiny / "relationships").rename(tiny / "shared" / "rels")
    (tiny / "relationships").symlink_to(Path("shared") / "rels")
    ds = load_dataset(tiny, use_cache=False)
    assert len(ds.players) == 8 and len(ds.relationships) == 1


def test_unreadable_subfolder_is_reported_not_skipped(
    tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """os.walk hides a folder it cannot list unless told; simulated, as root can read all."""
    real = os.scandir

    def deny(path: str | os.PathLike[str]) -> object:
        if os.fspath(path).endswith("relationships"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", deny)
    assert _problems(tiny) == [f"{tiny}/relationships: cannot read folder: Permission denied"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads folders whatever their mode")
def test_unreadable_subfolder_for_real(tiny: Path) -> None:
    rels = tiny / "relationships"
    rels.chmod(0)
    try:
        assert _problems(tiny) == [f"{rels}: cannot read folder: Permission denied"]
    finally:
        rels.chmod(0o755)


# ---------------------------------------------------------------- text


def test_nfd_and_nfc_names_are_the_same_firm(tmp_path: Path) -> None:
    files = default_files()
    files["players/all.yaml"]["players"][0]["native_name"] = unicodedata.normalize(
        "NFD", "삼성전자"
    )
    files["players/all.yaml"]["players"][3]["native_name"] = unicodedata.normalize(
        "NFD", "東京エレクトロン"
    )
    root = write_dataset(tmp_path / "d", files)
    ds = load_dataset(root, use_cache=False)
    assert ds.players["kr-cellco"].native_name == "삼성전자"  # NFC, as typed on most systems
    assert ds.players["jp-filmco"].native_name == unicodedata.normalize("NFC", "東京エレクトロン")
    result = CliRunner().invoke(
        app, ["explain", "삼성전자", "jp-filmco", "--data-dir", str(root), "--format", "json"]
    )
    assert result.exit_code == 0, result.stderr


def test_json_data_file_gets_the_same_text_checks(tmp_path: Path) -> None:
    import json

    files = default_files()
    data = files.pop("relationships/all.yaml")
    data["relationships"][0]["summary"] = "Film supply.\u202egnp.exe"
    files["relationships/all.json"] = json.dumps(data)
    root = write_dataset(tmp_path / "d", files)
    [problem] = _problems(root)
    assert problem.endswith(
        "relationships[0].summary: text holds bidirectional control character U+202E "
        "(at character 13); remove it"
    )


def test_file_name_with_control_characters_is_printed_escaped(tiny: Path) -> None:
    bad = tiny / "players" / "evil\x1b[2J\u202e.yaml"
    bad.write_text("players: [")
    code, err = _validate(tiny)
    assert code == 1
    assert "evil\\x1b[2J\\u202e.yaml:" in err
    assert "\x1b" not in err and "\u202e" not in err


def test_dataset_written_by_yaml_dump_with_tabs_and_newlines_is_fine(tmp_path: Path) -> None:
    files = default_files()
    files["players/all.yaml"]["players"][0]["strengths"][0]["note"] = "Line one\n\tLine two"
    root = write_dataset(tmp_path / "d", files)
    note = load_dataset(root, use_cache=False).players["kr-cellco"].strengths[0].note
    assert note == "Line one\n\tLine two"
    assert yaml.safe_load(yaml.safe_dump({"n": note})) == {"n": note}


def test_a_reference_the_broken_file_may_declare_is_not_reported_again(tiny: Path) -> None:
    """No follow-on flood: an id written in the file that failed to parse may be declared
    there, so only the syntax error is reported for it."""
    import copy

    from conftest import RELATIONSHIPS

    (tiny / "players" / "syntax.yaml").write_text(
        "players:\n  - id: jp-newco\n    name: [Newco\n", encoding="utf-8"
    )
    ties = copy.deepcopy(RELATIONSHIPS)
    ties["relationships"][0].update(id="zz-new", japan="jp-newco")
    (tiny / "relationships" / "zz.yaml").write_text(yaml.safe_dump(ties), encoding="utf-8")
    problems = _problems(tiny)
    assert len(problems) == 1 and problems[0].startswith(f"{tiny}/players/syntax.yaml:")

"""Finding and loading datasets: folder problems, the bundled data, the cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import write_dataset
from kjmatch.errors import DataError
from kjmatch.loader import load_dataset


def _messages(exc: pytest.ExceptionInfo[DataError]) -> list[str]:
    return [str(p) for p in exc.value.problems]


def test_loads_tiny_dataset(tiny: Path) -> None:
    ds = load_dataset(tiny)
    assert set(ds.sectors) == {"widgets"}
    assert len(ds.players) == 8
    assert ds.players["kr-cellco"].strengths[0].level == 5
    assert ds.relationships[0].id == "cellco-filmco-supply"


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(DataError) as exc:
        load_dataset(tmp_path / "nope")
    assert _messages(exc) == [f"{tmp_path / 'nope'}: data folder not found"]


def test_not_a_folder(tmp_path: Path) -> None:
    f = tmp_path / "file.yaml"
    f.write_text("a: 1")
    with pytest.raises(DataError, match="not a folder"):
        load_dataset(f)


def test_empty_folder_points_to_init(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="kjmatch init"):
        load_dataset(tmp_path)


def test_unreadable_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def deny(path: object) -> list[str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("os.listdir", deny)
    with pytest.raises(DataError, match="not readable"):
        load_dataset(tmp_path)


def test_symlink_loops(tiny: Path) -> None:
    os.symlink(tiny / "players", tiny / "players" / "again")
    os.symlink(tiny / "players" / "self.yaml", tiny / "players" / "self.yaml")
    with pytest.raises(DataError) as exc:
        load_dataset(tiny)
    text = "\n".join(_messages(exc))
    assert "symlink loop: this folder was already read" in text
    assert "self.yaml: cannot read file: symlink loop or broken link" in text


def test_bundled_dataset_is_found_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    ds = load_dataset(None)
    assert "batteries" in ds.sectors


def test_loader_ignores_the_environment(tiny: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # KJMATCH_DATA_DIR is the CLI's business (see tests/cli); the core reads no variables
    monkeypatch.setenv("KJMATCH_DATA_DIR", str(tiny))
    assert "batteries" in load_dataset(None).sectors


def test_cache_is_used_then_rebuilt_on_change(tiny: Path) -> None:
    first = load_dataset(tiny)
    cached = list(Path(os.environ["KJMATCH_CACHE_DIR"]).rglob("*.pickle"))
    assert len(cached) == 1
    again = load_dataset(tiny)
    assert again.players == first.players
    f = tiny / "players" / "all.yaml"
    f.write_text(f.read_text().replace("level: 5", "level: 4", 1))
    changed = load_dataset(tiny)
    assert changed.players["kr-cellco"].strengths[0].level == 4


@pytest.mark.parametrize("damage", [b"", b"garbage", b"x" * 100])
def test_corrupt_cache_is_never_trusted(tiny: Path, damage: bytes) -> None:
    load_dataset(tiny)
    [cache] = list(Path(os.environ["KJMATCH_CACHE_DIR"]).rglob("*.pickle"))
    blob = cache.read_bytes()
    cache.write_bytes(blob[: len(blob) // 2] + damage)
    assert load_dataset(tiny).players["kr-cellco"].strengths[0].level == 5


def test_tampered_cache_cannot_run_code(tiny: Path) -> None:
    import hashlib
    import pickle

    load_dataset(tiny)
    [cache] = list(Path(os.environ["KJMATCH_CACHE_DIR"]).rglob("*.pickle"))
    key = cache.read_bytes().split(b" ", 1)[0].decode()
    payload = pickle.dumps(os.system)  # would resolve posix.system on load
    cache.write_bytes(f"{key} {hashlib.sha256(payload).hexdigest()}\n".encode() + payload)
    assert "widgets" in load_dataset(tiny).sectors


def test_extra_strengths_merge_into_player(tmp_path: Path) -> None:
    from conftest import default_files, strength

    files = default_files()
    files["players/more.yaml"] = {"strengths": [{"player": "jp-carco", **strength("cells", 2)}]}
    ds = load_dataset(write_dataset(tmp_path / "d", files))
    assert [s.stage for s in ds.players["jp-carco"].strengths] == ["cars", "cells"]

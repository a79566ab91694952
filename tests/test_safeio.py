"""The careful reader and writer: special files, limits, symlinks, interrupted writes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from kjmatch.safeio import FileTooLargeError, NotRegularFileError, atomic_write, read_regular


def test_reads_a_regular_file(tmp_path: Path) -> None:
    p = tmp_path / "a.yaml"
    p.write_bytes(b"x" * 10)
    assert read_regular(p, 10) == b"x" * 10


def test_limit_holds_even_when_st_size_lies(tmp_path: Path) -> None:
    p = tmp_path / "a.yaml"
    p.write_bytes(b"x" * 11)
    with pytest.raises(FileTooLargeError) as exc:
        read_regular(p, 10)
    assert exc.value.size == 11 and isinstance(exc.value, OSError)


def test_dev_zero_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "z.yaml"
    link.symlink_to("/dev/zero")
    with pytest.raises(NotRegularFileError) as exc:
        read_regular(link, 1024)
    assert exc.value.kind == "a character device"


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "zz.yaml"
    os.mkfifo(fifo)  # no writer: a blocking open would hang here
    with pytest.raises(NotRegularFileError, match="FIFO"):
        read_regular(fifo, 1024)


def test_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotRegularFileError, match="a folder"):
        read_regular(tmp_path, 1024)


def test_symlink_refused_when_asked(tmp_path: Path) -> None:
    (tmp_path / "real").write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert read_regular(tmp_path / "link", 10) == b"x"
    with pytest.raises(OSError):
        read_regular(tmp_path / "link", 10, follow_symlinks=False)


# ---------------------------------------------------------------- atomic_write


def test_atomic_write_creates_and_replaces(tmp_path: Path) -> None:
    p = tmp_path / "out.txt"
    atomic_write(p, "한국 日本\n")
    assert p.read_text(encoding="utf-8") == "한국 日本\n"
    atomic_write(p, b"two")
    assert p.read_bytes() == b"two"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_atomic_write_mode_is_private_when_asked(tmp_path: Path) -> None:
    p = tmp_path / "secret"
    atomic_write(p, b"k", mode=0o600)
    assert stat.S_IMODE(p.stat().st_mode) == 0o600


def test_atomic_write_without_replace_refuses_existing(tmp_path: Path) -> None:
    p = tmp_path / "out.txt"
    atomic_write(p, "one", replace=False)
    with pytest.raises(FileExistsError):
        atomic_write(p, "two", replace=False)
    assert p.read_text() == "one"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_atomic_write_does_not_follow_a_planted_symlink(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious")
    link = tmp_path / "out.txt"
    link.symlink_to(victim)
    with pytest.raises(NotRegularFileError, match="a symlink"):
        atomic_write(link, "clobber")
    assert victim.read_text() == "precious"
    assert link.is_symlink()


def test_atomic_write_refuses_predictable_old_temp_name(tmp_path: Path) -> None:
    """The old writer used `<name>.<pid>.tmp`; a link planted there must not be written through."""
    victim = tmp_path / "victim"
    victim.write_text("precious")
    (tmp_path / f"out.{os.getpid()}.tmp").symlink_to(victim)
    (tmp_path / f".out.txt.{os.getpid()}.tmp").symlink_to(victim)
    atomic_write(tmp_path / "out.txt", "data")
    assert victim.read_text() == "precious"
    assert (tmp_path / "out.txt").read_text() == "data"


@pytest.mark.parametrize("kind", ["fifo", "folder", "device"])
def test_atomic_write_refuses_non_regular_targets(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "t"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "folder":
        target.mkdir()
    else:
        target = Path("/dev/null")
    with pytest.raises(NotRegularFileError):
        atomic_write(target, "x")
    if kind != "device":
        assert sorted(os.listdir(tmp_path)) == ["t"]


@pytest.mark.parametrize("exc", [KeyboardInterrupt, SystemExit, OSError])
def test_atomic_write_cleans_up_when_interrupted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exc: type[BaseException]
) -> None:
    def boom(src: object, dst: object) -> None:
        raise exc()

    p = tmp_path / "out.txt"
    p.write_text("old")
    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(exc):
        atomic_write(p, "new")
    assert os.listdir(tmp_path) == ["out.txt"]
    assert p.read_text() == "old"

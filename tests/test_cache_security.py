"""The dataset cache is trusted only when this user wrote it (issue 13: cache items)."""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import stat
from pathlib import Path

import pytest

from kjmatch import loader
from kjmatch.loader import load_dataset


def _cache_root() -> Path:
    return Path(os.environ["KJMATCH_CACHE_DIR"]) / "kjmatch"


def _entry() -> Path:
    [entry] = _cache_root().glob("dataset-*.pickle")
    return entry


def _poisoned_payload(tiny: Path) -> bytes:
    """A pickled dataset that differs from the files: proof that a hit skipped them."""
    ds = load_dataset(tiny, use_cache=False)
    ds.players.pop("kr-cellco")
    return pickle.dumps(ds)


def _public_key(tiny: Path) -> str:
    """The content key, computed as anyone who can read the dataset could."""
    contents, _ = loader.read_files(loader.discover(tiny))
    return loader._content_key(contents)


def _plant_with_secret(tiny: Path, payload: bytes) -> None:
    secret = (_cache_root() / "key").read_bytes()
    mac = hmac.new(secret, f"{_public_key(tiny)}\n".encode(), hashlib.sha256)
    mac.update(payload)
    _entry().write_bytes(b"kjmatch-cache-v2 " + mac.hexdigest().encode() + b"\n" + payload)


def test_cache_folder_key_and_entry_are_private(tiny: Path) -> None:
    load_dataset(tiny)
    assert stat.S_IMODE(_cache_root().stat().st_mode) == 0o700
    assert stat.S_IMODE((_cache_root() / "key").stat().st_mode) == 0o600
    assert stat.S_IMODE(_entry().stat().st_mode) == 0o600
    assert len((_cache_root() / "key").read_bytes()) == 32


def test_control_a_correctly_signed_entry_is_used(tiny: Path) -> None:
    """The harness itself: a planted entry with the real secret is a hit (so the tests
    below that expect a rebuild really test the checks, not a broken plant)."""
    load_dataset(tiny)
    _plant_with_secret(tiny, _poisoned_payload(tiny))
    assert "kr-cellco" not in load_dataset(tiny).players


@pytest.mark.parametrize("recipe", ["v1-sha256", "v2-guessed-key"])
def test_entry_planted_with_the_public_recipe_is_ignored(tiny: Path, recipe: str) -> None:
    load_dataset(tiny)
    payload = _poisoned_payload(tiny)
    key = _public_key(tiny)
    if recipe == "v1-sha256":  # the old header: content key and payload digest
        header = f"{key} {hashlib.sha256(payload).hexdigest()}\n".encode()
    else:  # the new format, but without this user's secret
        mac = hmac.new(b"\0" * 32, f"{key}\n".encode(), hashlib.sha256)
        mac.update(payload)
        header = b"kjmatch-cache-v2 " + mac.hexdigest().encode() + b"\n"
    _entry().write_bytes(header + payload)
    assert "kr-cellco" in load_dataset(tiny).players  # rebuilt from YAML
    assert "kr-cellco" in load_dataset(tiny).players  # and the rebuilt entry is good


def test_entry_writable_by_others_is_ignored(tiny: Path) -> None:
    load_dataset(tiny)
    _plant_with_secret(tiny, _poisoned_payload(tiny))
    _entry().chmod(0o666)
    assert "kr-cellco" in load_dataset(tiny).players


def test_cache_folder_writable_by_others_is_not_used(tiny: Path) -> None:
    load_dataset(tiny)
    _plant_with_secret(tiny, _poisoned_payload(tiny))
    _cache_root().chmod(0o777)
    notes: list[str] = []
    assert "kr-cellco" in load_dataset(tiny, warn=notes.append).players
    root = _cache_root()
    assert notes == [
        f"kjmatch: warning: not using the cache in {root}: {root} has mode 777, which lets "
        f"others in (chmod 700 {root})"
    ]


def test_key_readable_by_others_is_not_trusted(tiny: Path) -> None:
    load_dataset(tiny)
    _plant_with_secret(tiny, _poisoned_payload(tiny))
    key = _cache_root() / "key"
    key.chmod(0o644)  # anyone could have signed with it
    notes: list[str] = []
    assert "kr-cellco" in load_dataset(tiny, warn=notes.append).players
    # the warning names the key, not the folder, and how to mend it (QA round 5)
    assert notes and notes[0].endswith(
        f"{key} has mode 644, which lets others in (chmod 600 {key})"
    )


def test_cache_owned_by_another_user_is_not_used(
    tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_dataset(tiny)
    _plant_with_secret(tiny, _poisoned_payload(tiny))
    monkeypatch.setattr(os, "getuid", lambda: os.stat(tiny).st_uid + 4242)
    assert "kr-cellco" in load_dataset(tiny).players


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a file away")
def test_entry_owned_by_another_uid_is_ignored(tiny: Path) -> None:
    load_dataset(tiny)
    _plant_with_secret(tiny, _poisoned_payload(tiny))
    os.chown(_entry(), 4242, 4242)
    assert "kr-cellco" in load_dataset(tiny).players


def test_symlinked_entry_is_not_followed(tiny: Path) -> None:
    load_dataset(tiny)
    _plant_with_secret(tiny, _poisoned_payload(tiny))
    elsewhere = tiny.parent / "elsewhere.pickle"
    entry = _entry()
    entry.rename(elsewhere)
    entry.symlink_to(elsewhere)
    before = elsewhere.read_bytes()
    assert "kr-cellco" in load_dataset(tiny).players
    assert elsewhere.read_bytes() == before  # the link's target was not written through


def _tag(root: Path) -> str:
    return hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]


def test_planted_temp_file_symlink_is_not_written_through(tiny: Path) -> None:
    """The old writer wrote `<entry>.<pid>.tmp` following symlinks: a clobber primitive."""
    _cache_root().mkdir(mode=0o700, parents=True)
    victim = tiny.parent / "victim.txt"
    victim.write_text("precious")
    tmp = _cache_root() / f"dataset-{_tag(tiny)}.{os.getpid()}.tmp"
    tmp.symlink_to(victim)
    load_dataset(tiny)
    assert victim.read_text() == "precious"
    assert tmp.is_symlink()  # left alone; the entry went elsewhere
    assert _entry().stat().st_size > 0


def test_interrupted_cache_write_leaves_no_temp_file(
    tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:

    def interrupt(src: object, dst: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("os.replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        load_dataset(tiny)
    assert sorted(p.name for p in _cache_root().iterdir()) == ["key"]


def test_no_home_means_no_cache_not_a_crash(tiny: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pwd

    def no_entry(uid: int) -> pwd.struct_passwd:
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    for var in ("HOME", "KJMATCH_CACHE_DIR", "XDG_CACHE_HOME", "KJMATCH_NO_CACHE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(pwd, "getpwuid", no_entry)
    notes: list[str] = []
    ds = load_dataset(tiny, warn=notes.append)
    assert "widgets" in ds.sectors
    assert notes == ["kjmatch: warning: no home folder for the cache; loading without it"]
    assert "widgets" in load_dataset(tiny).sectors  # and silent without a callback


def test_relative_xdg_cache_home_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KJMATCH_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    monkeypatch.setenv("HOME", "/home/someone")
    assert loader.cache_dir() == Path("/home/someone/.cache/kjmatch")


def test_edit_during_load_cannot_leave_a_stale_entry(
    tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key and the build must see the same bytes: an edit between them used to cache
    the new content under the old content's key."""
    from kjmatch import validation

    f = tiny / "players" / "all.yaml"
    original = f.read_text()
    real_build = validation.build

    def edit_then_build(*args: object, **kwargs: object) -> object:
        f.write_text(original.replace("level: 5", "level: 4", 1))
        return real_build(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(validation, "build", edit_then_build)
    first = load_dataset(tiny)
    monkeypatch.setattr(validation, "build", real_build)
    assert first.players["kr-cellco"].strengths[0].level == 5  # what was hashed
    f.write_text(original)
    assert load_dataset(tiny).players["kr-cellco"].strengths[0].level == 5
    f.write_text(original.replace("level: 5", "level: 4", 1))
    assert load_dataset(tiny).players["kr-cellco"].strengths[0].level == 4


def test_blocked_entry_path_leaves_no_temp_file(tiny: Path) -> None:
    """A folder where the entry should go: each run fails to write it, and must not
    leave a full-size temporary file behind (one per run, before)."""
    _cache_root().mkdir(parents=True, mode=0o700)
    (_cache_root() / loader._entry_name(tiny)).mkdir()
    for _ in range(2):
        assert "widgets" in load_dataset(tiny).sectors
    assert sorted(p.name for p in _cache_root().iterdir()) == sorted(
        ["key", loader._entry_name(tiny)]
    )

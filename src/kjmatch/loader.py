"""Find a dataset's files and load them, through a content-keyed cache.

A cache hit unpickles plain dataclasses and imports neither PyYAML nor
pydantic, which keeps every command close to the CLI framework's start-up.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import hmac
import io
import os
import pickle
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from . import __version__
from . import model as m
from .errors import DataError, Problem
from .safeio import (
    NotRegularFileError,
    UnreadableError,
    atomic_write,
    read_data_file,
    read_regular,
)

KIND_DIRS = ("sectors", "players", "relationships", "scenarios")
EVIDENCE = "evidence"  # computed facts: a dataset's evidence/ folder and any --evidence folder
TRADE_FACTS = "trade-facts.json"  # the facts file `kjmatch trade import` writes
SUFFIXES = (".yaml", ".yml", ".json")
Progress = Callable[[str, int, int], None]


def bundled_data_dir() -> Path:
    """The dataset shipped with the package (or the checkout's data/ when run from source)."""
    here = Path(__file__).parent / "data"  # an installed wheel: the usual case, and cheap
    if (here / "sectors").is_dir():
        return here
    # a source checkout (an editable install): asked before importlib.resources, which
    # alone costs 5 ms of start-up
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").is_file() and (checkout / "data" / "sectors").is_dir():
        return checkout / "data"
    from importlib import resources

    packaged = Path(str(resources.files("kjmatch").joinpath("data")))
    if (packaged / "sectors").is_dir():
        return packaged
    return checkout / "data"


def resolve_data_dir(data_dir: str | Path | None) -> Path:
    """The folder asked for, else the bundled dataset."""
    return Path(data_dir) if data_dir else bundled_data_dir()


def _fail(root: Path, message: str) -> DataError:
    return DataError([Problem(str(root), 0, 0, "", message)])


def discover(root: Path, special: list[Problem] | None = None) -> dict[str, list[tuple[str, Path]]]:
    """The YAML files of each kind under `root`, in a stable order.

    Symlinks are followed only while they stay inside `root`; unreadable folders,
    links leading out, loops, special files (a FIFO, a device) and folders named like
    a data file (`players/x.yaml/`) are all reported, never skipped: raised as one
    DataError; given `special`, the special files and folders are added to it instead,
    to be reported with every other file's problems (the other files are still read).
    """
    try:
        if not root.exists():
            raise _fail(root, "data folder not found")
        if not root.is_dir():
            raise _fail(root, "not a folder; --data-dir needs a dataset folder")
        os.listdir(root)
        inside = root.resolve()
    except PermissionError:
        raise _fail(root, "data folder is not readable (permission denied)") from None
    except OSError as exc:
        raise _fail(root, f"cannot open data folder: {exc.strerror or exc}") from None
    found: dict[str, list[tuple[str, Path]]] = {k: [] for k in KIND_DIRS}
    problems: list[Problem] = []
    special = problems if special is None else special

    def outside(path: Path) -> bool:
        if not path.is_symlink():
            return False
        target = Path(os.path.realpath(path))
        if target.is_relative_to(inside):
            return False
        problems.append(
            Problem(
                str(path),
                0,
                0,
                "",
                f"symlink to {target} leads outside the data folder; not followed",
            )
        )
        return True

    def walk_error(exc: OSError) -> None:
        where = exc.filename if exc.filename is not None else root
        problems.append(Problem(str(where), 0, 0, "", f"cannot read folder: {exc.strerror or exc}"))

    for kind in KIND_DIRS:
        base = root / kind
        if outside(base) or not base.is_dir():
            continue
        seen_dirs: set[tuple[int, int]] = set()
        for dirpath, dirnames, filenames in os.walk(base, followlinks=True, onerror=walk_error):
            try:
                st = os.stat(dirpath)
            except OSError as exc:
                problems.append(Problem(dirpath, 0, 0, "", f"cannot open folder: {exc.strerror}"))
                dirnames[:] = []
                continue
            if (st.st_dev, st.st_ino) in seen_dirs:
                problems.append(
                    Problem(dirpath, 0, 0, "", "symlink loop: this folder was already read")
                )
                dirnames[:] = []
                continue
            seen_dirs.add((st.st_dev, st.st_ino))
            named = [d for d in dirnames if d.endswith(SUFFIXES) and not d.startswith(".")]
            for d in sorted(named):  # `players/x.yaml/`: a data file's name on a folder
                special.append(
                    Problem(
                        str(Path(dirpath) / d),
                        0,
                        0,
                        "",
                        "cannot read file: it is a folder; only regular files are read "
                        "(rename it, or move its files up)",
                    )
                )
            dirnames[:] = sorted(
                d for d in dirnames if d not in named and not outside(Path(dirpath) / d)
            )
            for name in sorted(filenames):
                if not name.endswith(SUFFIXES) or name.startswith("."):
                    continue
                path = Path(dirpath) / name
                try:
                    fst = path.stat()
                except OSError as exc:
                    why = "symlink loop or broken link" if exc.errno in (40, 2) else exc.strerror
                    problems.append(Problem(str(path), 0, 0, "", f"cannot read file: {why}"))
                    continue
                if outside(path):
                    continue
                if not stat.S_ISREG(fst.st_mode):
                    kind_of = NotRegularFileError(path, fst.st_mode).kind
                    special.append(
                        Problem(
                            str(path),
                            0,
                            0,
                            "",
                            f"cannot read file: it is {kind_of}; only regular files are read",
                        )
                    )
                    continue
                found[kind].append((str(path), path))
    if (root / EVIDENCE).is_dir() and not outside(root / EVIDENCE):
        found[EVIDENCE] = evidence_files(root / EVIDENCE)
    if problems:
        raise DataError(problems)
    if not found["sectors"] and not special:
        raise _fail(
            root,
            "no sector files found (expected sectors/*.yaml); "
            "run `kjmatch init DIR` to start from the bundled dataset",
        )
    return found


def evidence_files(folder: Path) -> list[tuple[str, Path]]:
    """The facts files of an evidence folder: its own *.yaml, *.yml and *.json files
    (sub-folders, such as the figures `kjmatch trade import` writes, are not read)."""
    try:
        names = sorted(os.listdir(folder))
    except OSError as exc:
        raise _fail(folder, f"cannot read evidence folder: {exc.strerror or exc}") from None
    out = []
    for name in names:
        path = folder / name
        if name.endswith(SUFFIXES) and not name.startswith(".") and not path.is_dir():
            out.append((str(path), path))
    return out


def no_evidence(folder: Path, what: str, expected: str) -> DataError:
    """An --evidence folder without the file a command needs (`expected`, a path inside
    it), naming any folder inside it that has one (the evidence folder `trade import`
    wrote, one level down, say)."""
    if folder.is_file():
        return _fail(
            folder,
            "--evidence takes the folder `kjmatch trade import -o DIR` wrote, not a file in "
            f"it; did you mean --evidence {folder.parent}?",
        )
    if not folder.is_dir():
        return _fail(folder, "evidence folder not found (written by `kjmatch trade import -o DIR`)")
    why = f"no {what} in this evidence folder (expected {expected}, as `kjmatch trade import -o DIR` writes)"
    try:
        subs = [folder / n for n in sorted(os.listdir(folder)) if not n.startswith(".")]
    except OSError:
        subs = []
    inner = [str(s) for s in subs if (s / expected).is_file()]
    if inner:
        why += "; did you mean " + " or ".join(f"--evidence {s}" for s in inner[:3]) + "?"
    return _fail(folder, why)


def read_files(
    files: dict[str, list[tuple[str, Path]]],
) -> tuple[dict[str, list[tuple[str, bytes]]], list[Problem]]:
    """Each file's bytes, read once: the cache key and the build see the same content."""
    contents: dict[str, list[tuple[str, bytes]]] = {k: [] for k in files}
    problems: list[Problem] = []
    for kind, entries in files.items():
        for name, path in entries:
            try:
                contents[kind].append((name, read_data_file(path, name)))
            except UnreadableError as exc:
                problems.append(exc.problem)
    return contents, problems


# ---------------------------------------------------------------- cache
#
# A cache hit skips validation, so an entry is trusted only if this user wrote it:
# it carries an HMAC made with a per-user secret key (a 0600 file in a 0700 folder),
# and the folder, the key and the entry must be owned by this user and not writable
# by anyone else. Anything else is ignored and rebuilt from the YAML.

_FORMAT = b"kjmatch-cache-v2"
_KEY_BYTES = 32
_MAX_ENTRY = 1 << 32


def cache_dir() -> Path | None:
    """Where the cache lives, or None when it is off or there is no home to put it in."""
    if os.environ.get("KJMATCH_NO_CACHE"):
        return None
    base = os.environ.get("KJMATCH_CACHE_DIR")
    if base:
        return Path(base) / "kjmatch"
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):  # the XDG spec says to ignore a relative one
        return Path(xdg) / "kjmatch"
    try:
        home = Path.home()
    except (RuntimeError, KeyError, OSError):  # no HOME and no passwd entry
        return None
    return home / ".cache" / "kjmatch" if home.is_absolute() else None


class _Untrusted(PermissionError):
    pass


def _mine(st: os.stat_result, path: Path, private: bool = False) -> None:
    """Refuse what another user owns or could have written (or, for the key, read),
    naming the file or folder and the fix."""
    uid = os.getuid()
    if st.st_uid != uid:
        raise _Untrusted(f"{path} is owned by uid {st.st_uid}, not by you (uid {uid})")
    if st.st_mode & (0o077 if private else 0o022):
        fix = "600" if private else "700"
        raise _Untrusted(
            f"{path} has mode {stat.S_IMODE(st.st_mode):o}, which lets others in "
            f"(chmod {fix} {path})"
        )


def _private_key(folder: Path) -> bytes:
    """This user's cache key, created on first use; raises OSError if it cannot be trusted."""
    path = folder / "key"
    for _ in range(2):
        try:
            key = read_regular(
                path,
                _KEY_BYTES,
                follow_symlinks=False,
                check=lambda st: _mine(st, path, private=True),
            )
        except FileNotFoundError:
            # an O_EXCL temp file and a no-clobber link: racing writers cannot mix keys
            with contextlib.suppress(FileExistsError):
                atomic_write(path, os.urandom(_KEY_BYTES), mode=0o600, replace=False)
            continue
        if len(key) != _KEY_BYTES:
            raise _Untrusted("the cache key is damaged")
        return key
    raise _Untrusted("the cache key could not be created")


def _open_cache(base: Path) -> tuple[Path, bytes]:
    """The cache folder (created 0700) and its key; raises OSError if either is unsafe."""
    if not hasattr(os, "getuid"):
        raise _Untrusted("file ownership cannot be checked on this system")
    base.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.mkdir(base, 0o700)
    st = os.lstat(base)
    if not stat.S_ISDIR(st.st_mode):
        raise _Untrusted("not a folder")
    _mine(st, base)
    return base, _private_key(base)


def _content_key(contents: dict[str, list[tuple[str, bytes]]]) -> str:
    h = hashlib.sha256(f"kjmatch {__version__} cache v2 {_model_shape()}\n".encode())
    for kind in (*KIND_DIRS, EVIDENCE):
        for name, data in contents.get(kind, []):
            h.update(f"{kind}\0{name}\0{len(data)}\0".encode())
            h.update(hashlib.sha256(data).digest())
    return h.hexdigest()


def _model_shape() -> str:
    """The model's classes and fields: a cache written by other code is never reused."""
    import dataclasses

    return ";".join(
        f"{name}:{','.join(f.name for f in dataclasses.fields(cls))}"
        for name, cls in sorted(vars(m).items())
        if isinstance(cls, type) and dataclasses.is_dataclass(cls)
    )


class _SafeUnpickler(pickle.Unpickler):
    """Unpickles only the dataset's own dataclasses: a tampered cache cannot run code."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "kjmatch.model" and name in vars(m) and isinstance(getattr(m, name), type):
            return getattr(m, name)
        raise pickle.UnpicklingError(f"refusing {module}.{name}")


def _entry_name(root: Path, evidence: tuple[Path, ...] = ()) -> str:
    where = "\0".join(str(p.resolve()) for p in (root, *evidence))
    tag = hashlib.sha256(where.encode()).hexdigest()[:16]
    return f"dataset-{tag}.pickle"


def _mac(secret: bytes, key: str, payload: bytes | memoryview) -> bytes:
    mac = hmac.new(secret, f"{key}\n".encode("ascii"), hashlib.sha256)
    mac.update(payload)
    return mac.hexdigest().encode("ascii")


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Building a dataset allocates millions of small objects that all stay alive; the
    cyclic collector would rescan them again and again (3-10x slower), so it waits.
    Afterwards they are frozen (`gc.freeze`): the collector never scans them again, and
    its first run after loading does not visit every new object (0.3 s at 50k players
    per country). Frozen objects are still freed when no longer referenced."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was:
            gc.enable()


_loaded: list[m.Dataset] = []


def loaded() -> bool:
    """Whether a dataset has been loaded in this process (and is still held here)."""
    return bool(_loaded)


def _hold(ds: m.Dataset) -> m.Dataset:
    """Keep the last dataset loaded alive until the next load: a command that ends does
    not then free its millions of objects one by one, and the CLI can exit without
    freeing them at all (see `kjmatch.cli.main`)."""
    _loaded[:] = [ds]
    return ds


def _read_cache(path: Path, secret: bytes, key: str) -> m.Dataset | None:
    try:
        blob = read_regular(
            path, _MAX_ENTRY, follow_symlinks=False, check=lambda st: _mine(st, path)
        )
        # the payload is read in place (a view, a stream over the same buffer), never
        # copied: a copy would add the entry's size to the peak memory
        end = blob.find(b"\n")
        fmt, _, mac = blob[: max(end, 0)].partition(b" ")
        payload = memoryview(blob)[end + 1 :]
        if end < 0 or fmt != _FORMAT or not hmac.compare_digest(mac, _mac(secret, key, payload)):
            return None
        stream = io.BytesIO(blob)
        stream.seek(end + 1)
        with _gc_paused():
            ds = _SafeUnpickler(stream).load()
    except Exception:  # any damage or doubt means a rebuild, never a crash
        return None
    return ds if isinstance(ds, m.Dataset) else None


def _write_cache(path: Path, secret: bytes, key: str, ds: m.Dataset) -> None:
    try:
        payload = pickle.dumps(ds, protocol=pickle.HIGHEST_PROTOCOL)
        header = _FORMAT + b" " + _mac(secret, key, payload) + b"\n"
        atomic_write(path, header + payload, mode=0o600)
    except OSError:
        pass  # a cache is an optimisation; an unwritable cache dir must not fail a command


# ---------------------------------------------------------------- load


def load_dataset(
    data_dir: str | Path | None = None,
    *,
    use_cache: bool = True,
    progress: Progress | None = None,
    warn: Callable[[str], None] | None = None,
    evidence: tuple[Path, ...] = (),
) -> m.Dataset:
    """Load and check a dataset folder; raise DataError listing every problem.

    `evidence` folders add computed facts (`kjmatch trade import`) to the stages they
    name, as the dataset's own `evidence/` folder does.

    `warn` gets a one-line notice when the cache has to be skipped (no home
    folder, or a cache folder someone else could have written).
    """
    root = resolve_data_dir(data_dir)
    skipped: list[Problem] = []  # special files: reported with every other problem
    found = discover(root, skipped)
    for folder in evidence:
        files = evidence_files(folder) if folder.is_dir() else []
        if not files:  # a typo or the wrong level must not silently drop the evidence
            raise no_evidence(folder, "facts files", TRADE_FACTS)
        found.setdefault(EVIDENCE, []).extend(files)
    contents, unread = read_files(found)
    cache: tuple[Path, bytes] | None = None
    if use_cache and not unread and not skipped:
        base = cache_dir()
        if base is None and warn and not os.environ.get("KJMATCH_NO_CACHE"):
            warn("kjmatch: warning: no home folder for the cache; loading without it")
        elif base is not None:
            try:
                cache = _open_cache(base)
            except OSError as exc:
                if warn:
                    why = exc.strerror or str(exc)
                    warn(f"kjmatch: warning: not using the cache in {base}: {why}")
    key = _content_key(contents)
    if cache:
        ds = _read_cache(cache[0] / _entry_name(root, evidence), cache[1], key)
        if ds is not None:
            ds.root = str(root)
            return _hold(ds)
    from .validation import build

    with _gc_paused():
        ds = build(contents, progress=progress, unread=unread, special=skipped)
    ds.root = str(root)
    if cache:
        _write_cache(cache[0] / _entry_name(root, evidence), cache[1], key, ds)
    return _hold(ds)

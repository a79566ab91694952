"""Find a dataset's files and load them, through a content-keyed cache.

A cache hit unpickles plain dataclasses and imports neither PyYAML nor
pydantic, which keeps every command close to the CLI framework's start-up.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import os
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from . import __version__
from . import model as m
from .errors import DataError, Problem

KIND_DIRS = ("sectors", "players", "relationships", "scenarios")
SUFFIXES = (".yaml", ".yml", ".json")
Progress = Callable[[str, int, int], None]


def bundled_data_dir() -> Path:
    """The dataset shipped with the package (or the checkout's data/ when run from source)."""
    here = Path(__file__).parent / "data"  # an installed wheel: the usual case, and cheap
    if (here / "sectors").is_dir():
        return here
    from importlib import resources

    packaged = Path(str(resources.files("kjmatch").joinpath("data")))
    if (packaged / "sectors").is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "data"  # a source checkout


def resolve_data_dir(data_dir: str | Path | None) -> Path:
    """The folder asked for, else the bundled dataset."""
    return Path(data_dir) if data_dir else bundled_data_dir()


def _fail(root: Path, message: str) -> DataError:
    return DataError([Problem(str(root), 0, 0, "", message)])


def discover(root: Path) -> dict[str, list[tuple[str, Path]]]:
    """The YAML files of each kind under `root`, in a stable order."""
    try:
        if not root.exists():
            raise _fail(root, "data folder not found")
        if not root.is_dir():
            raise _fail(root, "not a folder; --data-dir needs a dataset folder")
        os.listdir(root)
    except PermissionError:
        raise _fail(root, "data folder is not readable (permission denied)") from None
    except OSError as exc:
        raise _fail(root, f"cannot open data folder: {exc.strerror or exc}") from None
    found: dict[str, list[tuple[str, Path]]] = {k: [] for k in KIND_DIRS}
    problems: list[Problem] = []
    for kind in KIND_DIRS:
        base = root / kind
        if not base.is_dir():
            continue
        seen_dirs: set[tuple[int, int]] = set()
        for dirpath, dirnames, filenames in os.walk(base, followlinks=True, onerror=None):
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
            dirnames.sort()
            for name in sorted(filenames):
                if not name.endswith(SUFFIXES) or name.startswith("."):
                    continue
                path = Path(dirpath) / name
                try:
                    path.stat()
                except OSError as exc:
                    why = "symlink loop or broken link" if exc.errno in (40, 2) else exc.strerror
                    problems.append(Problem(str(path), 0, 0, "", f"cannot read file: {why}"))
                    continue
                found[kind].append((str(path), path))
    if problems:
        raise DataError(problems)
    if not found["sectors"]:
        raise _fail(
            root,
            "no sector files found (expected sectors/*.yaml); "
            "run `kjmatch init DIR` to start from the bundled dataset",
        )
    return found


# ---------------------------------------------------------------- cache


def cache_dir() -> Path | None:
    if os.environ.get("KJMATCH_NO_CACHE"):
        return None
    base = os.environ.get("KJMATCH_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    return Path(base) / "kjmatch" if base else Path.home() / ".cache" / "kjmatch"


def _content_key(files: dict[str, list[tuple[str, Path]]]) -> str | None:
    h = hashlib.sha256(f"kjmatch {__version__} cache v1 {_model_shape()}\n".encode())
    try:
        for kind in KIND_DIRS:
            for name, path in files[kind]:
                data = path.read_bytes()
                h.update(f"{kind}\0{name}\0{len(data)}\0".encode())
                h.update(hashlib.sha256(data).digest())
    except OSError:
        return None
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


def _cache_file(root: Path) -> Path | None:
    base = cache_dir()
    if base is None:
        return None
    tag = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return base / f"dataset-{tag}.pickle"


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Building a dataset allocates millions of small objects that all stay alive; the
    cyclic collector would rescan them again and again (3-10x slower), so it waits."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _read_cache(path: Path, key: str) -> m.Dataset | None:
    try:
        blob = path.read_bytes()
        header, _, payload = blob.partition(b"\n")
        want_key, _, digest = header.decode("ascii").partition(" ")
        if want_key != key or hashlib.sha256(payload).hexdigest() != digest:
            return None
        with _gc_paused():
            ds = _SafeUnpickler(io.BytesIO(payload)).load()
    except Exception:  # any damage means a rebuild, never a crash
        return None
    return ds if isinstance(ds, m.Dataset) else None


def _write_cache(path: Path, key: str, ds: m.Dataset) -> None:
    try:
        payload = pickle.dumps(ds, protocol=pickle.HIGHEST_PROTOCOL)
        header = f"{key} {hashlib.sha256(payload).hexdigest()}\n".encode("ascii")
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(header + payload)
        os.replace(tmp, path)
    except OSError:
        pass  # a cache is an optimisation; an unwritable cache dir must not fail a command


# ---------------------------------------------------------------- load


def load_dataset(
    data_dir: str | Path | None = None,
    *,
    use_cache: bool = True,
    progress: Progress | None = None,
) -> m.Dataset:
    """Load and check a dataset folder; raise DataError listing every problem."""
    root = resolve_data_dir(data_dir)
    files = discover(root)
    cache = _cache_file(root) if use_cache else None
    key = _content_key(files) if cache else None
    if cache and key:
        ds = _read_cache(cache, key)
        if ds is not None:
            ds.root = str(root)
            return ds
    from .validation import build

    with _gc_paused():
        ds = build(files, progress=progress)
    ds.root = str(root)
    if cache and key:
        _write_cache(cache, key, ds)
    return ds

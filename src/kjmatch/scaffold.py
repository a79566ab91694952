"""`kjmatch init`: start a user's dataset from the bundled one."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from .errors import OutputError
from .loader import KIND_DIRS, SUFFIXES, bundled_data_dir

_BUNDLED_SCHEMA = "../../schema/"
_LOCAL_SCHEMA = "../schema/"


def init_dataset(target: Path) -> int:
    """Copy the bundled dataset (and its schemas) into `target`; return the number of files.

    The files are first written to a fresh private folder (`mkdtemp`, a name nobody
    else can hold) and then moved into place, so an interrupted init leaves nothing
    half-written; kjmatch removes only that folder, never one it did not create.
    """
    try:
        if target.exists() and not target.is_dir():
            raise OutputError(f"{target} is a file, not a folder; choose a new folder")
        if target.exists() and any(target.iterdir()):
            raise OutputError(f"{target} exists and is not empty; choose a new folder")
        if target.exists():  # an empty folder (`init .` too): fill it
            staging = Path(tempfile.mkdtemp(prefix=".kjmatch-init-", dir=target))
        else:
            parent = Path(os.path.abspath(target)).parent
            staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.init-", dir=parent))
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    try:
        count = _copy_bundled(staging)
        if staging.parent == target:
            for entry in sorted(staging.iterdir()):
                entry.rename(target / entry.name)
            staging.rmdir()
        else:
            os.chmod(staging, 0o777 & ~_umask())  # mkdtemp made it 0700
            staging.rename(target)
    except BaseException as exc:  # Ctrl-C and SIGTERM too: remove what we made
        _remove_ours(staging, target)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
        raise
    return count


def _copy_bundled(staging: Path) -> int:
    source = bundled_data_dir()
    count = 0
    for kind in KIND_DIRS:
        for path in sorted((source / kind).glob("*")):
            if path.suffix not in SUFFIXES:
                continue
            dest = staging / kind / path.name
            dest.parent.mkdir(parents=True, exist_ok=True)
            text = path.read_text(encoding="utf-8").replace(_BUNDLED_SCHEMA, _LOCAL_SCHEMA, 1)
            dest.write_text(text, encoding="utf-8")
            count += 1
    if (source / "README.md").exists():
        shutil.copy(source / "README.md", staging / "README.md")
        count += 1
    from .schema import schemas

    for name, doc in schemas().items():
        dest = staging / "schema" / f"{name}.schema.json"
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        count += 1
    return count


def _remove_ours(staging: Path, target: Path) -> None:
    """Remove the staging folder; when filling an empty `target`, also what was moved in."""
    shutil.rmtree(staging, ignore_errors=True)
    if staging.parent == target:
        for name in (*KIND_DIRS, "schema", "README.md"):
            path = target / name
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            elif path.exists():
                with contextlib.suppress(OSError):
                    path.unlink()


def _umask() -> int:
    mask = os.umask(0o077)
    os.umask(mask)
    return mask

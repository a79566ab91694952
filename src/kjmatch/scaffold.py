"""`kjmatch init`: start a user's dataset from the bundled one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .errors import OutputError
from .loader import KIND_DIRS, SUFFIXES, bundled_data_dir

_BUNDLED_SCHEMA = "../../schema/"
_LOCAL_SCHEMA = "../schema/"


def init_dataset(target: Path) -> int:
    """Copy the bundled dataset (and its schemas) into `target`; return the number of files."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise OutputError(f"{target} exists and is not empty; choose a new folder")
    source = bundled_data_dir()
    staging = target.with_name(f".{target.name}.init-tmp")
    if staging.exists():
        shutil.rmtree(staging)
    count = 0
    try:
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
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    return count

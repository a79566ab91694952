"""The players file an import writes: where it goes, and which sheet wrote it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .importer import slug

if TYPE_CHECKING:
    from .importer import Imported


def players_path(target: Path, stem: str) -> Path:
    """Where an import of a file named `stem` goes in the dataset folder `target`."""
    return target / "players" / f"{slug(stem) or 'imported'}.yaml"


_FROM = "# kjmatch import of "  # the players file's second line names the sheet it came from


def imported_from(path: Path) -> str:
    """The name of the sheet whose import wrote the players file at `path` ('' if it
    does not say: written by hand, or by an older kjmatch)."""
    from .safeio import UnreadableError, read_data_file

    try:
        head = read_data_file(path, str(path), limit=1 << 20)[:4096].decode("utf-8", "replace")
    except UnreadableError:
        return ""
    for line in head.splitlines()[:3]:
        if line.startswith(_FROM):
            return line[len(_FROM) :].strip()
    return ""


def write_players(imported: Imported, path: Path, source: str = "") -> Path:
    """Write the players (and strengths of known players) as one players file; `source`
    (the sheet's file name) is noted in it, for `imported_from`."""
    import yaml

    from .safeio import atomic_write

    path.parent.mkdir(parents=True, exist_ok=True)
    doc: dict[str, Any] = {"players": imported.players}
    if imported.strengths:
        doc["strengths"] = imported.strengths
    body = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)
    text = "# yaml-language-server: $schema=../schema/players.schema.json\n"
    if source and source.isprintable():
        text += f"{_FROM}{source}\n"
    text += body
    atomic_write(path, text.encode("utf-8"))
    return path

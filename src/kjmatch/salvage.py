"""What can still be checked in a file that failed validation as a whole.

One bad key in a players or relationships file would otherwise hide every other
problem of that file (a duplicate id, an unknown product) until the first was mended.
The file's records that validate alone are kept, with their places in the file, so the
cross-checks see them; the dataset is never built from them (the schema problems
already stop it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import model as m

# a file kind → its lists of records and the type of each list's items
RECORDS: dict[str, dict[str, type]] = {
    "players": {"players": m.Player, "strengths": m.StrengthEntry},
    "relationships": {"relationships": m.Relationship},
}


@dataclass
class Salvaged:
    """The records of a failed file that validate alone, each with its index."""

    items: dict[str, list[tuple[int, Any]]] = field(default_factory=dict)


def salvage(kind: str, data: Any, validate: Callable[[type, Any], Any]) -> Salvaged | None:
    """The records of `data` (a file of `kind`) that `validate` accepts one by one, or
    None for a kind without record lists or data that is no mapping."""
    lists = RECORDS.get(kind)
    if lists is None or not isinstance(data, dict):
        return None
    out = Salvaged()
    for key, item_type in lists.items():
        raw = data.get(key)
        kept: list[tuple[int, Any]] = []
        for i, item in enumerate(raw if isinstance(raw, list) else []):
            try:
                kept.append((i, validate(item_type, item)))
            except ValueError:  # pydantic's ValidationError: reported with the file
                continue
        out.items[key] = kept
    return out


def items(obj: Any, key: str) -> list[tuple[int, Any]]:
    """A file's records under `key` with their indices, from a whole file or a salvaged one."""
    if isinstance(obj, Salvaged):
        return obj.items.get(key, [])
    return list(enumerate(getattr(obj, key)))

"""JSON Schemas of the dataset's file kinds, generated from the models."""

from __future__ import annotations

from typing import Any

# schema name → the data folder whose files it describes
FOLDERS = {
    "sector": "sectors",
    "players": "players",
    "relationships": "relationships",
    "scenario": "scenarios",
}
TITLES = {
    "sector": "kjmatch sector file (sectors/<id>.yaml)",
    "players": "kjmatch players file (players/*.yaml)",
    "relationships": "kjmatch relationships file (relationships/*.yaml)",
    "scenario": "kjmatch scenario file (scenarios/<id>.yaml)",
}


def schemas() -> dict[str, dict[str, Any]]:
    """One JSON Schema per kind of data file, keyed by kind."""
    from .validation import adapter

    out: dict[str, dict[str, Any]] = {}
    for kind, folder in FOLDERS.items():
        doc = adapter(folder).json_schema()
        out[kind] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{kind}.schema.json",
            **doc,
            "title": TITLES[kind],
        }
    from .event import EventFile

    out["event"] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "event.schema.json",
        **adapter(EventFile).json_schema(),
        "title": "kjmatch event file (kjmatch assign EVENT)",
    }
    return out

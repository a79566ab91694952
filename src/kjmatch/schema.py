"""JSON Schemas of the dataset's file kinds, generated from the models."""

from __future__ import annotations

from typing import Any

from . import model as m

KIND_MODELS: dict[str, type] = {
    "sector": m.Sector,
    "players": m.PlayersFile,
    "relationships": m.RelationshipsFile,
    "scenario": m.Scenario,
}
TITLES = {
    "sector": "kjmatch sector file (sectors/<id>.yaml)",
    "players": "kjmatch players file (players/*.yaml)",
    "relationships": "kjmatch relationships file (relationships/*.yaml)",
    "scenario": "kjmatch scenario file (scenarios/<id>.yaml)",
}


def schemas() -> dict[str, dict[str, Any]]:
    """One JSON Schema per kind of data file, keyed by kind."""
    from pydantic import TypeAdapter

    out: dict[str, dict[str, Any]] = {}
    for kind, model in KIND_MODELS.items():
        doc = TypeAdapter(model).json_schema()
        out[kind] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{kind}.schema.json",
            **doc,
            "title": TITLES[kind],
        }
    return out

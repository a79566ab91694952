"""JSON Schemas of the output documents, generated from `contract.py`.

Committed under `schema/output/<document>.schema.json`; a test regenerates them and
validates every command's JSON output against them."""

from __future__ import annotations

from typing import Any


def _close(node: Any) -> None:
    """Objects with declared properties allow no others: a new key is a contract change."""
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node:
            node.setdefault("additionalProperties", False)
        for value in node.values():
            _close(value)
    elif isinstance(node, list):
        for value in node:
            _close(value)


def output_schemas() -> dict[str, dict[str, Any]]:
    """One JSON Schema per output document, keyed by document name."""
    from pydantic import TypeAdapter

    from .contract import CONTRACT, DOCUMENTS

    out: dict[str, dict[str, Any]] = {}
    for name, doc_type in DOCUMENTS.items():
        schema = TypeAdapter(doc_type).json_schema()
        _close(schema)
        out[name] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{name}.schema.json",
            "title": f"kjmatch {name} document (contract {CONTRACT})",
            **{k: v for k, v in schema.items() if k != "title"},
        }
    return out

"""Ties in words for people: a type's label and the year a tie is dated by.

JSON, JSONL and CSV keep a tie's type id (`customer_order`), which is the contract;
a table, Markdown or an explanation says "customer order". Every output dates an
ended or completed tie by the year it ended or completed (the year it is aged from,
`model.tie_dated`), not by its start: "equity ended 2024", never "ended 2022" for a
tie that started in 2022. `scoring` writes its sentences with the same two rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kjmatch.model import TIE_LABELS, Relationship, tie_label, tie_when

__all__ = ["TIE_LABELS", "brief", "tie_label", "when"]


def when(r: Relationship | Mapping[str, Any], *, confirmed: bool = True) -> str:
    """Status and year: "active 2023", "ended 2024", "active 2013, last confirmed 2024"
    (a tie object or its document; `confirmed=False`: without the confirmation)."""
    if isinstance(r, Relationship):
        return tie_when(r.status, r.year, r.ended, r.last_confirmed, confirmed=confirmed)
    return tie_when(r["status"], r["year"], r["ended"], r["last_confirmed"], confirmed=confirmed)


def brief(r: Relationship | Mapping[str, Any], *, ids: bool = False) -> str:
    """A tie in a table cell: "customer order active 2025" (`ids`: "customer_order …",
    for CSV and spreadsheets)."""
    kind = r.type if isinstance(r, Relationship) else r["type"]
    return f"{kind if ids else tie_label(kind)} {when(r, confirmed=False)}"

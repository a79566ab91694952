"""Ties in words for people: a type's label and the year a tie is dated by.

JSON, JSONL and CSV keep a tie's type id (`customer_order`), which is the contract;
a table, Markdown or an explanation says "customer order". Every output dates an
ended or completed tie by the year it ended or completed (the year it is aged from,
`scoring.evidence.confirmed`), not by its start: "equity ended 2024", never "ended
2022" for a tie that started in 2022.

The sentences `scoring` writes (reasons, evidence) name a tie by its start year;
`reworded` dates them here, where every output's documents are built.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kjmatch.model import Dataset, Relationship

TIE_LABELS = {
    "supply": "supply",
    "customer_order": "customer order",
    "jv": "joint venture",
    "equity": "equity",
    "licence": "licence",
    "rnd": "R&D",
    "mou_study": "MoU / study",
    "joint_procurement": "joint procurement",
    "consortium": "consortium",
}


def tie_label(kind: str) -> str:
    """A tie type's label for people (`rnd` → "R&D")."""
    return TIE_LABELS.get(kind, kind.replace("_", " "))


def dated(status: str, year: int, ended: int | None, last_confirmed: int | None) -> int:
    """The year a tie is dated by: for an ended tie its end, for a completed one its
    last confirmation; else its start (the year it was signed or announced)."""
    if status == "ended":
        return ended or year
    if status == "completed":
        return last_confirmed or ended or year
    return year


def when(r: Relationship | Mapping[str, Any]) -> str:
    """Status and year: "active 2023", "ended 2024" (a tie object or its document)."""
    if isinstance(r, Relationship):
        return f"{r.status} {dated(r.status, r.year, r.ended, r.last_confirmed)}"
    return f"{r['status']} {dated(r['status'], r['year'], r['ended'], r['last_confirmed'])}"


def brief(r: Relationship | Mapping[str, Any], *, ids: bool = False) -> str:
    """A tie in a table cell: "customer order active 2025" (`ids`: "customer_order …",
    for CSV and spreadsheets)."""
    kind = r.type if isinstance(r, Relationship) else r["type"]
    return f"{kind if ids else tie_label(kind)} {when(r)}"


def _rewrites(r: Relationship, names: Mapping[str, str]) -> list[tuple[str, str]]:
    """(what `scoring` wrote, what to say) for each sentence that names tie `r`."""
    from kjmatch.scoring.evidence import TIE_WORDS

    words = TIE_WORDS.get(r.type, r.type)
    old, new = f"({r.status}, {r.year})", f"({when(r)})"
    out = [
        (f"{words} {old}: {r.summary}", f"{words} {new}: {r.summary}"),
        (f"{words} {old}: {r.id}", f"{tie_label(r.type)} {new}: {r.id}"),
        (f"{r.type.replace('_', ' ')} {old}: {r.id}", f"{tie_label(r.type)} {new}: {r.id}"),
    ]
    for firm in (r.korea, r.japan):
        if firm in names:
            out.append(
                (f"{words} tie {old} with {names[firm]}", f"{words} tie {new} with {names[firm]}")
            )
    return out


class Wording:
    """Rewords the tie sentences of one dataset's reasons and evidence (see module doc)."""

    def __init__(self, relationships: Iterable[Relationship], names: Mapping[str, str]) -> None:
        self.by_firm: dict[str, list[Relationship]] = {}
        for r in relationships:
            self.by_firm.setdefault(r.korea, []).append(r)
            self.by_firm.setdefault(r.japan, []).append(r)
        self.names = names
        self._memo: dict[str, list[tuple[str, str]]] = {}

    def _pairs(self, r: Relationship) -> list[tuple[str, str]]:
        if r.id not in self._memo:
            self._memo[r.id] = _rewrites(r, self.names)
        return self._memo[r.id]

    def text(self, text: str, firms: Iterable[str]) -> str:
        """`text` with every tie of `firms` it names dated and labelled for people."""
        if "(" not in text:
            return text
        for firm in firms:
            for r in self.by_firm.get(firm, ()):
                for old, new in self._pairs(r):
                    if old in text:
                        text = text.replace(old, new)
        return text


def wording(ds: Dataset) -> Wording:
    """The rewording of `ds`'s tie sentences."""
    return Wording(ds.relationships, {pid: p.name for pid, p in ds.players.items()})

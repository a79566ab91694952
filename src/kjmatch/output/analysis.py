"""Documents for the analyst's questions beyond one ranking: compare two pairings,
and where one country depends on another."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from kjmatch.importer import Imported
from kjmatch.model import Dataset
from kjmatch.scoring.compare import Comparison
from kjmatch.scoring.dependence import Dependence
from kjmatch.scoring.partners import sector_of
from kjmatch.scoring.ranking import Pairing

from .documents import Output, meta, sale_limit, source_doc
from .pairings import evidence_doc, pairing_doc

if TYPE_CHECKING:
    from . import contract as c


def _compared(ds: Dataset, p: Pairing) -> c.ComparedPairing:
    sid = sector_of(p)
    return {
        **pairing_doc(p),
        "sector": {"id": sid, "name": ds.sectors[sid].name.en},
        "evidence": evidence_doc(p.best),
    }


def compare_output(
    ds: Dataset, result: Comparison, weights: dict[str, float], as_of: int
) -> Output:
    a, b = _compared(ds, result.a), _compared(ds, result.b)
    data: c.CompareDoc = {
        "kjmatch": meta("compare"),
        "weights": weights,
        "as_of": as_of,
        "a": a,
        "b": b,
        "difference": result.difference,
        "score_difference": result.score_difference,
        "by_component": [
            {
                "component": name,
                "a_value": a["components"][name],
                "a_points": a["contributions"][name],
                "b_value": b["components"][name],
                "b_points": b["contributions"][name],
                "difference": diff,
            }
            for name, diff in result.difference.items()
        ],
    }
    rows: list[list[Any]] = []
    for name, diff in result.difference.items():
        rows.append(
            [
                name,
                f"{a['components'][name]:.3f}",
                f"{a['contributions'][name]:.2f}",
                f"{b['components'][name]:.3f}",
                f"{b['contributions'][name]:.2f}",
                f"{diff:+.2f}",
            ]
        )
    rows.append(["score", "", f"{a['score']:.2f}", "", f"{b['score']:.2f}",
                 f"{result.score_difference:+.2f}"])  # fmt: skip

    def label(d: c.ComparedPairing) -> str:
        rank = f"rank {d['rank']}{'=' if d['tied'] else ''}" if d["rank"] else "rank –"
        return (
            f"{d['korea']['name']} × {d['japan']['name']} ({d['sector']['id']}, {rank}): "
            f"{d['korea']['product_name']} ↔ {d['japan']['product_name']}, {d['direction']}"
        )

    footer = [f"A = {label(a)}", f"B = {label(b)}"]
    for tag, d in (("A", a), ("B", b)):
        footer += [f"{tag}: {r}" for r in d["reasons"]]
    return Output(
        kind="compare",
        data=data,
        records="by_component",
        columns=["component", "A value", "A points", "B value", "B points", "B − A"],
        rows=rows,
        title="A against B, component by component",
        footer=footer,
        numeric=frozenset({"A value", "A points", "B value", "B points", "B − A"}),
    )


DEPENDENCE_COLUMNS = [
    "share", "importer", "from", "item", "sector", "products", "year", "aged", "source",
    "historical",
]  # fmt: skip


def by_weight(rows: list[Dependence]) -> list[Dependence]:
    """Dependence rows as they weigh now: figures still counted first, heaviest aged
    share first (a 2019 100% counts 0.38 in 2026, below a current 60%); a reported
    figure that a computed one supersedes (the matcher no longer counts it) last.
    Ties: raw share, newest, then sector, stage and item."""
    return sorted(
        rows,
        key=lambda d: (
            d.superseded_by is not None,
            -d.aged_value,
            -d.share.value,
            -d.share.year,
            d.sector.id,
            d.stage,
            d.share.item,
        ),
    )


def dependence_output(
    rows_in: list[Dependence], *, importer: str | None, partner: str | None, as_of: int
) -> Output:
    entries: list[c.DependenceRow] = []
    rows: list[list[Any]] = []
    for d in rows_in:
        x = d.share
        entries.append(
            {
                "sector": {"id": d.sector.id, "name": d.sector.name.en},
                "stage": d.stage,
                "products": list(d.products),
                "importer": x.importer,
                "partner": x.partner,
                "value": x.value,
                "item": x.item,
                "year": x.year,
                "age": d.age,
                "discount": d.discount,
                "aged_value": d.aged_value,
                "source": source_doc(x.source),
                "computed": x.computed,
                "superseded_by": (
                    f"{d.superseded_by.source.label()}, {d.superseded_by.year}"
                    if d.superseded_by
                    else None
                ),
                "historical": x.historical,
                "note": x.note or None,
            }
        )
        rows.append(
            [
                f"{x.value:.0%}",
                x.importer,
                x.partner,
                x.item
                + (" (computed)" if x.computed else "")
                + (f" (superseded by {d.superseded_by.year} computed)" if d.superseded_by else ""),
                d.sector.id,
                ", ".join(d.products),
                x.year,
                f"{d.aged_value:.2f}",
                x.source.label(),
                x.historical or "",
            ]
        )
    data: c.DependenceDoc = {
        "kjmatch": meta("dependence"),
        "as_of": as_of,
        "importer": importer,
        "partner": partner,
        "dependence": entries,
    }
    return Output(
        kind="dependence",
        data=data,
        records="dependence",
        columns=DEPENDENCE_COLUMNS,
        rows=rows,
        title="Import dependence, heaviest aged share first (latest figure per item)",
        # an empty result is explained on stderr (scoring/empty.py), as match's is
        footer=[
            f"aged = share × 0.5^(age/5 years) from {as_of}; "
            "`kjmatch show sector ID` lists every figure with its source."
        ]
        if rows
        else [],
        numeric=frozenset({"share", "year", "aged"}),
        constant=frozenset({"historical"}),  # long: in the data formats and `show sector`
    )


def import_output(
    imported: Imported, file: Path, target: Path, written: Path, ds: Dataset
) -> Output:
    firms: list[c.ImportedFirm] = []
    ids = [p["id"] for p in imported.players] + [s["player"] for s in imported.strengths]
    for pid in dict.fromkeys(ids):
        player = ds.players[pid]
        firms.append(
            {
                "id": player.id,
                "name": player.name,
                "country": player.country,
                "strengths": [
                    {
                        "sector": s.sector,
                        "stage": s.stage,
                        "products": dict(s.products),
                        "captive": list(s.captive),
                        "home_market": list(s.home_market),
                    }
                    for s in player.strengths
                ],
            }
        )
    data: c.ImportDoc = {
        "kjmatch": meta("import"),
        "file": str(file),
        "data_dir": str(target),
        "written": str(written),
        "rows": imported.rows,
        "firms": firms,
        "defaults": [{"default": k, "rows": v} for k, v in imported.defaults.items()],
        "ignored_columns": list(imported.ignored),
    }
    rows = [
        [
            f["id"],
            f["name"],
            f["country"],
            "; ".join(
                f"{s['sector']}/{s['stage']}: "
                + ", ".join(
                    f"{k} {v}{sale_limit(k in s['captive'], k in s['home_market'], ' ({})')}"
                    for k, v in s["products"].items()
                )
                for s in f["strengths"]
            ),
        ]
        for f in firms
    ]
    return Output(
        kind="import",
        data=data,
        records="firms",
        columns=["id", "name", "country", "products (level)"],
        rows=rows,
        title=f"Imported from {file.name} into {written}",
        footer=[f"default used: {d['default']} — {d['rows']} row(s)" for d in data["defaults"]]
        + (
            [f"columns not read: {', '.join(data['ignored_columns'])}"]
            if data["ignored_columns"]
            else []
        ),
    )

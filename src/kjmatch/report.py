"""Dataset summaries and quality warnings for `kjmatch validate`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .model import Dataset, ExportControl, ImportShare

_COUNTRY = {"KR": "Korea", "JP": "Japan"}


@dataclass
class Warning_:
    kind: str
    where: str
    message: str


@dataclass
class Summary:
    root: str
    sectors: list[dict[str, Any]]
    totals: dict[str, int]
    warnings: list[Warning_] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "data_dir": self.root,
            "ok": True,
            "sectors": self.sectors,
            "totals": self.totals,
            "warnings": [w.__dict__ for w in self.warnings],
        }


def summarize(ds: Dataset, *, current_year: int, max_age: int) -> Summary:
    """Counts per sector and country, plus warnings for stale or unaddressed facts."""
    warnings: list[Warning_] = []
    cutoff = current_year - max_age
    strengths = 0
    sources = 0
    no_url = 0
    for p in ds.players.values():
        for s in p.strengths:
            strengths += 1
            sources += len(s.sources)
            where = f"{p.id}/{s.sector}/{s.stage}"
            if s.as_of < cutoff and not s.historical:
                warnings.append(
                    Warning_("stale", where, f"as_of {_too_old(s.as_of, cutoff, max_age)}")
                )
            missing = sum(1 for x in s.sources if not x.url)
            no_url += missing
            if missing == len(s.sources):
                warnings.append(Warning_("no-address", where, "no source gives an address (url)"))
    warnings += _aged_ties_and_facts(ds, cutoff, max_age)
    rows = []
    for sector in sorted(ds.sectors.values(), key=lambda x: x.id):
        kr = ds.players_in(sector.id, "KR")
        jp = ds.players_in(sector.id, "JP")
        staged: dict[str, set[str]] = {st.id: set() for st in sector.stages}
        for p in kr + jp:
            for s in p.strengths:
                if s.sector == sector.id:
                    staged[s.stage].add(p.country)
        warnings += _empty_sides(ds, sector.id)
        for st in sector.stages:
            if not staged[st.id]:
                warnings.append(
                    Warning_(
                        "empty-stage",
                        f"{sector.id}/{st.id}",
                        "no player has a strength at this stage",
                    )
                )
        rows.append(
            {
                "id": sector.id,
                "name": sector.name.en,
                "stages": len(sector.stages),
                "korea_players": len(kr),
                "japan_players": len(jp),
                "strengths": sum(1 for p in kr + jp for s in p.strengths if s.sector == sector.id),
                "relationships": sum(1 for r in ds.relationships if sector.id in r.sectors),
                "stages_with_context": sum(1 for st in sector.stages if not st.context.is_empty()),
            }
        )
    totals = {
        "sectors": len(ds.sectors),
        "players": len(ds.players),
        "korea_players": sum(1 for p in ds.players.values() if p.country == "KR"),
        "japan_players": sum(1 for p in ds.players.values() if p.country == "JP"),
        "strengths": strengths,
        "strengths_without_sources": 0,  # refused at load time: every strength needs a source
        "sources": sources,
        "sources_without_address": no_url,
        "relationships": len(ds.relationships),
        "relationships_ended": sum(1 for r in ds.relationships if r.status == "ended"),
        "scenarios": len(ds.scenarios),
    }
    return Summary(root=ds.root, sectors=rows, totals=totals, warnings=warnings)


def _empty_sides(ds: Dataset, sector_id: str) -> list[Warning_]:
    """Products one country makes and the other has no player at: without a source
    saying that country has no maker (`absent`), a supplier's gap there counts half.
    And an `absent` entry contradicted by a maker in the data."""
    makers: dict[tuple[str, str], str] = {}
    for p in ds.players.values():
        for s in p.strengths:
            if s.sector == sector_id:
                for made in s.products:
                    makers.setdefault((p.country, made), p.id)
    out = []
    for st in ds.sectors[sector_id].stages:
        for prod in st.products:
            declared = {a.country for a in prod.absent}
            where = f"{sector_id}/{prod.id}"
            for country, other in (("KR", "JP"), ("JP", "KR")):
                maker = makers.get((country, prod.id))
                name, rival = _COUNTRY[country], _COUNTRY[other]
                if country in declared and maker:
                    out.append(
                        Warning_(
                            "absent-but-made",
                            where,
                            f"declared absent in {name}, but {maker} makes it: the maker "
                            "counts; drop the `absent` entry or the strength",
                        )
                    )
                elif not maker and country not in declared and (other, prod.id) in makers:
                    out.append(
                        Warning_(
                            "empty-side",
                            where,
                            f"no player in {name} and no source saying {name} has no maker: "
                            f"a supplier from {rival} gets half the gap credit here; add the "
                            f"makers, or an `absent` entry with its source",
                        )
                    )
    return out


def _too_old(year: int, cutoff: int, max_age: int) -> str:
    """ "2020 is 6 years old, over the 3-year limit" (`cutoff` = this year − max_age)."""
    age = cutoff + max_age - year
    return (
        f"{year} is {age} year{'s' if age != 1 else ''} old, over the {max_age}-year limit "
        "(--max-age)"
    )


def _fact_name(x: ImportShare | ExportControl) -> str:
    """A fact told apart from its stage's others (several figures share one item): its
    item, who imports from whom or who imposed it, and the products."""
    what = ", ".join(x.products or x.hs_codes)
    if isinstance(x, ImportShare):
        who = f"{x.importer} imports from {x.partner}"
    else:
        who = f"{x.imposed_by} export control ({x.status.replace('_', ' ')})"
    return f"{x.item} ({who}; {what})"


def _aged_ties_and_facts(ds: Dataset, cutoff: int, max_age: int) -> list[Warning_]:
    """Ties not confirmed since, and context facts dated before, the cutoff year (unless
    marked `historical` with a reason): they still count, but at a steep age discount."""
    out = []
    for r in ds.relationships:
        seen = r.ended if r.status == "ended" and r.ended else r.last_confirmed or r.year
        if r.status in ("active", "announced", "suspended") and seen < cutoff and not r.historical:
            out.append(
                Warning_(
                    "stale-tie",
                    f"relationship {r.id}",
                    f"{r.status} since {r.year}, last confirmed {_too_old(seen, cutoff, max_age)}; "
                    "add last_confirmed, change the status, or mark it historical with the reason",
                )
            )
    for sector in ds.sectors.values():
        for st in sector.stages:
            facts: list[ImportShare | ExportControl] = [
                *st.context.import_shares,
                *st.context.export_controls,
            ]
            out += [
                Warning_(
                    "stale-fact",
                    f"{sector.id}/{prod.id}: no maker in {a.country}",
                    f"confirmed for {_too_old(a.year, cutoff, max_age)}: "
                    "confirm it again (aged, it counts no more than an empty side)",
                )
                for prod in st.products
                for a in prod.absent
                if a.year < cutoff
            ]
            for x in facts:
                if x.year < cutoff and not x.historical:
                    out.append(
                        Warning_(
                            "stale-fact",
                            f"{sector.id}/{st.id}: {_fact_name(x)}",
                            f"figure for {_too_old(x.year, cutoff, max_age)}; "
                            "add a newer one or mark it historical with the reason",
                        )
                    )
    return out

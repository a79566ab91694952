"""Cross-checks that need more than one field: value chains, products, facts and ties.

Called by `validation.build` once each file has passed its schema; every problem is
reported through the checker, located by its field path.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Protocol

from . import model as m
from .errors import nearest

Path_ = tuple[str | int, ...]

# what data format 1 called these, and where they went: hints for older datasets
RENAMED = {
    "japan_import_share": "import_shares (with importer: KR, partner: JP)",
    "third_country_import_share": "import_shares (with importer and partner)",
    "sector": "sectors: [...]",
    "hs_codes": "the stage's products (each product has its own hs_codes)",
}


class Reporter(Protocol):
    def add(self, file: str, path: Path_, message: str) -> None: ...
    def known(self, kind: str, name: str) -> bool: ...


def unknown(kind: str, name: str, valid: Iterable[str], where: str = "") -> str:
    valid = list(valid)
    close = nearest(name, valid, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    listed = f" (valid: {', '.join(valid)})" if 0 < len(valid) <= 12 else ""
    return f"unknown {kind} {name!r}{' ' + where if where else ''}{hint}{listed}"


def check_sources(rep: Reporter, file: str, path: Path_, sources: Iterable[m.Source]) -> None:
    for i, src in enumerate(sources):
        if not (src.publisher or src.title):
            rep.add(file, (*path, i), "a source needs a publisher or a title")


def hs_overlap(a: Iterable[str], b: Iterable[str]) -> bool:
    """Whether two lists of HS codes share goods: one code is a prefix of the other."""
    da = [x.replace(".", "") for x in a]
    db = [x.replace(".", "") for x in b]
    return any(x.startswith(y) or y.startswith(x) for x in da for y in db)


def product_inputs(sector: m.Sector) -> dict[str, list[str]]:
    """Product id → the products it is made from: its own `inputs`, or else every product
    of its stage's input stages (the documented stage-level fallback)."""
    out: dict[str, list[str]] = {}
    for st in sector.stages:
        fallback = [
            p.id for inp in st.inputs if (s := sector.stage(inp)) is not None for p in s.products
        ]
        for p in st.products:
            out[p.id] = list(p.inputs) if p.inputs is not None else list(fallback)
    return out


def check_sector(rep: Reporter, file: str, sector: m.Sector) -> None:
    ids = [s.id for s in sector.stages]
    products = sector.products()
    seen: set[str] = set()
    seen_products: set[str] = set()
    for i, st in enumerate(sector.stages):
        if st.id in seen:
            rep.add(file, ("stages", i, "id"), f"duplicate stage id {st.id!r}")
        seen.add(st.id)
        for j, inp in enumerate(st.inputs):
            if inp == st.id:
                rep.add(file, ("stages", i, "inputs", j), f"stage {st.id!r} cannot feed itself")
            elif inp not in ids:
                rep.add(
                    file,
                    ("stages", i, "inputs", j),
                    unknown("stage", inp, ids, f"in sector {sector.id!r}"),
                )
        for k, p in enumerate(st.products):
            loc: Path_ = ("stages", i, "products", k)
            if p.id in seen_products:
                rep.add(file, (*loc, "id"), f"duplicate product id {p.id!r}")
            seen_products.add(p.id)
            declared: set[str] = set()
            for j, gone in enumerate(p.absent):
                if gone.country in declared:
                    rep.add(
                        file,
                        (*loc, "absent", j, "country"),
                        f"{gone.country} is declared absent twice for product {p.id!r}",
                    )
                declared.add(gone.country)
                if not (gone.source.publisher or gone.source.title):
                    rep.add(
                        file, (*loc, "absent", j, "source"), "a source needs a publisher or a title"
                    )
            for j, inp in enumerate(p.inputs or ()):
                if inp == p.id:
                    rep.add(file, (*loc, "inputs", j), f"product {p.id!r} cannot feed itself")
                elif inp not in products:
                    rep.add(
                        file,
                        (*loc, "inputs", j),
                        unknown("product", inp, products, f"in sector {sector.id!r}"),
                    )
        _check_context(rep, file, ("stages", i, "context"), st)
    for i, c in enumerate(sector.complements):
        loc = ("complements", i)
        check_sources(rep, file, (*loc, "source"), [c.source])
        a, b = c.products
        for j, pid in enumerate(c.products):
            if pid not in products:
                rep.add(file, (*loc, "products", j), unknown("product", pid, products))
        if a in products and b in products and products[a][0].id != products[b][0].id:
            rep.add(
                file,
                (*loc, "products"),
                f"{a!r} and {b!r} are at different stages; a value-chain link already pairs "
                "their makers",
            )
    check_sources(rep, file, ("sources",), sector.sources)
    cycle = find_cycle({st.id: list(st.inputs) for st in sector.stages})
    if cycle:
        rep.add(
            file,
            ("stages", ids.index(cycle[0]), "inputs"),
            "value chain has a cycle: " + " → ".join([*cycle, cycle[0]]),
        )
        return
    cycle = find_cycle(product_inputs(sector))
    if cycle:
        st, _ = products[cycle[0]]
        k = [p.id for p in st.products].index(cycle[0])
        rep.add(
            file,
            ("stages", ids.index(st.id), "products", k, "inputs"),
            "products form a cycle: " + " → ".join([*cycle, cycle[0]]),
        )


def _check_context(rep: Reporter, file: str, path: Path_, st: m.Stage) -> None:
    """Every fact names the products it concerns, by id or by HS code, in its own stage."""
    own = [p.id for p in st.products]
    facts: list[tuple[str, int, m.ImportShare | m.ExportControl]] = [
        *(("import_shares", j, x) for j, x in enumerate(st.context.import_shares)),
        *(("export_controls", j, x) for j, x in enumerate(st.context.export_controls)),
    ]
    for key, j, fact in facts:
        loc: Path_ = (*path, key, j)
        check_sources(rep, file, (*loc, "source"), [fact.source])
        if not fact.products and not fact.hs_codes:
            rep.add(
                file,
                loc,
                "a fact names the products it concerns (products: [...] or hs_codes: [...]); "
                f"products at {st.id!r}: {', '.join(own)}",
            )
        for k, pid in enumerate(fact.products):
            if pid not in own:
                rep.add(file, (*loc, "products", k), unknown("product", pid, own, f"at {st.id!r}"))
        for k, code in enumerate(fact.hs_codes):
            if not any(hs_overlap([code], p.hs_codes) for p in st.products):
                rep.add(
                    file,
                    (*loc, "hs_codes", k),
                    f"HS code {code!r} matches no product at {st.id!r}",
                )
        if isinstance(fact, m.ImportShare) and fact.partner == fact.importer:
            rep.add(file, (*loc, "partner"), "a country does not import from itself")


def add_evidence(
    rep: Reporter, sectors: dict[str, m.Sector], files: Iterable[tuple[str, m.EvidenceFile]]
) -> dict[str, m.Sector]:
    """The sectors with each evidence file's import shares added to the stages they name
    (checked as a sector's own facts are, and located in the evidence file)."""
    added: dict[tuple[str, str], list[m.ImportShare]] = {}
    for file, ev in files:
        check_sources(rep, file, ("sources",), ev.sources)
        for i, sited in enumerate(ev.facts):
            sector = sectors.get(sited.sector)
            if sector is None:
                if not rep.known("sectors", sited.sector):
                    rep.add(file, ("facts", i, "sector"), unknown("sector", sited.sector, sectors))
                continue
            st = sector.stage(sited.stage)
            if st is None:
                ids = [x.id for x in sector.stages]
                rep.add(file, ("facts", i, "stage"), unknown("stage", sited.stage, ids))
                continue
            probe = dataclasses.replace(
                st, context=m.StageContext(import_shares=sited.import_shares)
            )
            _check_context(rep, file, ("facts", i), probe)
            added.setdefault((sector.id, st.id), []).extend(sited.import_shares)
    if not added:
        return sectors
    out = dict(sectors)
    for sid, sector in sectors.items():
        stages = tuple(
            dataclasses.replace(
                st,
                context=dataclasses.replace(
                    st.context,
                    import_shares=st.context.import_shares + tuple(added[(sid, st.id)]),
                ),
            )
            if (sid, st.id) in added
            else st
            for st in sector.stages
        )
        out[sid] = dataclasses.replace(sector, stages=stages)
    return out


def concerns(fact: m.ImportShare | m.ExportControl, product: m.Product) -> bool:
    """Whether a fact is about this product: named by id, or sharing an HS code."""
    return product.id in fact.products or hs_overlap(fact.hs_codes, product.hs_codes)


def find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """A cycle in `graph` (node → inputs) as a list of nodes, or None."""
    import graphlib

    known = {node: [n for n in inputs if n in graph] for node, inputs in graph.items()}
    try:
        graphlib.TopologicalSorter(known).prepare()
    except graphlib.CycleError as exc:
        # graphlib lists [a, b, ..., a] with each node an input of the next; report it
        # the other way round, as `inputs` are read: each node's input follows it
        cycle: list[str] = exc.args[1]
        return cycle[::-1][:-1]
    return None


_PRODUCTS_AT: dict[int, tuple[m.Sector, dict[str, list[str]]]] = {}


def _products_at(sector: m.Sector) -> dict[str, list[str]]:
    """Stage id → its product ids (kept per sector object: every strength asks)."""
    kept = _PRODUCTS_AT.get(id(sector))
    if kept is None or kept[0] is not sector:
        if len(_PRODUCTS_AT) > 64:  # a long-lived process may load many datasets
            _PRODUCTS_AT.clear()
        kept = (sector, {st.id: [p.id for p in st.products] for st in sector.stages})
        _PRODUCTS_AT[id(sector)] = kept
    return kept[1]


def check_strength(
    rep: Reporter, file: str, path: Path_, s: m.Strength, sectors: dict[str, m.Sector]
) -> m.Strength | None:
    """The strength with its products filled in, or None when it cannot be placed."""
    check_sources(rep, file, (*path, "sources"), s.sources)
    sector = sectors.get(s.sector)
    if sector is None:
        if not rep.known("sectors", s.sector):
            rep.add(file, (*path, "sector"), unknown("sector", s.sector, sectors))
        return None
    own = _products_at(sector).get(s.stage)
    if own is None:
        ids = [st.id for st in sector.stages]
        rep.add(file, (*path, "stage"), unknown("stage", s.stage, ids, f"in sector {s.sector!r}"))
        return None
    if not s.products:
        if len(own) == 1:
            s = dataclasses.replace(s, products={own[0]: s.level})
            return s if _captive_ok(rep, file, path, s) else None
        rep.add(
            file,
            path,
            f"stage {s.stage!r} has several products; name the ones this strength covers "
            f"with a level each (products: {{{own[0]}: {s.level}}}); products: {', '.join(own)}",
        )
        return None
    ok = True
    for pid in s.products:
        if pid not in own:
            rep.add(
                file,
                (*path, "products", pid),
                unknown("product", pid, own, f"at {s.sector}/{s.stage}"),
            )
            ok = False
    return s if _captive_ok(rep, file, path, s) and ok else None


def _captive_ok(rep: Reporter, file: str, path: Path_, s: m.Strength) -> bool:
    """Whether every product named `captive` or `home_market` is one of the strength's
    own, named once."""
    ok = True
    for key, what in (("captive", "captive product"), ("home_market", "home-market product")):
        named: tuple[str, ...] = getattr(s, key)
        for pid in named:
            if pid not in s.products:
                where = "among this strength's products"
                rep.add(file, (*path, key), unknown(what, pid, s.products, where))
                ok = False
        for pid in sorted({pid for pid in named if named.count(pid) > 1}):
            rep.add(file, (*path, key), f"{what} {pid!r} is named twice")
            ok = False
    for pid in sorted(set(s.captive) & set(s.home_market)):
        rep.add(
            file,
            (*path, "home_market"),
            f"{pid!r} is also captive, which already means no outside sales; "
            "name it under one of the two",
        )
        ok = False
    return ok


def check_relationship(
    rep: Reporter,
    file: str,
    loc: Path_,
    r: m.Relationship,
    players: dict[str, m.Player],
    sectors: dict[str, m.Sector],
) -> bool:
    ok = True
    for side, country in (("korea", "KR"), ("japan", "JP")):
        pid = getattr(r, side)
        if pid not in players:
            if not rep.known("players", pid):
                rep.add(file, (*loc, side), unknown("player", pid, players))
            ok = False
        elif players[pid].country != country:
            rep.add(
                file,
                (*loc, side),
                f"{pid!r} is a {players[pid].country} player; {side} needs a {country} player",
            )
            ok = False
    for j, sid in enumerate(r.sectors):
        if sid not in sectors:
            if not rep.known("sectors", sid):
                rep.add(file, (*loc, "sectors", j), unknown("sector", sid, sectors))
            ok = False
    if ok:
        known = {pid for sid in r.sectors for pid in sectors[sid].products()}
        for j, pid in enumerate(r.products):
            if pid not in known:
                rep.add(
                    file,
                    (*loc, "products", j),
                    unknown("product", pid, sorted(known), f"in {', '.join(r.sectors)}"),
                )
    if r.status == "ended" and r.ended is None:
        rep.add(file, (*loc, "status"), "an ended relationship needs an 'ended' year")
    if r.ended is not None and r.ended < r.year:
        rep.add(file, (*loc, "ended"), f"ended ({r.ended}) is before year ({r.year})")
    if r.last_confirmed is not None and r.last_confirmed < r.year:
        rep.add(
            file,
            (*loc, "last_confirmed"),
            f"last_confirmed ({r.last_confirmed}) is before year ({r.year})",
        )
    check_sources(rep, file, (*loc, "sources"), r.sources)
    return ok


def newest_year(
    sectors: Iterable[m.Sector],
    players: Iterable[m.Player],
    relationships: Iterable[m.Relationship],
) -> int:
    """The newest year any fact, strength or tie holds for: the date evidence ages from."""
    years = [0]
    for sector in sectors:
        for st in sector.stages:
            years += [x.year for x in st.context.import_shares]
            years += [x.year for x in st.context.export_controls]
    years += [s.as_of for p in players for s in p.strengths]
    for r in relationships:
        years += [r.year, r.ended or 0, r.last_confirmed or 0]
    return max(years)

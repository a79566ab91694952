"""`kjmatch trade import`: files in, the dataset's baskets figured, facts written.

An evidence folder holds `trade-facts.json` (import shares in the dataset format, each
sited at a sector's stage, loaded by `--evidence DIR` as the stage's own facts are)
and `figures/trade.json` (every figure, for `kjmatch trade show`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kjmatch import __version__
from kjmatch.errors import DataError, Problem, RequestError
from kjmatch.loader import TRADE_FACTS
from kjmatch.model import Dataset

from . import files as f
from .figures import Basket, Index, basket_figures, digits, headings

DATASET_REVISION = "HS22"  # the bundled dataset's codes follow HS 2022 (see data/README.md)
FACTS_FILE = TRADE_FACTS  # the loader names it when an --evidence folder lacks it
FIGURES_FILE = Path("figures") / "trade.json"
Progress = Callable[[str, int, int], None]


@dataclass
class SourceFile:
    path: Path
    kind: str  # baci | comtrade
    revision: str | None
    version: str | None
    sha256: str = ""
    years: list[int] = field(default_factory=list)

    @property
    def publisher(self) -> str:
        # a generated file says so wherever its figures are cited
        fake = "SYNTHETIC, not real trade data: " if "synthetic" in self.path.name.lower() else ""
        if self.kind == "baci":
            return f"{fake}CEPII BACI layout ({self.revision}, {self.version})"
        return f"{fake}UN Comtrade ({self.revision or 'HS'})"

    def source(self, year: int) -> dict[str, Any]:
        published = int(self.version[1:5]) if self.version and len(self.version) >= 5 else year
        return {
            "publisher": self.publisher,
            "title": self.path.name,
            "year": max(published, year) if published >= 1900 else year,
            "sha256": self.sha256,
        }


@dataclass
class Result:
    baskets: list[dict[str, Any]]
    facts: dict[str, Any]  # the EvidenceFile document
    sources: list[SourceFile]
    years: list[int]
    warnings: list[str]
    rows: int
    engine: str


def baskets(ds: Dataset) -> list[Basket]:
    """Every HS code a product names, every product's codes, every sector's codes."""
    by_code: dict[str, list[tuple[str, str, str]]] = {}
    out: list[Basket] = []
    sectors = []
    for sid in sorted(ds.sectors):
        sec = ds.sectors[sid]
        sector_codes: list[str] = []
        sector_products = []
        for st in sec.stages:
            for p in st.products:
                if not p.hs_codes:
                    continue
                where = (sid, st.id, p.id)
                for c in p.hs_codes:
                    by_code.setdefault(c, []).append(where)
                sector_codes += p.hs_codes
                sector_products.append(where)
                out.append(
                    Basket(
                        f"{sid}/{p.id}",
                        "product",
                        p.name.en,
                        tuple(p.hs_codes),
                        (where,),
                        _national(p.hs_codes),
                    )
                )
        if sector_codes:
            codes = tuple(dict.fromkeys(sector_codes))
            sectors.append(
                Basket(sid, "sector", sec.name.en, codes, tuple(sector_products), _national(codes))
            )
    per_code = [
        Basket(c, "code", f"HS {c}", (c,), tuple(w), _national([c]))
        for c, w in sorted(by_code.items())
    ]
    return per_code + out + sectors


def _national(codes: Iterable[str]) -> tuple[str, ...]:
    return tuple(c for c in codes if len(digits(c)) > 6)


def classify(paths: list[Path]) -> tuple[list[tuple[Path, f.Header]], list[Path]]:
    """Trade files and country-code files, each checked by its header."""
    trade, countries = [], []
    for p in paths:
        h = f.sniff(p)
        if h.kind == "countries":
            countries.append(p)
        else:
            trade.append((p, h))
    if not trade:
        raise RequestError("no trade file among the files given (only country-code lists)", "files")
    kinds = {h.kind for _, h in trade}
    if len(kinds) > 1:
        raise RequestError(
            "BACI and UN Comtrade files cover different flows; import them separately", "files"
        )
    return trade, countries


def read_concordance(path: Path) -> dict[str, list[str]]:
    """A concordance table: the first two columns are the file's HS6 code and the
    dataset revision's HS6 code (a header row first); a code mapped to several is split
    equally among them."""
    table: dict[str, list[str]] = {}
    for number, text in f.lines(path):
        if number == 1 or not text.strip():
            continue
        fields, cols = f.split(text, "\t" if "\t" in text else ",")
        if len(fields) < 2:
            raise f.problem(path, number, 1, "a concordance row has two codes: from, to")
        a, b = f.hs6(digits(fields[0])), f.hs6(digits(fields[1]))
        if a is None or b is None:
            bad = 0 if a is None else 1
            raise f.problem(path, number, cols[bad], f"{fields[bad]!r} is not a 6-digit HS code")
        table.setdefault(a, []).append(b)
    return table


def _remap(flows: f.Flows, table: dict[str, list[str]]) -> None:
    def spread(d: dict[Any, float], at: int) -> dict[Any, float]:
        out: dict[Any, float] = {}
        for key, v in d.items():
            targets = table.get(key[at], [key[at]])
            for t in targets:
                nk = (*key[:at], t, *key[at + 1 :])
                out[nk] = out.get(nk, 0.0) + v / len(targets)
        return out

    flows.imports = spread(flows.imports, 3)
    flows.exports = spread(flows.exports, 2)
    flows.world_imports = spread(flows.world_imports, 2)


def import_files(
    ds: Dataset,
    paths: list[Path],
    *,
    dataset_revision: str = DATASET_REVISION,
    file_revision: str | None = None,
    concordance: Path | None = None,
    progress: Progress | None = None,
    engine: str = "auto",
) -> Result:
    from . import countries as iso
    from . import engine as eng

    trade, country_files = classify(paths)
    wanted = baskets(ds)
    target_headings = headings(wanted)
    table = read_concordance(concordance) if concordance else {}
    heads = set(target_headings)
    if table:
        heads |= {a[:4] for a, bs in table.items() if any(b[:4] in target_headings for b in bs)}
    head_list = sorted(heads)

    def keep(k: str) -> bool:
        return k[:4] in heads

    warnings: list[str] = []
    countries: dict[int, f.Country] = {}
    misfits = f.Misfits()  # every bad row of every file, reported together
    for p in country_files:
        countries.update(f.read_countries(p, f.sniff(p), misfits))
    numeric = iso.numeric_to_iso2()
    if not countries:
        countries = {n: f.Country(n, a2, a2) for n, a2 in numeric.items()}
        if trade[0][1].kind == "baci":
            warnings.append("no BACI country_codes file given: partners named by ISO numeric code")
    flows = f.Flows()
    sources: list[SourceFile] = []
    use_duckdb = engine == "duckdb" or (engine == "auto" and eng.available())
    if engine == "duckdb" and not eng.available():
        raise RequestError(
            "the DuckDB engine needs the trade extra: pip install 'kjmatch[trade]'", "engine"
        )
    revisions: set[str] = set()
    given: set[Path] = set()
    for p, _ in trade:  # one path given twice: said at once, before any reading
        if p.resolve() in given:
            raise RequestError(f"{p.name} is given twice: give each file once", "files")
        given.add(p.resolve())
    # hashing runs beside the reading (hashlib lets go of the GIL on large blocks)
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(1)
    digests = [pool.submit(f.sha256_of, p) for p, _ in trade]
    for n, (p, h) in enumerate(trade):
        src = _source(p, h, file_revision)
        before = set(flows.years())
        if h.kind == "baci":
            if use_duckdb:
                eng.read_baci_duckdb(p, h, head_list, keep, flows, progress, misfits)
            else:
                f.read_baci(p, h, keep, flows, misfits)
        else:
            found = f.read_comtrade(p, h, keep, flows, iso.iso3_to_numeric(), misfits)
        if misfits:  # the figures are void; the other files are still read for misfits
            continue
        if h.kind != "baci":
            if len(found) > 1:
                raise f.problem(p, 0, 0, f"the file mixes HS revisions: {', '.join(sorted(found))}")
            src.revision = src.revision or next(iter(found), None)
        src.years = sorted(set(flows.years()) - before) or sorted(set(flows.years()))
        clash = sorted({y for s in sources for y in s.years} & set(src.years))
        if h.kind == "baci" and clash:
            raise RequestError(f"two files hold year {clash[0]}: give one file per year", "files")
        if src.revision is None:
            raise RequestError(
                f"{p.name}: cannot tell its HS revision (BACI files name it, as in "
                "BACI_HS17_Y2022_V202401.csv; Comtrade files in classificationCode); "
                "give --file-revision",
                "file_revision",
            )
        revisions.add(src.revision)
        src.sha256 = digests[n].result()
        twin = next((s for s in sources if s.sha256 == src.sha256), None)
        if twin is not None:  # counted twice, every share and RCA would shift silently
            raise RequestError(
                f"{twin.path.name} and {p.name} are the same file (SHA-256 {src.sha256[:12]}…): "
                "give each file once",
                "files",
            )
        sources.append(src)
    pool.shutdown(cancel_futures=True)
    misfits.check()
    if len(revisions) > 1:
        raise RequestError(
            f"the files use different HS revisions ({', '.join(sorted(revisions))}); "
            "import one revision at a time",
            "files",
        )
    revision = revisions.pop()
    if revision.upper() != dataset_revision.upper():
        if not table:
            raise RequestError(
                f"the files are in {revision} and the dataset's products name {dataset_revision} "
                "codes; give --concordance FILE (two columns: the file's HS6 code, the "
                f"{dataset_revision} code) or files in {dataset_revision}",
                "concordance",
            )
        _remap(flows, table)
    elif table:
        warnings.append(
            "the files are in the dataset's revision: --concordance not needed, not used"
        )
    if flows.world_from_reporters:
        warnings.append(
            "UN Comtrade: RCA's world is the reporters in the file"
            + (
                "; totals are summed over the file's HS6 rows (no TOTAL rows)"
                if flows.totals_from_rows
                else ""
            )
        )
    years = flows.years()
    unnamed = sorted({e for (_, _, e, _) in flows.imports if e not in countries})
    if unnamed:
        warnings.append(
            "partner code(s) not in the country list, counted in totals but never written as "
            f"facts: {', '.join(map(str, unnamed[:10]))}"
        )
    ix = Index.build(flows)
    figures = [basket_figures(ix, b, countries, years) for b in wanted]
    empty = [b["key"] for b in figures if b["kind"] == "code" and not b["hs6"]]
    if empty:
        warnings.append(f"{len(empty)} HS code(s) of the dataset have no rows in the files")
    approx = sorted({c for b in wanted for c in b.approximated})
    if approx:
        warnings.append(
            f"{len(approx)} national line(s) read as their HS6 parent: {', '.join(approx[:6])}"
        )
    by_year = {y: s for s in sources for y in s.years}
    facts = _facts(ds, wanted, figures, by_year, dataset_revision)
    return Result(
        figures, facts, sources, years, warnings, flows.rows, "duckdb" if use_duckdb else "python"
    )


def _source(p: Path, h: f.Header, file_revision: str | None) -> SourceFile:
    if h.kind == "baci":
        m = f.BACI_NAME.search(p.name)
        rev = f"HS{m.group(1)}" if m else None
        return SourceFile(p, "baci", file_revision or rev, f"V{m.group(3)}" if m else "V?")
    return SourceFile(p, "comtrade", file_revision, None)


def _facts(
    ds: Dataset,
    wanted: list[Basket],
    figures: list[dict[str, Any]],
    by_year: dict[int, SourceFile],
    revision: str,
) -> dict[str, Any]:
    """Import shares per product basket, importer, partner and year, sited at the stage.
    Products of one stage that name the same codes share one figure."""
    sited: dict[tuple[str, str], list[dict[str, Any]]] = {}
    done: set[tuple[str, str, tuple[str, ...]]] = set()
    for b, fig in zip(wanted, figures, strict=True):
        if b.kind != "product":
            continue
        sector, stage, _ = b.products[0]
        key = (sector, stage, b.codes)
        if key in done:
            continue
        done.add(key)
        same = [
            o.products[0][2]
            for o in wanted
            if o.kind == "product" and o.products[0][:2] == (sector, stage) and o.codes == b.codes
        ]
        names = ds.sectors[sector].products()
        # a line the sector has a note on (a catch-all heading, a renumbered code) points
        # to it wherever the figure is read, and the fact quotes the note
        notes = [
            f"{names[p][1].name.en}: {names[p][1].hs_note}" for p in same if names[p][1].hs_note
        ]
        broad = ", see its HS note" if notes else ""
        item = f"{' / '.join(names[p][1].name.en for p in same)} (HS {', '.join(b.codes)}{broad})"
        for row in fig["imports"]:
            src = by_year.get(row["year"])
            if src is None:
                continue
            for p in row["partners"]:
                if p["partner"] is None:
                    continue
                sited.setdefault((sector, stage), []).append(
                    {
                        "importer": row["importer"],
                        "partner": p["partner"],
                        "value": min(1.0, p["share"]),
                        "products": same,
                        "hs_codes": list(b.codes),
                        "item": item,
                        "year": row["year"],
                        "computed": True,
                        "source": src.source(row["year"]),
                        "note": (
                            f"US${p['value_usd'] / 1e6:,.1f} m of US${row['total_usd'] / 1e6:,.1f} m "
                            f"of {row['importer']}'s imports of HS {', '.join(b.codes)} in "
                            f"{row['year']}; computed by kjmatch trade import"
                            + "".join(f". {n}" for n in notes)
                        ),
                    }
                )
    return {
        "generated_by": f"kjmatch {__version__} trade import",
        "hs_revision": revision,
        "sources": [by_year[y].source(y) for y in sorted(by_year)],
        "facts": [
            {"sector": s, "stage": t, "import_shares": shares}
            for (s, t), shares in sorted(sited.items())
        ],
    }


def write(result: Result, out: Path, force: bool) -> list[Path]:
    """The evidence folder: facts for the matcher, figures for `trade show`."""
    from kjmatch.safeio import atomic_write

    figures = {
        "generated_by": result.facts["generated_by"],
        "hs_revision": result.facts["hs_revision"],
        "engine": result.engine,
        "rows": result.rows,
        "years": result.years,
        "sources": [
            {
                "file": s.path.name,
                "dataset": s.publisher,
                "revision": s.revision,
                "version": s.version,
                "sha256": s.sha256,
                "years": s.years,
            }
            for s in result.sources
        ],
        "warnings": result.warnings,
        "baskets": result.baskets,
    }
    targets = [(out / FACTS_FILE, result.facts), (out / FIGURES_FILE, figures)]
    for path, _ in targets:
        if path.exists() and not force:
            raise DataError(
                [Problem(str(path), 0, 0, "", "already exists; use --force to replace it")]
            )
    (out / FIGURES_FILE).parent.mkdir(parents=True, exist_ok=True)
    for path, doc in targets:
        atomic_write(path, json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
    return [p for p, _ in targets]


def load_figures(folders: Iterable[Path]) -> list[dict[str, Any]]:
    """The figures of each --evidence folder; a folder without them (a typo, or the
    folder above the evidence folder) is an error naming what was expected."""
    from kjmatch.loader import no_evidence
    from kjmatch.safeio import read_data_file

    out = []
    for d in folders:
        path = d / FIGURES_FILE
        if not path.exists() and not path.is_symlink():
            raise no_evidence(d, "trade figures", str(FIGURES_FILE))
        try:
            out.append(json.loads(read_data_file(path, str(path))))
        except ValueError as exc:
            raise DataError([Problem(str(path), 0, 0, "", f"cannot read figures: {exc}")]) from None
    return out

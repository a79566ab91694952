"""Reading trade files: which kind a file is, its country codes, and a streaming reader
that checks every row (the whole Comtrade path, and the BACI path without DuckDB or
when DuckDB refused a file and the misfit must be located).

Every misfit is a located `Problem`: file, line, column (1-based, in characters).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import gzip
import hashlib
import io
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from kjmatch.errors import DataError, Problem
from kjmatch.safeio import open_regular

MAX_LINE = 1 << 20  # bytes: no BACI or Comtrade row comes near this
BACI_COLUMNS = ("t", "i", "j", "k", "v", "q")
BACI_NAME = re.compile(r"BACI_HS(\d{2})_Y(\d{4})_V(\d+)", re.IGNORECASE)
KR, JP = 410, 392  # UN M49 / BACI numeric codes
PAIR_CODES = {KR: "KR", JP: "JP"}
# Comtrade's classificationCode → the HS revision it names
COMTRADE_REVISIONS = {
    "H0": "HS92",
    "H1": "HS96",
    "H2": "HS02",
    "H3": "HS07",
    "H4": "HS12",
    "H5": "HS17",
    "H6": "HS22",
}
# Comtrade columns: the API/bulk name first, then the legacy (pre-2023) bulk name
COMTRADE_COLUMNS = {
    "year": ("refyear", "year"),
    "reporter": ("reportercode", "reporter code"),
    "reporter_iso": ("reporteriso", "reporter iso"),
    "flow": ("flowcode", "trade flow code"),
    "partner": ("partnercode", "partner code"),
    "partner_iso": ("partneriso", "partner iso"),
    "partner_desc": ("partnerdesc", "partner"),
    "cmd": ("cmdcode", "commodity code"),
    "value": ("primaryvalue", "trade value (us$)"),
    "classification": ("classificationcode", "classification"),
    "partner2": ("partner2code", "2nd partner code"),
    "customs": ("customscode", "customs proc. code"),
    "mot": ("motcode", "mode of transport code"),
}
COMTRADE_REQUIRED = ("year", "flow", "cmd", "value")
CANONICAL = {
    "year": "refYear",
    "flow": "flowCode",
    "cmd": "cmdCode",
    "value": "primaryValue",
    "reporter": "reporterCode (or reporterISO)",
    "partner": "partnerCode (or partnerISO)",
}
IMPORT_FLOWS = {"M", "1", "IMPORT", "IMPORTS"}
EXPORT_FLOWS = {"X", "2", "EXPORT", "EXPORTS"}


@dataclass
class Country:
    code: int
    iso2: str | None  # None: not an ISO country (a customs union, "areas nes")
    name: str


@dataclass
class Flows:
    """What the indicators need from one or more files, in US dollars.

    Only importers KR and JP and HS6 codes `keep` accepts are held flow by flow;
    exporters' totals cover every product."""

    imports: dict[tuple[int, int, int, str], float] = field(default_factory=dict)
    # (year, importer, exporter, hs6): importer in KR/JP
    world_imports: dict[tuple[int, int, str], float] = field(default_factory=dict)
    # (year, importer, hs6): a Comtrade reporter's imports from World, when it gives them
    exports: dict[tuple[int, int, str], float] = field(default_factory=dict)
    # (year, exporter, hs6): every exporter
    totals: dict[tuple[int, int], float] = field(default_factory=dict)
    # (year, exporter): all goods
    rows: int = 0
    skipped: int = 0  # rows left out on purpose (Comtrade breakdowns, blank values)
    world_from_reporters: bool = False  # Comtrade: "world" is the reporters in the file
    # Comtrade: (year, reporter, import?) → the file that gave it; a second file with the
    # same reporter, flow and year would be summed in twice (QA round 13)
    sources: dict[tuple[int, int, bool], str] = field(default_factory=dict)
    totals_from_rows: bool = False  # Comtrade without TOTAL rows: totals over its HS6 rows

    def add(self, year: int, exporter: int, importer: int, hs6: str | None, value: float) -> None:
        key = (year, exporter)
        self.totals[key] = self.totals.get(key, 0.0) + value
        if hs6 is None:
            return
        ek = (year, exporter, hs6)
        self.exports[ek] = self.exports.get(ek, 0.0) + value
        if importer in PAIR_CODES:
            ik = (year, importer, exporter, hs6)
            self.imports[ik] = self.imports.get(ik, 0.0) + value

    def years(self) -> list[int]:
        return sorted({y for y, _ in self.totals} | {k[0] for k in self.imports})


def problem(path: Path, line: int, col: int, message: str) -> DataError:
    return DataError([Problem(str(path), line, col, "", message)])


MAX_SHOWN = 50  # bad rows listed; the rest are counted


class Misfits:
    """The bad rows of a run: every file is read to the end and every misfit counted,
    so that one run names them all (the first MAX_SHOWN, and how many more)."""

    def __init__(self) -> None:
        self.shown: list[Problem] = []
        self.more = 0

    def add(self, exc: DataError) -> None:
        for p in exc.problems:
            if len(self.shown) < MAX_SHOWN:
                self.shown.append(p)
            else:
                self.more += 1

    def __len__(self) -> int:
        return len(self.shown) + self.more

    def check(self) -> None:
        """Raise the misfits found so far, if any."""
        if self.shown:
            raise DataError(self.shown, omitted=self.more)


@contextlib.contextmanager
def collecting(misfits: Misfits | None) -> Iterator[Misfits]:
    """The caller's misfits, or this file's own, raised when it has been read."""
    if misfits is not None:
        yield misfits
        return
    own = Misfits()
    yield own
    own.check()


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    try:
        opened = open_regular(path)
    except OSError as exc:
        raise problem(path, 0, 0, f"cannot read file: {exc.strerror or exc}") from None
    with opened as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _open(path: Path) -> IO[bytes]:
    try:
        raw: IO[bytes] = open_regular(path)  # closed by the caller
    except OSError as exc:
        raise problem(path, 0, 0, f"cannot read file: {exc.strerror or exc}") from None
    if path.suffix.lower() == ".gz":
        return gzip.GzipFile(fileobj=raw)  # type: ignore[return-value]
    return raw


def lines(path: Path, misfits: Misfits | None = None) -> Iterator[tuple[int, str]]:
    """(line number, text) of a file, strictly UTF-8 (a BOM is dropped), each line at
    most MAX_LINE bytes; anything else is a located error, raised at once or, given
    `misfits`, added to them (a line that is not UTF-8 is skipped; after a line too
    long or a file that cannot be read, reading stops)."""

    def bad(exc: DataError) -> None:
        if misfits is None:
            raise exc
        misfits.add(exc)

    with _open(path) as f:
        number = 0
        while True:
            try:
                raw = f.readline(MAX_LINE + 1)
            except (OSError, EOFError, gzip.BadGzipFile) as exc:
                bad(problem(path, number + 1, 1, f"cannot read: {exc}"))
                return
            if not raw:
                return
            number += 1
            if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
                why = f"line longer than {MAX_LINE // 1024} KiB; not a trade file"
                bad(problem(path, number, 1, why))
                return
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                col = len(raw[: exc.start].decode("utf-8", "replace")) + 1
                bad(
                    problem(
                        path,
                        number,
                        col,
                        f"byte 0x{raw[exc.start]:02x} is not UTF-8; save the file as UTF-8 "
                        "(BACI and Comtrade files are UTF-8 as downloaded)",
                    )
                )
                continue
            yield number, text.rstrip("\r\n")


def split(text: str, delim: str) -> tuple[list[str], list[int]]:
    """A CSV line's fields and the 1-based column where each starts (a quoted field at
    its opening quote, wherever its doubled quotes put the next one)."""
    if '"' not in text:
        fields = text.split(delim)
        cols, at = [], 1
        for f in fields:
            cols.append(at)
            at += len(f) + 1
        return fields, cols
    fields = next(csv.reader(io.StringIO(text), delimiter=delim), [])
    cols, i, n = [], 0, len(text)
    for _ in fields:
        cols.append(i + 1)
        if i < n and text[i] == '"':  # past the closing quote ("" is a quote inside)
            i += 1
            while i < n and not (text[i] == '"' and text[i + 1 : i + 2] != '"'):
                i += 2 if text[i] == '"' else 1
            i += 1
        end = text.find(delim, i)
        i = (end if end >= 0 else n) + 1
    return fields, cols


@dataclass
class Header:
    kind: str  # baci | comtrade | countries
    delim: str
    names: list[str]  # lower-case, stripped
    columns: dict[str, int]  # role → index (comtrade, countries)
    year: int | None = None  # the one year a BACI file's name states (`_Y2023_`)


def sniff(path: Path) -> Header:
    """What a file is, from its first line; a clear error for anything else."""
    first = next(lines(path), None)
    if first is None or not first[1].strip():
        raise problem(path, 1, 1, "empty file; expected a BACI or UN Comtrade CSV")
    text = first[1]
    delim = "\t" if text.count("\t") > text.count(",") else ","
    fields, cols = split(text, delim)
    names = [f.strip().strip('"').lower() for f in fields]
    if names[: len(BACI_COLUMNS)] == list(BACI_COLUMNS) or names[:1] == ["t"]:
        for n, (want, got) in enumerate(zip(BACI_COLUMNS, names, strict=False)):
            if want != got:
                raise problem(
                    path,
                    1,
                    cols[n],
                    f"column {n + 1} is {fields[n]!r}; a BACI file has columns "
                    f"{','.join(BACI_COLUMNS)}",
                )
        if len(names) != len(BACI_COLUMNS):
            at = cols[min(len(cols), len(BACI_COLUMNS)) - 1] if cols else 1
            raise problem(
                path,
                1,
                at,
                f"{len(names)} columns; a BACI file has exactly {len(BACI_COLUMNS)}: "
                f"{','.join(BACI_COLUMNS)}",
            )
        named = BACI_NAME.search(path.name)
        return Header("baci", delim, names, {}, int(named.group(2)) if named else None)
    if "country_code" in names:
        iso = next((c for c in ("country_iso2", "iso_2digit_alpha") if c in names), None)
        name = next(
            (c for c in ("country_name", "country_name_full", "country_name_abbreviation")
             if c in names),
            None,
        )  # fmt: skip
        if iso is None or name is None:
            raise problem(
                path,
                1,
                1,
                "a BACI country-code file needs country_code, a name column "
                "(country_name) and country_iso2 (or iso_2digit_alpha)",
            )
        roles = {"code": names.index("country_code"), "iso2": names.index(iso)}
        roles["name"] = names.index(name)
        return Header("countries", delim, names, roles)
    roles = {}
    for role, options in COMTRADE_COLUMNS.items():
        for o in options:
            if o in names:
                roles[role] = names.index(o)
                break
    if "cmd" in roles or "flow" in roles:
        missing = [r for r in COMTRADE_REQUIRED if r not in roles]
        if "reporter" not in roles and "reporter_iso" not in roles:
            missing.append("reporter")
        if "partner" not in roles and "partner_iso" not in roles:
            missing.append("partner")
        if missing:
            raise problem(
                path,
                1,
                1,
                f"a UN Comtrade file needs {', '.join(CANONICAL[m] for m in missing)}"
                f" (found: {', '.join(fields[:12])}{', …' if len(fields) > 12 else ''})",
            )
        return Header("comtrade", delim, names, roles)
    if names[:2] == ["code", "description"]:
        raise problem(
            path,
            1,
            1,
            "this is BACI's product-code list, not a trade file; pass BACI_*.csv and "
            "country_codes_*.csv",
        )
    raise problem(
        path,
        1,
        cols[0] if cols else 1,
        "not a trade file: expected BACI columns t,i,j,k,v,q, a BACI country_codes file, "
        f"or UN Comtrade columns (refYear, reporterCode, flowCode, partnerCode, cmdCode, "
        f"primaryValue); found {', '.join(fields[:8])}",
    )


def read_countries(
    path: Path, header: Header, misfits: Misfits | None = None
) -> dict[int, Country]:
    out: dict[int, Country] = {}
    c = header.columns
    with collecting(misfits) as found:
        for number, text in lines(path, found):
            if number == 1 or not text.strip():
                continue
            fields, cols = split(text, header.delim)
            if len(fields) <= max(c.values()):
                why = f"{len(fields)} fields; the header has {len(header.names)}"
                found.add(problem(path, number, 1, why))
                continue
            raw = fields[c["code"]].strip()
            if not (raw.isascii() and raw.isdigit()):
                why = f"country_code {raw!r} is not a number"
                found.add(problem(path, number, cols[c["code"]], why))
                continue
            iso = fields[c["iso2"]].strip().upper()
            good = len(iso) == 2 and iso.isalpha() and iso.isascii()
            out[int(raw)] = Country(int(raw), iso if good else None, fields[c["name"]].strip())
    return out


def _number(path: Path, line: int, col: int, name: str, raw: str, lo: int, hi: int) -> int:
    s = raw.strip()
    if not (s.isascii() and s.isdigit()) or not lo <= int(s) <= hi:
        raise problem(path, line, col, f"{name}: {raw!r} is not a whole number from {lo} to {hi}")
    return int(s)


# larger than the world's yearly merchandise trade (about 2.5e13 US dollars) many times
# over, in any unit a trade file uses: a corrupt or mis-scaled cell
MAX_VALUE = 1e16


def _value(path: Path, line: int, col: int, name: str, raw: str) -> float:
    try:
        x = float(raw)
    except ValueError:
        x = math.nan
    if not math.isfinite(x) or x < 0:
        raise problem(path, line, col, f"{name}: {raw!r} is not a non-negative number")
    if x > MAX_VALUE:  # summed, such values overflow to inf and every share to nan
        raise problem(
            path, line, col, f"{name}: {raw!r} is larger than any trade figure (over {MAX_VALUE:g})"
        )
    return x


def hs6(raw: str) -> str | None:
    """A 6-digit HS code from a file's field, or None. Five digits are a code whose
    leading zero a spreadsheet or an older tool dropped ("10121" is 010121)."""
    s = raw.strip().strip('"')
    if s.isascii() and s.isdigit() and len(s) in (5, 6):
        s = s.rjust(6, "0")
        return s if s >= "010000" else None  # HS has no chapter 00
    return None


Keep = Callable[[str], bool]


def read_baci(
    path: Path, header: Header, keep: Keep, flows: Flows, misfits: Misfits | None = None
) -> None:
    """Every row of a BACI file, checked, into `flows` (the path without DuckDB); every
    bad row is a misfit (the first bad field of each), raised once the file is read
    unless the caller collects them in `misfits`."""
    with collecting(misfits) as found:
        for number, text in lines(path, found):
            if number == 1 or not text:
                continue
            try:
                _baci_row(path, header, keep, flows, number, text)
            except DataError as exc:
                found.add(exc)


def _baci_row(path: Path, header: Header, keep: Keep, flows: Flows, number: int, text: str) -> None:
    fields, cols = split(text, header.delim)
    if len(fields) != 6:
        at = cols[min(len(fields), 6) - 1] if len(fields) > 6 else len(text) + 1
        raise problem(path, number, at, f"{len(fields)} fields; a BACI row has 6 (t,i,j,k,v,q)")
    t = _number(path, number, cols[0], "t (year)", fields[0], 1900, 2100)
    if header.year is not None and t != header.year:
        raise problem(
            path,
            number,
            cols[0],
            f"t (year): {t} in a file named for {header.year}; a BACI "
            "file holds one year (a stray row from another file?)",
        )
    i = _number(path, number, cols[1], "i (exporter)", fields[1], 0, 999)
    j = _number(path, number, cols[2], "j (importer)", fields[2], 0, 999)
    k = hs6(fields[3])
    if k is None:
        raise problem(path, number, cols[3], f"k (product): {fields[3]!r} is not a 6-digit HS code")
    v = _value(path, number, cols[4], "v (value)", fields[4]) * 1000.0  # thousands of USD
    q = fields[5].strip()
    if q and q.upper() != "NA":
        _value(path, number, cols[5], "q (quantity)", q)
    flows.rows += 1
    flows.add(t, i, j, k if keep(k) else None, v)


def read_comtrade(
    path: Path,
    header: Header,
    keep: Keep,
    flows: Flows,
    iso3: dict[str, int],
    misfits: Misfits | None = None,
) -> set[str]:
    """Every row of a Comtrade export, checked, into `flows`; the revisions it names.
    Bad rows are misfits, as in `read_baci`."""
    c = header.columns
    revisions: set[str] = set()
    width = len(header.names)
    stated: dict[tuple[int, int], float] = {}
    summed: dict[tuple[int, int], float] = {}

    def cell(fields: list[str], role: str) -> str:
        return fields[c[role]].strip() if role in c else ""

    with collecting(misfits) as found:
        for number, text in lines(path, found):
            if number == 1 or not text.strip():
                continue
            try:
                fields, cols = split(text, header.delim)
                if len(fields) < width:
                    raise problem(
                        path, number, len(text) + 1, f"{len(fields)} fields; the header has {width}"
                    )

                def col(role: str) -> int:
                    return cols[c[role]]  # noqa: B023 (used at once)

                if cls := cell(fields, "classification"):
                    revisions.add(COMTRADE_REVISIONS.get(cls.upper(), cls))
                flow = cell(fields, "flow").upper()
                is_import = flow in IMPORT_FLOWS
                if not is_import and flow not in EXPORT_FLOWS:
                    flows.skipped += 1  # re-imports, re-exports and other flows
                    continue
                if cell(fields, "partner2") not in ("", "0") or cell(fields, "customs") not in (
                    "",
                    "C00",
                ):
                    flows.skipped += 1  # a breakdown of a total that is also in the file
                    continue
                if cell(fields, "mot") not in ("", "0"):
                    flows.skipped += 1
                    continue
                year = _number(
                    path, number, col("year"), "refYear", cell(fields, "year")[:4], 1900, 2100
                )
                reporter = _country(path, number, fields, cols, c, "reporter", iso3)
                origin = flows.sources.setdefault((year, reporter, is_import), str(path))
                if origin != str(path):
                    what = "imports" if is_import else "exports"
                    raise problem(
                        path,
                        number,
                        col("reporter"),
                        f"reporter {reporter}'s {what} for {year} are also in "
                        f"{Path(origin).name}: give each reporter's flow and year in one file",
                    )
                partner = _country(path, number, fields, cols, c, "partner", iso3)
                raw_value = cell(fields, "value")
                if not raw_value:
                    flows.skipped += 1
                    continue
                value = _value(path, number, col("value"), "primaryValue", raw_value)
                cmd = cell(fields, "cmd").upper()
                if cmd == "TOTAL":
                    code: str | None = None
                else:
                    code = hs6(cmd) if len(cmd) in (5, 6) else None
                    if not (cmd.isascii() and cmd.isdigit()):
                        raise problem(
                            path,
                            number,
                            col("cmd"),
                            f"cmdCode: {cmd!r} is neither an HS code nor TOTAL",
                        )
                    if code is None:
                        flows.skipped += 1  # chapters and headings: HS6 rows are the unit
                        continue
                flows.rows += 1
                if is_import:
                    if reporter not in PAIR_CODES or code is None or not keep(code):
                        continue
                    if partner == 0:
                        key = (year, reporter, code)
                        flows.world_imports[key] = flows.world_imports.get(key, 0.0) + value
                    else:
                        ik = (year, reporter, partner, code)
                        flows.imports[ik] = flows.imports.get(ik, 0.0) + value
                elif partner == 0:  # exports to World: the exporter's totals and products
                    tk = (year, reporter)
                    if code is None:
                        stated[tk] = value
                    else:
                        summed[tk] = summed.get(tk, 0.0) + value
                        if keep(code):
                            ek = (year, reporter, code)
                            flows.exports[ek] = flows.exports.get(ek, 0.0) + value
            except DataError as exc:
                found.add(exc)
    # an exporter's total is its TOTAL row, else the sum of its HS6 rows in the file
    for tk in stated.keys() | summed.keys():
        flows.totals[tk] = flows.totals.get(tk, 0.0) + stated.get(tk, summed.get(tk, 0.0))
        if tk not in stated:
            flows.totals_from_rows = True
    flows.world_from_reporters = True
    return revisions


def _country(
    path: Path,
    number: int,
    fields: list[str],
    cols: list[int],
    c: dict[str, int],
    role: str,
    iso3: dict[str, int],
) -> int:
    if role in c:
        raw = fields[c[role]].strip()
        return _number(path, number, cols[c[role]], f"{role}Code", raw, 0, 999)
    raw = fields[c[f"{role}_iso"]].strip().upper()
    if raw in ("W00", "WLD"):
        return 0
    if raw not in iso3:
        raise problem(path, number, cols[c[f"{role}_iso"]], f"{role}ISO: unknown code {raw!r}")
    return iso3[raw]

"""Bring your own firms: a spreadsheet of firms (CSV or XLSX) as dataset players.

Each row names a firm and what it makes (product ids or names, or HS codes), in one
sector; the importer maps those to the sector's products, fills missing optional
fields with explicit, marked defaults, and reports every row it could not place with
its row number and the nearest valid products, all at once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import model as m
from .checks import hs_overlap
from .errors import DataError, Problem, nearest
from .import_sheet import SLUG_CHARS

UNRATED_LEVEL = 3  # a firm imported without a level: an "established producer" until rated
UNRATED_TAG = "unrated"
_SPLIT = re.compile(r"\s*[;,、，]\s*")
_SEMICOLON = re.compile(r"\s*[;；]\s*")


@dataclass
class Imported:
    players: list[dict[str, Any]]  # new firms, ready to write as a players file
    rows: int
    strengths: list[dict[str, Any]] = field(default_factory=list)  # for firms already there
    defaults: dict[str, int] = field(default_factory=dict)  # default → rows that took it
    # where each written item came from: `players[0]`, `players[0].strengths[1]` or
    # `strengths[2]` → its sheet row; and each field's column
    origins: dict[str, int] = field(default_factory=dict)
    columns: dict[str, int] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)  # headers import does not read


def slug(name: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return SLUG_CHARS.sub("-", ascii_).strip("-")


def name_id(name: str) -> str:
    """A stable id for a name with no Latin letter (`한글회사`, `ｶﾀｶﾅ商事`): `firm-` and
    the first 6 hex digits of the SHA-256 of its NFKC form, case-folded, so the same
    name gets the same id wherever its row is (half-width kana, decomposed Hangul and
    their composed forms alike)."""
    import hashlib

    key = unicodedata.normalize("NFKC", name.strip()).casefold()
    return "firm-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:6]


def _product_index(sector: m.Sector) -> dict[str, str]:
    """Every way a product may be written (id, names in three languages) → product id."""
    index: dict[str, str] = {}
    for st in sector.stages:
        for p in st.products:
            for key in (p.id, p.name.en, p.name.ko, p.name.ja):
                index[key.casefold()] = p.id
    return index


def import_rows(
    rows: Iterator[tuple[int, dict[str, str]]],
    ds: m.Dataset,
    *,
    file: str,
    country: str | None,
    sector: str | None,
    year: int,
    cells: Sequence[Problem] = (),
) -> Imported:
    """Players (as plain data) for the rows, or a DataError listing every bad row and
    the `cells` the sheet reader could not take (filled as the rows are read).

    `sector` (for rows without one) and each row's own may be an id or a name
    (`Batteries`, `이차전지`), as `lookup.sector` accepts; a bad `sector` is a
    RequestError (field `sector`), raised once before any row is read."""
    from . import lookup
    from .errors import RequestError

    if sector is not None:
        sector = lookup.sector(ds, sector)
    problems: list[Problem] = []
    firms: dict[str, dict[str, Any]] = {}
    existing: dict[str, dict[str, Any]] = {}
    defaults: dict[str, int] = {}
    columns: dict[str, int] = {}
    count = 0

    def bad(n: int, column: str, message: str) -> None:
        problems.append(Problem(file, n, columns.get(column, 1), column, message))

    def took(what: str) -> None:
        defaults[what] = defaults.get(what, 0) + 1

    for n, row in rows:
        count += 1
        columns = getattr(row, "columns", columns)
        _check_cells(row, n, bad)
        name = row.get("name", "")
        if not name:
            bad(n, "name", "the firm's name is empty")
            continue
        ctry = (row.get("country") or country or "").upper()
        if ctry not in ("KR", "JP"):
            bad(n, "country", f"country must be KR or JP (or give --country), got {ctry!r}")
            continue
        sid = row.get("sector") or sector or ""
        if not sid:
            bad(n, "sector", "no sector: give a sector column or --sector")
            continue
        try:
            sid = lookup.sector(ds, sid)
        except RequestError as exc:
            bad(n, "sector", str(exc))
            continue
        sec = ds.sectors[sid]
        levels = _levels(row, n, bad, took)
        if levels is None or not _years(row, n, bad):
            continue
        products = _products(sec, row, n, bad)
        if not products:
            continue
        limits = _limits(sec, row, products, n, bad)
        if limits is None:
            continue
        pid = row.get("id") or _known(ds, name) or slug(name) or name_id(name)
        if pid in ds.players:
            known = ds.players[pid]
            if known.name.casefold() != name.casefold() and not row.get("id"):
                bad(n, "id", f"id {pid!r} is already {known.name!r} in the dataset; give an id")
                continue
            if known.country != ctry:
                bad(n, "country", f"{pid!r} is a {known.country} firm in the dataset")
                continue
            firm = existing.setdefault(pid, {"id": pid, "country": ctry, "strengths": []})
            firm["taken"] = {(st.sector, st.stage) for st in known.strengths}
        else:
            firm = firms.setdefault(pid, _firm(pid, name, ctry, row, took))
            firm.setdefault(_ROW, n)
            if firm["name"].casefold() != name.casefold():  # two firms, one id: not merged
                given = "id" if row.get("id") else "name"
                how = "" if row.get("id") else " (the id made from its name)"
                bad(
                    n,
                    given,
                    f"id {pid!r}{how} is already {firm['name']!r} (row {firm[_ROW]}); "
                    "give each firm its own id",
                )
                continue
        if firm["country"] != ctry:
            bad(n, "country", f"{pid!r} was {firm['country']} on an earlier row")
            continue
        clash = _add_strengths(firm, sec, products, levels, row, n, file, year, took, limits)
        if clash:
            bad(n, "level" if clash[0] == _LEVEL else "products", clash[1])
    if not count and not problems:  # a header alone: nothing to import, nothing written
        problems.append(
            Problem(file, 2, 1, "", "no data rows under the header row; nothing was imported")
        )
    if cells:  # cells the reader could not take, in row order with the rows' problems
        # (a problem at such a cell is its follow-on: the cell read as empty)
        taken = {(p.line, p.col) for p in cells}
        problems = [p for p in problems if (p.line, p.col) not in taken]
        problems = sorted([*cells, *problems], key=lambda p: (p.line, p.col))
    if problems:
        raise DataError(problems)
    origins: dict[str, int] = {}
    for i, firm in enumerate(firms.values()):
        origins[f"players[{i}]"] = firm.pop(_ROW)
        firm.pop(_GIVEN, None)
        for j, n in enumerate(firm.pop(_ROWS, [])):
            origins[f"players[{i}].strengths[{j}]"] = n
    extra: list[dict[str, Any]] = []
    for pid, firm in existing.items():
        for s, n in zip(firm["strengths"], firm.get(_ROWS, []), strict=True):
            origins[f"strengths[{len(extra)}]"] = n
            extra.append({"player": pid, **s})
    return Imported(
        players=list(firms.values()),
        rows=count,
        defaults=defaults,
        strengths=extra,
        origins=origins,
        columns=columns,
    )


_ROW, _ROWS = "\0row", "\0rows"  # a firm's first row and its strengths' rows, while importing
_GIVEN = "\0given"  # (sector, product) → (level as given, 0 = none; its row), while importing
_LEVEL, _TAKEN = "level", "taken"  # what `_add_strengths` refused


_ONE_LINE = frozenset({"name", "native_name", "aliases"})  # players' one-line fields


def _check_cells(row: dict[str, str], n: int, bad: Any) -> None:
    """A cell holding a control, bidi or zero-width character is reported at the cell,
    as a data file's would be (the firm cannot be written with it), and so is a line
    break or tab in a name (a name fills one table cell): all in one pass."""
    from .validation import unsafe_text

    for column, text in row.items():
        if text.isprintable():
            continue
        if why := unsafe_text(text):
            bad(n, column, why)
        elif column in _ONE_LINE and not re.fullmatch(m.LINE_PATTERN, text):
            bad(n, column, f"must be one line of text (no line break or tab), got {text!r}")


# a field of a written player or strength → the sheet's column it came from, and the
# column it falls back to where the sheet has none (a native name defaults to the name)
_SHEET_FIELDS = {
    "name": ("name", "name"),
    "native_name": ("native_name", "name"),
    "aliases": ("aliases", "name"),
    "id": ("id", "name"),
    "country": ("country", "country"),
    "sector": ("sector", "sector"),
    "stage": ("products", "hs_codes"),
    "products": ("products", "hs_codes"),
    "level": ("level", "level"),
    "tags": ("level", "level"),
    "note": ("note", "note"),
    "as_of": ("as_of", "year"),
    "year": ("year", "as_of"),
    "url": ("url", "publisher"),
    "publisher": ("publisher", "url"),
    "title": ("publisher", "url"),
    "captive": ("captive", "products"),
    "home_market": ("home_market", "products"),
}
_PART = re.compile(r"\[\d+\]|[^.\[]+")


def locate(imported: Imported, problems: list[Problem], written: str, sheet: str) -> list[Problem]:
    """Problems the dataset check found in the players file an import wrote, moved to the
    sheet's row and cell they came from (the written file is removed after a failure,
    and the user edits the sheet, not the file); others are left as they are."""
    out: list[Problem] = []
    for p in problems:
        if p.file != written:
            out.append(p)
            continue
        parts = _PART.findall(p.path)
        for k in range(len(parts), 0, -1):
            key = "".join(f".{x}" if x[0] != "[" else x for x in parts[:k]).lstrip(".")
            if key in imported.origins:
                break
        else:
            out.append(Problem(sheet, 0, 0, "", f"{p.path}: {p.message}" if p.path else p.message))
            continue
        names = [x for x in parts[k:] if x[0] != "["]
        leaf = names[-1] if names else "name"
        own, fallback = _SHEET_FIELDS.get(leaf, (leaf, "name"))
        column = own if own in imported.columns else fallback
        col = imported.columns.get(column, 1)
        out.append(Problem(sheet, imported.origins[key], col, leaf, p.message))
    return out


def _known(ds: m.Dataset, name: str) -> str:
    """The id of a dataset player with this name, native name or alias, if exactly one."""
    wanted = unicodedata.normalize("NFC", name).casefold()
    found = [
        p.id
        for p in ds.players.values()
        if wanted in {n.casefold() for n in (p.name, p.native_name, *p.aliases)}
    ]
    return found[0] if len(found) == 1 else ""


def _levels(row: dict[str, str], n: int, bad: Any, took: Any) -> int | None:
    raw = row.get("level", "")
    if not raw:
        took(f"level {UNRATED_LEVEL}, tagged '{UNRATED_TAG}' (no level given)")
        return 0
    if raw.isdigit() and 1 <= int(raw) <= 5:
        return int(raw)
    bad(n, "level", f"level must be a whole number from 1 to 5 (or empty: unrated), got {raw!r}")
    return None


def _years(row: dict[str, str], n: int, bad: Any) -> bool:
    ok = True
    for column in ("year", "as_of"):
        raw = row.get(column, "")
        if raw and not (raw.isdecimal() and 1900 <= int(raw) <= 2100):
            bad(n, column, f"must be a year from 1900 to 2100 (or empty), got {raw!r}")
            ok = False
    return ok


def _names(cell: str, index: Mapping[str, str]) -> list[str]:
    """A products cell's items: split on `;` and commas, but a run of comma-separated
    parts that together make a product's name ("Cobalt sulphate, oxides and hydroxides",
    as `chain` prints it) stays one item, the longest such run first."""
    out: list[str] = []
    for group in _SEMICOLON.split(cell):
        parts = [x for x in _SPLIT.split(group) if x]
        i = 0
        while i < len(parts):
            for j in range(len(parts), i, -1):
                joined = ", ".join(parts[i:j])
                if j == i + 1 or joined.casefold() in index:
                    out.append(joined)
                    i = j
                    break
    return out


def _products(sec: m.Sector, row: dict[str, str], n: int, bad: Any) -> list[str]:
    index = _product_index(sec)
    found: list[str] = []
    for item in _names(row.get("products", ""), index):
        pid = index.get(item.casefold())
        if pid is None:
            # by any name (en, ko, ja) or id, so a Korean or Japanese name gets one too
            named = nearest(item.casefold(), list(index), n=6)
            close = list(dict.fromkeys(index[x] for x in named))[:3]
            hint = f"; nearest: {', '.join(close)}" if close else ""
            bad(n, "products", f"no product {item!r} in {sec.id}{hint}")
            return []
        found.append(pid)
    for code in (x for x in _SPLIT.split(row.get("hs_codes", "")) if x):
        matched = [p.id for st in sec.stages for p in st.products if hs_overlap([code], p.hs_codes)]
        if not matched:
            bad(n, "hs_codes", f"HS code {code!r} matches no product in {sec.id}")
            return []
        found += matched
    if not found:
        bad(n, "products", "name the firm's products (ids or names) or its HS codes")
    return list(dict.fromkeys(found))


def _limits(
    sec: m.Sector, row: dict[str, str], products: list[str], n: int, bad: Any
) -> dict[str, list[str]] | None:
    """The row's `captive` and `home_market` products (ids or names, as in `products`),
    each one of the row's own products and named under one of the two, or None when
    one is not (reported)."""
    index = _product_index(sec)
    out: dict[str, list[str]] = {}
    ok = True
    for key, what in (("captive", "captive"), ("home_market", "home-market")):
        for item in _names(row.get(key, ""), index):
            pid = index.get(item.casefold())
            if pid not in products:
                bad(n, key, f"{what} product {item!r} is not among this row's products "
                            f"({', '.join(products)})")  # fmt: skip
                ok = False
            elif pid not in out.setdefault(key, []):
                out[key].append(pid)
    both = sorted(set(out.get("captive", ())) & set(out.get("home_market", ())))
    if both:
        bad(n, "home_market", f"{', '.join(both)} is also captive, which already means no "
                              "outside sales; name it under one of the two")  # fmt: skip
        ok = False
    return out if ok else None


def _firm(pid: str, name: str, country: str, row: dict[str, str], took: Any) -> dict[str, Any]:
    native = row.get("native_name", "")
    if not native:
        took("native name = name (none given)")
    aliases = [a for a in _SPLIT.split(row.get("aliases", "")) if a]
    return {
        "id": pid,
        "name": name,
        "native_name": native or name,
        "aliases": aliases,
        "country": country,
        "kind": "company",
        "strengths": [],
    }


def _add_strengths(
    firm: dict[str, Any],
    sec: m.Sector,
    products: list[str],
    level: int,
    row: dict[str, str],
    n: int,
    file: str,
    year: int,
    took: Any,
    limits: Mapping[str, list[str]],
) -> tuple[str, str] | None:
    """Add the row's products to the firm's strengths (with the `captive` and
    `home_market` ones among them marked). Refused, as (what, message): a
    stage the dataset already rates for an existing firm, or a product an earlier row
    gave another level (the row is not merged: one of the two is wrong)."""
    from .errors import printable

    # the file's name in written text (a title, a note): escaped, as a name with a
    # control character would otherwise be refused at a column the sheet does not have
    shown = printable(Path(file).name)
    where = sec.products()
    rated = level or UNRATED_LEVEL
    note = row.get("note", "")
    if not note:
        took("a note naming the file and row (none given)")
    as_of = int(row["as_of"]) if row.get("as_of", "").isdigit() else None
    src_year = int(row["year"]) if row.get("year", "").isdigit() else None
    if as_of is None and src_year is None:  # a source's year is the row's own as_of
        took("as_of and source year = --year, or this year (no year or as_of given)")
    source: dict[str, Any] = {"year": src_year or as_of or year}
    if row.get("publisher") or row.get("url"):
        source["publisher"] = row.get("publisher") or "Source given in the imported file"
        if row.get("url"):
            source["url"] = row["url"]
    else:
        took("source = the imported file itself (no source given)")
        source["title"] = f"{shown}, row {n} (user's spreadsheet; no source given)"
    by_stage: dict[str, list[str]] = {}
    for pid in products:
        by_stage.setdefault(where[pid][0].id, []).append(pid)
    for stage in by_stage:
        if (sec.id, stage) in firm.get("taken", ()):
            return (
                _TAKEN,
                f"{firm['id']!r} already has a strength at {sec.id}/{stage} in the dataset; "
                "to add a product there, name it in that strength's `products` in the "
                "players file (import adds strengths at stages where a firm has none)",
            )
    given = firm.setdefault(_GIVEN, {})
    for pid in products:
        earlier, at = given.get((sec.id, pid), (level, n))
        if earlier != level:
            return _LEVEL, (
                f"{firm['id']!r} has {pid} at {_said(level)} here but {_said(earlier)} on row "
                f"{at}; give one level"
            )
    for pid in products:
        given.setdefault((sec.id, pid), (level, n))
    current = {(s["sector"], s["stage"]): s for s in firm["strengths"]}
    for stage, pids in by_stage.items():
        entry = current.get((sec.id, stage))
        if entry is None:
            label = f"Level {rated}" if level else f"Level unrated (counted as {rated})"
            entry = {
                "sector": sec.id,
                "stage": stage,
                "level": rated,
                "products": {},
                "tags": [] if level else [UNRATED_TAG],
                "note": f"{label}: {note or f'imported from {shown} row {n}'}",
                "as_of": as_of or src_year or year,
                "sources": [source],
            }
            firm["strengths"].append(entry)
            firm.setdefault(_ROWS, []).append(n)
        for pid in pids:
            entry["products"][pid] = max(entry["products"].get(pid, 0), rated)
            for key, named in limits.items():
                if pid in named and pid not in entry.setdefault(key, []):
                    entry[key].append(pid)
        entry["level"] = max(entry["level"], rated)
    return None


def _said(level: int) -> str:
    return f"level {level}" if level else "no level (unrated)"

"""A BACI year aggregated out of core by DuckDB (`pip install 'kjmatch[trade]'`).

One scan of the file groups every row by year, exporter, importer (kept only when it
is Korea or Japan) and product (kept only when its heading is one the dataset names):
a few hundred thousand groups from eleven million rows, in one hash aggregate. Every
row counts in its exporter's total. When DuckDB refuses a row, the streaming reader
in files.py reads the file again to name the line and column that did not fit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kjmatch.errors import DataError

from .files import (
    MAX_VALUE,
    PAIR_CODES,
    Flows,
    Header,
    Keep,
    Misfits,
    collecting,
    problem,
    read_baci,
)

Progress = Callable[[str, int, int], None]


def available() -> bool:
    try:
        import duckdb  # noqa: F401
    except ImportError:
        return False
    return True


def baci_query(path: Path, headings: list[str], delim: str = ",", year: int | None = None) -> str:
    """The one aggregate over a BACI file (the benchmark runs a bare query beside it).

    `k` is read as a number: the fastest check that it is all digits, and the leading
    zero that "010121" has and "10121" lost comes back when it is written as 6 digits.
    A code below 010000 (chapter 00) or above 999999 is counted as bad."""
    assert all(h.isdigit() for h in headings)
    name = str(path).replace("'", "''")
    pair = ", ".join(str(c) for c in PAIR_CODES)
    # the headings as a bit string indexed by heading: one lookup per row, as cheap as
    # the bare query's filter (an IN list of 200 headings costs a third more)
    bits = ["0"] * 10000
    for h in headings:
        bits[int(h)] = "1"
    heads = "".join(bits)
    other_year = f" OR t <> {int(year)}" if year is not None else ""  # the name's year
    return f"""
        SELECT t, i, CASE WHEN j IN ({pair}) THEN j END AS jb,
               CASE WHEN k BETWEEN 10000 AND 999999
                         AND get_bit('{heads}'::BITSTRING, k // 100) = 1 THEN k END AS kb,
               sum(v) * 1000 AS v,
               count(*) AS n,
               count(*) FILTER (WHERE t IS NULL OR i IS NULL OR j IS NULL OR k IS NULL
                                OR v IS NULL OR k < 10000 OR k > 999999
                                OR v < 0 OR isnan(v) OR isinf(v) OR v > {MAX_VALUE:.0f}
                                OR q < 0 OR q > {MAX_VALUE:.0f}
                                OR t < 1900 OR t > 2100 OR i < 0 OR j < 0
                                OR i > 999 OR j > 999{other_year}) AS bad
        FROM read_csv('{name}', header = true, delim = '{delim}', quote = '"',
                      auto_detect = false, nullstr = ['', 'NA'],
                      columns = {{'t': 'INTEGER', 'i': 'INTEGER', 'j': 'INTEGER',
                                  'k': 'INTEGER', 'v': 'DOUBLE', 'q': 'DOUBLE'}})
        GROUP BY ALL
    """


def connect() -> Any:
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = true")
    con.execute("SET enable_progress_bar_print = false")
    con.execute("SET preserve_insertion_order = false")
    return con


def run(con: Any, sql: str, label: str, progress: Progress | None) -> list[tuple[Any, ...]]:
    """Run a query, reporting DuckDB's own progress while it works."""
    result: dict[str, Any] = {}

    def work() -> None:
        try:
            result["rows"] = con.execute(sql).fetchall()
        except Exception as exc:  # handed to the caller's thread
            result["error"] = exc

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.2)
        if progress is not None and worker.is_alive():
            done = con.query_progress()
            if done >= 0:
                progress(label, int(done), 100)
    if "error" in result:
        raise result["error"]
    if progress is not None:
        progress(label, 100, 100)
    rows: list[tuple[Any, ...]] = result["rows"]
    return rows


def read_baci_duckdb(
    path: Path,
    header: Header,
    headings: list[str],
    keep: Keep,
    flows: Flows,
    progress: Progress | None = None,
    misfits: Misfits | None = None,
) -> None:
    """Aggregate a BACI file into `flows` with DuckDB; a file with misfits adds nothing
    to `flows`, and every misfit is located (as `read_baci` does)."""
    with collecting(misfits) as found:
        _aggregate(path, header, headings, keep, flows, progress, found)


def _aggregate(
    path: Path,
    header: Header,
    headings: list[str],
    keep: Keep,
    flows: Flows,
    progress: Progress | None,
    misfits: Misfits,
) -> None:
    con = connect()
    try:
        rows = run(
            con,
            baci_query(path, headings, header.delim, header.year),
            f"Reading {path.name}",
            progress,
        )
    except Exception as exc:
        _locate(path, header, keep, exc, misfits)
        return
    finally:
        con.close()
    if any(r[6] for r in rows):
        _locate(path, header, keep, None, misfits)
        return
    for t, i, jb, kb, v, n, _ in rows:
        flows.rows += n
        k = None if kb is None else f"{kb:06d}"
        flows.add(t, i, jb if jb is not None else -1, k if k and keep(k) else None, v)


def _locate(
    path: Path, header: Header, keep: Keep, exc: Exception | None, misfits: Misfits
) -> None:
    """Read the file again, row by row, to name every line and column that did not fit;
    DuckDB's own words only if the streaming reader found nothing wrong."""
    before = len(misfits)
    read_baci(path, header, keep, Flows(), misfits)
    if len(misfits) > before:
        return
    first = str(exc).splitlines()[0] if exc else "a value out of range"
    line = 0
    if exc is not None and "Line:" in str(exc):
        tail = str(exc).split("Line:", 1)[1].strip().split()[0]
        line = int(tail) if tail.isdigit() else 0
    raise problem(path, line, 1 if line else 0, f"DuckDB could not read the file: {first}")


__all__ = ["DataError", "available", "baci_query", "read_baci_duckdb"]

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

from .files import PAIR_CODES, Flows, Header, Keep, problem, read_baci

Progress = Callable[[str, int, int], None]


def available() -> bool:
    try:
        import duckdb  # noqa: F401
    except ImportError:
        return False
    return True


def _literal(items: list[str]) -> str:
    return "[" + ", ".join(f"'{x}'" for x in items) + "]"  # digits only: checked by caller


def baci_query(path: Path, headings: list[str], delim: str = ",") -> str:
    """The one aggregate over a BACI file (also run bare by the benchmark)."""
    assert all(h.isdigit() for h in headings)
    name = str(path).replace("'", "''")
    pair = ", ".join(str(c) for c in PAIR_CODES)
    # a 5-digit k lost its leading zero; anything else that is not 6 digits is counted
    k = "CASE WHEN length(k) = 5 THEN '0' || k ELSE k END"
    return f"""
        SELECT t, i, CASE WHEN j IN ({pair}) THEN j END AS jb,
               CASE WHEN list_contains({_literal(headings)}, substr({k}, 1, 4))
                    THEN {k} END AS kb,
               sum(v) * 1000 AS v,
               count(*) AS n,
               count(*) FILTER (WHERE t IS NULL OR i IS NULL OR j IS NULL OR k IS NULL
                                OR v IS NULL OR length(k) NOT IN (5, 6)
                                OR NOT regexp_full_match(k, '[0-9]+')
                                OR v < 0 OR isnan(v) OR isinf(v)
                                OR t < 1900 OR t > 2100 OR i < 0 OR j < 0
                                OR i > 999 OR j > 999) AS bad
        FROM read_csv('{name}', header = true, delim = '{delim}', quote = '"',
                      auto_detect = false, nullstr = ['', 'NA'],
                      columns = {{'t': 'INTEGER', 'i': 'INTEGER', 'j': 'INTEGER',
                                  'k': 'VARCHAR', 'v': 'DOUBLE', 'q': 'DOUBLE'}})
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
) -> None:
    """Aggregate a BACI file into `flows` with DuckDB; a located error for any misfit."""
    con = connect()
    try:
        rows = run(con, baci_query(path, headings, header.delim), f"Reading {path.name}", progress)
    except Exception as exc:
        _locate(path, header, keep, exc)
        raise  # unreachable: _locate always raises
    finally:
        con.close()
    if any(r[6] for r in rows):
        _locate(path, header, keep, None)
    for t, i, jb, kb, v, n, _ in rows:
        flows.rows += n
        flows.add(t, i, jb if jb is not None else -1, kb if kb and keep(kb) else None, v)


def _locate(path: Path, header: Header, keep: Keep, exc: Exception | None) -> None:
    """Read the file again, row by row, to name the line and column that did not fit."""
    read_baci(path, header, keep, Flows())
    first = str(exc).splitlines()[0] if exc else "a value out of range"
    line = 0
    if exc is not None and "Line:" in str(exc):
        tail = str(exc).split("Line:", 1)[1].strip().split()[0]
        line = int(tail) if tail.isdigit() else 0
    raise problem(path, line, 1 if line else 0, f"DuckDB could not read the file: {first}")


__all__ = ["DataError", "available", "baci_query", "read_baci_duckdb"]

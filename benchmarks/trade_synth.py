"""Synthetic trade files in BACI's layout: the README example and the benchmark year.

Every number here is made up (seeded pseudo-random values); the files say SYNTHETIC
in their names, and kjmatch cites them as "SYNTHETIC, not real trade data".

    python benchmarks/trade_synth.py example data/examples/trade     # the shipped example
    python benchmarks/trade_synth.py big /tmp/BACI.csv --rows 11000000  # the benchmark year
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

# (code, name, iso2, iso3): real BACI numeric codes; 490 is left out of the list on
# purpose, as a code a country list may miss
COUNTRIES = [
    (156, "China", "CN", "CHN"),
    (251, "France", "FR", "FRA"),
    (276, "Germany", "DE", "DEU"),
    (392, "Japan", "JP", "JPN"),
    (410, "Rep. of Korea", "KR", "KOR"),
    (458, "Malaysia", "MY", "MYS"),
    (528, "Netherlands", "NL", "NLD"),
    (704, "Viet Nam", "VN", "VNM"),
    (842, "USA", "US", "USA"),
    (36, "Australia", "AU", "AUS"),
    (152, "Chile", "CL", "CHL"),
]
UNLISTED = 490


def dataset_hs6() -> list[str]:
    """An HS6 line for every code the bundled dataset names (a heading gets two)."""
    from kjmatch.loader import load_dataset

    ds = load_dataset(None, use_cache=False)
    out = set()
    for sec in ds.sectors.values():
        for st in sec.stages:
            for p in st.products:
                for c in p.hs_codes:
                    d = c.replace(".", "")
                    out |= {d[:6]} if len(d) >= 6 else {d + "10", d + "90"}
    return sorted(out)


def example(folder: Path, years: tuple[int, ...] = (2022, 2023), seed: int = 7) -> list[Path]:
    rnd = random.Random(seed)
    codes = dataset_hs6() + [
        f"{rnd.randrange(1, 9700):04d}{rnd.randrange(0, 100):02d}" for _ in range(20)
    ]
    codes = sorted(set(codes))
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for year in years:
        path = folder / f"SYNTHETIC_BACI_HS22_Y{year}_V000000.csv"
        lines = ["t,i,j,k,v,q"]
        for k in codes:
            for i, *_ in [*COUNTRIES, (UNLISTED,)]:
                for j, *_ in COUNTRIES:
                    if i == j or rnd.random() < 0.7:
                        continue
                    v = round(rnd.lognormvariate(6, 1.6) * (1.15 if year > years[0] else 1), 3)
                    q = "" if rnd.random() < 0.1 else f"{v / rnd.uniform(2, 40):.3f}"
                    lines.append(f"{year},{i},{j},{k},{v},{q}")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        written.append(path)
    codes_file = folder / "country_codes_V000000.csv"
    codes_file.write_text(
        "country_code,country_name,country_iso2,country_iso3\n"
        + "".join(f"{c},{n},{a2},{a3}\n" for c, n, a2, a3 in COUNTRIES),
        encoding="utf-8",
    )
    return [*written, codes_file]


def big(path: Path, rows: int, year: int = 2022) -> None:
    """A BACI-shaped year of `rows` rows, written by DuckDB in a few seconds: about 220
    countries and 5,000 HS6 lines (the dataset's among them), values in thousands of
    US$, one quantity in five blank."""
    import duckdb

    own = ", ".join(f"'{k}'" for k in dataset_hs6())
    con = duckdb.connect()
    con.execute(
        f"""
        COPY (
          WITH codes AS (
            SELECT row_number() OVER () - 1 AS n, k FROM (
              SELECT unnest([{own}]) AS k
              UNION
              SELECT lpad(CAST(10000 + range * 17 AS VARCHAR), 6, '0') FROM range(5000)
            )
          ), base AS (
            SELECT range AS h, (SELECT count(*) FROM codes) AS nk FROM range({rows})
          )
          SELECT {year} AS t,
                 CASE WHEN h % 220 = 0 THEN 392 WHEN h % 220 = 1 THEN 410 ELSE (h % 220) * 4 END AS i,
                 CASE WHEN (h // 220) % 215 = 7 THEN 410 WHEN (h // 220) % 215 = 9 THEN 392
                      ELSE ((h // 220) % 215) * 4 + 2 END AS j,
                 codes.k,
                 round(((h * 2654435761) % 1000003) / 97.0, 3) AS v,
                 CASE WHEN h % 5 = 0 THEN NULL ELSE round((h % 997) / 10.0, 3) END AS q
          FROM base JOIN codes ON codes.n = (h * 7919) % base.nk
        ) TO '{path}' (HEADER, DELIMITER ',')
        """
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["example", "big"])
    ap.add_argument("path", type=Path)
    ap.add_argument("--rows", type=int, default=11_000_000)
    a = ap.parse_args()
    if a.what == "example":
        for p in example(a.path):
            print(p)
    else:
        big(a.path, a.rows)
        print(a.path)


if __name__ == "__main__":
    main()

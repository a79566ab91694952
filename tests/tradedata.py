"""Small trade files for the tests, in BACI's and UN Comtrade's real layouts."""

from __future__ import annotations

import random
from pathlib import Path

# values in thousands of US$ (BACI); see test_figures.py for the hand-computed figures
BACI_ROWS = """t,i,j,k,v,q
2022,392,410,392020,600,1.5
2022,156,410,392020,300,
2022,842,410,392020,100,NA
2022,410,392,392020,50,
2022,156,392,392020,150,
2022,410,156,392020,200,
2022,392,156,760720,400,
2022,410,392,281820,10,
2022,4,156,010121,1000,
2022,490,410,392020,0.5,
"""
COUNTRIES = """country_code,country_name,country_iso2,country_iso3
4,Afghanistan,AF,AFG
156,China,CN,CHN
392,Japan,JP,JPN
410,Rep. of Korea,KR,KOR
842,USA,US,USA
"""
COMTRADE_HEAD = (
    "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,"
    "reporterDesc,flowCode,flowDesc,partnerCode,partnerISO,partnerDesc,partner2Code,"
    "classificationCode,cmdCode,cmdDesc,customsCode,motCode,primaryValue"
)


def comtrade_row(
    reporter: int, iso: str, flow: str, partner: int, piso: str, cmd: str, value: str,
    partner2: int = 0, customs: str = "C00", year: int = 2022,
) -> str:  # fmt: skip
    return (
        f"C,A,{year}0101,{year},52,{year},{reporter},{iso},x,{flow},x,{partner},{piso},x,"
        f"{partner2},H6,{cmd},x,{customs},0,{value}"
    )


def comtrade_text() -> str:
    rows = [
        COMTRADE_HEAD,
        comtrade_row(410, "KOR", "M", 0, "W00", "392020", "1000"),
        comtrade_row(410, "KOR", "M", 392, "JPN", "392020", "600"),
        comtrade_row(410, "KOR", "M", 156, "CHN", "392020", "300"),
        comtrade_row(410, "KOR", "M", 392, "JPN", "392020", "55", customs="C01"),  # breakdown
        comtrade_row(410, "KOR", "M", 392, "JPN", "392020", "77", partner2=392),  # breakdown
        comtrade_row(392, "JPN", "M", 410, "KOR", "392020", "50"),
        comtrade_row(392, "JPN", "M", 156, "CHN", "392020", "150"),
        comtrade_row(392, "JPN", "RM", 156, "CHN", "392020", "999"),  # re-imports: left out
        comtrade_row(410, "KOR", "X", 0, "W00", "TOTAL", "260"),
        comtrade_row(410, "KOR", "X", 0, "W00", "392020", "250"),
        comtrade_row(392, "JPN", "X", 0, "W00", "TOTAL", "1000"),
        comtrade_row(392, "JPN", "X", 0, "W00", "392020", "600"),
        comtrade_row(156, "CHN", "X", 0, "W00", "TOTAL", "5000"),
        comtrade_row(156, "CHN", "X", 0, "W00", "392020", "550.5"),
    ]
    return "\n".join(rows) + "\n"


def write_baci(
    folder: Path, rows: str = BACI_ROWS, name: str = "BACI_HS22_Y2022_V202401.csv"
) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(rows, encoding="utf-8")
    (folder / "country_codes_V202401.csv").write_text(COUNTRIES, encoding="utf-8")
    return [folder / name, folder / "country_codes_V202401.csv"]


def random_exports(
    seed: int = 3, countries: int = 12, products: int = 15
) -> list[tuple[int, str, float]]:
    """(exporter, hs6, value) for the RCA cross-check against ecomplexity."""
    rnd = random.Random(seed)
    out = []
    for c in range(1, countries + 1):
        for p in range(products):
            if rnd.random() < 0.75:
                out.append((c * 4, f"{100100 + p * 10:06d}", round(rnd.lognormvariate(5, 1.5), 3)))
    return out

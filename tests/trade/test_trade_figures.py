"""Shares, RCA and Michaely on small files with hand-computed answers, both engines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kjmatch.model import Dataset
from kjmatch.trade import figures
from kjmatch.trade.facts import Result, import_files
from kjmatch.trade.files import JP, KR, Flows
from tradedata import comtrade_text, random_exports, write_baci

ENGINES = ["python", "duckdb"]


def basket(result: Result, key: str) -> dict[str, Any]:
    return next(b for b in result.baskets if b["key"] == key)


def share(b: dict[str, Any], importer: str, partner: str, year: int = 2022) -> float:
    row = next(r for r in b["imports"] if r["importer"] == importer and r["year"] == year)
    return float(next(p["share"] for p in row["partners"] if p["partner"] == partner))


@pytest.mark.parametrize("engine", ENGINES)
def test_baci_shares_rca_and_michaely_by_hand(
    tmp_path: Path, bundled: Dataset, engine: str
) -> None:
    result = import_files(bundled, write_baci(tmp_path), engine=engine)
    assert result.rows == 10 and result.years == [2022]
    sep = basket(result, "3920.20")
    # Korea imports 392020 for 600 + 300 + 100 + 0.5 (code 490, not in the list)
    assert share(sep, "KR", "JP") == round(600 / 1000.5, 4)
    assert share(sep, "KR", "CN") == round(300 / 1000.5, 4)
    assert share(sep, "KR", "US") == round(100 / 1000.5, 4)
    assert share(sep, "JP", "KR") == 0.25 and share(sep, "JP", "CN") == 0.75
    kr_row = next(r for r in sep["imports"] if r["importer"] == "KR")
    assert kr_row["total_usd"] == 1000.5 * 1000  # thousands of US$ → US$
    # RCA: KR exports 250 of 392020 out of 260; the world 1400.5 out of 2810.5
    world = 1400.5 / 2810.5
    assert sep["rca"] == [
        {"year": 2022, "KR": round((250 / 260) / world, 4), "JP": round((600 / 1000) / world, 4)}
    ]
    # Michaely over the batteries basket: KR exports only 392020, JP imports only 392020
    # → 100; JP exports 392020 (0.6) and 760720 (0.4), KR imports only 392020 → 60
    bat = basket(result, "batteries")
    assert bat["michaely"] == [{"year": 2022, "kr_to_jp": 100.0, "jp_to_kr": 60.0}]
    assert any("490" in w for w in result.warnings)


@pytest.mark.parametrize("engine", ENGINES)
def test_facts_name_products_codes_year_and_the_hashed_file(
    tmp_path: Path, bundled: Dataset, engine: str
) -> None:
    files = write_baci(tmp_path)
    result = import_files(bundled, files, engine=engine)
    sited = {(s["sector"], s["stage"]): s["import_shares"] for s in result.facts["facts"]}
    shares = sited[("batteries", "cell-materials")]
    kr_jp = [
        x
        for x in shares
        if x["importer"] == "KR" and x["partner"] == "JP" and "3920.20" in x["hs_codes"]
    ]
    assert kr_jp and all(x["computed"] and x["year"] == 2022 for x in kr_jp)
    import hashlib

    digest = hashlib.sha256(files[0].read_bytes()).hexdigest()
    src = kr_jp[0]["source"]
    assert src["title"] == files[0].name and src["sha256"] == digest
    assert "HS22" in src["publisher"] and "V202401" in src["publisher"]
    # code 490 is not in the country list: never a fact
    assert all(x["partner"] != "490" for s in sited.values() for x in s)


def test_comtrade_export_reads_world_rows_and_skips_breakdowns(
    tmp_path: Path, bundled: Dataset
) -> None:
    path = tmp_path / "TradeData_2022.csv"
    path.write_text(comtrade_text(), encoding="utf-8")
    result = import_files(bundled, [path])
    sep = basket(result, "3920.20")
    assert share(sep, "KR", "JP") == 0.6  # 600 of the World row's 1000; breakdowns left out
    assert share(sep, "JP", "KR") == 0.25  # no World row: the partners' sum
    world = (250 + 600 + 550.5) / (260 + 1000 + 5000)
    assert sep["rca"][0]["KR"] == round((250 / 260) / world, 4)
    assert any("reporters in the file" in w for w in result.warnings)


def test_both_engines_agree_on_the_shipped_example(bundled: Dataset) -> None:
    folder = Path(__file__).resolve().parents[2] / "data" / "examples" / "trade"
    files = sorted(folder.glob("*.csv"))
    a = import_files(bundled, files, engine="python")
    b = import_files(bundled, files, engine="duckdb")
    assert a.rows == b.rows and a.baskets == b.baskets and a.facts == b.facts


def test_rca_equals_ecomplexity_on_the_same_data() -> None:
    """tests/trade/rca_reference.json was written by ecomplexity 0.5.3
    (benchmarks/make_rca_reference.py) from the same generated rows."""
    flows = Flows()
    for c, k, v in random_exports():
        flows.add(2022, c, -1, k, v)
    ix = figures.Index.build(flows)
    ref = json.loads(Path(__file__).with_name("rca_reference.json").read_text())
    assert len(ref) == 180
    for key, expected in ref.items():
        c, k = key.split(":")
        got = figures.rca(ix, [k], int(c), 2022)
        assert got == pytest.approx(expected, abs=1e-4), key


flows_st = st.lists(
    st.tuples(
        st.sampled_from([KR, JP, 156, 842]),
        st.sampled_from([KR, JP, 156, 842]),
        st.sampled_from(["392020", "760720", "010121"]),
        st.floats(min_value=0, max_value=1e9, allow_nan=False),
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(flows_st)
def test_shares_sum_to_at_most_one_and_indices_stay_in_range(
    rows: list[tuple[int, int, str, float]],
) -> None:
    flows = Flows()
    for e, m, k, v in rows:
        if e != m:
            flows.add(2022, e, m, k, v)
    ix = figures.Index.build(flows)
    lines = ["392020", "760720", "010121"]
    for importer in (KR, JP):
        total, partners = figures.imports(ix, lines, importer, 2022)
        if total > 0:
            shares = [v / total for v in partners.values()]
            assert all(0 <= s <= 1 + 1e-12 for s in shares)
            assert sum(shares) <= 1 + 1e-9
    for country in (KR, JP, 156, 842):
        for sub in (lines, lines[:1]):
            r = figures.rca(ix, sub, country, 2022)
            assert r is None or r >= 0
    for e, m in ((KR, JP), (JP, KR)):
        t = figures.michaely(ix, lines, e, m, 2022)
        assert t is None or 0 <= t <= 100

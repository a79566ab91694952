"""Writes tests/trade/rca_reference.json: RCA computed by the `ecomplexity` package (py-ecomplexity,
0.5.3) on the data of `tradedata.random_exports()`; test_figures.py checks kjmatch's
RCA against it. Needs `pip install ecomplexity` (not a test dependency).

    python benchmarks/make_rca_reference.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1] / "tests"
sys.path.insert(0, str(TESTS))

import pandas as pd  # noqa: E402
from ecomplexity import ecomplexity  # noqa: E402

from tradedata import random_exports  # noqa: E402


def main() -> None:
    rows = random_exports()
    df = pd.DataFrame([{"year": 2022, "loc": c, "prod": k, "val": v} for c, k, v in rows])
    out = ecomplexity(
        df, {"time": "year", "loc": "loc", "prod": "prod", "val": "val"}, verbose=False
    )
    ref = {f"{int(r['loc'])}:{r['prod']}": round(float(r.rca), 10) for _, r in out.iterrows()}
    path = TESTS / "trade" / "rca_reference.json"
    path.write_text(json.dumps(ref, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(path, len(ref))


if __name__ == "__main__":
    main()

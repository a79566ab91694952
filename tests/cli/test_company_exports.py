"""`show company -f markdown` carries what the table view shows; `-f csv` stays one row
per strength with the sources' addresses (round-2 audit, item 11)."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest

from clirun import jrun, run


def _ok(*args: str) -> str:
    code, out, err = run(*args)
    assert code == 0, err
    assert err == ""
    return out


def _esc(text: str) -> str:  # what Markdown output does to a URL's `&`: only an entity's
    return re.sub(r"&(?=#?[0-9A-Za-z]+;)", "&amp;", text)


def _urls(doc: dict[str, Any]) -> list[str]:
    return [
        *(src["url"] for s in doc["strengths"] for src in s["sources"] if src["url"]),
        *(src["url"] for r in doc["relationships"] for src in r["sources"] if src["url"]),
        *(o["source"]["url"] for o in doc["partner_country_operations"] if o["source"]["url"]),
    ]


@pytest.mark.parametrize(
    "firm", ["honda", "tokyo-ohka-kogyo", "dai-nippon-printing", "hyosung-advanced-materials"]
)
def test_markdown_has_every_source_address_and_curators_reason(firm: str) -> None:
    doc = jrun("show", "company", firm)
    md = _ok("show", "company", firm, "-f", "markdown")
    assert _urls(doc)
    for url in _urls(doc):
        assert _esc(url) in md, url
    lines = md.splitlines()
    reasons = [s["historical"] for s in doc["strengths"]]
    reasons += [r["historical"] for r in doc["relationships"]]
    for why in filter(None, reasons):
        assert any(line.lstrip().startswith(f"- historical: {why[:40]}") for line in lines)


def test_markdown_lists_the_firms_ties_with_their_sources() -> None:
    doc = jrun("show", "company", "honda")
    lges = [r for r in doc["relationships"] if r["korea"] == "lg-energy-solution"]
    assert len(lges) == 2
    md = _ok("show", "company", "honda", "-f", "markdown").splitlines()
    at = md.index("### Relationships")
    heads = [line for line in md[at:] if line.startswith("#### lg-energy-solution × honda")]
    assert len(heads) == 2
    assert any(line.startswith("- joint venture, active 2022: L-H Battery") for line in md[at:])
    assert any(line.startswith("- equity, ended 2024") for line in md[at:])
    # every strength has its heading, before the ties
    strengths = [line for line in md[:at] if line.startswith("#### ")]
    assert len(strengths) == len(doc["strengths"])


def test_markdown_has_the_operations_in_the_partner_country() -> None:
    doc = jrun("show", "company", "tokyo-ohka-kogyo")
    ops = doc["partner_country_operations"]
    assert ops
    md = _ok("show", "company", "tokyo-ohka-kogyo", "-f", "markdown").splitlines()
    at = md.index("### Operations in Korea")
    for o in ops:
        assert any(line.startswith(f"- {o['name']} — {o['location']}") for line in md[at:])


def test_csv_is_one_row_per_strength_with_the_source_addresses() -> None:
    doc = jrun("show", "company", "honda")
    rows = list(csv.DictReader(io.StringIO(_ok("show", "company", "honda", "-f", "csv"))))
    assert len(rows) == len(doc["strengths"])
    for row, s in zip(rows, doc["strengths"], strict=True):
        assert row["stage"] == s["stage"]
        assert row["source urls"].split(" ") == [x["url"] for x in s["sources"] if x["url"]]


def test_csv_names_each_products_level_and_what_a_firm_makes_for_itself() -> None:
    rows = list(csv.DictReader(io.StringIO(_ok("show", "company", "toyota", "-f", "csv"))))
    cells = {(r["sector"], r["stage"]): r["products"] for r in rows}
    assert cells[("hydrogen", "fuel-cell-components")] == (
        "vehicle-fuel-cell-stacks 5; hydrogen-tanks 4 (own use)"
    )
    listed = _ok("companies", "--sector", "hydrogen", "--country", "JP", "-f", "csv")
    toyota = [r for r in csv.DictReader(io.StringIO(listed)) if r["id"] == "toyota"]
    assert "hydrogen-tanks 4 (own use)" in {r["products"].split("; ")[-1] for r in toyota}


def test_a_product_sold_at_home_only_is_marked_in_every_format() -> None:
    # Mitsui E&S's MAN licence confines its engine sales to Japan; its MET turbochargers
    # go on its own engines
    rows = list(csv.DictReader(io.StringIO(_ok("show", "company", "mitsui-es", "-f", "csv"))))
    cells = {r["sector"]: r["products"] for r in rows}
    assert cells["shipbuilding"] == (
        "two-stroke-engines 4 (home market only); turbochargers 2 (own use)"
    )
    doc = jrun("show", "company", "mitsui-es")
    ships = next(s for s in doc["strengths"] if s["sector"] == "shipbuilding")
    flags = {p["id"]: (p["captive"], p["home_market"]) for p in ships["products"]}
    assert flags == {"two-stroke-engines": (False, True), "turbochargers": (True, False)}
    md = _ok("show", "company", "mitsui-es", "-f", "markdown")
    assert "sold in its home market only: Low-speed two-stroke main engines" in md
    chain = jrun("chain", "--sector", "shipbuilding")
    products = {p["id"]: p for st in chain["stages"] for p in st["products"]}
    assert "mitsui-es" in products["two-stroke-engines"]["home_market"]
    assert "mitsui-es" not in products["two-stroke-engines"]["captive"]
    assert "mitsui-es" in products["turbochargers"]["captive"]

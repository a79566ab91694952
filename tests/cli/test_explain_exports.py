"""`explain` to share: Markdown carries the reasons, evidence and sources of the table
view; CSV gives each link its own row values with `match`'s direction ids; sectors
come best first."""

from __future__ import annotations

import csv
import io

from clirun import jrun, run


def _ok(*args: str) -> str:
    code, out, err = run(*args)
    assert code == 0, err
    assert err == ""
    return out


def test_markdown_has_a_heading_per_sector_and_link_and_every_reason_and_source() -> None:
    args = ("explain", "sk-hynix", "namics")
    md = _ok(*args, "-f", "markdown")
    doc = jrun(*args)
    lines = md.splitlines()
    assert lines[0] == "## SK hynix (SK하이닉스) × Namics (ナミックス)"
    sectors = [x for x in lines if x.startswith("### ")]
    links = [x for x in lines if x.startswith("#### Link ")]
    assert len(sectors) == len(doc["sectors"])
    assert len(links) == sum(len(s["links"]) for s in doc["sectors"])
    best = doc["sectors"][0]
    assert sectors[0].startswith("### Semiconductors: rank ")
    assert sectors[0].endswith(f"score {best['score']:.2f}")
    bullets = {x[2:] for x in lines if x.startswith("- ")}
    for sec in doc["sectors"]:
        for link in sec["links"]:
            for reason in link["reasons"]:
                plain = reason.replace("&", "&amp;").replace("[", "\\[").replace("]", "\\]")
                assert plain in bullets
            for side in ("korea_strength", "japan_strength"):
                for src in link[side]["sources"]:
                    assert src["url"] in md
    assert "- \\[relationship\\] supply (active 2025): namics-sk-hynix-hbm-underfill" in md
    assert f"| **total** | | | **{best['score']:.2f}** |" in md


def test_markdown_escapes_what_it_prints() -> None:
    md = _ok("explain", "sk-hynix", "namics", "-f", "markdown")
    assert "<" not in md and "R&D" not in md  # & and < escaped, as in every Markdown table


def test_csv_rows_are_links_with_their_own_values_and_match_directions() -> None:
    text = _ok("explain", "lg-energy-solution", "toyota", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    doc = jrun("explain", "lg-energy-solution", "toyota")
    assert len(rows) == sum(len(s["links"]) for s in doc["sectors"])
    directions = {r["direction"] for r in rows}
    assert directions <= {"kr-to-jp", "jp-to-kr", "horizontal", "same-stage"}
    assert "JP→KR" not in text and "KR→JP" not in text
    batteries = [r for r in rows if r["sector"] == "batteries"]
    assert [r["link"] for r in batteries] == [str(n) for n in range(1, len(batteries) + 1)]
    # the pair's sector rank on its best link only: the other links rank nowhere
    assert batteries[0]["sector_rank"] == "1"
    assert all(r["sector_rank"] == "" for r in batteries[1:])
    assert len({r["score"] for r in batteries}) == len(batteries)
    sec = next(s for s in doc["sectors"] if s["sector"]["id"] == "batteries")
    for row, link in zip(batteries, sec["links"], strict=True):
        assert row["reasons"] == " | ".join(link["reasons"])
        assert row["score"] == f"{link['score']:.2f}"
        assert row["contribution_fit"] == f"{link['contributions']['fit']:.2f}"
        assert row["evidence"].count("[") >= len(link["evidence"])


def test_sectors_come_best_first() -> None:
    doc = jrun("explain", "lg-energy-solution", "toyota")
    keys = [(-s["score"], s["sector"]["name"]) for s in doc["sectors"]]
    assert keys == sorted(keys) and doc["sectors"][0]["sector"]["id"] == "batteries"
    out = _ok("explain", "lg-energy-solution", "toyota")
    assert out.index("Secondary batteries: rank 1") < out.index("Automobiles: rank")

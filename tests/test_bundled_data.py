"""The bundled dataset keeps its coverage: it cannot silently shrink."""

from __future__ import annotations

import dataclasses

import pytest

from kjmatch.model import Dataset, ExportControl, ImportShare
from kjmatch.scoring.ranking import match

SEED = ["semiconductors", "hydrogen", "ammonia", "batteries", "shipbuilding"]
LEADERS = {
    "semiconductors": [
        "samsung-electronics",
        "sk-hynix",
        "tokyo-electron",
        "shin-etsu-chemical",
        "sumco",
        "tokyo-ohka-kogyo",
        "jsr",
        "advantest",
        "disco",
    ],
    "batteries": [
        "lg-energy-solution",
        "samsung-sdi",
        "sk-on",
        "asahi-kasei",
        "toray",
        "kureha",
        "dai-nippon-printing",
        "toyota",
        "honda",
        "nissan",
    ],
    "hydrogen": [
        "hyundai-motor",
        "doosan-enerbility",
        "kawasaki-heavy",
        "iwatani",
        "toyota",
        "mitsubishi-heavy",
    ],
    "ammonia": ["kospo", "lotte-chemical", "jera", "ihi", "mitsubishi-corp", "mitsui-co", "mol"],
    "shipbuilding": [
        "hd-hyundai-heavy",
        "hanwha-ocean",
        "samsung-heavy",
        "imabari",
        "nippon-steel",
        "nyk",
        "mol",
        "mhi-marine-machinery",
    ],
    "automobiles": ["hyundai-motor", "kia", "hyundai-mobis", "toyota", "honda", "denso"],
}


@pytest.fixture
def ds(bundled: Dataset) -> Dataset:
    return bundled


def test_sectors_present(ds: Dataset) -> None:
    assert set(SEED) | {"automobiles"} <= set(ds.sectors)


@pytest.mark.parametrize("sector", [*SEED, "automobiles"])
def test_players_per_country(ds: Dataset, sector: str) -> None:
    need = 6 if sector == "automobiles" else 10
    assert len(ds.players_in(sector, "KR")) >= need
    assert len(ds.players_in(sector, "JP")) >= need


@pytest.mark.parametrize("sector", sorted(LEADERS))
def test_leading_firms_present(ds: Dataset, sector: str) -> None:
    present = {p.id for p in ds.players_in(sector)}
    assert set(LEADERS[sector]) <= present


@pytest.mark.parametrize("sector", [*SEED, "automobiles"])
def test_sector_shape(ds: Dataset, sector: str) -> None:
    s = ds.sectors[sector]
    assert 5 <= len(s.stages) <= 10
    assert all(st.name.ko and st.name.ja for st in s.stages)
    assert all(st.hs_codes for st in s.stages if st.kind not in ("service", "end_use"))
    assert any(st.inputs for st in s.stages)


def test_every_strength_is_sourced_and_dated(ds: Dataset) -> None:
    for p in ds.players.values():
        for s in p.strengths:
            assert s.sources and all(x.year for x in s.sources), p.id
            assert 2000 <= s.as_of <= 2026, p.id
            assert s.note.startswith(f"Level {s.level}"), (p.id, s.note[:20])


def test_both_sides_have_buyers_and_suppliers(ds: Dataset) -> None:
    kinds = {
        (p.country, ds.sectors[s.sector].stage(s.stage).kind)  # type: ignore[union-attr]
        for p in ds.players.values()
        for s in p.strengths
    }
    assert {
        ("JP", "end_use"),
        ("JP", "material"),
        ("JP", "equipment"),
        ("KR", "manufacturing"),
        ("KR", "material"),
    } <= kinds


def test_former_names_are_aliases(ds: Dataset) -> None:
    def aliases(pid: str) -> str:
        return " ".join(ds.players[pid].aliases).lower()

    assert "showa denko" in aliases("resonac")
    assert "daewoo" in aliases("hanwha-ocean")
    assert "toshiba memory" in aliases("kioxia")
    assert "hsd engine" in aliases("hanwha-engine")
    assert "doosan heavy" in aliases("doosan-enerbility")


def test_operations_in_the_other_country(ds: Dataset) -> None:
    with_ops = [p.id for p in ds.players.values() if p.partner_country_operations]
    assert {"tokyo-ohka-kogyo", "sumitomo-chemical"} <= set(with_ops)
    assert len(with_ops) >= 8


def test_relationships(ds: Dataset) -> None:
    rels = ds.relationships
    assert len(rels) >= 50
    assert any(r.status == "ended" for r in rels)
    for sector in SEED:
        assert any(sector in r.sectors for r in rels), sector
    ids = {(r.korea, r.japan) for r in rels}
    assert ("lg-energy-solution", "honda") in ids and ("sk-on", "nissan") in ids


def test_stage_context_is_sourced(ds: Dataset) -> None:
    contexts = [
        st.context for s in ds.sectors.values() for st in s.stages if not st.context.is_empty()
    ]
    assert len(contexts) >= 6
    for c in contexts:
        facts: list[ImportShare | ExportControl] = [*c.import_shares, *c.export_controls]
        for x in facts:
            assert x.source.year and (x.source.publisher or x.source.title)
            assert x.products or x.hs_codes


def test_no_declared_absence_is_contradicted_and_holes_do_not_grow(ds: Dataset) -> None:
    """A product declared to have no maker in a country has none in the data, and the
    products one country has no player at (their gap counts half) do not multiply (2 left)."""
    from kjmatch.report import summarize

    kinds = [w.kind for w in summarize(ds, current_year=2026, max_age=6).warnings]
    assert "absent-but-made" not in kinds
    assert kinds.count("empty-side") <= 2
    declared = [
        a for s in ds.sectors.values() for st in s.stages for p in st.products for a in p.absent
    ]
    assert len(declared) >= 7 and all(a.source.url for a in declared)


def test_overseas_ammonia_developers_are_partners_even_without_their_ties(ds: Dataset) -> None:
    # the sector declares Korea's and Japan's ammonia developers partners (they build
    # plants abroad to ship home), so a consortium is a horizontal link with its tie hidden;
    # and a Japanese trading house's offtake buys the Korean developer's ammonia at full
    # fit, though it holds plant equity itself (offtake resells what it buys)
    pairs = {("gs-energy", "mitsui-co"), ("samsung-cnt", "marubeni")}
    hidden = dataclasses.replace(
        ds, relationships=tuple(r for r in ds.relationships if (r.korea, r.japan) not in pairs)
    )
    ranked = {(p.korea.id, p.japan.id): p for p in match(hidden, "ammonia", top=None).pairings}
    for pair in pairs:
        links = ranked[pair].links
        assert not ranked[pair].relationships
        assert any(
            link.direction == "horizontal"
            and link.korea_product.id == link.japan_product.id == "ammonia"
            for link in links
        )
        best = links[0]
        assert (best.direction, best.korea_product.id, best.japan_product.id) == (
            "kr-to-jp",
            "ammonia",
            "ammonia-offtake",
        )
        assert best.components["fit"] == 1.0


@pytest.mark.parametrize("sector", [*SEED, "automobiles"])
def test_fast_top_n_ranks_the_bundled_data_as_scoring_every_pair_does(
    ds: Dataset, sector: str
) -> None:
    # the property test covers random datasets; this covers the real shape (declared
    # partners with peer ties, absences, facts of both countries, ties across sectors)
    full = match(ds, sector, top=None).pairings[:40]
    fast = match(ds, sector, top=40).pairings
    assert [(p.korea.id, p.japan.id, p.score, p.rank) for p in fast] == [
        (p.korea.id, p.japan.id, p.score, p.rank) for p in full
    ]


def test_a_cylindrical_cell_deal_does_not_vouch_for_pouch_cells(ds: Dataset) -> None:
    # LGES × Isuzu: the tie names cylindrical cells and EVs, so only that link earns it
    (pairing,) = [
        p
        for p in match(ds, "batteries", top=None).pairings
        if (p.korea.id, p.japan.id) == ("lg-energy-solution", "isuzu")
    ]
    credit = {
        (link.korea_product.id, link.japan_product.id): link.components["relationship"]
        for link in pairing.links
    }
    assert credit[("cylindrical-cells", "electric-vehicles")] > 0
    assert credit[("pouch-cells", "electric-vehicles")] == 0
    assert all(v == 0 for (k, _), v in credit.items() if k != "cylindrical-cells")


def test_a_firm_supplies_nothing_it_makes_only_for_itself_or_its_home_market(
    ds: Dataset,
) -> None:
    # Toyota's Type IV tanks go into its own cars: no tank link to Hyundai's FCEVs; Mitsui
    # E&S's MAN licence lets it sell engines in Japan only: no engine link to Korean yards
    captive = {
        (p.id, s.sector, pid)
        for p in ds.players.values()
        for s in p.strengths
        for pid in (*s.captive, *s.home_market)
    }
    assert ("toyota", "hydrogen", "hydrogen-tanks") in captive
    assert ("mitsui-es", "shipbuilding", "two-stroke-engines") in captive
    for sector in sorted({s for _, s, _ in captive}):
        for p in match(ds, sector, top=None).pairings:
            for link in p.links:
                if link.direction == "jp-to-kr":
                    supplier = (p.japan.id, sector, link.japan_product.id)
                elif link.direction == "kr-to-jp":
                    supplier = (p.korea.id, sector, link.korea_product.id)
                else:
                    continue
                assert supplier not in captive, (p.korea.id, p.japan.id, link)

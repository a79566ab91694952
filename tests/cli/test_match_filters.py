"""`match` JSON records the filters that shaped it, so a saved ranking says what was
left out (round-2 audit, item 10)."""

from __future__ import annotations

from clirun import jrun, run
from kjmatch.weights import DIRECTIONS


def test_an_unfiltered_ranking_records_no_filter() -> None:
    doc = jrun("match", "-s", "batteries", "-n", "3")
    assert doc["new_only"] is False
    assert doc["beyond_leaders"] is False
    assert doc["directions"] == list(DIRECTIONS)
    assert doc["korea"] is None and doc["japan"] is None


def test_beyond_leaders_and_new_only_are_recorded() -> None:
    doc = jrun("match", "-s", "semiconductors", "-n", "3", "--beyond-leaders")
    assert doc["beyond_leaders"] is True and doc["new_only"] is False
    doc = jrun("match", "-s", "hydrogen", "-n", "3", "--new-only")
    assert doc["new_only"] is True and doc["beyond_leaders"] is False
    assert all(p["relationships"] == [] for p in doc["pairings"])


def test_beyond_leaders_says_so_when_one_side_has_no_leader() -> None:
    """No Korean carmaker is rated 5, so no pair of two leaders exists to leave out: the
    list says that instead of claiming a filter that removed nothing (QA round 6)."""
    plain = jrun("match", "-s", "automobiles", "-n", "1")
    doc = jrun("match", "-s", "automobiles", "-n", "1", "--beyond-leaders")
    assert doc["leaders"]["korea"] == [] and doc["leaders"]["japan"]
    assert doc["candidates"] == plain["candidates"]
    code, out, _ = run("match", "-s", "automobiles", "-n", "1", "--beyond-leaders")
    assert code == 0
    assert "no pair of two sector leaders to leave out (no Korean firm ranked here" in out
    # where both sides have leaders, their pairs go and the list says so
    both = jrun("match", "-s", "batteries", "-n", "1", "--beyond-leaders")
    assert both["leaders"]["korea"] and both["leaders"]["japan"]
    assert both["candidates"] < jrun("match", "-s", "batteries", "-n", "1")["candidates"]
    code, out, _ = run("match", "-s", "batteries", "-n", "1", "--beyond-leaders")
    assert "pairs of two sector leaders left out" in out


def test_directions_and_firms_are_recorded_as_ids_in_a_fixed_order() -> None:
    doc = jrun(
        "match", "-s", "batteries", "-n", "3",
        "-d", "same-stage", "-d", "kr-to-jp",
        "--korea", "LG Energy Solution", "--korea", "sk-on", "--japan", "toyota",
    )  # fmt: skip
    assert doc["directions"] == ["kr-to-jp", "same-stage"]
    assert doc["korea"] == ["lg-energy-solution", "sk-on"]  # names resolved to ids
    assert doc["japan"] == ["toyota"]
    assert {p["direction"] for p in doc["pairings"]} <= {"kr-to-jp", "same-stage"}


def test_direction_all_records_every_direction() -> None:
    doc = jrun("match", "-s", "batteries", "-n", "1", "-d", "all")
    assert doc["directions"] == list(DIRECTIONS)


def test_the_table_footer_names_direction_and_firms() -> None:
    """QA round 3, finding 4: a pasted table says it is only Korean suppliers to Toyota."""
    code, out, _ = run(
        "match", "-s", "batteries", "--direction", "kr-to-jp", "--japan", "toyota", "-n", "3"
    )
    assert code == 0
    text = " ".join(out.split())
    assert "3 of 27 linked pairs shown; direction kr-to-jp only; " in text
    assert "Japanese firm Toyota Motor Corporation only" in text


def test_markdown_of_match_states_every_filter() -> None:
    code, out, _ = run(
        "match", "-s", "batteries", "--scenario", "new-partners", "--as-of", "2020",
        "--direction", "kr-to-jp", "--beyond-leaders", "--new-only",
        "--korea", "lg-energy-solution",
        "--min-score", "10", "-n", "2", "-f", "markdown",
    )  # fmt: skip
    assert code == 0
    (last,) = [line for line in out.splitlines() if line.startswith("2 of ")]
    for said in (
        "linked pairs shown",
        "direction kr-to-jp only",
        "Korean firm LG Energy Solution only",
        "new partners only",
        "pairs of two sector leaders left out",
        "scores of 10 and above",
        "scenario new-partners",
        "evidence aged from 2020",
    ):
        assert said in last, said


def test_markdown_of_partners_states_its_filters() -> None:
    code, out, _ = run(
        "partners", "toyota", "--direction", "kr-to-jp", "-d", "horizontal", "-s", "batteries",
        "-n", "2", "--beyond-leaders", "-f", "markdown",
    )  # fmt: skip
    assert code == 0
    assert out.startswith("## Partners for Toyota Motor Corporation")
    last = out.rstrip("\n").splitlines()[-1]
    assert "linked pairs in batteries; directions kr-to-jp, horizontal only;" in last
    assert "pairs of two sector leaders left out" in last
    assert "evidence aged from 2026" in last


def test_one_helper_words_the_filters_for_every_renderer() -> None:
    from kjmatch.output.pairings import Filters, shaped_by

    plain = shaped_by(Filters(shown=3, candidates=9, where="shown", as_of=2026))
    assert plain == "3 of 9 linked pairs shown; evidence aged from 2026."
    big = shaped_by(Filters(shown=3, candidates=1176105, where="shown", as_of=2026))
    assert big.startswith("3 of 1,176,105 linked pairs shown")  # grouped, as elsewhere
    both = shaped_by(
        Filters(shown=1, candidates=2, where="shown", korea=("A", "B"), japan=("C",), as_of=2024)
    )
    assert "Korean firms A, B only; Japanese firm C only" in both


def test_partners_beyond_leaders_says_so_when_nothing_goes() -> None:
    """Hyundai Motor is no automobiles leader (none Korean is): nothing to leave out, and
    the partners list says so as `match` does (QA round 7)."""
    args = ("partners", "hyundai-motor", "-s", "automobiles", "-n", "2")
    plain, beyond = jrun(*args), jrun(*args, "--beyond-leaders")
    assert beyond["candidates"] == plain["candidates"]
    code, out, _ = run(*args, "--beyond-leaders")
    assert code == 0 and "no pair of two sector leaders to leave out" in " ".join(out.split())
    code, out, _ = run("partners", "toyota", "-s", "batteries", "-n", "2", "--beyond-leaders")
    assert "pairs of two sector leaders left out" in out

"""`--top N` that cuts through a shared score keeps N rows and says what it left out
(QA round 3, finding 5)."""

from __future__ import annotations

from clirun import jrun, run
from kjmatch.model import Dataset


def test_match_keeps_n_rows_and_counts_the_pair_sharing_the_last_rank() -> None:
    doc = jrun("match", "-s", "batteries", "-n", "4")
    assert len(doc["pairings"]) == 4
    assert doc["pairings"][-1]["tied"] is True
    assert doc["more_tied"] == 1
    longer = jrun("match", "-s", "batteries", "-n", "5")
    assert longer["more_tied"] == 0
    assert longer["pairings"][4]["rank"] == doc["pairings"][3]["rank"]  # the one left out
    assert longer["pairings"][4]["score"] == doc["pairings"][3]["score"]


def test_table_and_markdown_say_it_and_how_to_show_it() -> None:
    rank = jrun("match", "-s", "batteries", "-n", "4")["pairings"][-1]["rank"]
    for fmt in ("table", "markdown"):
        code, out, _ = run("match", "-s", "batteries", "-n", "4", "-f", fmt)
        assert code == 0
        said = f"1 more pair shares rank {rank} (--top 5 shows it)."
        assert said in " ".join(out.split()), fmt


def test_no_note_where_the_cut_falls_between_scores() -> None:
    doc = jrun("match", "-s", "batteries", "-n", "5")
    assert doc["more_tied"] == 0
    code, out, _ = run("match", "-s", "batteries", "-n", "5")
    assert code == 0 and "more pair" not in out


def test_partners_counts_pairs_with_the_last_score() -> None:
    # the first cut of Toyota's list that falls inside a shared score (found, not assumed:
    # the bundled data moves)
    scores = [p["score"] for p in jrun("partners", "toyota", "-n", "200")["pairings"]]
    top = next(i for i in range(1, len(scores)) if scores[i - 1] == scores[i])
    doc = jrun("partners", "toyota", "-n", str(top))
    assert len(doc["pairings"]) == top
    last = doc["pairings"][-1]["score"]
    tied = len([x for x in scores[top:] if x == last])
    assert doc["more_tied"] == tied >= 1
    longer = jrun("partners", "toyota", "-n", str(top + tied + 1))
    after = [p["score"] for p in longer["pairings"][top:]]
    assert after[:tied] == [last] * tied and after[tied] != last
    code, out, _ = run("partners", "toyota", "-n", str(top))
    assert code == 0
    text = " ".join(out.split())
    more = "1 more pair has" if tied == 1 else f"{tied} more pairs have"
    assert f"{more} the last one's score too ({last:.2f}) (--top {top + tied} shows" in text


def test_partners_counts_the_cut_tie_as_the_uncut_list_shows_it(bundled: Dataset) -> None:
    """Each sector's list is cut by --top too: the count adds each sector's own uncounted
    tail of the last score, and equals what the whole list shows, for every cut that falls
    inside a run of equal scores and for the first cut after each run (an untied cut)."""
    from kjmatch.scoring.partners import partners

    for firm in ("toyota", "lg-energy-solution", "samsung-electronics", "mol"):
        whole = partners(bundled, [firm], top=None).pairings
        scores = [p.score for p in whole]
        inside = [t for t in range(1, len(whole)) if scores[t] == scores[t - 1]][:12]
        assert inside, firm  # the bundled lists have ties to cut
        after = [t + 1 for t in inside if t + 1 < len(whole) and scores[t + 1] != scores[t]]
        for top in sorted({1, *inside, *after}):
            cut = partners(bundled, [firm], top=top)
            last = whole[top - 1].score
            assert [p.score for p in cut.pairings] == [p.score for p in whole[:top]]
            assert cut.more_tied == sum(1 for p in whole[top:] if p.score == last), (firm, top)

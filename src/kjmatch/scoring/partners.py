"""The best counterparts of one or more firms, across every sector they are active in."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kjmatch.model import Dataset
from kjmatch.weights import DIRECTIONS, resolve_weights

from .ranking import TIED_LIMIT, Pairing, match


@dataclass(slots=True)
class PartnersResult:
    firms: list[str]
    sectors: list[str]  # the sectors searched
    weights: dict[str, float]
    scenario: str | None
    as_of: int
    new_only: bool
    beyond_leaders: bool
    pairings: list[Pairing]  # best first, across sectors; `rank` is the sector rank
    candidates: int  # linked pairs found before --top and --min-score
    inactive: dict[str, list[str]]  # firm → its sectors, for firms with none searched
    more_tied: int = 0  # pairs `top` left out with the last shown score (up to TIED_LIMIT)
    # a sector searched had sector leaders on both sides (else --beyond-leaders took nothing)
    leaders_met: bool = False


def sector_of(p: Pairing) -> str:
    return p.links[0].korea_strength.sector


def partners(
    ds: Dataset,
    firms: Iterable[str],
    *,
    sector: str | None = None,
    weights: Mapping[str, float] | None = None,
    top: int | None = 20,
    min_score: float = 0.0,
    directions: Iterable[str] = DIRECTIONS,
    new_only: bool = False,
    scenario: str | None = None,
    as_of: int | None = None,
    beyond_leaders: bool = False,
) -> PartnersResult:
    """Rank each firm's counterparts in every sector it has strengths in (or `sector`).

    Each sector is ranked as `match` ranks it, so a pairing keeps its sector rank;
    the lists are merged by score (ties by sector, then ids)."""
    w = resolve_weights(weights)
    firms = list(dict.fromkeys(firms))
    found: list[Pairing] = []
    cut: list[tuple[float, int]] = []  # per full sector list: its last score, more_tied
    searched: list[str] = []
    inactive: dict[str, list[str]] = {}
    candidates = 0
    leaders_met = False
    newest = as_of or ds.as_of
    for fid in firms:
        player = ds.players[fid]
        active = sorted({s.sector for s in player.strengths})
        chosen = [sid for sid in active if sector is None or sid == sector]
        if not chosen:
            inactive[fid] = active
        for sid in chosen:
            kr = jp = None
            if player.country == "KR":
                kr = [fid]
            else:
                jp = [fid]
            result = match(
                ds,
                sid,
                weights=w,
                top=top,
                min_score=min_score,
                directions=directions,
                new_only=new_only,
                beyond_leaders=beyond_leaders,
                as_of=as_of,
                korea=kr,
                japan=jp,
            )
            found += result.pairings
            leaders_met = leaders_met or all(result.leaders)
            if result.pairings and top is not None and len(result.pairings) == top:
                cut.append((result.pairings[-1].score, result.more_tied))
            candidates += result.candidates
            searched.append(sid)
    seen: set[tuple[str, str, str]] = set()
    unique = []
    for p in found:
        key = (sector_of(p), p.korea.id, p.japan.id)
        if key not in seen:  # two firms asked for may be each other's counterpart
            seen.add(key)
            unique.append(p)
    unique.sort(key=lambda p: (-p.score, -p.best.weaker, sector_of(p), p.korea.id, p.japan.id))
    shown = unique[:top] if top is not None else unique
    more = 0
    if top is not None and len(shown) == top:
        # a sector's list cut by its own --top can only hold the last score at its end:
        # its uncounted tail of that score is its `more_tied` (a pair two asked firms
        # share may count twice)
        last = shown[-1].score
        more = sum(1 for p in unique[top:] if p.score == last)
        more = min(TIED_LIMIT, more + sum(n for score, n in cut if score == last))
    return PartnersResult(
        firms=firms,
        sectors=sorted(set(searched)),
        weights=w,
        scenario=scenario,
        as_of=newest,
        new_only=new_only,
        beyond_leaders=beyond_leaders,
        pairings=shown,
        candidates=candidates,
        leaders_met=leaders_met,
        inactive=inactive,
        more_tied=more,
    )

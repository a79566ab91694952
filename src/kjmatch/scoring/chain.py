"""A sector's value chain as a feed graph: hop distances, leaders and gaps per stage."""

from __future__ import annotations

from collections import deque

from kjmatch.model import Dataset, Sector, Stage
from kjmatch.weights import Direction


class Chain:
    """A sector's feed graph with hop distances and per-country best levels."""

    def __init__(self, ds: Dataset, sector: Sector) -> None:
        self.sector = sector
        self.stages: dict[str, Stage] = {st.id: st for st in sector.stages}
        self.feeds: dict[str, list[str]] = feeds(sector)
        self.hops: dict[tuple[str, str], int] = {}  # (upstream, downstream) → 1 or 2
        for start in self.feeds:
            seen = {start: 0}
            queue = deque([start])
            while queue:
                cur = queue.popleft()
                if seen[cur] >= 2:
                    continue
                for nxt in self.feeds[cur]:
                    if nxt not in seen:
                        seen[nxt] = seen[cur] + 1
                        queue.append(nxt)
            for other, d in seen.items():
                if d:
                    self.hops[(start, other)] = d
        # (country, stage) → [(level, name, id)], strongest first
        self.ranked: dict[tuple[str, str], list[tuple[int, str, str]]] = {}
        for p in ds.players.values():
            for s in p.strengths:
                if s.sector == sector.id:
                    self.ranked.setdefault((p.country, s.stage), []).append((s.level, p.name, p.id))
        for entries in self.ranked.values():
            entries.sort(key=lambda e: (-e[0], e[2]))

    def leader(self, country: str, stage: str) -> str:
        """Id of the strongest player of `country` at `stage` (ties: lowest id)."""
        entries = self.ranked.get((country, stage))
        return entries[0][2] if entries else ""

    def best(self, country: str, stage: str, excluding: str) -> tuple[int, str]:
        """The strongest player of `country` at `stage` other than `excluding` (the buyer itself,
        so that a pair's own strengths never lower its score)."""
        for level, name, pid in self.ranked.get((country, stage), []):
            if pid != excluding:
                return level, name
        return 0, ""

    def relation(self, korea_stage: str, japan_stage: str) -> tuple[Direction, int] | None:
        """How two stages are linked: direction and hops, or None when they are not."""
        if korea_stage == japan_stage:
            return "same-stage", 0
        if (japan_stage, korea_stage) in self.hops:
            return "jp-to-kr", self.hops[(japan_stage, korea_stage)]
        if (korea_stage, japan_stage) in self.hops:
            return "kr-to-jp", self.hops[(korea_stage, japan_stage)]
        return None

    def stronger(self, stage: str) -> tuple[str, str | None]:
        """Which country leads a stage ("KR", "JP", "even", "none") and which lacks it."""
        kr = self.ranked.get(("KR", stage), [(0, "", "")])[0][0]
        jp = self.ranked.get(("JP", stage), [(0, "", "")])[0][0]
        lead = "none" if not (kr or jp) else "even" if kr == jp else "KR" if kr > jp else "JP"
        gap = "KR" if jp and not kr else "JP" if kr and not jp else None
        return lead, gap


def feeds(sector: Sector) -> dict[str, list[str]]:
    """Stage id → the stages it feeds (the reverse of `inputs`)."""
    out: dict[str, list[str]] = {st.id: [] for st in sector.stages}
    for st in sector.stages:
        for inp in st.inputs:
            out[inp].append(st.id)
    return out

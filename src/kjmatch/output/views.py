"""Pictures for people: ranked pairings, the value-chain map, a pair's breakdown, one
sector or player. A view is registered under its document's name; documents without
one are drawn as their flat table.

Everything is drawn from the same documents the JSON output carries, so the
views cannot say something the data does not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from kjmatch.weights import DIRECTION_LABELS

from .console import hanging, print_notes, rich_table
from .documents import own_use, sale_limit
from .grids import STYLE, Grid, Segment, grid_widths, match_grid, partners_grid, text_of
from .ties import tie_label, when

View = Callable[[Console, dict[str, Any]], None]
V = TypeVar("V", bound=View)
VIEWS: dict[str, View] = {}


def view(kind: str) -> Callable[[V], V]:
    """Register the terminal picture of the `kind` document."""

    def add(fn: V) -> V:
        VIEWS[kind] = fn
        return fn

    return add


KIND_LABEL = {
    "raw_material": "raw material",
    "material": "material",
    "component": "component",
    "equipment": "equipment",
    "manufacturing": "manufacturing",
    "end_use": "end use",
    "service": "service",
}
ARROW_WORDS = {d: labels[2] for d, labels in DIRECTION_LABELS.items()}
COUNTRY = {"KR": "Korea", "JP": "Japan"}
FLAG = {"KR": "KR", "JP": "JP"}


def _bar(level: int) -> str:
    return "■" * level + "□" * (5 - level)


def _side_line(country: str, players: list[dict[str, Any]], count: int, width: int) -> Text:
    line = Text()
    line.append(f"{FLAG[country]} ", style=STYLE[country])
    if not players:
        line.append("— none in the dataset", style="dim")
        return line
    best = players[0]
    line.append(_bar(best["level"]) + " ", style=STYLE[country])
    names = ", ".join(f"{p['name']} ({p['level']})" for p in players)
    more = f" +{count - len(players)}" if count > len(players) else ""
    budget = max(10, width - 12)
    shown = names if len(names) + len(more) <= budget else names[: budget - len(more) - 1] + "…"
    line.append(shown + more)
    return line


@view("chain")
def draw_chain(con: Console, doc: dict[str, Any]) -> None:
    """The value chain, upstream first: who leads each stage, gaps and export controls."""
    width = min(con.width, 100)
    inner = width - 4
    names = {s["id"]: s["name"] for s in doc["stages"]}
    con.print(Text(f"{doc['sector']['name']} — value chain, upstream first", style="bold"))
    con.print(
        Text(
            "■ strength level of the leading player (1–5)   ⚠ export controls   ◆ gap", style="dim"
        )
    )
    for i, st in enumerate(doc["stages"], 1):
        body = [
            _side_line("KR", st["korea"], st["korea_count"], inner),
            _side_line("JP", st["japan"], st["japan_count"], inner),
        ]
        status = Text()
        if st["stronger"] in ("KR", "JP"):
            status.append(
                f"▲ {'Korea' if st['stronger'] == 'KR' else 'Japan'} stronger",
                style=STYLE[st["stronger"]],
            )
        elif st["stronger"] == "even":
            status.append("= even", style="dim")
        if st["gap"]:
            who = "Korean" if st["gap"] == "KR" else "Japanese"
            status.append(f"  ◆ gap: no {who} player", style="bold yellow")
        for share in [x for x in st["import_shares"] if x["partner"] in COUNTRY][:2]:
            status.append(
                f"  {share['partner']} {share['value']:.0%} of {share['importer']} "
                f"{share['item']} imports ({share['year']})",
                style="dim",
            )
        if status.plain:
            body.append(status)
        if len(st["products"]) > 1:
            for prod in st["products"]:
                line = Text(f"· {prod['name']}: ", style="dim")
                none = {a["country"] for a in prod["absent"]}
                for country, key in (("KR", "korea"), ("JP", "japan")):
                    best = prod[key][0] if prod[key] else None
                    # a documented absence, or a side nobody has filled in yet
                    empty = "no maker (sourced)" if country in none else "—"
                    own = (
                        sale_limit(
                            best["id"] in prod["captive"], best["id"] in prod["home_market"], ", {}"
                        )
                        if best
                        else ""
                    )
                    who = f"{best['name']} ({best['level']}{own})" if best else empty
                    line.append(f"{country} {who}  ", style=STYLE[country] if best else "dim")
                body.append(line)
        for c in st["export_controls"]:
            body.append(
                Text(
                    f"⚠ {c['imposed_by']} export controls: {c['item']} ({c['year']}, "
                    f"{c['status'].replace('_', ' ')})",
                    style="yellow",
                )
            )
        if st["inputs"]:
            body.append(Text("← from " + ", ".join(names[x] for x in st["inputs"]), style="dim"))
        title = Text(f" {i}. {st['name']} ", style="bold")
        subtitle = Text(f" {KIND_LABEL[st['kind']]} ", style="dim")
        con.print(
            Panel(
                Group(*body),
                title=title,
                title_align="left",
                subtitle=subtitle,
                subtitle_align="right",
                width=width,
                padding=(0, 1),
            )
        )
        if st["feeds"]:
            con.print(Text("   ↓ feeds " + ", ".join(names[x] for x in st["feeds"]), style="dim"))


@view("explain")
def draw_explain(con: Console, doc: dict[str, Any]) -> None:
    k, j = doc["korea"], doc["japan"]
    con.print(
        Text(f"{k['name']} ({k['native_name']}) × {j['name']} ({j['native_name']})", style="bold")
    )
    if doc["scenario"]:
        con.print(Text(f"scenario: {doc['scenario']}", style="dim"))
    if not doc["sectors"]:
        con.print(
            Text("No linked products between these players (stderr says why).", style="yellow")
        )
        if doc["relationships"]:
            # their documented ties still say how they already work together
            con.print(Text("Documented ties:", style="bold"))
        for r in doc["relationships"]:
            _relationship(con, r)
        return
    for sec in doc["sectors"]:
        rank = (
            f"rank {sec['rank']}{'=' if sec['tied'] else ''}"
            if sec["rank"]
            else "rank not computed (too many pairs)"
        )
        con.print(
            Text(f"\n{sec['sector']['name']}: {rank}, score {sec['score']:.2f}", style="bold")
        )
        names = {
            pr["id"]: pr["name"]
            for link in sec["links"]
            for side in ("korea_strength", "japan_strength")
            for pr in link[side]["products"]
        }
        for n, link in enumerate(sec["links"], 1):
            head = (
                f"link {n}: {ARROW_WORDS[link['direction']]} · {names[link['korea_product']]} (KR, "
                f"L{link['korea_level']}) ↔ {names[link['japan_product']]} (JP, "
                f"L{link['japan_level']}) · score {link['score']:.2f}"
            )
            hanging(con, f"link {n}: ", head.split(": ", 1)[1], style="bold")
            _components(con, link, doc["weights"])
            for reason in link["reasons"]:
                hanging(con, "  • ", reason)
            for e in link["evidence"]:
                age = f"{e['age']} y old, ×{e['discount']:.2f}" if e["age"] else "current"
                lead = f"  [{e['component']}] "
                hanging(
                    con,
                    lead,
                    f"{e['text']} ({e['year']}; {age}) → {e['counted']:.2f} · {e['source']}",
                    style="dim",
                )
                _historical(con, " " * len(lead), e["historical"])
                if e["note"]:
                    hanging(con, " " * len(lead), f"note: {e['note']}", style="dim")
            for note in link["historical"]:
                hanging(con, f"  [{note['component']}] ", f"historical: {note['text']}", style=OLD)
            for side in ("korea_strength", "japan_strength"):
                s = link[side]
                who = k["name"] if side == "korea_strength" else j["name"]
                hanging(
                    con,
                    "  ",
                    f"{who} at {s['stage_name']}, level {s['level']}{own_use(s)} "
                    f"(as of {s['as_of']}): {s['note']}",
                    style="dim",
                    indent=4,
                )
                _historical(con, "    ", s["historical"])
                for src in s["sources"]:
                    _print_source(con, "    source: ", src)
        if sec["relationships"]:
            con.print(Text("Relationships:", style="bold"))
            for r in sec["relationships"]:
                _relationship(con, r)
        if sec["cut"]:
            con.print(Text("Not linked, by a rule:", style="bold"))
            for line in sec["cut"]:
                hanging(con, "  • ", line)


OLD = "yellow"  # a curator's reason for keeping an old item

# `explain`'s component table: its headers, full and then abbreviated for a narrow
# terminal; narrower still, one line per component (no word is ever cut short)
COMPONENT_HEADERS = (
    ("component", "value", "weight", "contribution"),
    ("component", "value", "weight", "contrib."),
)


def _components(con: Console, link: dict[str, Any], weights: dict[str, float]) -> None:
    rows = [
        [name, f"{value:.3f}", f"{weights[name]:g}", f"{link['contributions'][name]:.2f}"]
        for name, value in link["components"].items()
    ]
    total = ["total", "", "", f"{link['score']:.2f}"]
    for heads in COMPONENT_HEADERS:
        widths = [max(len(x) for x in col) for col in zip(heads, *rows, total, strict=True)]
        if sum(widths) + 3 * (len(widths) - 1) <= con.width:  # " │ " between columns
            t = Table(show_edge=False, pad_edge=False)
            t.add_column(heads[0])
            for h in heads[1:]:
                t.add_column(h, justify="right")
            for row in rows:
                t.add_row(Text(row[0]), *row[1:])
            t.add_row(*total, style="bold")
            con.print(t)
            return
    for name, value, weight, points in rows:
        hanging(con, "", f"{name} {value} × {weight} = {points}", indent=2)
    hanging(con, "", f"total {total[3]}", style="bold", indent=2)


def _historical(con: Console, lead: str, why: str | None) -> None:
    """The curator's reason an old strength, tie or figure is kept, under the item."""
    if why:
        hanging(con, lead, f"historical: {why}", style=OLD)


def _source(src: dict[str, Any]) -> str:
    """A source's publisher, title and year (its address is printed on a line of its own)."""
    parts = [src.get("publisher") or "", src.get("title") or "", str(src["year"])]
    return " · ".join(p for p in parts if p)


def _print_source(con: Console, lead: str, src: dict[str, Any], style: str = "dim") -> None:
    """`lead` and the source, wrapped; then its address alone on the next line, never
    broken by kjmatch (a terminal may fold it, but copying it gives the whole URL)."""
    hanging(con, lead, _source(src), style=style)
    if src.get("url"):
        indent = " " * (len(lead) - len(lead.lstrip()) + 2)
        con.print(Text(indent + src["url"], style=style), soft_wrap=True)


def _relationship(con: Console, r: dict[str, Any]) -> None:
    span = f" ({r['year']}–{r['ended']})" if r.get("ended") else ""
    hanging(con, "  • ", f"{tie_label(r['type'])}, {when(r)}{span}: {r['summary']}")
    _historical(con, "    ", r["historical"])
    for src in r["sources"]:
        _print_source(con, "    source: ", src)


def _relationships(con: Console, rels: list[dict[str, Any]], *, with_sector: bool) -> None:
    if not rels:
        return
    con.print(Text("\nRelationships", style="bold"))
    for r in rels:
        where = f" ({', '.join(r['sectors'])})" if with_sector else ""
        con.print(Text(f"{r['korea']} × {r['japan']}{where}", style="bold"))
        _relationship(con, r)


@view("sector")
def draw_sector(con: Console, doc: dict[str, Any]) -> None:
    names = doc["names"]
    con.print(Text(f"{names['en']} · {names['ko']} · {names['ja']}", style="bold"))
    con.print(Text(doc["summary"]))
    for st in doc["stages"]:
        con.print(Text(f"\n{st['name']} ({KIND_LABEL[st['kind']]}) [{st['id']}]", style="bold"))
        if st["description"]:
            con.print(Text(st["description"]))
        for prod in st["products"]:
            hs = f" — HS {' '.join(prod['hs_codes'])}" if prod["hs_codes"] else ""
            con.print(Text(f"· {prod['name']} [{prod['id']}]{hs}", style="dim"))
            if prod["hs_note"]:
                hanging(con, "    ", f"HS note: {prod['hs_note']}", style="dim")
        if st["inputs"]:
            con.print(Text("inputs: " + ", ".join(st["inputs"]), style="dim"))
        for country, key in (("KR", "korea"), ("JP", "japan")):
            players = ", ".join(f"{p['name']} ({p['level']})" for p in st[key]) or "none"
            con.print(Text(f"{country}: {players}"))
        for x in st["import_shares"]:
            partner = COUNTRY.get(x["partner"], x["partner"])
            con.print(
                Text(
                    f"{partner}'s share of {COUNTRY[x['importer']]}'s {x['item']} imports: "
                    f"{x['value']:.0%} ({x['year']})",
                    style="dim",
                )
            )
            _print_source(con, "  source: ", x["source"])
            _historical(con, "  ", x["historical"])
        for c in st["export_controls"]:
            con.print(
                Text(
                    f"⚠ {c['imposed_by']} export controls on {c['item']} ({c['year']}, {c['status']})",
                    style="yellow",
                )
            )
            _print_source(con, "  source: ", c["source"])
            _historical(con, "  ", c["historical"])
    _relationships(con, doc["relationships"], with_sector=False)


@view("company")
def draw_company(con: Console, doc: dict[str, Any]) -> None:
    con.print(
        Text(
            f"{doc['name']} ({doc['native_name']}) — {doc['country']}, {doc['kind']}", style="bold"
        )
    )
    if doc["group"]:
        con.print(Text(f"group: {doc['group']}"))
    if doc["aliases"]:
        con.print(Text("also known as: " + "; ".join(doc["aliases"]), style="dim"))
    for s in doc["strengths"]:
        con.print(
            Text(
                f"\n{s['sector']} / {s['stage_name']}: level {s['level']}{own_use(s)} "
                f"(as of {s['as_of']})",
                style="bold",
            )
        )
        if s["tags"]:
            con.print(Text("capabilities: " + ", ".join(s["tags"])))
        con.print(Text(s["note"]))
        _historical(con, "", s["historical"])
        for src in s["sources"]:
            _print_source(con, "source: ", src)
    if doc["partner_country_operations"]:
        con.print(Text("\nOperations in the other country", style="bold"))
        for o in doc["partner_country_operations"]:
            since = f", since {o['since']}" if o.get("since") else ""
            con.print(Text(f"• {o['name']} — {o['location']}: {o['activity']}{since}"))
            _print_source(con, "  source: ", o["source"])
    _relationships(con, doc["relationships"], with_sector=True)


def _pairings(con: Console, grid: Grid) -> None:
    """Ranked pairings (`grids.pairings_grid`). Where the table would break a word (a
    narrow terminal), one block per pairing instead."""
    sizes = grid_widths(grid, con.width)
    if sizes is not None:
        con.print(rich_table(grid, sizes))
    else:
        _stacked_pairings(con, grid)
    print_notes(grid, con)


def _packed(units: list[str], room: int) -> str:
    """`units` on as few lines of at most `room` columns as they fit, never one split."""
    lines: list[str] = []
    for unit in units:
        if lines and len(lines[-1]) + 2 + len(unit) <= room:
            lines[-1] += "  " + unit
        else:
            lines.append(unit)
    return "\n".join(lines)


def _stacked_pairings(con: Console, grid: Grid) -> None:
    con.print(Text(grid.title, style="bold"))
    heads = [c.header for c in grid.columns]
    ranks = [f"{text_of(r[0])} {text_of(r[1])}" for r in grid.rows]
    room = con.width - max((len(x) for x in ranks), default=0) - 1
    for row in grid.rows:
        cells = dict(zip(heads, row, strict=True))
        table = Table.grid(padding=(0, 1))
        table.add_column(no_wrap=True, justify="right")
        table.add_column(overflow="fold")
        body = Text()
        if "sector" in cells:
            body.append(f"{text_of(cells['sector'])}\n", style="dim")
        points = heads[-2] if "in top" in cells else heads[-1]
        # each component's label with its points ("fit 32  str 23"): a narrow terminal
        # then breaks between components, never inside the list's pairing of the two
        (numbers, style), *ties = cells[points]
        units = [f"{k} {v}" for k, v in zip(points.split("/"), numbers.split(), strict=False)]
        parts: list[Segment] = [
            *cells["Korea"],
            (f"  {text_of(cells[''])}\n", ""),
            *cells["Japan"],
            ("\n" + _packed(units, room), style),
            *ties,
        ]
        for text, style in parts:
            body.append(text, style=style or None)
        if "in top" in cells:
            body.append(f"\nin top {text_of(cells['in top'])}".replace("\n#", " #"), style="dim")
        rank = f"{text_of(cells['#'])} {text_of(cells['score'])}"
        table.add_row(Text(rank, style="bold"), body)
        con.print(table)


@view("partners")
def draw_partners(con: Console, doc: dict[str, Any]) -> None:
    _pairings(con, partners_grid(doc))


@view("match")
def draw_match(con: Console, doc: dict[str, Any]) -> None:
    """Ranked pairings: each side on two lines (name, then product and level), direction between."""
    _pairings(con, match_grid(doc))

"""Markdown documents for people to share, where one table would lose the point.

`explain` in Markdown carries what its terminal view shows: a heading per sector and
per link, each link's components as a table, then its reasons, evidence (with any
curator's `historical` reason), both strengths and the pair's ties, with sources, as
bullet lists. `show company` likewise: each strength (products, capabilities, note,
`historical` reason, sources with their addresses), the firm's operations in the
partner country and its ties, with sources. Every piece of data text goes through `formats._md` (no raw HTML, links
or line breaks can be forged); documents without a writer here are one table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kjmatch.weights import DIRECTION_LABELS

from .documents import own_use
from .ties import tie_label, when

Writer = Callable[[dict[str, Any], Callable[[Any], str]], list[str]]
WORDS = {d: labels[2] for d, labels in DIRECTION_LABELS.items()}


def _source(src: dict[str, Any], md: Callable[[Any], str]) -> str:
    parts = [src.get("publisher") or "", src.get("title") or "", str(src["year"])]
    text = " · ".join(p for p in parts if p)
    return md(text + (f" — {src['url']}" if src.get("url") else ""))


def _tie(r: dict[str, Any], md: Callable[[Any], str]) -> list[str]:
    span = f" ({r['year']}–{r['ended']})" if r.get("ended") else ""
    text = f"{tie_label(r['type'])}, {when(r)}{span}: {r['summary']}"
    lines = [f"- {md(text)}"]
    if r.get("historical"):
        lines.append(f"  - historical: {md(r['historical'])}")
    lines += [f"  - source: {_source(src, md)}" for src in r["sources"]]
    return lines


def _link(n: int, link: dict[str, Any], doc: dict[str, Any], md: Callable[[Any], str]) -> list[str]:
    k, j = doc["korea"], doc["japan"]
    names = {
        pr["id"]: pr["name"]
        for side in ("korea_strength", "japan_strength")
        for pr in link[side]["products"]
    }
    head = (
        f"Link {n}: {WORDS[link['direction']]} · {names.get(link['korea_product'], link['korea_product'])} "
        f"(KR, L{link['korea_level']}) ↔ {names.get(link['japan_product'], link['japan_product'])} "
        f"(JP, L{link['japan_level']}) · score {link['score']:.2f}"
    )
    lines = [f"#### {md(head)}", "", "| component | value | weight | contribution |"]
    lines.append("|---|---:|---:|---:|")
    for name, value in link["components"].items():
        lines.append(
            f"| {md(name)} | {value:.3f} | {doc['weights'][name]:g} | "
            f"{link['contributions'][name]:.2f} |"
        )
    lines += [f"| **total** | | | **{link['score']:.2f}** |", "", "Reasons:", ""]
    lines += [f"- {md(x)}" for x in link["reasons"]]
    if link["evidence"] or link["historical"]:
        lines += ["", "Evidence:", ""]
    for e in link["evidence"]:
        age = f"{e['age']} y old, ×{e['discount']:.2f}" if e["age"] else "current"
        text = f"[{e['component']}] {e['text']} ({e['year']}; {age}) → {e['counted']:.2f} · {e['source']}"
        lines.append(f"- {md(text)}")
        if e["historical"]:
            lines.append(f"  - historical: {md(e['historical'])}")
        if e["note"]:
            lines.append(f"  - note: {md(e['note'])}")
    for note in link["historical"]:
        text = f"[{note['component']}] historical: {note['text']}"
        lines.append(f"- {md(text)}")
    lines += ["", "Strengths:", ""]
    for side, who in (("korea_strength", k["name"]), ("japan_strength", j["name"])):
        s = link[side]
        level = f"level {s['level']}{own_use(s)}"
        text = f"{who} at {s['stage_name']}, {level} (as of {s['as_of']}): {s['note']}"
        lines.append(f"- {md(text)}")
        if s["historical"]:
            lines.append(f"  - historical: {md(s['historical'])}")
        lines += [f"  - source: {_source(src, md)}" for src in s["sources"]]
    return [*lines, ""]


def explain(doc: dict[str, Any], md: Callable[[Any], str]) -> list[str]:
    k, j = doc["korea"], doc["japan"]
    title = f"{k['name']} ({k['native_name']}) × {j['name']} ({j['native_name']})"
    lines = [f"## {md(title)}", ""]
    about = f"Evidence aged from {doc['as_of']}" + (
        f"; scenario {doc['scenario']}" if doc["scenario"] else ""
    )
    lines += [md(about) + ".", ""]
    if not doc["sectors"]:
        lines += ["No linked products between these players (stderr says why).", ""]
        if doc["relationships"]:
            lines += ["### Documented ties", ""]
            for r in doc["relationships"]:
                lines += _tie(r, md)
        return lines
    for sec in doc["sectors"]:
        rank = (
            f"rank {sec['rank']}{'=' if sec['tied'] else ''}"
            if sec["rank"]
            else "rank not computed (too many pairs)"
        )
        head = f"{sec['sector']['name']}: {rank}, score {sec['score']:.2f}"
        lines += [f"### {md(head)}", ""]
        for n, link in enumerate(sec["links"], 1):
            lines += _link(n, link, doc, md)
        if sec["relationships"]:
            lines += ["Relationships:", ""]
            for r in sec["relationships"]:
                lines += _tie(r, md)
            lines.append("")
        if sec["cut"]:
            lines += ["Not linked, by a rule:", ""]
            lines += [f"- {md(line)}" for line in sec["cut"]]
            lines.append("")
    return lines


def company(doc: dict[str, Any], md: Callable[[Any], str]) -> list[str]:
    lines = [f"## {md(doc['name'])} ({md(doc['native_name'])})", ""]
    about = [doc["country"], doc["kind"]]
    about += [f"{k}: {doc[k]}" for k in ("group", "ticker") if doc.get(k)]
    if doc["aliases"]:
        about.append("also known as: " + "; ".join(doc["aliases"]))
    lines += [md(" · ".join(about)), "", "### Strengths", ""]
    for s in doc["strengths"]:
        head = (
            f"{s['sector']} / {s['stage_name']}: level {s['level']}{own_use(s)} "
            f"(as of {s['as_of']})"
        )
        lines += [f"#### {md(head)}", ""]
        products = ", ".join(f"{p['name']} L{p['level']}" for p in s["products"])
        lines += [f"- products: {md(products)}"] if products else []
        lines += [f"- capabilities: {md(', '.join(s['tags']))}"] if s["tags"] else []
        lines.append(f"- {md(s['note'])}")
        if s["historical"]:
            lines.append(f"- historical: {md(s['historical'])}")
        lines += [f"- source: {_source(src, md)}" for src in s["sources"]]
        lines.append("")
    if doc["partner_country_operations"]:
        lines += [f"### Operations in {'Japan' if doc['country'] == 'KR' else 'Korea'}", ""]
        for o in doc["partner_country_operations"]:
            since = f", since {o['since']}" if o.get("since") else ""
            text = f"{o['name']} — {o['location']}: {o['activity']}{since}"
            lines.append(f"- {md(text)}")
            lines.append(f"  - source: {_source(o['source'], md)}")
        lines.append("")
    if doc["relationships"]:
        lines += ["### Relationships", ""]
        for r in doc["relationships"]:
            head = f"{r['korea']} × {r['japan']} ({', '.join(r['sectors'])})"
            lines += [f"#### {md(head)}", "", *_tie(r, md), ""]
    return lines


WRITERS: dict[str, Writer] = {"explain": explain, "company": company}

"""The matching day as a document, and the files organisers use: the timetable as
CSV, an ICS calendar per firm and a printable agenda per firm (Markdown)."""

from __future__ import annotations

import datetime
import io
from typing import TYPE_CHECKING, Any

from kjmatch.model import Dataset
from kjmatch.scoring.assign import AssignResult, Meeting, Plan

from .documents import Output, meta
from .formats import Target, write

if TYPE_CHECKING:
    from . import contract_more as cm

COLUMNS = [
    "slot", "time", "table", "korea", "japan", "score", "direction", "in_house", "reason",
    "korea_id", "japan_id",
]  # fmt: skip
LABEL = {"best-total": "best total", "stable": "stable", "fair": "fair"}


def meeting_doc(ds: Dataset, result: AssignResult, kind: str, m: Meeting) -> cm.AssignMeeting:
    link = m.pairing.best if m.pairing else None
    reason = link.reasons[0] if link else "no linked products"
    if m.forced:
        reason = f"must meet; {reason}"
    elif m.requested:
        reason = f"requested; {reason}"
    return {
        "plan": kind,  # type: ignore[typeddict-item]
        "slot": m.slot or None,
        "time": result.event.slot_label(m.slot) if m.slot else None,
        "table": m.table or None,
        "korea": {"id": m.korea, "name": ds.players[m.korea].name},
        "japan": {"id": m.japan, "name": ds.players[m.japan].name},
        "score": m.score,
        "direction": link.direction if link else None,
        "in_house": bool(link and link.in_house),
        "korea_product": link.korea_product.id if link else None,
        "japan_product": link.japan_product.id if link else None,
        "reason": reason,
        "must_meet": m.forced,
        "requested": m.requested,
    }


def _plan_doc(ds: Dataset, result: AssignResult, plan: Plan) -> cm.AssignPlan:
    firms: list[cm.AssignFirm] = []
    for f in plan.firms.values():
        placed = [m for m in f.meetings if m.slot]
        firms.append(
            {
                "id": f.id,
                "name": ds.players[f.id].name,
                "country": f.country,  # type: ignore[typeddict-item]
                "asked": f.asked,
                "meetings": len(placed),
                "short_by": f.short_by,
                "partners": [m.japan if f.country == "KR" else m.korea for m in placed],
                "reasons": [
                    {"reason": s.reason, "count": s.count, "text": s.text}  # type: ignore[typeddict-item]
                    for s in f.reasons
                ],
            }
        )
    return {
        "plan": plan.kind,  # type: ignore[typeddict-item]
        "total": plan.total,
        "meetings": sum(1 for m in plan.meetings if m.slot),
        "unplaced": len(plan.timetable.unplaced),
        "timetable_method": plan.timetable.method,  # type: ignore[typeddict-item]
        "timetable_proven": plan.timetable.proven,
        "blocking_pairs": plan.blocking_pairs,
        "fewest": plan.fewest,
        "floor": plan.floor,
        "firms": firms,
        "unmet_requests": [{"firm": f, "requested": o} for f, o in plan.unmet],
        "timetable": [meeting_doc(ds, result, plan.kind, m) for m in plan.meetings],
    }


def assign_output(ds: Dataset, result: AssignResult, chosen: str) -> Output:
    ev = result.event
    plans = [_plan_doc(ds, result, p) for p in result.plans.values()]
    totals: dict[str, float] = {p["plan"]: p["total"] for p in plans}
    best = totals.get("best-total")
    diff = round(best - totals["stable"], 2) if best is not None and "stable" in totals else None
    fair_diff = round(best - totals["fair"], 2) if best is not None and "fair" in totals else None
    timetable = next(p["timetable"] for p in plans if p["plan"] == chosen)
    data: cm.AssignDoc = {
        "kjmatch": meta("assign"),
        "event": {
            "name": ev.name,
            "file": ev.file,
            "sector": {"id": ev.sector, "name": ds.sectors[ev.sector].name.en},
            "date": ev.date.isoformat() if ev.date else None,
            "start": ev.start,
            "slot_minutes": ev.slot_minutes,
            "break_minutes": ev.break_minutes,
            "slots": ev.slots,
            "tables": ev.tables,
            "timezone": ev.timezone,
            "location": ev.location,
            "korea_firms": len(ev.side("KR")),
            "japan_firms": len(ev.side("JP")),
        },
        "weights": result.weights,
        "as_of": result.as_of,
        "proposing": result.proposing,  # type: ignore[typeddict-item]
        "linked": result.linked,
        "acceptable": result.acceptable,
        "min_score": result.min_score,
        "include_rivals": result.rivals,
        "plan": chosen,  # type: ignore[typeddict-item]
        "totals": totals,
        "difference": diff,
        "fair_difference": fair_diff,
        "plans": plans,
        "timetable": timetable,
    }
    rows = [_row(m) for m in timetable]
    title = f"{ev.name or ds.sectors[ev.sector].name.en}: {LABEL[chosen]} plan, timetable"
    return Output(
        kind="assign",
        data=data,
        records="timetable",
        columns=COLUMNS,
        rows=rows,
        title=title,
        footer=_footer(ds, plans, diff, fair_diff, chosen, result),
        numeric=frozenset({"slot", "table", "score"}),
        # compact on a terminal: the reasons are in the JSON, the CSV and each agenda
        # and the ids, for joins with `match` (QA round 8)
        constant=frozenset({"reason", "korea_id", "japan_id"}),
    )


def _row(m: cm.AssignMeeting) -> list[Any]:
    return [
        m["slot"] or "",  # empty, not a dash: the column stays numeric in a spreadsheet
        m["time"] or "not placed",
        m["table"] or "",
        m["korea"]["name"],
        m["japan"]["name"],
        f"{m['score']:.2f}",
        m["direction"] or "",
        # a supply link whose buyer makes the product as well is a rivalry: said here too
        "yes" if m["in_house"] else "",
        m["reason"],
        m["korea"]["id"],
        m["japan"]["id"],
    ]


def _footer(
    ds: Dataset,
    plans: list[cm.AssignPlan],
    diff: float | None,
    fair_diff: float | None,
    chosen: str,
    result: AssignResult,
) -> list[str]:
    lines = ["plan          meetings      total   fewest   floor   blocking pairs   firms short"]
    for p in plans:
        short = sum(1 for f in p["firms"] if f["short_by"])
        low = "–" if p["fewest"] is None else p["fewest"]
        lines.append(
            f"{LABEL[p['plan']]:<12}  {p['meetings']:>8}  {p['total']:>9.2f}  {low:>7}  "
            f"{p['floor']:>6}  {p['blocking_pairs']:>15}  {short:>11}"
        )
    best = next((p for p in plans if p["plan"] == "best-total"), None)
    for cost, what in ((diff, "stability"), (fair_diff, "fairness")):
        if best is not None and cost is not None:
            share = 100 * cost / best["total"] if best["total"] else 0.0
            lines.append(f"{what} costs {cost:.2f} points ({share:.1f}% of the best total)")
    lines.append(
        "fewest: good meetings (linked products, no rivalry) of the worst-served firm; floor: every "
        "firm has at least this many, or all it could have; the fair plan raises the floor first"
    )
    plan = next(p for p in plans if p["plan"] == chosen)
    for f in plan["firms"]:
        if f["reasons"]:
            why = "; ".join(s["text"] for s in f["reasons"])
            asked = f"{f['asked']} {'meeting' if f['asked'] == 1 else 'meetings'}"
            lines.append(f"{f['name']}: {f['meetings']} of {asked}: {why}")
    if plan["unplaced"]:
        n = plan["unplaced"]
        lines.append(
            f"{n} {'meeting' if n == 1 else 'meetings'} could not be given a slot "
            "(listed as not placed)"
        )
    if plan["unmet_requests"]:
        name = {p.id: p.name for p in ds.players.values()}
        asked = ", ".join(
            f"{name.get(r['firm'], r['firm'])} → {name.get(r['requested'], r['requested'])}"
            for r in plan["unmet_requests"]
        )
        lines.append(f"Requests this plan does not meet: {asked}")
    side = "Korean" if result.proposing == "KR" else "Japanese"
    rivals = (
        "rivals left out: makers of one product with no cooperative tie, and supply links "
        "whose buyer makes the product as well"
    )
    booked = [] if result.rivals else [rivals]
    if result.min_score:
        booked.append(f"pairs under {result.min_score:g} left out")
    if booked:
        lines.append(
            "; ".join(booked).capitalize()
            + " (must-meet and requested pairs excepted, though a full firm may miss a request;"
            " --include-rivals, --min-score)."
        )
    lines.append(
        f"{result.acceptable:,} {'pair' if result.acceptable == 1 else 'pairs'} may meet "
        f"({result.linked:,} linked); stable plan: {side} "
        f"firms propose; `--plan stable` or `--plan fair` shows its timetable; `--export DIR` "
        "writes the files."
    )
    return lines


# ---------------------------------------------------------------- exports


def exports(ds: Dataset, result: AssignResult, out: Output, date: datetime.date) -> dict[str, str]:
    """Relative path → text: timetable.csv, calendars/<firm>.ics, agendas/<firm>.md."""
    files: dict[str, str] = {"timetable.csv": _render(out, "csv")}
    timetable: list[cm.AssignMeeting] = out.data["timetable"]
    ev = result.event
    for fid in ev.participants:
        mine = [m for m in timetable if fid in (m["korea"]["id"], m["japan"]["id"])]
        files[f"agendas/{fid}.md"] = agenda(ds, result, fid, mine, date)
        files[f"calendars/{fid}.ics"] = calendar(ds, result, fid, mine, date)
    return files


def _render(out: Output, fmt: str) -> str:
    buf = io.StringIO()
    write(out, fmt, buf, Target(file=True))
    return buf.getvalue()


def agenda(
    ds: Dataset, result: AssignResult, fid: str, mine: list[cm.AssignMeeting], date: datetime.date
) -> str:
    ev = result.event
    firm = ds.players[fid]
    korean = firm.country == "KR"
    rows = []
    waiting = []  # booked by the plan but given no slot: not on the day's agenda
    for m in mine:
        other = m["japan"] if korean else m["korea"]
        product = _product_name(ds, ev.sector, m["japan_product"] if korean else m["korea_product"])
        about = [other["name"], product, f"{m['score']:.2f}", m["reason"]]
        if m["time"]:
            rows.append([m["time"], m["table"] or "", *about])
        else:
            waiting.append(about)
    where = f", {ev.location}" if ev.location else ""
    native = f" ({firm.native_name})" if firm.native_name != firm.name else ""
    title = f"{firm.name}{native}: {ev.name or 'matching day'}, {date.isoformat()}{where}"
    doc = Output("agenda", {}, "rows", ["time", "table", "partner", "their product", "score", "why"],
                 rows, title=title)  # fmt: skip
    if rows:
        text = _render(doc, "markdown")
    else:  # no empty table: the title and a sentence
        text = _render(Output("agenda", {}, "rows", [], [], title=title), "markdown")
        text = text.split("\n|", 1)[0].rstrip("\n") + "\n\nNo meetings in this plan.\n"
    if waiting:
        title = "Waiting list: booked in this plan, but no slot (or table) was free"
        more = Output("agenda", {}, "rows", ["partner", "their product", "score", "why"],
                      waiting, title=title)  # fmt: skip
        text += "\n" + _render(more, "markdown")
    return text


def _product_name(ds: Dataset, sector: str, pid: str | None) -> str:
    """The product's English name (its id if the sector does not list it)."""
    found = ds.sectors[sector].products().get(pid) if pid else None
    return found[1].name.en if found else (pid or "")


def calendar(
    ds: Dataset, result: AssignResult, fid: str, mine: list[cm.AssignMeeting], date: datetime.date
) -> str:
    """An iCalendar file of the firm's meetings (RFC 5545, times in the event's zone)."""
    from zoneinfo import ZoneInfo

    from icalendar import Calendar, Event

    ev = result.event
    tz = ZoneInfo(ev.timezone)
    cal = Calendar()
    cal.add("prodid", "-//kjmatch//assign//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{ev.name or 'Matching day'}: {ds.players[fid].name}")
    stamp = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    for m in mine:
        if not m["slot"]:
            continue
        h, mi = ev.slot_start(m["slot"])
        start = datetime.datetime(date.year, date.month, date.day, h, mi, tzinfo=tz)
        item = Event()
        item.add("uid", f"{date.isoformat()}-{m['korea']['id']}-{m['japan']['id']}@kjmatch")
        item.add("dtstamp", stamp)
        item.add("dtstart", start)
        item.add("dtend", start + datetime.timedelta(minutes=ev.slot_minutes))
        item.add("summary", f"{m['korea']['name']} × {m['japan']['name']} (table {m['table']})")
        item.add("description", f"score {m['score']:.2f}: {m['reason']}")
        place = ", ".join(x for x in (ev.location, f"table {m['table']}") if x)
        item.add("location", place)
        cal.add_component(item)
    cal.add_missing_timezones()
    return str(cal.to_ical().decode("utf-8"))

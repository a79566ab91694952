"""A business-matching day: the event file's format, and reading it into an `Event`.

An event file (YAML or JSON, schema `kjmatch schema event`) names the sector, the
slots and the participants of each country, by dataset id or name (imported firms
are ordinary players of `--data-dir`), each with an optional capacity, the slots
it is available in, ranked requests and must-meet and never-meet partners. Every
problem is reported at once, located `file:line:col: path: message` as in the data.

The same event fits a sheet (CSV or XLSX, read as `kjmatch import` reads its sheets):
optional `setting, value` rows (the top-level keys above), then a header row with
columns country, firm, capacity, available, must_meet, never_meet and requests, one
row per participant, lists separated by `;` (`1-4;7`, `toyota;honda`). Its problems
are located `file:row:col: column: message`.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, ClassVar

import annotated_types as at

from .errors import DataError, RequestError
from .model import Dataset, Slug, Text

MAX_SLOTS = 96
Count = Annotated[int, at.Ge(0), at.Le(1000)]
_RANGE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")  # "3-6", or "2" quoted
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_FORBID: dict[str, Any] = {"extra": "forbid"}
HINT = "an event file holds a mapping with keys sector, slots, korea and japan (see `kjmatch schema event`)"


@dataclass(frozen=True, kw_only=True)
class ParticipantEntry:
    """One firm at the event, as the file gives it."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _FORBID
    firm: Text  # a dataset id, name, native name or alias
    capacity: Count | None = None  # most meetings; default: the event's for its country
    # slot numbers or "3-6"; None: all. Any number parses here, so that `_slots` can say
    # what is wrong with 2.5 or `yes` in one message
    available: tuple[bool | int | float | str, ...] | None = None
    requests: tuple[Text, ...] = ()  # its ranked wishes, best first (default: score order)
    must_meet: tuple[Text, ...] = ()
    never_meet: tuple[Text, ...] = ()


@dataclass(frozen=True, kw_only=True)
class EventFile:
    """A business-matching day (the event file)."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _FORBID
    name: Text | None = None
    sector: Slug
    date: datetime.date | None = None
    start: Text = "10:00"  # the first slot's start, HH:MM (quoted in YAML)
    slot_minutes: Annotated[int, at.Ge(5), at.Le(240)] = 20
    break_minutes: Annotated[int, at.Ge(0), at.Le(240)] = 5
    slots: Annotated[int, at.Ge(1), at.Le(MAX_SLOTS)]
    tables: Annotated[int, at.Ge(1), at.Le(10_000)] | None = None  # None: one per Japanese firm
    timezone: Text = "Asia/Seoul"
    location: Text | None = None
    korea_capacity: Count = 4
    japan_capacity: Count = 8
    korea: tuple[ParticipantEntry, ...] = ()
    japan: tuple[ParticipantEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class Participant:
    id: str
    country: str
    capacity: int  # as asked
    available: frozenset[int]  # slot numbers, 1-based
    requests: tuple[str, ...] = ()  # ids of the other side, best first
    must_meet: frozenset[str] = frozenset()
    never_meet: frozenset[str] = frozenset()


@dataclass(slots=True)
class Event:
    sector: str
    slots: int
    participants: dict[str, Participant]  # id → participant, Korean ones first
    name: str | None = None
    date: datetime.date | None = None
    start: str = "10:00"
    slot_minutes: int = 20
    break_minutes: int = 5
    tables: int | None = None
    timezone: str = "Asia/Seoul"
    location: str | None = None
    file: str | None = None
    notes: list[str] = field(default_factory=list)

    def side(self, country: str) -> list[Participant]:
        return [p for p in self.participants.values() if p.country == country]

    def slot_start(self, slot: int) -> tuple[int, int]:
        """(hour, minute) at which slot `slot` (1-based) starts."""
        hh, mm = (int(x) for x in self.start.split(":"))
        minutes = hh * 60 + mm + (slot - 1) * (self.slot_minutes + self.break_minutes)
        return divmod(minutes, 60)

    def slot_label(self, slot: int) -> str:
        h, m = self.slot_start(slot)
        e = h * 60 + m + self.slot_minutes
        return f"{h:02d}:{m:02d}–{e // 60:02d}:{e % 60:02d}"


def from_flags(
    ds: Dataset,
    sector: str,
    *,
    slots: int,
    korea_capacity: int,
    japan_capacity: int,
    korea: list[str] | None = None,
    japan: list[str] | None = None,
    tables: int | None = None,
) -> Event:
    """The simple case: every firm of the sector (or those named), same capacity, all slots."""
    everyone = frozenset(range(1, slots + 1))
    people: dict[str, Participant] = {}
    for country, chosen, cap in (("KR", korea, korea_capacity), ("JP", japan, japan_capacity)):
        pool = [p.id for p in ds.players_in(sector, country)]
        for pid in chosen if chosen else pool:
            if pid not in pool:
                raise RequestError(
                    f"{pid!r} has no strengths in {sector}", "korea" if country == "KR" else "japan"
                )
            people[pid] = Participant(pid, country, cap, everyone)
    return Event(sector=sector, slots=slots, participants=people, tables=tables)


def read_event(path: Path, ds: Dataset, settings: dict[str, Any] | None = None) -> Event:
    """Read and check an event file against the dataset; DataError lists every problem.

    YAML or JSON (`kjmatch schema event`), or a sheet (CSV, XLSX: `SHEET_HINT`).
    `settings` (sector, slots, korea_capacity, …; None values ignored) override the
    file's own, as the command's options do."""
    from . import lookup

    file = str(path)
    given = {k: v for k, v in (settings or {}).items() if v is not None}
    checker: Any
    from .event_sheet import SHEETS, sheet_document

    if path.suffix.lower() in SHEETS:
        checker, doc, data = sheet_document(path, ds, given)
    else:
        checker, doc, data = _yaml_document(path, given)
    # settings that failed (no slots, say) still leave the participants to check, so
    # that their own problems (a misspelt firm, one listed twice) come in the same run
    partial = doc is None
    slots = doc.slots if doc is not None else _valid_slots(data)
    doc = doc or _participants_only(data, ds)
    if doc is None:
        raise DataError(checker.resolve())
    sector = doc.sector if not partial else data.get("sector")
    if isinstance(sector, str) and sector not in ds.sectors and not _said(checker, "sector"):
        checker.add(file, ("sector",), _unknown_text(lambda: lookup.sector(ds, sector)))
        partial = True
    if not partial:
        _check_settings(checker, file, doc)
    people = _people(checker, file, ds, doc, partial, slots)
    problems = checker.resolve()
    if problems:
        raise DataError(problems)
    ordered = dict(sorted(people.items(), key=lambda kv: (kv[1].country != "KR", kv[0])))
    return Event(
        sector=doc.sector,
        slots=doc.slots,
        participants=ordered,
        name=doc.name,
        date=doc.date,
        start=doc.start,
        slot_minutes=doc.slot_minutes,
        break_minutes=doc.break_minutes,
        tables=doc.tables,
        timezone=doc.timezone,
        location=doc.location,
        file=file,
    )


def _asked_by(pid: str, people: dict[str, Participant]) -> str:
    """Who else set a must-meet with `pid`, in words (the file shows them elsewhere)."""
    others = sorted(o for o, q in people.items() if pid in q.must_meet)
    if not others:
        return ""
    names = others[0] if len(others) == 1 else f"{', '.join(others[:-1])} and {others[-1]}"
    return f" ({names} asked for it)" if len(others) == 1 else f" (asked for by {names})"


def _told(checker: Any) -> int:
    """How many problems the checker holds so far, located or not."""
    return len(checker.problems) + len(getattr(checker, "pending", ()))


def _said(checker: Any, key: str) -> bool:
    """Whether a problem with the top-level `key` has been reported already."""
    told = [p.path for p in checker.problems]
    told += [p.path[:1] for p in getattr(checker, "pending", ())]
    return key in told or (key,) in told


def _participants_only(data: Any, ds: Dataset) -> EventFile | None:
    """The participants of a document whose settings failed, with placeholder settings
    (checks that need the real ones are skipped), or None if they fail too."""
    from pydantic import ValidationError

    from .validation import adapter

    if not isinstance(data, dict):
        return None
    sector = data.get("sector")
    entries = tuple[ParticipantEntry, ...]
    try:
        korea, japan = (
            adapter(entries).validate_python(data.get(k) or ()) for k in ("korea", "japan")
        )
    except ValidationError:  # reported by the schema check already
        return None
    known = sector if isinstance(sector, str) and sector in ds.sectors else ""
    return EventFile(sector=known, slots=MAX_SLOTS, korea=korea, japan=japan)


def _check_settings(checker: Any, file: str, doc: EventFile) -> None:
    if not _CLOCK.match(doc.start):
        checker.add(file, ("start",), f"must be a time of day HH:MM, got {doc.start!r}")
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(doc.timezone)
    except (ValueError, LookupError, OSError):
        checker.add(
            file,
            ("timezone",),
            f"unknown time zone {doc.timezone!r} (an IANA name such as Asia/Seoul)",
        )
    last = doc.slots
    end = _minutes(doc.start) + last * (doc.slot_minutes + doc.break_minutes)
    if _CLOCK.match(doc.start) and end > 24 * 60 + doc.break_minutes:
        checker.add(file, ("slots",), f"{last} slots from {doc.start} run past midnight")


def _valid_slots(data: Any) -> int | None:
    """The slot count of a document whose other settings failed, if it is itself valid
    (slot ranges are checked against it; only checks needing the others wait)."""
    raw = data.get("slots") if isinstance(data, dict) else None
    if isinstance(raw, str) and raw.strip().isdecimal():
        raw = int(raw.strip())
    return raw if type(raw) is int and 1 <= raw <= MAX_SLOTS else None


def _people(
    checker: Any, file: str, ds: Dataset, doc: EventFile, partial: bool, known: int | None
) -> dict[str, Participant]:
    """The participants, each firm found in the dataset and its partners among them.
    `partial`: the settings failed, so checks that need them (the sector's firms when
    it is unknown, the slot count, capacities) are left out."""
    from . import lookup

    people: dict[str, Participant] = {}
    where: dict[str, tuple[str, int]] = {}
    unsure: set[str] = set()  # participants whose `available` was refused
    raw: list[tuple[str, int, ParticipantEntry, str]] = []
    for key, country in (("korea", "KR"), ("japan", "JP")):
        in_sector = (
            {p.id for p in ds.players_in(doc.sector, country)} if doc.sector in ds.sectors else None
        )
        for i, entry in enumerate(getattr(doc, key)):
            try:
                pid = lookup.player(ds, entry.firm, country)
            except RequestError as exc:
                checker.add(file, (key, i, "firm"), str(exc))
                continue
            if in_sector is not None and pid not in in_sector:
                checker.add(file, (key, i, "firm"), f"{pid!r} has no strengths in {doc.sector}")
                continue
            if pid in where:
                k, j = where[pid]
                also = checker.where(k, j) if hasattr(checker, "where") else f"{k}[{j}]"
                checker.add(file, (key, i, "firm"), f"{pid!r} is listed twice (also {also})")
                continue
            where[pid] = (key, i)
            raw.append((key, i, entry, pid))
    for key, i, entry, pid in raw:
        country = "KR" if key == "korea" else "JP"
        other = "JP" if country == "KR" else "KR"

        def partners(
            names: tuple[str, ...], what: str, key: str = key, i: int = i, other: str = other
        ) -> list[str]:
            out = []
            for n, name in enumerate(names):
                try:
                    oid = lookup.player(ds, name, other)
                except RequestError as exc:
                    checker.add(file, (key, i, what, n), str(exc))
                    continue
                if oid not in where:
                    checker.add(file, (key, i, what, n), f"{oid!r} is not a participant")
                    continue
                out.append(oid)
            return out

        before = _told(checker)
        available = _slots(checker, file, (key, i, "available"), entry.available, known)
        if _told(checker) > before:
            unsure.add(pid)  # its slots are not known: no follow-on must-meet errors
        must, never = (
            partners(entry.must_meet, "must_meet"),
            partners(entry.never_meet, "never_meet"),
        )
        cap = entry.capacity
        if cap is None:
            cap = doc.korea_capacity if country == "KR" else doc.japan_capacity
        people[pid] = Participant(
            pid, country, cap, available, tuple(dict.fromkeys(partners(entry.requests, "requests"))),
            frozenset(must), frozenset(never),
        )  # fmt: skip
    if not partial:
        _check_requests(checker, file, people, where, unsure, known)
    return people


def _yaml_document(path: Path, given: dict[str, Any]) -> tuple[Any, EventFile | None, Any]:
    """The checker, the document (None if it failed) and the data it was read from."""
    from .validation import Checker, clean_text, validate_document
    from .yamlio import YamlProblem, decode, parse, parse_json, read_bytes

    file = str(path)
    checker = Checker()
    try:
        text = decode(read_bytes(path, file), file)
        checker.texts[file] = text
        data, dups = (parse_json if file.endswith(".json") else parse)(text, file)
    except YamlProblem as exc:
        raise DataError(exc.problems) from None
    checker.problems.extend(dups)
    data = clean_text(checker, file, data)
    if isinstance(data, dict):
        data = {**data, **given}
    return checker, validate_document(checker, file, EventFile, data, HINT), data


def _unknown_text(call: Any) -> str:
    try:
        call()
    except RequestError as exc:
        return str(exc)
    return "unknown"


def _minutes(clock: str) -> int:
    hh, mm = clock.split(":")
    return int(hh) * 60 + int(mm)


def _slots(
    checker: Any,
    file: str,
    loc: tuple[str | int, ...],
    spec: tuple[bool | int | float | str, ...] | None,
    n: int | None,
) -> frozenset[int]:
    """The slots `spec` names (None: all `n`); `n` None: the slot count is not known
    (the event's settings failed), so only the form of each item is checked."""
    if spec is None:
        return frozenset(range(1, (n or MAX_SLOTS) + 1))
    out: set[int] = set()
    for j, item in enumerate(spec):
        if isinstance(item, bool) or (isinstance(item, float) and not float(item).is_integer()):
            said = str(item).lower() if isinstance(item, bool) else repr(item)  # yes is true
            free = "; a firm free all day leaves `available` out" if isinstance(item, bool) else ""
            checker.add(
                file, (*loc, j), f'must be a slot number or a range such as "3-6", got {said}{free}'
            )
            continue
        if isinstance(item, float):
            item = int(item)
        if isinstance(item, str):
            m = _RANGE.match(item)
            if not m or int(m.group(1)) > int(m.group(2) or m.group(1)):
                checker.add(
                    file, (*loc, j), f'must be a slot number or a range such as "3-6", got {item!r}'
                )
                continue
            lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
        else:
            lo = hi = item
        if n is not None and (lo < 1 or hi > n):
            checker.add(file, (*loc, j), f"slot {item} is outside 1–{n} (the event has {n} slots)")
            continue
        out |= set(range(lo, hi + 1))
    return frozenset(out)


def _check_requests(
    checker: Any,
    file: str,
    people: dict[str, Participant],
    where: dict[str, tuple[str, int]],
    unsure: set[str] | None = None,
    slots: int | None = None,
) -> None:
    """Impossible requests: must-meet and never-meet at once, more must-meets than
    capacity or available slots, must-meet partners with no slot in common."""
    for pid, p in people.items():
        key, i = where[pid]
        musts = set(p.must_meet) | {o for o, q in people.items() if pid in q.must_meet}
        nevers = set(p.never_meet) | {o for o, q in people.items() if pid in q.never_meet}
        for both in sorted(musts & nevers):
            checker.add(file, (key, i, "firm"), f"{pid!r} must meet and never meet {both!r}")
        if musts and p.capacity == 0:
            checker.add(
                file, (key, i, "capacity"), f"capacity 0 but must meet {', '.join(sorted(musts))}"
            )
        elif len(musts) > p.capacity:
            checker.add(
                file, (key, i, "capacity"),
                f"capacity {p.capacity} is below its {len(musts)} must-meet partners"
                + _asked_by(pid, people),
            )  # fmt: skip
        elif unsure and pid in unsure:
            continue  # its `available` was refused, and said so
        elif len(musts) > len(p.available):
            free = len(p.available)
            whole_day = free == slots  # free all day: the day is what is short
            many = f"{len(musts)} partner{'' if len(musts) == 1 else 's'}"
            many += _asked_by(pid, people)
            checker.add(
                file, (key, i, "available" if not whole_day else "must_meet" if p.must_meet
                          else "firm"),
                f"must meet {many} but the day has only {free} slot{'' if free == 1 else 's'}"
                if whole_day else
                f"available in {free} slot{'' if free == 1 else 's'} but must meet {many}",
            )  # fmt: skip
        for other in sorted(p.must_meet):
            if unsure and other in unsure:
                continue
            if other in people and not p.available & people[other].available:
                checker.add(
                    file,
                    (key, i, "must_meet"),
                    f"must meet {other!r} but they share no available slot",
                )

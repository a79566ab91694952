"""Parse and check a dataset's files: schema, references, value-chain graphs.

Every problem is collected and reported at once, each located as
`file:line:col: field.path: message`. Only imported when YAML must be read
(a cache hit never imports pydantic or PyYAML).
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from . import checks
from . import model as m
from .errors import DataError, Problem, nearest
from .salvage import items, salvage
from .yamlio import YamlProblem, decode, parse, parse_json

KINDS: dict[str, type] = {
    "sectors": m.Sector,
    "players": m.PlayersFile,
    "relationships": m.RelationshipsFile,
    "scenarios": m.Scenario,
    "evidence": m.EvidenceFile,
}
_KIND_HINT = {
    "sectors": "a sector file holds a mapping with keys id, name, summary and stages",
    "players": "a players file holds a mapping with the key 'players' (and optionally 'strengths')",
    "relationships": "a relationships file holds a mapping with the key 'relationships'",
    "scenarios": "a scenario file holds a mapping with keys id, name, description and weights",
    "evidence": "an evidence file holds a mapping with keys generated_by, hs_revision, sources "
    "and facts (written by `kjmatch trade import`)",
}
_ADAPTERS: dict[str, TypeAdapter[Any]] = {}

Path_ = tuple[str | int, ...]


def adapter(kind: str | type) -> TypeAdapter[Any]:
    """The validator of a data folder's files (`kind`), or of any file type."""
    key = kind if isinstance(kind, str) else f"{kind.__module__}.{kind.__qualname__}"
    if key not in _ADAPTERS:
        _ADAPTERS[key] = TypeAdapter(KINDS[kind] if isinstance(kind, str) else kind)
    return _ADAPTERS[key]


@dataclass
class _Pending:
    """A problem whose line and column are looked up only when reporting."""

    file: str
    path: Path_
    message: str


@dataclass
class Checker:
    """Collects problems across all files of a dataset."""

    texts: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    pending: list[_Pending] = field(default_factory=list)
    # ids declared in files that failed their own checks: references to them are not
    # reported again, so one broken file does not bury the report in follow-on errors
    shadow: dict[str, set[str]] = field(
        default_factory=lambda: {"sectors": set(), "players": set()}
    )
    broken_files: set[str] = field(default_factory=set)
    unparsed: set[str] = field(default_factory=set)  # read, but not valid YAML or text
    # an unparsed players file's text without comments (None: not decoded), kept because
    # every unknown reference asks again
    _bare: dict[str, str | None] = field(default_factory=dict)

    def known(self, kind: str, name: str) -> bool:
        return name in self.shadow[kind] or (
            kind in ("players", "sectors") and self._maybe_in_unparsed(name, kind)
        )

    def _maybe_in_unparsed(self, pid: str, kind: str = "players") -> bool:
        """Whether a players (or sectors) file that could not be parsed may declare `pid`:
        its text holds the id (or it could not even be decoded). A reference it cannot
        hold is reported in the same run as its syntax error; special files declare
        nothing. One stray bracket in a sector file must not bury itself under every
        strength and tie of that sector reported as unknown (QA round 12)."""
        import re

        word = re.compile(rf"(?<![\w-]){re.escape(pid)}(?![\w-])")
        for f in self.unparsed:
            if f"/{kind}/" in f.replace("\\", "/"):
                if f not in self._bare:
                    text = self.texts.get(f)
                    bare = None if text is None else re.sub(r"(?m)^\s*#.*$", "", text)
                    self._bare[f] = bare
                bare = self._bare[f]
                if bare is None or word.search(bare):
                    return True  # an id named only in a comment declares nothing
        return False

    def add(self, file: str, path: Path_, message: str) -> None:
        self.pending.append(_Pending(file, path, message))

    def resolve(self) -> list[Problem]:
        out = list(self.problems)
        roots: dict[str, yaml.Node | None] = {}
        unreadable: set[str] = set()
        for p in self.pending:
            if p.file not in roots:
                text = self.texts.get(p.file, "")
                roots[p.file] = _compose(text)
                if roots[p.file] is None and text and not p.file.endswith(".json"):
                    # yaml-rs read a text PyYAML cannot (a key over two lines of a flow
                    # mapping): PyYAML's located syntax error is the one to fix
                    syntax = _syntax_problems(text, p.file)
                    if syntax:
                        out += syntax
                        unreadable.add(p.file)
            if p.file in unreadable:
                continue
            line, col, node = _locate(roots[p.file], p.path)
            message = p.message
            if node is not None and "{source}" in message:
                message = message.replace("{source}", _scalar_text(node))
            out.append(Problem(p.file, line, col, format_path(p.path), message))
        return out


def _compose(text: str) -> yaml.Node | None:
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return yaml.compose(text, Loader=loader)
    except yaml.YAMLError:
        return None


def _syntax_problems(text: str, file: str) -> list[Problem]:
    """PyYAML's located errors for a text (none if it reads it)."""
    try:
        parse(text, file, fast=False)
    except YamlProblem as exc:
        return list(exc.problems)
    return []


def _locate(root: yaml.Node | None, path: Path_) -> tuple[int, int, yaml.Node | None]:
    if root is None:
        return 0, 0, None
    node: yaml.Node = root
    for part in path:
        nxt: yaml.Node | None = None
        if isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            nxt = node.value[part] if 0 <= part < len(node.value) else None
        elif isinstance(node, yaml.MappingNode):
            for k, v in reversed(node.value):
                if isinstance(k, yaml.ScalarNode) and k.value == str(part):
                    nxt = v
                    break
        if nxt is None:
            break
        node = nxt
    return node.start_mark.line + 1, node.start_mark.column + 1, node


def _key_position(root: yaml.Node | None, path: Path_) -> tuple[int, int] | None:
    """Position of the key `path[-1]` itself (for unknown keys)."""
    if root is None or not path:
        return None
    _, _, parent = _locate(root, path[:-1])
    if isinstance(parent, yaml.MappingNode):
        for k, _ in parent.value:
            if isinstance(k, yaml.ScalarNode) and k.value == str(path[-1]):
                return k.start_mark.line + 1, k.start_mark.column + 1
    return None


def _scalar_text(node: yaml.Node) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else "…"


def format_path(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# ---------------------------------------------------------------- schema errors


def _fields_at(root: type, path: Path_) -> list[str]:
    """The keys allowed at `path` in the model, for 'did you mean' hints."""
    tp: Any = root
    for part in path:
        tp = _unwrap(tp)
        if isinstance(part, int):
            args = typing.get_args(tp)
            tp = args[0] if args else Any
        elif dataclasses.is_dataclass(tp):
            tp = typing.get_type_hints(tp).get(str(part), Any)
        else:
            return []
    tp = _unwrap(tp)
    return [f.name for f in dataclasses.fields(tp)] if dataclasses.is_dataclass(tp) else []


def _unwrap(tp: Any) -> Any:
    """The type inside Annotated[...] and Optional[...] wrappers."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) == 1:
                tp = args[0]
                continue
        return tp


def _schema_message(err: Any, kind_type: type, loc: Path_) -> tuple[Path_, str]:
    kind = err["type"]
    value = err.get("input")
    if kind in ("unexpected_keyword_argument", "extra_forbidden"):
        allowed = _fields_at(kind_type, loc[:-1])
        close = nearest(str(loc[-1]), allowed, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        moved = checks.RENAMED.get(str(loc[-1]))
        if moved:
            hint = f"; data format 2 replaced it with {moved} (see data/README.md)"
        return loc, f"unknown key {str(loc[-1])!r}{hint} (allowed: {', '.join(allowed)})"
    if kind in ("missing", "missing_keyword_argument"):
        return loc, "required field is missing"
    if kind == "string_type" and isinstance(value, bool | int | float):
        what = "a boolean" if isinstance(value, bool) else "a number"
        hint = (
            " (HS codes must be quoted, or leading zeros and trailing digits are lost)"
            if "hs_codes" in loc
            else " (YAML 1.1 reads words like no, yes, on and off as booleans)"
            if isinstance(value, bool)
            else ""
        )
        return loc, f"expected text, but YAML read `{{source}}` as {what}; write it in quotes{hint}"
    if kind == "string_type" and value is None:
        return loc, "expected text, found nothing"
    if kind in ("tuple_type", "list_type", "set_type"):
        shown = (
            f"text {value!r}"
            if isinstance(value, str)
            else "a mapping"
            if isinstance(value, dict)
            else "`{source}`"
        )
        example = f" ([{value}])" if isinstance(value, str) and len(value) < 40 else ""
        return loc, f"expected a list{example}, got {shown}"
    if kind == "string_pattern_mismatch":
        pattern = err.get("ctx", {}).get("pattern", "")
        what = {
            m.SLUG_PATTERN: "a lower-case id (a-z, 0-9 and single hyphens)",
            m.LINE_PATTERN: "one line of text (no line break or tab)",
            m.HS_PATTERN: 'an HS code such as "8486" or "8486.20"',
            m.COUNTRY_PATTERN: "a two-letter upper-case country code such as CN",
        }.get(pattern, f"text matching {pattern}")
        return loc, f"must be {what}, got {value!r}"
    if kind in ("too_short", "too_long"):
        ctx = err.get("ctx", {})
        n = ctx.get("actual_length")
        if kind == "too_short":
            return loc, f"needs at least {ctx.get('min_length')} item(s), has {n}"
        return loc, f"allows at most {ctx.get('max_length')} item(s), has {n}"
    msg = str(err.get("msg", "invalid value"))
    if value is not None and not isinstance(value, dict | list | tuple) and len(repr(value)) < 60:
        msg += f", got {value!r}"
    return loc, msg[0].lower() + msg[1:]


def _raw_at(data: Any, loc: Path_) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _validate_file(checker: Checker, file: str, kind: str, data: Any) -> Any | None:
    return validate_document(checker, file, KINDS[kind], data, _KIND_HINT[kind], kind)


def validate_document(
    checker: Checker, file: str, kind_type: type, data: Any, hint: str, kind: str | None = None
) -> Any | None:
    """`data` (read from `file`, whose text is in `checker.texts`) as a `kind_type`, or
    None with every problem located in `checker`; `hint` says what the file holds."""
    if data is None:
        checker.problems.append(Problem(file, 1, 1, "", f"file is empty; {hint}"))
        return None
    if not isinstance(data, dict):
        what = type(data).__name__.replace("str", "text").replace("list", "a list")
        checker.problems.append(Problem(file, 1, 1, "", f"top level is {what}; {hint}"))
        return None
    try:
        return adapter(kind or kind_type).validate_python(data)
    except ValidationError as exc:
        root = _compose(checker.texts[file])
        seen: set[tuple[Path_, str]] = set()
        for err in exc.errors():
            loc = tuple(
                p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))
            )
            if err["type"] in ("too_short", "too_long"):
                # pydantic counts only the items that passed; judge the real length
                raw = _raw_at(data, loc)
                ctx = err.get("ctx", {})
                if isinstance(raw, list):
                    err = {**err, "ctx": {**ctx, "actual_length": len(raw)}}
                    lo, hi = ctx.get("min_length", 0), ctx.get("max_length")
                    if len(raw) >= lo and (hi is None or len(raw) <= hi):
                        continue
            loc, message = _schema_message(err, kind_type, loc)
            if (loc, message) in seen:
                continue
            seen.add((loc, message))
            if err["type"] in ("unexpected_keyword_argument", "extra_forbidden"):
                pos = _key_position(root, loc)
                if pos:
                    checker.problems.append(
                        Problem(file, pos[0], pos[1], format_path(loc), message)
                    )
                    continue
            checker.add(file, loc, message)
        return None


# ---------------------------------------------------------------- text hygiene

# Characters that can hide or reorder what a reader sees (Trojan Source, CVE-2021-42574)
# or corrupt a terminal: C0/C1 controls and DEL (tab and newline are allowed: block
# scalars hold multi-line notes), bidi marks, embeddings, overrides and isolates, zero-width
# characters, the word joiner, the BOM, and the line and paragraph separators.
UNSAFE_TEXT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def _unsafe_kind(ch: str) -> str:
    cp = ord(ch)
    if cp < 0xA0:
        return "control character"
    if cp in (0x061C, 0x200E, 0x200F) or 0x202A <= cp <= 0x202E or 0x2066 <= cp <= 0x2069:
        return "bidirectional control character"
    if cp in (0x2028, 0x2029):
        return "line separator character"
    return "invisible zero-width character"


def _unsafe_message(bad: re.Match[str]) -> str:
    ch = bad.group()
    where = f"at character {bad.start() + 1}"
    return f"text holds {_unsafe_kind(ch)} U+{ord(ch):04X} ({where}); remove it"


def unsafe_text(text: str) -> str:
    """What is wrong with `text` (a spreadsheet cell, say) if it holds a hidden or
    control character, in the words a data file's problem uses; else ''."""
    bad = UNSAFE_TEXT.search(text)
    return "" if bad is None else _unsafe_message(bad)


def _clean_text(checker: Checker, file: str, data: Any, path: Path_ = ()) -> Any:
    """Every string (keys too) in NFC, so either form of a name finds the same firm; a
    hidden or control character is reported at its path and dropped, so the schema
    check that follows does not report it again."""
    if isinstance(data, str):
        if data.isascii():
            bad = UNSAFE_TEXT.search(data)
            if bad is None:
                return data
        else:
            bad = UNSAFE_TEXT.search(data)
            if not unicodedata.is_normalized("NFC", data):
                data = unicodedata.normalize("NFC", data)
                bad = UNSAFE_TEXT.search(data)
            if bad is None:
                return data
        checker.add(file, path, _unsafe_message(bad))
        return UNSAFE_TEXT.sub("", data)
    if isinstance(data, dict):
        out: dict[Any, Any] = {}
        for k, v in data.items():
            key = _clean_text(checker, file, k, (*path, k)) if isinstance(k, str) else k
            out[key] = _clean_text(checker, file, v, (*path, k))
        return out
    if isinstance(data, list):
        return [_clean_text(checker, file, v, (*path, i)) for i, v in enumerate(data)]
    return data


clean_text = _clean_text  # for other file kinds (event files)


def _clean_as_written(text: str) -> bool:
    """Whether every string a file can yield is clean already, so `_clean_text` need not
    visit them (seconds on a registry): the text has no escapes (which can make any
    character), no unsafe character, and is NFC throughout (its strings are pieces of
    it joined by spaces or line breaks, which compose with nothing)."""
    return (
        "\\" not in text
        and UNSAFE_TEXT.search(text) is None
        and (text.isascii() or unicodedata.is_normalized("NFC", text))
    )


# ---------------------------------------------------------------- cross-checks


def _shadow_ids(checker: Checker, kind: str, data: Any) -> None:
    """Remember the ids a failed file tried to declare."""
    if kind == "sectors" and isinstance(data, dict) and isinstance(data.get("id"), str):
        checker.shadow["sectors"].add(data["id"])
    elif kind == "players" and isinstance(data, dict) and isinstance(data.get("players"), list):
        for p in data["players"]:
            if isinstance(p, dict) and isinstance(p.get("id"), str):
                checker.shadow["players"].add(p["id"])


def build(
    files: dict[str, list[tuple[str, bytes]]],
    progress: Callable[[str, int, int], None] | None = None,
    unread: Iterable[Problem] = (),
    special: Iterable[Problem] = (),
) -> m.Dataset:
    """Parse, validate and cross-check files' bytes grouped by kind; raise DataError listing
    every problem. `unread` are problems of files that could not be read (reported too;
    they may declare what others refer to), `special` those of paths that are no data
    file at all (a FIFO, a folder named `x.yaml`: reported, and declare nothing)."""
    checker = Checker()
    checker.problems.extend(special)
    for problem in unread:
        checker.problems.append(problem)
        checker.broken_files.add(problem.file)
        checker.unparsed.add(problem.file)
    parsed: dict[str, list[tuple[str, Any]]] = {k: [] for k in KINDS}
    total = sum(len(v) for v in files.values())
    done = 0
    for kind, entries in files.items():
        for name, raw in entries:
            done += 1
            if progress:
                progress("Reading data", done, total)
            try:
                text = decode(raw, name)
                checker.texts[name] = text
                reader = parse_json if name.endswith(".json") else parse
                data, duplicates = reader(text, name)
            except YamlProblem as exc:
                checker.problems.extend(exc.problems)
                checker.broken_files.add(name)
                checker.unparsed.add(name)
                continue
            checker.problems.extend(duplicates)
            if not _clean_as_written(text):
                data = _clean_text(checker, name, data)
            obj = _validate_file(checker, name, kind, data)
            if obj is not None:
                parsed[kind].append((name, obj))
            else:
                _shadow_ids(checker, kind, data)
                # its records that validate alone are still cross-checked
                part = salvage(kind, data, lambda t, x: adapter(t).validate_python(x))
                if part is not None:
                    parsed[kind].append((name, part))

    sectors: dict[str, m.Sector] = {}
    for file, sector in parsed["sectors"]:
        if sector.id in sectors:
            checker.add(file, ("id",), f"duplicate sector id {sector.id!r}")
            continue
        sectors[sector.id] = sector
        checks.check_sector(checker, file, sector)

    sectors = checks.add_evidence(checker, sectors, parsed["evidence"])

    players: dict[str, m.Player] = {}
    extra: dict[str, list[m.Strength]] = {}
    seen_strength: dict[tuple[str, str, str], str] = {}

    def note_strength(file: str, loc: Path_, pid: str, s: m.Strength) -> bool:
        key = (pid, s.sector, s.stage)
        if key in seen_strength:
            checker.add(
                file,
                loc,
                f"{pid!r} already has a strength at {s.sector}/{s.stage} (in {seen_strength[key]})",
            )
            return False
        seen_strength[key] = file
        return True

    for file, pf in parsed["players"]:
        for i, p in items(pf, "players"):
            if p.id in players:
                checker.add(file, ("players", i, "id"), f"duplicate player id {p.id!r}")
                continue
            players[p.id] = p
            for j, op in enumerate(p.partner_country_operations):
                checks.check_sources(
                    checker,
                    file,
                    ("players", i, "partner_country_operations", j, "source"),
                    [op.source],
                )
            filled = []
            for j, s in enumerate(p.strengths):
                loc: Path_ = ("players", i, "strengths", j)
                full = checks.check_strength(checker, file, loc, s, sectors)
                if note_strength(file, loc, p.id, s) and full is not None:
                    filled.append(full)
            if len(filled) != len(p.strengths) or any(
                a is not b for a, b in zip(filled, p.strengths, strict=False)
            ):  # products were filled in (or a strength dropped): a new player object
                players[p.id] = dataclasses.replace(p, strengths=tuple(filled))
    for file, pf in parsed["players"]:
        for i, e in items(pf, "strengths"):
            loc = ("strengths", i)
            if e.player not in players:
                if not checker.known("players", e.player):
                    checker.add(file, (*loc, "player"), checks.unknown("player", e.player, players))
                continue
            full = checks.check_strength(checker, file, loc, e, sectors)
            if full is not None and note_strength(file, loc, e.player, e):
                fields = {f.name: getattr(full, f.name) for f in dataclasses.fields(m.Strength)}
                extra.setdefault(e.player, []).append(m.Strength(**fields))
    for pid, more in extra.items():
        p = players[pid]
        players[pid] = dataclasses.replace(p, strengths=p.strengths + tuple(more))

    relationships: list[m.Relationship] = []
    rel_ids: set[str] = set()
    for file, rf in parsed["relationships"]:
        for i, r in items(rf, "relationships"):
            loc = ("relationships", i)
            ok = r.id not in rel_ids
            if not ok:
                checker.add(file, (*loc, "id"), f"duplicate relationship id {r.id!r}")
            rel_ids.add(r.id)
            ok = checks.check_relationship(checker, file, loc, r, players, sectors) and ok
            if ok:
                relationships.append(r)

    from .weights import default_weights
    from .weights import names as component_names

    components = component_names()

    scenarios: dict[str, m.Scenario] = {}
    for file, sc in parsed["scenarios"]:
        if sc.id in scenarios:
            checker.add(file, ("id",), f"duplicate scenario id {sc.id!r}")
        for name in sc.weights:
            if name not in components:
                checker.add(
                    file,
                    ("weights", name),
                    checks.unknown("weight", name, components),
                )
        if not any({**default_weights(), **sc.weights}.values()):
            checker.add(file, ("weights",), "at least one weight must be above zero")
        scenarios[sc.id] = sc

    problems = checker.resolve()
    if problems:
        raise DataError(problems)
    return m.Dataset(
        sectors=sectors,
        players=players,
        relationships=tuple(relationships),
        scenarios=scenarios,
        as_of=checks.newest_year(sectors.values(), players.values(), relationships),
    )

"""Find what a request names: sectors, players (by id, name, native name or alias),
stages, scenarios and weights. Errors name the request's field, never a CLI flag."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path

from .errors import RequestError, unknown
from .model import Dataset, Player, Strength

SIDE = {"KR": "Korean", "JP": "Japanese"}


def _nfc(name: str) -> str:
    """A typed name in NFC, as the dataset's text is: `é` typed as e + U+0301 still finds it;
    spaces around it dropped and runs of spaces made one (a name pasted as "  Toyota  ")."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def _folded(name: str) -> str:
    """A name as names are compared: case and compatibility forms folded (NFKC), so
    full-width `ＴＯＹＯＴＡ` and half-width katakana find what they spell."""
    return " ".join(
        unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold()).split()
    )


def sector(ds: Dataset, name: str, field: str = "sector") -> str:
    """A sector id; its English, Korean or Japanese name, or the id in any case,
    is accepted for it (`Batteries`, `Secondary batteries`, `이차전지`, `二次電池`)."""
    name = _nfc(name)
    if name in ds.sectors:
        return name
    wanted = _folded(name)
    named = sorted(
        s.id
        for s in ds.sectors.values()
        if wanted in {_folded(n) for n in (s.id, s.name.en, s.name.ko, s.name.ja)}
    )
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        which = " or ".join(repr(x) for x in named)
        raise RequestError(f"ambiguous sector {name!r}: {which}; give the id", field)
    raise unknown("sector", name, ds.sectors, field)


def player(ds: Dataset, name: str, country: str | None = None, field: str = "player") -> str:
    """A player id; a unique name, native name or alias (any case, any Unicode
    normal form) is accepted for it. A name that several players share is ambiguous."""
    name = _nfc(name)
    pid = name
    if pid not in ds.players:
        wanted = _folded(name)
        named = sorted(
            p.id
            for p in ds.players.values()
            if (country is None or p.country == country)
            and wanted in {_folded(n) for n in (p.name, p.native_name, *p.aliases)}
        )
        if len(named) > 1:
            which = " or ".join(repr(x) for x in named)
            raise RequestError(f"ambiguous player {name!r}: {which}; give the id", field)
        if not named:
            pool = [p for p in ds.players.values() if country is None or p.country == country]
            close = _suggestions(wanted, pool)
            if close:
                hint = " or ".join(repr(c) for c in close)
                raise RequestError(f"unknown player {name!r}; did you mean {hint}?", field)
            raise unknown("player", name, [p.id for p in pool], field)
        pid = named[0]
    if country and ds.players[pid].country != country:
        raise RequestError(f"{pid!r} is not a {SIDE[country]} player", field)
    return pid


def pair(ds: Dataset, korea: str, japan: str, fields: tuple[str, str]) -> tuple[str, str]:
    """A Korean and a Japanese player's ids; given the other way round (a Japanese firm
    first), the error says so and gives the order that works."""
    kid, jid = player(ds, korea, None, fields[0]), player(ds, japan, None, fields[1])
    kc, jc = ds.players[kid].country, ds.players[jid].country
    if (kc, jc) == ("JP", "KR"):
        raise RequestError(
            f"{kid!r} is Japanese and {jid!r} Korean: give the Korean firm first ({jid} {kid})",
            fields[0],
        )
    if kc != "KR":
        raise RequestError(f"{kid!r} is not a Korean player", fields[0])
    if jc != "JP":
        raise RequestError(f"{jid!r} is not a Japanese player", fields[1])
    return kid, jid


def _suggestions(wanted: str, pool: list[Player], n: int = 5) -> list[str]:
    """Players a mistyped name may mean, best first: those whose id or a name starts with
    it (`hyundai` → `hyundai-motor`), then those that contain it, each with the most
    strengths first (the better-known firm), then the nearest by spelling."""
    import difflib

    def names(p: Player) -> list[str]:
        return [_folded(x) for x in (p.id, p.name, p.native_name, *p.aliases)]

    def order(p: Player) -> tuple[int, str]:
        return -len(p.strengths), p.id

    prefix = sorted((p for p in pool if any(x.startswith(wanted) for x in names(p))), key=order)
    inside = sorted((p for p in pool if any(wanted in x for x in names(p))), key=order)
    spelled: dict[str, str] = {}
    for p in sorted(pool, key=lambda p: p.id):
        for x in names(p):
            spelled.setdefault(x, p.id)
    # by spelling: the closest names, and those nearly as close (not every weak match)
    scored = sorted(
        ((difflib.SequenceMatcher(None, wanted, x).ratio(), x) for x in spelled), reverse=True
    )
    best = scored[0][0] if scored else 0.0
    near = [x for r, x in scored if r >= max(0.6, best - 0.1)]
    found = [p.id for p in (*prefix, *inside)] + [spelled[x] for x in near]
    return list(dict.fromkeys(found))[:n]


def stage(ds: Dataset, name: str, sector_id: str | None = None, field: str = "stage") -> str:
    """A stage id, in one sector or in any."""
    name = _nfc(name)
    scope = [ds.sectors[sector_id]] if sector_id else list(ds.sectors.values())
    ids = {st.id for sec in scope for st in sec.stages}
    if name not in ids:
        raise unknown("stage", name, ids, field)
    return name


def companies(
    ds: Dataset,
    sector_id: str | None = None,
    country: str | None = None,
    stage_id: str | None = None,
) -> list[tuple[Player, list[Strength]]]:
    """Players with their strengths in scope, by country then id. Without a sector or
    stage filter every player is listed, strengths or not."""
    if sector_id:
        sector_id = sector(ds, sector_id)
    if stage_id:
        stage_id = stage(ds, stage_id, sector_id)
    rows = []
    for p in sorted(ds.players.values(), key=lambda p: (p.country, p.id)):
        if country and p.country != country:
            continue
        strengths = [
            s
            for s in p.strengths
            if (sector_id is None or s.sector == sector_id)
            and (stage_id is None or s.stage == stage_id)
        ]
        if strengths or (sector_id is None and stage_id is None):
            rows.append((p, strengths))
    return rows


def weights(
    ds: Dataset,
    scenario: str | None = None,
    weights_file: Path | None = None,
    assignments: Iterable[str] = (),
) -> dict[str, float]:
    """The scenario's weights, then the weights file's, then `NAME=VALUE` assignments."""
    from .weights import WeightError, parse_assignments, resolve_weights

    layers: list[Mapping[str, object]] = []
    sid = scenario_id(ds, scenario)
    if sid:
        layers.append(dict(ds.scenarios[sid].weights))
    field = "weights_file"
    try:
        if weights_file is not None:
            layers.append(read_weights_file(weights_file))
        field = "weight"
        layers.append(parse_assignments(assignments))
        return resolve_weights(*layers)
    except WeightError as exc:
        raise RequestError(str(exc), field) from None


def scenario_id(ds: Dataset, name: str | None) -> str | None:
    """A scenario's id from its id or its name as `scenarios` prints it, in any case."""
    if not name:
        return None
    name = _nfc(name)
    if name not in ds.scenarios:
        folded = name.casefold()
        name = next(
            (s.id for s in ds.scenarios.values()
             if folded in (s.id.casefold(), s.name.casefold())),
            name,
        )  # fmt: skip
    if name not in ds.scenarios:
        raise unknown("scenario", name, ds.scenarios, "scenario")
    return name


def read_weights_file(path: Path) -> dict[str, object]:
    """A YAML mapping of weight names to numbers (optionally under a `weights:` key)."""
    from .weights import WeightError, resolve_weights
    from .yamlio import YamlProblem, parse, read_text

    try:
        data, dups = parse(read_text(path, str(path)), str(path))
    except YamlProblem as exc:
        raise RequestError("; ".join(str(p) for p in exc.problems), "weights_file") from None
    if dups:
        raise RequestError("; ".join(str(p) for p in dups), "weights_file")
    if isinstance(data, dict) and isinstance(data.get("weights"), dict):
        beside = sorted(str(k) for k in data if k != "weights")
        if beside:  # a mis-indented weight would be dropped without a word
            raise RequestError(
                f"{path}: keys beside `weights:` are not read: {', '.join(beside)} "
                "(indent them under weights:, or leave weights: out)",
                "weights_file",
            )
        data = data["weights"]
    if not isinstance(data, dict):
        raise RequestError(f"{path}: expected a mapping of weight names to numbers", "weights_file")
    out = {str(k): v for k, v in data.items()}
    problems = []  # every bad name or value at once, each checked on its own
    for k, v in out.items():
        try:
            resolve_weights({k: v})
        except WeightError as exc:
            problems.append(str(exc))
    if problems:
        raise RequestError(f"{path}: {'; '.join(problems)}", "weights_file")
    return out

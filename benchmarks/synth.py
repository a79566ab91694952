"""Seeded synthetic datasets with the bundled data's shape, for scale benchmarks.

One sector with a seven-stage feed graph; players spread over stages with a
realistic level mix (few leaders, many mid-sized firms), some with a second
strength; sparse relationships. Same schema as the real data.

    python benchmarks/synth.py OUT_DIR --players 10000 [--seed 1]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

STAGES = [
    # id, kind, inputs, HS codes
    ("minerals", "raw_material", [], ["2825.20", "2836.91"]),
    ("materials", "material", ["minerals"], ["2841.90"]),
    ("components", "component", ["materials"], ["3920.10", "7607.20"]),
    ("equipment", "equipment", [], ["8479.89"]),
    ("cells", "manufacturing", ["materials", "components", "equipment"], ["8507.60"]),
    ("vehicles", "end_use", ["cells"], ["8703.80"]),
    ("recycling", "service", ["cells", "vehicles"], []),
]
STAGE_WEIGHTS = [0.10, 0.20, 0.20, 0.10, 0.15, 0.15, 0.10]
LEVELS = [1, 2, 3, 4, 5]
LEVEL_WEIGHTS = [0.10, 0.25, 0.35, 0.20, 0.10]
TAGS = [
    "cathode",
    "anode",
    "separator",
    "electrolyte",
    "pouch film",
    "binder",
    "coater",
    "formation",
    "pack",
    "ev",
]
CHUNK = 5000  # players per file, so no file nears the loader's size limit


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sector_yaml() -> str:
    lines = [
        "# yaml-language-server: $schema=../../schema/sector.schema.json",
        "id: synthetic",
        "name: {en: Synthetic batteries, ko: 합성 이차전지, ja: 合成二次電池}",
        "summary: Generated for benchmarks; not real data.",
        "stages:",
    ]
    for sid, kind, inputs, hs in STAGES:
        lines += [
            f"  - id: {sid}",
            f"    name: {{en: {sid.title()}, ko: {sid}, ja: {sid}}}",
            f"    kind: {kind}",
            f"    inputs: [{', '.join(inputs)}]",
            "    products:",
        ]
        for pid, codes in _products(sid, hs):
            lines.append(
                f"      - {{id: {pid}, name: {{en: {pid}, ko: {pid}, ja: {pid}}}, "
                f"hs_codes: [{', '.join(_q(h) for h in codes)}]}}"
            )
    lines += [
        "    context:",
        "      import_shares:",
        "        - {importer: KR, partner: CN, value: 0.75, products: [recycling], item: scrap, year: 2025, source: {publisher: Synthetic, year: 2025}}",
        "        - {importer: JP, partner: KR, value: 0.4, products: [recycling], item: scrap, year: 2021, source: {publisher: Synthetic, year: 2025}}",
    ]
    return "\n".join(lines) + "\n"


def _products(sid: str, hs: list[str]) -> list[tuple[str, list[str]]]:
    """One product per stage, except one product per HS code where a stage has several."""
    if len(hs) < 2:
        return [(sid, hs)]
    return [(f"{sid}-{n}", [code]) for n, code in enumerate(hs, 1)]


def _strength(rng: random.Random, stage: str) -> str:
    level = rng.choices(LEVELS, LEVEL_WEIGHTS)[0]
    tags = ", ".join(rng.sample(TAGS, 2))
    hs = next(s[3] for s in STAGES if s[0] == stage)
    own = [pid for pid, _ in _products(stage, hs)]
    chosen = rng.sample(own, rng.randint(1, len(own)))
    products = ", ".join(f"{pid}: {max(1, level - rng.randint(0, 1))}" for pid in chosen)
    return (
        f"      - {{sector: synthetic, stage: {stage}, level: {level}, products: {{{products}}}, "
        f"tags: [{tags}], "
        f'note: "Level {level}: synthetic.", as_of: 2025, '
        f"sources: [{{publisher: Synthetic, year: 2025}}]}}"
    )


def _to_json(yaml_text: str) -> str:
    import json

    import yaml

    return json.dumps(
        yaml.load(yaml_text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)),
        ensure_ascii=False,
    )


def generate(
    out: Path, players: int, seed: int = 1, ties_per_1000: int = 20, fmt: str = "yaml"
) -> Path:
    """Write a dataset with `players` per country under `out`; returns `out`.

    With fmt="json" the player and relationship files are written as JSON (same layout)."""
    rng = random.Random(seed)
    (out / "sectors").mkdir(parents=True, exist_ok=True)
    (out / "players").mkdir(parents=True, exist_ok=True)
    (out / "relationships").mkdir(parents=True, exist_ok=True)
    (out / "sectors" / "synthetic.yaml").write_text(sector_yaml(), encoding="utf-8")
    stage_ids = [s[0] for s in STAGES]
    ids: dict[str, list[str]] = {"KR": [], "JP": []}
    for country in ("KR", "JP"):
        for start in range(0, players, CHUNK):
            lines = ["# yaml-language-server: $schema=../../schema/players.schema.json", "players:"]
            for i in range(start, min(players, start + CHUNK)):
                pid = f"{country.lower()}-{i:06d}"
                ids[country].append(pid)
                stages = rng.choices(stage_ids, STAGE_WEIGHTS, k=2 if rng.random() < 0.3 else 1)
                lines += [
                    f"  - id: {pid}",
                    f"    name: {country} Firm {i}",
                    f"    native_name: {country} 회사 {i}",
                    f"    country: {country}",
                    "    strengths:",
                ]
                lines += [_strength(rng, st) for st in dict.fromkeys(stages)]
            text = "\n".join(lines) + "\n"
            name = f"{country.lower()}-{start // CHUNK:03d}.{fmt}"
            (out / "players" / name).write_text(
                _to_json(text) if fmt == "json" else text, encoding="utf-8"
            )
    rels = [
        "# yaml-language-server: $schema=../../schema/relationships.schema.json",
        "relationships:",
    ]
    for n in range(max(1, players * ties_per_1000 // 1000)):
        k, j = rng.choice(ids["KR"]), rng.choice(ids["JP"])
        status = rng.choice(["announced", "active", "ended"])
        ended = "\n    ended: 2024" if status == "ended" else ""
        rels += [
            f"  - id: tie-{n:06d}",
            f"    korea: {k}",
            f"    japan: {j}",
            "    sectors: [synthetic]",
            "    type: supply",
            "    year: 2022",
            f"    status: {status}{ended}",
            "    summary: Synthetic tie.",
            "    sources: [{publisher: Synthetic, year: 2025}]",
        ]
    text = "\n".join(rels) + "\n"
    (out / "relationships" / f"synthetic.{fmt}").write_text(
        _to_json(text) if fmt == "json" else text, encoding="utf-8"
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--players", type=int, default=1000, help="players per country")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", choices=["yaml", "json"], default="yaml")
    args = parser.parse_args()
    generate(args.out, args.players, args.seed, fmt=args.format)


if __name__ == "__main__":
    main()

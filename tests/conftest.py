"""Shared fixtures: a tiny, fully valid dataset and an isolated cache."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from kjmatch.model import Dataset

SRC = {"publisher": "Test Publisher", "year": 2024, "url": "https://example.org/a"}


def names(en: str) -> dict[str, str]:
    return {"en": en, "ko": en + " (ko)", "ja": en + " (ja)"}


def stage(sid: str, kind: str, inputs: list[str], hs: list[str] | None = None) -> dict[str, Any]:
    """A stage with one product of the same id (tests of products add their own)."""
    return {
        "id": sid,
        "name": names(sid.title()),
        "kind": kind,
        "inputs": inputs,
        "products": [{"id": sid, "name": names(sid.title()), "hs_codes": hs or []}],
    }


SECTOR: dict[str, Any] = {
    "id": "widgets",
    "name": names("Widgets"),
    "summary": "A toy value chain for tests.",
    "stages": [
        stage("ore", "raw_material", [], ["2825.20"]),
        stage("film", "material", ["ore"], ["3920.10"]),
        stage("tools", "equipment", []),
        stage("cells", "manufacturing", ["film", "tools"], ["8507.60"]),
        stage("cars", "end_use", ["cells"], ["8703.80"]),
    ],
}


def strength(
    stage_id: str, level: int, sector: str = "widgets", tags: list[str] | None = None
) -> dict[str, Any]:
    return {
        "sector": sector,
        "stage": stage_id,
        "level": level,
        "tags": tags or [],
        "note": f"Level {level}: test fixture.",
        "as_of": 2024,
        "sources": [SRC],
    }


def player(pid: str, country: str, *strengths: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": pid,
        "name": pid.replace("-", " ").title(),
        "native_name": pid,
        "country": country,
        "strengths": list(strengths),
    }


PLAYERS: dict[str, Any] = {
    "players": [
        player("kr-cellco", "KR", strength("cells", 5)),
        player("kr-filmco", "KR", strength("film", 2)),
        player("kr-carco", "KR", strength("cars", 3)),
        player("jp-filmco", "JP", strength("film", 5)),
        player("jp-toolco", "JP", strength("tools", 4)),
        player("jp-carco", "JP", strength("cars", 5)),
        player("jp-cellco", "JP", strength("cells", 3)),
        player("jp-oreco", "JP", strength("ore", 4)),
    ]
}

RELATIONSHIPS: dict[str, Any] = {
    "relationships": [
        {
            "id": "cellco-filmco-supply",
            "korea": "kr-cellco",
            "japan": "jp-filmco",
            "sectors": ["widgets"],
            "type": "supply",
            "year": 2023,
            "status": "active",
            "summary": "Film supply.",
            "sources": [SRC],
        }
    ]
}


def write_dataset(root: Path, files: dict[str, Any] | None = None) -> Path:
    """Write the tiny dataset (or `files`: relative path → data or raw text) under root."""
    files = files if files is not None else default_files()
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_text(
                yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8"
            )
    return root


def default_files() -> dict[str, Any]:
    return {
        "sectors/widgets.yaml": copy.deepcopy(SECTOR),
        "players/all.yaml": copy.deepcopy(PLAYERS),
        "relationships/all.yaml": copy.deepcopy(RELATIONSHIPS),
    }


@pytest.fixture(scope="session")
def _session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for the whole run: the bundled dataset is read from YAML once."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _isolated_cache(_session_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the cache is keyed by content, so sharing it across tests is safe; tests of the
    # cache itself use `tiny`, which gives them a cache of their own
    monkeypatch.setenv("KJMATCH_CACHE_DIR", str(_session_cache))
    monkeypatch.delenv("KJMATCH_DATA_DIR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    # tables wrap at the width they are drawn at: a COLUMNS from the runner (a terminal, a
    # parallel worker) would change the text; tests that need a width set their own
    monkeypatch.delenv("COLUMNS", raising=False)


@pytest.fixture
def tiny(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The tiny dataset, with a fresh cache folder of its own."""
    monkeypatch.setenv("KJMATCH_CACHE_DIR", str(tmp_path / "cache"))
    return write_dataset(tmp_path / "data")


@pytest.fixture(scope="session")
def bundled() -> Dataset:
    """The bundled dataset, loaded once (without the cache) for the whole run."""
    from kjmatch.loader import load_dataset

    return load_dataset(None, use_cache=False)

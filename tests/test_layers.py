"""The house rules of the code's layout, checked on the source (no import needed)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "kjmatch"
MAX_LINES = 600
# lower floors never import higher ones
LAYERS = {
    "kjmatch": 0,
    "kjmatch.errors": 0,
    "kjmatch.model": 0,
    "kjmatch.weights": 0,
    "kjmatch.safeio": 1,
    "kjmatch.yamlio": 1,
    "kjmatch.loader": 1,
    "kjmatch.validation": 1,
    "kjmatch.checks": 1,
    "kjmatch.importer": 1,
    "kjmatch.import_file": 1,
    "kjmatch.import_sheet": 1,
    "kjmatch.salvage": 1,
    "kjmatch.sheets": 1,
    "kjmatch.event": 1,
    "kjmatch.event_sheet": 1,
    "kjmatch.schema": 1,
    "kjmatch.scaffold": 1,
    "kjmatch.report": 1,
    "kjmatch.lookup": 1,
    "kjmatch.trade": 1,
    "kjmatch.scoring": 2,
    "kjmatch.output": 3,
    "kjmatch.cli": 4,
    "kjmatch.__main__": 5,
}
# the only core users of rich (grids: only its table of character widths, rich.cells)
DRAWS = {"kjmatch.output.views", "kjmatch.output.console", "kjmatch.output.grids"}


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(name: str) -> int:
    while name not in LAYERS:
        name = name.rpartition(".")[0]
    return LAYERS[name]


def imports(path: Path) -> set[str]:
    """Every module `path` imports, at any depth (function-level imports too)."""
    own = module_name(path)
    package = own if path.name == "__init__.py" else own.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}
    return found


MODULES = sorted(SRC.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_imports_never_run_back_up(path: Path) -> None:
    me = module_name(path)
    ours = {m for m in imports(path) if m == "kjmatch" or m.startswith("kjmatch.")}
    wrong = sorted(
        m for m in ours if _is_module(m) and layer(m) > layer(me) and not me.endswith("__main__")
    )
    assert not wrong, f"{me} (floor {layer(me)}) imports higher floors: {wrong}"


def _is_module(name: str) -> bool:
    rel = name.removeprefix("kjmatch").lstrip(".").replace(".", "/")
    return (SRC / f"{rel}.py").exists() or (SRC / rel / "__init__.py").exists()


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_core_imports_neither_typer_nor_rich(path: Path) -> None:
    me = module_name(path)
    if layer(me) >= LAYERS["kjmatch.cli"]:
        return
    heavy = {m.split(".")[0] for m in imports(path)} & {"typer", "rich", "click"}
    if me in DRAWS:
        heavy -= {"rich"}
    assert not heavy, f"{me} imports {sorted(heavy)}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_no_module_is_over_600_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module_name(path)} has {lines} lines"


def test_the_layer_table_knows_every_module() -> None:
    for path in MODULES:
        layer(module_name(path))  # raises KeyError for a module on no floor

"""Every command's JSON validates against its committed schema; schemas are current."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from kjmatch.cli import app
from kjmatch.output import contract, documents
from kjmatch.output.schemas import output_schemas

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schema" / "output"
runner = CliRunner()


def _json(*args: str) -> dict[str, Any]:
    r = runner.invoke(app, [*args, "--json"])
    assert r.exit_code in (0, 1), r.stderr
    doc: dict[str, Any] = json.loads(r.stdout)
    return doc


def test_committed_output_schemas_are_current() -> None:
    generated = output_schemas()
    assert sorted(p.stem.removesuffix(".schema") for p in SCHEMAS.glob("*.json")) == sorted(
        generated
    )
    for name, schema in generated.items():
        committed = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
        assert committed == schema, f"run `kjmatch schema --output all --output-dir {SCHEMAS}`"


def test_contract_version_is_one_number() -> None:
    assert documents.CONTRACT == contract.CONTRACT


CASES = {
    "sectors": ["sectors"],
    "companies": ["companies", "--sector", "batteries"],
    "match": ["match", "--sector", "batteries"],
    "match-stability": ["match", "--sector", "shipbuilding", "--stability", "--samples", "5"],
    "match-filtered": ["match", "--sector", "batteries", "--korea", "sk-on", "--new-only"],
    "partners": ["partners", "toyota", "lg-energy-solution", "--top", "30"],
    "compare": ["compare", "sk-hynix", "namics", "lg-energy-solution", "toyota"],
    "dependence": ["dependence", "--from", "third"],
    "explain": ["explain", "sk-hynix", "namics"],
    "chain": ["chain", "--sector", "hydrogen"],
    "sector": ["show", "sector", "ammonia"],
    "company": ["show", "company", "toyota"],
    "scenarios": ["scenarios"],
    "validate": ["validate"],
    "assign": ["assign", str(ROOT / "data/examples/battery-day.yaml"), "--plan", "stable"],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_command_json_matches_its_schema(case: str) -> None:
    doc = _json(*CASES[case])
    name = doc["kjmatch"]["document"]
    assert case.split("-")[0] == name and doc["kjmatch"]["contract"] == contract.CONTRACT
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    errors = sorted(Draft202012Validator(schema).iter_errors(doc), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def test_failed_validate_is_a_document_too(tmp_path: Path) -> None:
    (tmp_path / "sectors").mkdir()
    (tmp_path / "sectors" / "bad.yaml").write_text("id: [\n", encoding="utf-8")
    r = runner.invoke(app, ["validate", "--data-dir", str(tmp_path), "--json"])
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    assert doc["ok"] is False and doc["problems"] and doc["sectors"] == []
    schema = json.loads((SCHEMAS / "validate.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator(schema).validate(doc)
    assert "bad.yaml" in r.stderr


def test_a_stray_key_breaks_the_contract() -> None:
    doc = _json("sectors")
    doc["sectors"][0]["surprise"] = 1
    schema = json.loads((SCHEMAS / "sectors.schema.json").read_text(encoding="utf-8"))
    assert not Draft202012Validator(schema).is_valid(doc)

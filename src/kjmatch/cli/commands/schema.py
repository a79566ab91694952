"""`kjmatch schema`."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from kjmatch.cli.application import app
from kjmatch.cli.options import to_stdout, write_atomic
from kjmatch.errors import RequestError


class SchemaKind(str, Enum):
    sector = "sector"
    players = "players"
    relationships = "relationships"
    scenario = "scenario"
    event = "event"


@app.command()
def schema(
    kind: Annotated[
        SchemaKind | None,
        typer.Argument(
            help="One kind of data file (or event, for kjmatch assign); all kinds if omitted.",
            show_default=False,
        ),
    ] = None,
    output_doc: Annotated[
        str | None,
        typer.Option(
            "--output",
            help="The schema of an output document instead (match, explain, ...; 'all' for every one).",
            show_default=False,
        ),
    ] = None,
    output_dir: Annotated[
        Path | None,
        typer.Option(
            "--output-dir", help="Write <name>.schema.json files into DIR instead of printing."
        ),
    ] = None,
) -> None:
    """Print the JSON Schema of the dataset's files, or of an output document.

    \b
    Examples:
      kjmatch schema sector
      kjmatch schema --output match
      kjmatch schema --output-dir schema
      kjmatch schema --output all --output-dir schema/output
    """
    import json
    from typing import Any

    docs: dict[str, Any]
    if output_doc is not None:
        from kjmatch.errors import unknown
        from kjmatch.output.schemas import output_schemas

        docs = output_schemas()
        if output_doc != "all" and output_doc not in docs:
            # a few short words: at difflib's usual 0.5, three letters in order make a
            # suggestion ('nope' → 'compare'); a typo of a real name is still found
            valid = [*docs, "all"]
            raise unknown("output document", output_doc, valid, "schema_output", cutoff=0.7)
        if output_doc != "all":
            docs = {output_doc: docs[output_doc]}
    else:
        from kjmatch.schema import schemas

        docs = schemas()
        if kind is not None:
            docs = {kind.value: docs[kind.value]}
    if output_dir is not None:
        if output_dir.exists() and not output_dir.is_dir():
            raise RequestError(f"{output_dir} is not a folder", "output_dir")
        output_dir.mkdir(parents=True, exist_ok=True)
        for name, doc in docs.items():
            text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
            write_atomic(output_dir / f"{name}.schema.json", text, force=True)
        return
    single = output_doc not in (None, "all") or (output_doc is None and kind is not None)
    chosen = next(iter(docs.values())) if single else docs
    with to_stdout() as stream:
        stream.write(json.dumps(chosen, indent=2, ensure_ascii=False) + "\n")

"""`kjmatch init`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kjmatch.cli.application import app, err


@app.command()
def init(
    directory: Annotated[
        Path, typer.Argument(help="New folder for your dataset.", show_default=False)
    ],
) -> None:
    """Copy the bundled dataset into a new folder, as a starting point for your own data.

    Refuses to write into a folder that exists and is not empty.

    \b
    Examples:
      kjmatch init my-data
      kjmatch validate --data-dir my-data
      kjmatch match --data-dir my-data --sector batteries
    """
    from kjmatch.scaffold import init_dataset

    written = init_dataset(directory)
    err(
        f"kjmatch: wrote {written} files to {directory}; edit them, then run "
        f"`kjmatch validate --data-dir {directory}`"
    )

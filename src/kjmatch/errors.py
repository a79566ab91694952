"""The project's error types. The CLI alone turns them into exit codes and flags."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong with a dataset, located as precisely as we can."""

    file: str
    line: int
    col: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class KjmatchError(Exception):
    """Base of every error kjmatch reports to a user."""


class DataError(KjmatchError):
    """A dataset is malformed; carries every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class RequestError(KjmatchError):
    """A request names something that does not exist or is not allowed.

    `field` names the input it came from (`sector`, `korea`, `weight`, ...), so that
    a front end can point at its own option for it."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class OutputError(KjmatchError):
    """Output could not be written."""


def nearest(name: str, valid: Iterable[str], n: int = 3) -> list[str]:
    """The valid names closest to `name`, best first."""
    import difflib

    choices = sorted(set(valid))
    close = difflib.get_close_matches(name, choices, n=n, cutoff=0.5)
    if not close:
        close = [c for c in choices if name.lower() in c.lower() or c.lower() in name.lower()][:n]
    return close


def unknown(kind: str, name: str, valid: Iterable[str], field: str = "") -> RequestError:
    """An error for an unknown id that names the nearest valid ones."""
    valid = sorted(set(valid))
    close = nearest(name, valid)
    if close:
        hint = "did you mean " + " or ".join(repr(c) for c in close) + "?"
    else:
        shown = ", ".join(valid[:12]) + (", …" if len(valid) > 12 else "")
        hint = f"valid {kind}s: {shown}" if valid else f"the dataset has no {kind}s"
    return RequestError(f"unknown {kind} {name!r}; {hint}", field)

"""The project's error types. The CLI alone turns them into exit codes and flags."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, total_ordering

from .records import Record


@total_ordering
class Problem(Record):
    """One thing wrong with a dataset, located as precisely as we can. Problems sort by
    file, line, column, path and message."""

    file: str
    line: int
    col: int
    path: str
    message: str

    def __init__(self, file: str, line: int, col: int, path: str, message: str) -> None:
        super().__init__(file=file, line=line, col=col, path=path, message=message)

    def __lt__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() < other._values()

    def __str__(self) -> str:
        file, path, message = printable(self.file), printable(self.path), printable(self.message)
        where = f"{file}:{self.line}:{self.col}" if self.line else file
        return f"{where}: {path}: {message}" if path else f"{where}: {message}"


# A file name or key may hold characters that would move the cursor, recolour the
# terminal or reorder the line; they are shown escaped (Hangul and Kanji are left alone).
@cache
def _unsafe() -> re.Pattern[str]:
    # compiled on first use: most text is printable and never needs it
    return re.compile(
        "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
    )


def printable(text: str, keep: str = "") -> str:
    """`text` safe for a terminal: control, bidi and zero-width characters shown as
    escapes (ESC as `\\x1b`, U+202E as `\\u202e`), except those in `keep` (say "\\n")."""
    if text.isprintable():  # the usual case, and nothing `_unsafe` matches is printable
        return text
    return _unsafe().sub(lambda m: m.group() if m.group() in keep else repr(m.group())[1:-1], text)


class KjmatchError(Exception):
    """Base of every error kjmatch reports to a user."""


class DataError(KjmatchError):
    """A dataset is malformed; carries every problem found, not just the first (or, for
    a file of millions of rows, the first many, and how many more were `omitted`)."""

    def __init__(self, problems: Iterable[Problem], omitted: int = 0) -> None:
        self.problems = sorted(set(problems))
        self.omitted = omitted
        more = f"\n… and {omitted:,} more" if omitted else ""
        super().__init__("\n".join(str(p) for p in self.problems) + more)


class RequestError(KjmatchError):
    """A request names something that does not exist or is not allowed.

    `field` names the input it came from (`sector`, `korea`, `weight`, ...), so that
    a front end can point at its own option for it."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class OutputError(KjmatchError):
    """Output could not be written."""


def nearest(name: str, valid: Iterable[str], n: int = 3, cutoff: float = 0.5) -> list[str]:
    """The valid names closest to `name`, best first (`cutoff`: the least similarity,
    difflib's ratio, a suggestion needs)."""
    import difflib

    choices = sorted(set(valid))
    close = difflib.get_close_matches(name, choices, n=n, cutoff=cutoff)
    if not close:
        close = [c for c in choices if name.lower() in c.lower() or c.lower() in name.lower()][:n]
    return close


def unknown(
    kind: str, name: str, valid: Iterable[str], field: str = "", cutoff: float = 0.5
) -> RequestError:
    """An error for an unknown id that names the nearest valid ones (see `nearest`)."""
    valid = sorted(set(valid))
    close = nearest(name, valid, cutoff=cutoff)
    if close:
        hint = "did you mean " + " or ".join(repr(c) for c in close) + "?"
    else:
        shown = ", ".join(valid[:12]) + (", …" if len(valid) > 12 else "")
        hint = f"valid {kind}s: {shown}" if valid else f"the dataset has no {kind}s"
    return RequestError(f"unknown {kind} {name!r}; {hint}", field)

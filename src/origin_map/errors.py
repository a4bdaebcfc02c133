"""Errors raised by Origin Map: one type for bad input, listing every problem found."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One problem found in user input.

    Parameters
    ----------
    row
        1-based number of the data record (the first record after the header is row 1),
        or ``None`` when the problem concerns the whole file or a whole column.
    field
        The column or setting concerned, or ``None``.
    message
        What is wrong, in plain words.
    fix
        What the user can do about it.
    severity
        ``"error"`` (the row or file cannot be used) or ``"warning"`` (used, with a caveat).
    """

    row: int | None
    field: str | None
    message: str
    fix: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field:
            where.append(f"field '{self.field}'")
        head = ", ".join(where) or "file"
        text = f"{head}: {self.message}"
        return f"{text} Fix: {self.fix}" if self.fix else text

    def as_dict(self) -> dict[str, object]:
        """Return the problem as a plain dict (for tables and reports)."""
        return asdict(self)


class OriginMapError(ValueError):
    """Base class of all errors Origin Map raises on purpose."""


class DataValidationError(OriginMapError):
    """Input data failed validation; :attr:`problems` lists every problem found.

    Parameters
    ----------
    problems
        The problems, in file order. For a file with very many bad rows this may be only the
        first ones (see ``total`` and ``table``).
    source
        A short name of the input (file name), for messages.
    total
        The number of errors in the input when ``problems`` lists only some of them.
    table
        Optionally, the complete problems table (a DataFrame with one row per problem, as in
        :attr:`origin_map.datasets.LoadResult.problems`).
    """

    MESSAGE_LIMIT = 20
    """At most this many problems are spelled out in the message."""

    def __init__(self, problems: Iterable[Problem], source: str | None = None, *,
                 total: int | None = None, table: Any = None) -> None:
        self.problems: list[Problem] = list(problems)
        self.source = source
        self.total = total
        self.table = table
        super().__init__(self._summary())

    @property
    def n_errors(self) -> int:
        """Number of errors in the input (may exceed ``len(problems)``)."""
        listed = sum(p.severity == "error" for p in self.problems)
        return max(listed, self.total or 0)

    def _summary(self) -> str:
        limit = self.MESSAGE_LIMIT
        errors = [p for p in self.problems[: limit * 50] if p.severity == "error"]
        name = f"{self.source}: " if self.source else ""
        lines = [f"{name}{self.n_errors:,} problem(s) found"]
        lines += [f"  - {p}" for p in errors[:limit]]
        if self.n_errors > limit:
            lines.append(f"  ... and {self.n_errors - min(limit, len(errors)):,} more")
        return "\n".join(lines)


class SettingsError(OriginMapError):
    """A setting (centre, radius, rings, filter) is invalid; the message says how to fix it."""


class InputLimitError(OriginMapError):
    """Input exceeds a configured limit (file size, row count, unpacked size).

    The message says which limit, the value found, and what to do.
    """

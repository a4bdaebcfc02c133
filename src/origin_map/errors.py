"""Errors raised by Origin Map: one type for bad input, listing every problem found."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass


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
        The problems, in file order.
    source
        A short name of the input (file name), for messages.
    """

    def __init__(self, problems: Iterable[Problem], source: str | None = None) -> None:
        self.problems: list[Problem] = list(problems)
        self.source = source
        super().__init__(self._summary())

    def _summary(self, limit: int = 20) -> str:
        errors = [p for p in self.problems if p.severity == "error"]
        name = f"{self.source}: " if self.source else ""
        lines = [f"{name}{len(errors)} problem(s) found"]
        lines += [f"  - {p}" for p in errors[:limit]]
        if len(errors) > limit:
            lines.append(f"  ... and {len(errors) - limit} more")
        return "\n".join(lines)


class SettingsError(OriginMapError):
    """A setting (centre, radius, rings, filter) is invalid; the message says how to fix it."""


class InputLimitError(OriginMapError):
    """Input exceeds a configured limit (file size, row count)."""

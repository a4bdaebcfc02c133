"""Errors raised by Origin Map: one type for bad input, listing every problem found.

Every text of the validator exists in English and Chinese. A :class:`Problem` keeps its English
``message`` and ``fix`` (what the CLI and the library print) and also the catalogue keys they were
made from, ``problem_key`` and ``fix_key`` (``validate.problem.*`` and ``validate.fix.*`` in
``locales/*.toml``), with the fields filled in, ``text_fields``: one JSON object shared by both
texts, whose values are plain values or a nested text ``{"key": ..., "fields": {...}}`` (made by
:func:`ref`), rendered in the same language. A problems table
(:attr:`origin_map.places.datasets.LoadResult.problems`) keeps the same three as columns after its
public
ones (:data:`TEXT_COLUMNS`): plain columns survive caching, pickling, filtering and ``concat``,
which ``DataFrame.attrs`` would not reliably. :func:`problems_in` renders a table in a language,
:meth:`Problem.text` one problem.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from origin_map import i18n
from origin_map.texts import fields_json, ref, render, render_column

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TEXT_COLUMNS", "DataValidationError", "GeocodingError", "InputLimitError",
           "OriginMapError", "Problem", "SettingsError", "fields_json", "problems_in", "ref",
           "render"]

TEXT_COLUMNS = ("problem_key", "fix_key", "text_fields")
"""Columns of a problems table, after the public ones, from which its texts are made."""


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
    problem_key, fix_key, text_fields
        The catalogue keys of ``message`` and ``fix`` and their fields (JSON), so the problem can
        be shown in another language (:meth:`text`); empty for a problem made from texts only.
        :meth:`of` makes a problem from keys.
    """

    row: int | None
    field: str | None
    message: str
    fix: str = ""
    severity: str = "error"
    problem_key: str = ""
    fix_key: str = ""
    text_fields: str = ""

    @classmethod
    def of(cls, row: int | None, field: str | None, key: str, fix_key: str = "", /, *,
           severity: str = "error", **fields: Any) -> Problem:
        """Return the problem ``key`` (fix ``fix_key``), its English texts from the catalogue."""
        flds = fields_json(fields)
        return cls(row, field, render(key, flds, "en"),
                   render(fix_key, flds, "en") if fix_key else "", severity, key, fix_key, flds)

    def text(self, lang: str) -> str:
        """Return what is wrong in ``lang`` (the English ``message`` if it has no key)."""
        return render(self.problem_key, self.text_fields, lang) if self.problem_key \
            else self.message

    def fix_text(self, lang: str) -> str:
        """Return the fix in ``lang`` (the English ``fix`` if it has no key)."""
        return render(self.fix_key, self.text_fields, lang) if self.fix_key else self.fix

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
        :attr:`origin_map.places.datasets.LoadResult.problems`).
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

    The message says which limit, the value found, and what to do; in English, and in any
    language with :meth:`text` when made by :meth:`of`.
    """

    def __init__(self, message: str, *, key: str = "", text_fields: str = "") -> None:
        super().__init__(message)
        self.key = key
        self.text_fields = text_fields

    @classmethod
    def of(cls, key: str, /, **fields: Any) -> InputLimitError:
        """Return the error of catalogue text ``key`` (message in English)."""
        flds = fields_json(fields)
        return cls(render(key, flds, "en"), key=key, text_fields=flds)

    def text(self, lang: str) -> str:
        """Return the message in ``lang``."""
        return render(self.key, self.text_fields, lang) if self.key else str(self)


class GeocodingError(OriginMapError):
    """A geocoding service did not answer a request usefully (as geopy's ``GeocoderServiceError``).

    The subclasses in :mod:`origin_map.geocode.providers` say what a caller can do:
    ``ProviderTransientError`` (and its ``ProviderRateLimited``, ``ProviderUnavailable``) may
    succeed when asked again, ``ProviderRefused`` means no later request can succeed, and a plain
    ``ProviderError`` is a bad answer for that one address.
    """


def problems_in(problems: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Return a problems table with its texts in ``lang`` (a copy; the same table for English).

    ``problem`` (or ``message``, in a table of :meth:`Problem.as_dict` rows) and ``fix`` are made
    again from :data:`TEXT_COLUMNS`; a row without a key keeps its English text. The other
    columns are unchanged (``value`` is the user's data; ``severity`` stays an id).
    """
    if lang == i18n.DEFAULT_LANG or "problem_key" not in problems.columns or problems.empty:
        return problems
    out = problems.copy()
    flds = out["text_fields"].fillna("").astype(str).tolist() if "text_fields" in out else \
        [""] * len(out)
    for key_col, col in (("problem_key", "problem" if "problem" in out else "message"),
                         ("fix_key", "fix")):
        if key_col in out and col in out:
            keys = out[key_col].fillna("").astype(str).tolist()
            out[col] = render_column(keys, flds, lang, out[col].tolist())
    return out

"""CSV bytes of a small table of rows without pandas, the same bytes as :func:`to_csv_bytes`.

:func:`origin_map.io.export.to_csv_bytes` writes a DataFrame; :func:`rows_csv_bytes` writes the
rows that DataFrame would be built from (``pd.DataFrame(rows, columns=columns)``) with the same
bytes: UTF-8 with BOM, LF line ends, text cells that could run as formulas neutralised, each
column formatted as pandas formats its dtype (Python ints: ``int64``; ints and floats:
``float64``, written as numpy writes them; text: as is). The command line's lean ``stats`` path
uses it so that it never imports pandas; ``tests/test_stats_lean.py`` compares the two.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["FORMULA_PREFIXES", "neutralise", "rows_csv_bytes"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
"""A text cell starting with one of these could run as a spreadsheet formula (or DDE)."""

_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def neutralise(value: Any) -> Any:
    """Return ``value``, with ``'`` in front when it is a text that could run as a formula."""
    if (isinstance(value, str) and value.startswith(FORMULA_PREFIXES)
            and not _PLAIN_NUMBER.fullmatch(value)):
        return "'" + value
    return value


def _column_texts(values: list[Any]) -> list[str]:
    """Return one column's cells as pandas' ``to_csv`` writes the column's dtype."""
    if all(isinstance(v, str) for v in values):
        return [neutralise(v) for v in values]
    if all(type(v) is int for v in values):
        return [str(v) for v in values]
    if all(type(v) is int or isinstance(v, float) for v in values):  # numpy floats too
        import numpy as np

        return [str(t) for t in np.array(values, dtype=np.float64).astype(str)]
    raise TypeError("rows_csv_bytes writes text, int and float columns only")


def rows_csv_bytes(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> bytes:
    r"""Return ``rows`` as the CSV bytes of ``to_csv_bytes(pd.DataFrame(rows, columns=columns))``.

    Parameters
    ----------
    rows
        One mapping per row, with a value for every column: text, int or float (no missing
        value); a column's values are of one kind, or ints and floats (a float column).
    columns
        The columns, in order.

    Raises
    ------
    TypeError
        If a column holds another kind of value.

    Examples
    --------
    >>> rows_csv_bytes([{"a": "=1+1", "b": 1, "c": 0.5}, {"a": "x", "b": 2, "c": 2}], "abc")
    b"\xef\xbb\xbfa,b,c\n'=1+1,1,0.5\nx,2,2.0\n"
    """
    cells = [_column_texts([r[c] for r in rows]) for c in columns]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([neutralise(str(c)) for c in columns])
    writer.writerows(zip(*cells, strict=True) if rows else [])
    return ("\ufeff" + out.getvalue()).encode("utf-8")

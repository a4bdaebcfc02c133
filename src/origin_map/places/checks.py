"""Row checks of a places table: text columns, ids, controlled vocabularies, tenancy years.

Internal helpers of :mod:`origin_map.places.datasets` (also the date of the status source);
coordinates are :mod:`origin_map.places.coords`.
Every check is vectorised over the table. Problems are returned as DataFrames with the columns
of :data:`PROBLEM_COLUMNS`, keyed by record number (1 = the first record below the header).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from origin_map.errors import TEXT_COLUMNS, Problem
from origin_map.places import vocab
from origin_map.places.arrowtext import may_need_strip
from origin_map.places.vocab import vocab_lookup
from origin_map.texts import texts_of_rows

if TYPE_CHECKING:
    from origin_map.io.rawtable import RawTable

PROBLEM_COLUMNS = ("row", "field", "value", "problem", "fix", "severity")
"""The public columns of a problems table; :data:`~origin_map.errors.TEXT_COLUMNS` follow."""
ALL_PROBLEM_COLUMNS = PROBLEM_COLUMNS + TEXT_COLUMNS
def problems_frame(rows: np.ndarray, fld: str, values: Any, key: str | Sequence[str],
                   fix_key: str = "", severity: str = "error", *,
                   fields: Mapping[str, Any] | None = None,
                   row_fields: Mapping[str, Sequence[Any]] | None = None) -> pd.DataFrame:
    """Return a problems table: one row per record number in ``rows`` (not positions).

    ``key`` is the catalogue key of the problem, one for all rows or one per row; ``fix_key``
    that of the fix. Their fields are ``fields`` (the same for all rows) and ``row_fields``
    (name -> one value per row). The English texts are made once per distinct key and fields.
    Values are cut to 80 characters.
    """
    n = len(rows)
    problem, fix, flds = texts_of_rows(key, fix_key, fields or {}, row_fields or {}, n)
    return pd.DataFrame({
        "row": np.asarray(rows, dtype="int64"),
        "field": [fld] * n,
        "value": pd.Series(values, dtype=object).astype(str).str.slice(0, 80).to_numpy()
        if n else [],
        "problem": problem,
        "fix": fix,
        "severity": [severity] * n,
        "problem_key": [key] * n if isinstance(key, str) else list(key),
        "fix_key": [fix_key] * n,
        "text_fields": flds,
    })


def no_problems() -> pd.DataFrame:
    """Return an empty problems table."""
    return problems_frame(np.array([], dtype="int64"), "", [], "")


def file_problem(p: Problem) -> pd.DataFrame:
    """Return a one-row problems table for a problem with the whole file."""
    return pd.DataFrame([{"row": pd.NA, "field": p.field, "value": "", "problem": p.message,
                          "fix": p.fix, "severity": p.severity, "problem_key": p.problem_key,
                          "fix_key": p.fix_key, "text_fields": p.text_fields}])


def _arrow(s: pd.Series) -> Any:
    """Return the pyarrow array behind a pyarrow-backed text column, or ``None``."""
    dtype = s.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        import pyarrow as pa

        return pa.array(s.array)  # the column's own array (chunked or not): no copy
    return None


def constant_text(value: str, index: pd.Index, memo: dict[str, Any] | None = None
                  ) -> pd.Series:
    """Return a text column (dtype ``str``) holding ``value`` in every row.

    With pyarrow strings the buffers are built directly: an empty text needs only zeroed
    offsets, which are allocated but never written. ``memo`` (a dict kept by the caller) shares
    the immutable buffers of one value between columns; each column still gets its own array.
    """
    dtype = pd.api.types.pandas_dtype("str")
    if not (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"):
        return pd.Series(value, index=index, dtype="str")
    import pyarrow as pa

    n = len(index)
    arr = memo.get(value) if memo is not None else None
    if arr is None:
        data = value.encode("utf-8")
        if data:
            offsets = pa.py_buffer(np.arange(0, len(data) * (n + 1), len(data), dtype=np.int64))
        else:
            offsets = pa.py_buffer(bytes(8 * (n + 1)))  # calloc: pages stay untouched
        arr = pa.LargeStringArray.from_buffers(n, offsets, pa.py_buffer(data * n))
        if memo is not None:
            memo[value] = arr
    return pd.Series(pd.array(arr, dtype=dtype), index=index, copy=False)


def text_column(frame: pd.DataFrame, col: str, default: str = "",
                memo: dict[str, Any] | None = None) -> pd.Series:
    """Return column ``col`` as stripped text ("" where missing), or ``default`` everywhere.

    ``memo`` is passed to :func:`constant_text` for a missing column.
    """
    if col not in frame.columns:
        return constant_text(default, frame.index, memo)
    s = frame[col]
    if not (pd.api.types.is_string_dtype(s.dtype) and s.dtype != object):
        s = s.astype(object).where(s.notna(), "").astype("str")
    s = s.fillna("")
    return s.str.strip() if _may_need_strip(s) else s


def _may_need_strip(s: pd.Series) -> bool:
    """Return whether some text of ``s`` may start or end with whitespace.

    ``False`` means that stripping would change nothing, known without a stripped copy for a
    pyarrow-backed column (:func:`~origin_map.places.arrowtext.may_need_strip`). Other
    columns: ``True``.
    """
    arr = _arrow(s)
    return True if arr is None else may_need_strip(arr)


def has_cjk(s: pd.Series) -> pd.Series:
    """Return whether each text contains a CJK ideograph."""
    if s.dtype != object and s.str.isascii().all():  # the common case, a vectorised test
        return pd.Series(False, index=s.index, dtype=bool)
    return s.str.contains("[㐀-鿿]", regex=True, na=False)


def _strictly_increasing(s: pd.Series) -> bool:
    """Return whether a pyarrow-backed text column is strictly increasing (so all distinct).

    One vectorised comparison of neighbours; ``False`` (not known) for other columns.
    """
    arr = _arrow(s)
    if arr is None or len(arr) < 2:
        return False
    import pyarrow.compute as pc

    return bool(pc.all(pc.greater(arr[1:], arr[:-1]), skip_nulls=False).as_py())


def check_ids(ids: pd.Series, numbers: np.ndarray) -> pd.DataFrame:
    """Report every repeated non-empty id with the row that used it first."""
    if _strictly_increasing(ids):  # sorted ids (sequential, a database export): no hashing
        return no_problems()
    codes, uniques = pd.factorize(ids)
    if len(uniques) == len(ids):
        return no_problems()
    _, first = np.unique(codes, return_index=True)
    dup = (first[codes] != np.arange(len(codes))) & (ids != "").to_numpy(dtype=bool)
    rows = np.flatnonzero(dup)
    return problems_frame(numbers[rows], "id", ids.iloc[rows].to_numpy(),
                          "validate.problem.duplicate_id", "validate.fix.unique_ids",
                          row_fields={"first": numbers[first[codes[rows]]].tolist()})


def check_vocab(frame: pd.DataFrame, col: str, unknown_values: str, numbers: np.ndarray,
                memo: dict[str, Any] | None = None) -> tuple[pd.Series, pd.DataFrame]:
    """Map a controlled column to its ids (labels in English or Chinese accepted).

    An unknown value is an error, or with ``unknown_values="default"`` the default with a
    warning; each distinct text is looked up once. A missing column is the default everywhere
    (``memo`` as for :func:`constant_text`).
    """
    mapping, default = vocab_lookup()[col]
    if col not in frame.columns:
        return text_column(frame, col, default, memo), no_problems()
    raw = text_column(frame, col)
    codes, uniques = pd.factorize(raw)
    texts = [str(u) for u in uniques]
    mapped = [mapping.get(u, mapping.get(u.lower())) for u in texts]
    unknown_u = np.array([m is None and u != "" for m, u in zip(mapped, texts, strict=True)],
                         dtype=bool)
    final = [m or default for m in mapped]
    rows = np.flatnonzero(unknown_u[codes]) if len(texts) else np.array([], dtype=int)
    allowed = ", ".join(dict.fromkeys(mapping.values()))
    values = raw.iloc[rows].to_numpy() if len(rows) else []
    fields = {"col": col, "default": default, "allowed": allowed}
    if unknown_values == "default":
        probs = problems_frame(numbers[rows], col, values, "validate.problem.unknown_set_default",
                               "validate.fix.allowed", "warning", fields=fields)
    else:
        probs = problems_frame(numbers[rows], col, values, "validate.problem.unknown_value",
                               "validate.fix.use_one_of", fields=fields)
    if final == texts:  # every value already an id: the column as it is
        out = raw.rename(None)
    else:  # each distinct value mapped once, then spread by its code
        out = pd.Series(pd.array(final, dtype="str").take(codes), index=frame.index, copy=False)
    return out, probs


def row_errors(raw: RawTable) -> pd.DataFrame:
    """Return the records the reader could not split into the header's columns."""
    if not raw.row_errors:
        return no_problems()
    rows, values, keys, fields = zip(*raw.row_errors, strict=True)
    fix = "validate.fix.quote_separators" if raw.fmt == "csv" else "validate.fix.point_geometry"
    names = sorted({k for f in fields for k in f})
    return problems_frame(np.asarray(rows), "", values, list(keys), fix,
                          row_fields={k: [f.get(k) for f in fields] for k in names})



YEAR_MIN = 1800
"""Earliest year accepted in ``since``/``until``."""
_M, _D = r"(?:0?[1-9]|1[0-2])", r"(?:0?[1-9]|[12]\d|3[01])"
_DATE = (rf"^\s*(\d{{4}})(?:[-/]{_M}(?:[-/]{_D})?|\.{_M}\.{_D}|\.(?:0[1-9]|1[0-2])"
         rf"|年{_M}月(?:{_D}日?)?)(?:[ T][\d:.]+)?\s*$")
"""A date, whose year is taken (``2015-03-12``, ``2015/3/12 00:00``, ``2015年3月12日``)."""


def _year_column(frame: pd.DataFrame, col: str, numbers: np.ndarray, year_max: int
                 ) -> tuple[pd.Series, list[pd.DataFrame]]:
    """Parse a year column to nullable integers; report values that are not plausible years."""
    n = len(frame)
    if col not in frame.columns:
        blank = pd.arrays.IntegerArray(np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool))
        return pd.Series(blank, index=frame.index), []
    raw = frame[col]
    if not pd.api.types.is_numeric_dtype(raw.dtype):  # text: '2019', '2019年', ' 2019 '
        raw = text_column(frame, col).str.removesuffix("年")
        # a date (a registry's 成立日期): its year. '2015-03-12', '2015/3/12', '2015年3月12日'
        raw = raw.str.replace(_DATE, r"\1", regex=True)
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    given = (text_column(frame, col) != "").to_numpy(dtype=bool)
    whole = np.isfinite(values) & (values == np.round(values))
    probs = []
    rows = np.flatnonzero(given & ~whole)
    probs.append(problems_frame(numbers[rows], col, frame[col].to_numpy()[rows],
                                "validate.problem.not_a_year", "validate.fix.write_year"))
    out_of_range = whole & ((values < YEAR_MIN) | (values > year_max))
    rows = np.flatnonzero(out_of_range)
    probs.append(problems_frame(numbers[rows], col, [f"{v:.0f}" for v in values[rows]],
                                "validate.problem.year_out_of_range", "validate.fix.check_year",
                                fields={"min": YEAR_MIN, "max": year_max}))
    ok = whole & ~out_of_range
    ints = np.where(ok, values, 0).astype(np.int64)
    return pd.Series(pd.arrays.IntegerArray(ints, ~ok), index=frame.index), probs


def check_tenancy(frame: pd.DataFrame, numbers: np.ndarray, status: pd.Series,
                  memo: dict[str, Any] | None = None) -> tuple[dict[str, pd.Series], pd.DataFrame]:
    """Return the optional columns ``building_id``, ``since``, ``until``, ``years_source``.

    Years become nullable integers (``Int64``). A value that is not a whole number, a year
    outside ``YEAR_MIN`` to the current year, or ``since`` after ``until`` is an error; a
    ``current`` place with an ``until`` year in the past is a warning (it should be historic).
    """
    import datetime

    this_year = datetime.date.today().year
    since, parts = _year_column(frame, "since", numbers, this_year)
    until, more = _year_column(frame, "until", numbers, this_year)
    parts += more
    both = (since.notna() & until.notna()).to_numpy(dtype=bool)
    s_arr, u_arr = since.to_numpy(dtype=np.int64, na_value=0), until.to_numpy(dtype=np.int64,
                                                                                na_value=0)
    rows = np.flatnonzero(both & (s_arr > u_arr))
    pairs = [f"{a} > {b}" for a, b in zip(s_arr[rows], u_arr[rows], strict=True)]
    parts.append(problems_frame(numbers[rows], "since", pairs, "validate.problem.since_after_until",
                                "validate.fix.swap_years"))
    ended = until.notna().to_numpy(dtype=bool) & (u_arr < this_year)
    rows = np.flatnonzero(ended & (status == "current").to_numpy(dtype=bool))
    parts.append(problems_frame(numbers[rows], "status", ["current"] * len(rows),
                                "validate.problem.until_past_current",
                                "validate.fix.set_historic", "warning"))
    cols = {"building_id": text_column(frame, "building_id", memo=memo), "since": since,
            "until": until, "years_source": text_column(frame, "years_source", memo=memo)}
    found = [p for p in parts if len(p)]
    return cols, pd.concat(found, ignore_index=True) if found else no_problems()


_ISO_DATE = r"(\d{4})-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?"


def status_dates(values: pd.Series) -> pd.Series:
    """Return ``status_checked`` values as dates (``YYYY-MM`` is the month's first day).

    Anything that is not an ISO date ``YYYY-MM`` or ``YYYY-MM-DD`` (or not a real day, such as
    2025-02-30) is ``NaT``.
    """
    text = values.astype(object).where(values.notna(), "").astype(str).str.strip()
    whole = text.str.fullmatch(_ISO_DATE).fillna(False).astype(bool)
    padded = text.where(~whole | (text.str.len() > 7), text + "-01")
    return pd.to_datetime(padded.where(whole), format="%Y-%m-%d", errors="coerce")


def check_status_checked(frame: pd.DataFrame, numbers: np.ndarray, cols: Mapping[str, Any],
                         memo: dict[str, Any] | None = None) -> tuple[pd.Series, pd.DataFrame]:
    """Return ``status_checked`` (text) and its problems.

    A value that is not an ISO date (``YYYY-MM`` or ``YYYY-MM-DD``) or lies in the future is an
    error; a ``current`` firm checked before :data:`origin_map.places.vocab.CURRENT_FROM_YEAR` is a
    warning (by the status rule it is historic).
    """
    import datetime

    text = text_column(frame, "status_checked", memo=memo)
    if "status_checked" not in frame.columns:
        return text, no_problems()
    dates = status_dates(text)
    given = (text != "").to_numpy(dtype=bool)
    future = (dates > pd.Timestamp(datetime.date.today())).to_numpy(dtype=bool)
    bad = given & (dates.isna().to_numpy(dtype=bool) | future)
    parts = [problems_frame(numbers[np.flatnonzero(bad)], "status_checked",
                            text.to_numpy()[bad], "freshness.not_a_date", "freshness.write_date")]
    old = (dates.dt.year < vocab.CURRENT_FROM_YEAR).to_numpy(dtype=bool)
    firm = ((cols["status"] == "current") & (cols["kind"] == "firm")).to_numpy(dtype=bool)
    rows = np.flatnonzero(old & firm)
    parts.append(problems_frame(numbers[rows], "status", text.to_numpy()[rows],
                                "freshness.checked_before_rule", "freshness.set_historic",
                                "warning", fields={"year": vocab.CURRENT_FROM_YEAR}))
    found = [p for p in parts if len(p)]
    return text, pd.concat(found, ignore_index=True) if found else no_problems()

"""Firm lists: registry and company-database exports, read by meaning, not by position.

Exports of business registries and company databases differ in their header words, put a title
or notes rows above the header, write dates in every form (``2019-03-05``, ``2019/3/5``,
``2019年3月5日``, ``20190305``, Excel date cells and serial numbers), a registration status in
words (``存续``, ``吊销，未注销`` …) and capital as ``100万元人民币`` or a number. This module reads
those *values*: :func:`header_row` finds the header below title rows (the CSV and Excel readers
use it), :func:`years` reads a year from any date, :func:`capital_cny` an amount in yuan,
:func:`registry_status` maps status words to ``current``/``historic``, and :func:`firm_values`
applies them to a table whose columns already carry their canonical names.

Which header means which column is the one table of column names (``origin_map.places.columns``);
this package may not import it, so the places reader renames the columns first and passes the
header each canonical column came from (``sources``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from origin_map.errors import Problem

__all__ = ["FirmValues", "capital_cny", "firm_values", "header_row", "registry_status",
           "years"]

TITLE_LOOK_ROWS = 20
"""The header is looked for in this many rows from the top."""
HISTORIC_WORDS = ("注销", "吊销", "撤销", "迁出", "停业", "歇业", "cancelled", "canceled",
                  "revoked", "deregistered", "dissolved", "closed", "moved out", "struck off",
                  "inactive")
"""A registration status holding one of these words is ``historic`` (looked for first:
``吊销，未注销`` and ``inactive`` are historic)."""
CURRENT_WORDS = ("存续", "在业", "开业", "在营", "在册", "正常", "active", "operating",
                 "in business", "existing")
"""A registration status holding one of these words (and no historic one) is ``current``."""
_CREDIT_CODE = ("信用代码", "credit code", "uscc")
_OTHER_CURRENCY = ("美元", "港元", "港币", "欧元", "日元", "英镑", "usd", "hkd", "eur", "jpy",
                   "gbp", "us$", "$", "€", "£")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIALS = (18264, 73051)  # 1950-01-01 .. 2100-01-01 as Excel serial numbers
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"


def header_row(rows: Sequence[Sequence[object]]) -> int:
    """Return the position of the header among the first rows of a table (0: the first row).

    Rows above the header with at most one filled cell (a title, an export date, a note) are
    skipped when a row below them has at least three: the header is the first row with two or
    more filled cells. A table of one or two columns is never shifted.
    """
    counts = [sum(1 for v in r if v is not None and str(v).strip()) for r in
              rows[:TITLE_LOOK_ROWS]]
    if max(counts, default=0) < 3:
        return 0
    return next((i for i, n in enumerate(counts) if n >= 2), 0)


def _year_of_text(text: str) -> float:
    """Return the year of one date or year written as text, or NaN."""
    t = text.strip().lower()
    if not t:
        return np.nan
    m = re.fullmatch(r"(\d{4})(?:\.0+)?\s*年?", t)
    if m:
        return float(m.group(1))
    m = re.match(r"(\d{4})\s*([-/.年])\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2}))?", t)
    if m and 1 <= int(m.group(3)) <= 12 and (
            (m.group(4) is None and m.group(2) != ".") or 1 <= int(m.group(4) or 0) <= 31):
        return float(m.group(1))  # 2019.5 is no date (nor a year); 2019.5.1 and 2019-05 are
    m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})(?:\.0+)?", t)
    if m and 1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31:
        return float(m.group(1))
    m = re.fullmatch(r"(\d{5})(?:\.\d+)?", t)
    if m and _SERIALS[0] <= int(m.group(1)) < _SERIALS[1]:
        return float((_EXCEL_EPOCH + dt.timedelta(days=int(m.group(1)))).year)
    m = re.match(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b", t)
    if m and max(int(m.group(1)), int(m.group(2))) <= 31:
        return float(m.group(3))
    m = re.search(r"\b(1[89]\d\d|2[01]\d\d)\b", t)
    if m and re.search(rf"\b({_MONTHS})[a-z]*\.?\b", t):
        return float(m.group(1))
    return np.nan


def years(values: pd.Series) -> np.ndarray:
    """Return the year of each value (a float array, NaN where empty or not a date).

    Understood: a year (``2019``, ``2019年``), a date as text in any common form (``2019-03-05``,
    ``2019/3/5``, ``2019.03.05``, ``2019年3月5日``, ``20190305``, ``05/03/2019``,
    ``5 March 2019``, an ISO date-time as the Excel reader writes a date cell), a date or
    date-time object, and an Excel serial day number between 1950 and 2100.
    """
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values.dt.year.to_numpy(dtype=np.float64, na_value=np.nan)
    codes, uniques = pd.factorize(values)
    found = np.array([_year_of(u) for u in uniques], dtype=np.float64)
    return np.where(codes >= 0, found[codes] if len(found) else np.nan, np.nan)


def _year_of(value: object) -> float:
    if isinstance(value, (dt.date, pd.Timestamp)):
        return float(value.year)
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        v = float(value)
        if not np.isfinite(v) or v != int(v):
            return np.nan
        return _year_of_text(str(int(v)))
    return _year_of_text(str(value))


_AMOUNT = re.compile(r"([0-9][0-9,]*(?:\.[0-9]+)?)\s*(亿|万|million|mn|m|billion|bn)?")


def capital_cny(values: pd.Series, *, per_10k: bool = False) -> np.ndarray:
    """Return registered capital in yuan (a float array; NaN where empty or not in yuan).

    ``100万元人民币`` is 1,000,000; ``1.5亿`` 150,000,000; ``RMB 5 million`` 5,000,000. An
    amount in another currency (``100万美元``) is NaN: it is not converted. A bare number is in
    yuan, or in 10,000 yuan when ``per_10k`` (a header such as ``注册资本(万元)``).
    """
    codes, uniques = pd.factorize(values)
    found = np.array([_capital_of(u, per_10k) for u in uniques], dtype=np.float64)
    return np.where(codes >= 0, found[codes] if len(found) else np.nan, np.nan)


def _capital_of(value: object, per_10k: bool) -> float:
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        v = float(value)
        return v * 1e4 if per_10k and np.isfinite(v) else v
    t = str(value).strip().lower()
    if not t or any(c in t for c in _OTHER_CURRENCY):
        return np.nan
    m = _AMOUNT.search(t)
    if m is None:
        return np.nan
    amount = float(m.group(1).replace(",", ""))
    unit = m.group(2)
    scale = {"亿": 1e8, "万": 1e4, "million": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9,
             "bn": 1e9}.get(unit or "", 1e4 if per_10k and t == m.group(0).strip() else 1.0)
    return amount * scale


def registry_status(values: pd.Series) -> pd.Series:
    """Return ``current``/``historic`` for registration status words; other values unchanged.

    ``存续（在营、开业、在册）`` is current; ``注销``, ``吊销，未注销``, ``迁出`` are historic. Each
    distinct value is looked at once; a column without status words is returned as it is.
    """
    codes, uniques = pd.factorize(values)
    texts = [str(u) for u in uniques]
    mapped = [_status_of(t) for t in texts]
    if mapped == texts:
        return values
    return pd.Series(np.asarray([*mapped, ""], dtype=object)[codes], index=values.index,
                     dtype="str")


def _status_of(text: str) -> str:
    t = text.strip().lower()
    if any(w in t for w in HISTORIC_WORDS):
        return "historic"
    if any(w in t for w in CURRENT_WORDS):
        return "current"
    return text


@dataclass
class FirmValues:
    """A table with registry values read (see :func:`firm_values`)."""

    frame: pd.DataFrame
    registry: bool
    """Whether the table is a registry or company-database export (a list of firms)."""
    notes: list[Problem] = field(default_factory=list)


def _year_text(values: pd.Series) -> pd.Series:
    """Return the column with every readable date as its year; other values as written.

    Each distinct value is read once; a column of plain years is returned as it is.
    """
    if pd.api.types.is_integer_dtype(values.dtype):
        return values
    codes, uniques = pd.factorize(values)
    texts = [str(u) for u in uniques]
    found = [_year_of(u) for u in uniques]
    made = [t if np.isnan(y) else str(int(y)) for t, y in zip(texts, found, strict=True)]
    if made == texts:
        return values
    return pd.Series(np.asarray([*made, ""], dtype=object)[codes], index=values.index,
                     dtype="str")


def _year_strings(found: np.ndarray) -> pd.Series:
    """Return years (NaN: none) as text, ``""`` where there is none."""
    return pd.Series(["" if np.isnan(y) else str(int(y)) for y in found], dtype="str")


def _registry(frame: pd.DataFrame, sources: Mapping[str, str], status_words: bool) -> bool:
    """Return whether the columns are those of a registry export."""
    if any(w in sources.get("id", "").lower() for w in _CREDIT_CODE):
        return True
    marks = [c in frame.columns for c in ("scope", "capital", "closed_date", "approved_date",
                                          "industry")]
    return sum(marks) + status_words >= 2


def firm_values(frame: pd.DataFrame, sources: Mapping[str, str]) -> FirmValues:
    """Read the values of a registry export in a table with canonical column names.

    ``status`` words become ``current``/``historic``; ``since`` and ``until`` dates become
    years; ``until`` is made, when the table has none, from ``closed_date`` (注销日期/吊销日期)
    or, for a historic row only, ``approved_date`` (核准日期); ``capital_cny`` (yuan) is made
    from ``capital``. A registry export (a credit-code column, or two of: scope, capital,
    closing or approval dates, industry, registry status words) without a ``kind`` column
    becomes a list of firms (``kind`` = ``firm``), said in an info note. ``sources`` maps each
    canonical column to the header it came from. The table is not changed in place.
    """
    out = frame.copy(deep=False)
    notes: list[Problem] = []
    status_words = False
    if "status" in out.columns:
        before = out["status"]
        mapped = registry_status(before)
        status_words = mapped is not before
        out["status"] = mapped
    for col in ("since", "until"):
        if col in out.columns:
            out[col] = _year_text(out[col])
    if "until" not in out.columns and ("closed_date" in out or "approved_date" in out):
        until = years(out["closed_date"]) if "closed_date" in out else np.full(len(out), np.nan)
        if "approved_date" in out and "status" in out:
            historic = (out["status"] == "historic").to_numpy(dtype=bool)
            until = np.where(np.isnan(until) & historic, years(out["approved_date"]), until)
        out["until"] = _year_strings(until).set_axis(out.index)
    if "capital" in out.columns:
        out["capital_cny"] = capital_cny(out["capital"],
                                         per_10k="万" in sources.get("capital", ""))
    registry = _registry(out, sources, status_words)
    if registry and "kind" not in out.columns:
        out["kind"] = "firm"
        notes.append(Problem.of(None, "kind", "firmlist.registry", severity="info"))
    return FirmValues(out, registry, notes)

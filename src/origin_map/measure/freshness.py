"""How old the data is: the status rule and the dates of the sources that say a firm is current.

The status rule (``geodata/README.md``): a firm is ``current`` only when a source dated
:data:`~origin_map.places.vocab.CURRENT_FROM_YEAR` or later puts it at its address; that source
and its date are the columns ``status_source`` and ``status_checked``
(``YYYY-MM`` or ``YYYY-MM-DD``).
:func:`current_by_rule` says which rows count as current by it, :func:`apply_status_rule`
returns the table with the others made historic (what the coverage counts use), and
:func:`freshness` gives the newest and the median ``status_checked`` of the current firms, so
that a count is shown with its age: a sourced sample, not a census.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from origin_map.geo.geometry import Centre, distances_m
from origin_map.i18n import text
from origin_map.places import vocab
from origin_map.places.checks import status_dates

__all__ = ["Freshness", "apply_status_rule", "current_by_rule", "freshness", "freshness_line"]


def _checked(places: pd.DataFrame) -> pd.Series:
    """Return the ``status_checked`` dates of ``places`` (all ``NaT`` without the column)."""
    if "status_checked" not in places.columns:
        return pd.Series(pd.NaT, index=places.index, dtype="datetime64[ns]")
    return status_dates(places["status_checked"])


def current_by_rule(places: pd.DataFrame) -> np.ndarray:
    """Return, per row, whether the place counts as current by the status rule.

    A row counts when its ``status`` is ``current``, except a firm whose ``status_checked`` is
    older than :data:`~origin_map.places.vocab.CURRENT_FROM_YEAR`. A firm without a date keeps its
    stated status (a user's file need not have the column); the shipped data dates every
    current firm (a test enforces it).
    """
    current = (places["status"] == "current").to_numpy(dtype=bool)
    firm = (places["kind"] == "firm").to_numpy(dtype=bool)
    old = (_checked(places).dt.year < vocab.CURRENT_FROM_YEAR).to_numpy(dtype=bool)
    return current & ~(firm & old)


def apply_status_rule(places: pd.DataFrame) -> pd.DataFrame:
    """Return ``places`` with the rows that fail :func:`current_by_rule` made ``historic``.

    The input is returned unchanged (not copied) when every row passes.
    """
    fails = (places["status"] == "current").to_numpy(dtype=bool) & ~current_by_rule(places)
    if not fails.any():
        return places
    out = places.copy()
    out.loc[fails, "status"] = "historic"
    return out


@dataclass(frozen=True)
class Freshness:
    """The age of the current firms' status sources.

    Attributes
    ----------
    firms
        Current firms (by the status rule) counted.
    dated
        How many of them have a ``status_checked`` date.
    newest, median
        The newest and the median ``status_checked`` as ISO dates (``YYYY-MM-DD``; a
        ``YYYY-MM`` date counts as the month's first day), or ``""`` when none is dated.
    """

    firms: int
    dated: int
    newest: str
    median: str


def freshness(places: pd.DataFrame, centre: Centre | None = None,
              radius_m: float | None = None) -> Freshness:
    """Return the newest and median ``status_checked`` of the current firms, and their count.

    With ``centre`` and ``radius_m`` only the firms within ``radius_m`` metres of the centre
    count. Firms follow :func:`current_by_rule`.
    """
    keep = current_by_rule(places) & (places["kind"] == "firm").to_numpy(dtype=bool)
    if centre is not None and radius_m is not None:
        d = distances_m(places["lat"].to_numpy(dtype=float), places["lon"].to_numpy(dtype=float),
                        centre.lat, centre.lon)
        keep &= d <= radius_m
    dates = _checked(places)[keep].dropna().sort_values()
    if dates.empty:
        return Freshness(int(keep.sum()), 0, "", "")
    median = dates.iloc[(len(dates) - 1) // 2 : len(dates) // 2 + 1].mean()
    return Freshness(int(keep.sum()), len(dates), dates.iloc[-1].strftime("%Y-%m-%d"),
                     median.strftime("%Y-%m-%d"))


def freshness_line(f: Freshness, lang: str = "en", *, sample: bool = True) -> str:
    """Return one sentence stating ``f`` in ``lang`` (catalogue section ``freshness``).

    ``sample=False`` leaves out the closing "A sourced sample, not a census." (for a text that
    says so already).
    """
    if not f.dated:
        out = text("freshness.undated", lang, firms=f.firms)
    else:
        out = text("freshness.line", lang, firms=f.firms, dated=f.dated, newest=f.newest,
                   median=f.median)
    return out if sample else out.replace(text("freshness.sample_note", lang), "").strip()

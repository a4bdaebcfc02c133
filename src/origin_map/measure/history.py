"""The history of a place list as one table: places present each year, by sector.

A place is present in a year when its start year (``since``) is known and not after that year,
and the year is not after its end (``until``; without one, now for a current place, its start
year only for a historic one): :func:`origin_map.places.filters.present_in`, the rule of the year
slider. :func:`history_table` counts the places within a radius of a centre (or inside an area)
for every year, per sector, and says how many places could not be placed in time (no start
year). A registry export's 成立日期 and 注销日期 are read as ``since`` and ``until``, so an
uploaded firm list gives the firm count over time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from origin_map.geo.geometry import Centre, distances_m
from origin_map.places import vocab
from origin_map.places.filters import PlaceFilter, present_in

__all__ = ["HISTORY_COLUMNS", "history_table"]

HISTORY_COLUMNS = ("centre_id", "radius_m", "year", "sector", "count")
"""Columns of :func:`history_table` (``radius_m`` is ``area`` for an area)."""


def _inside(places: pd.DataFrame, centre: Centre, radius_m: float, area: Any) -> np.ndarray:
    if area is not None:
        from origin_map.measure.areas import places_in_area

        return np.asarray(places_in_area(places, area), dtype=bool)
    d = distances_m(places["lat"].to_numpy(dtype=float), places["lon"].to_numpy(dtype=float),
                    centre.lat, centre.lon)
    return np.asarray(d <= float(radius_m), dtype=bool)


def _start_years(places: pd.DataFrame) -> np.ndarray:
    if "since" not in places.columns:
        return np.full(len(places), np.nan)
    return pd.to_numeric(places["since"], errors="coerce").to_numpy(dtype=float)


def history_table(places: pd.DataFrame, centre: Centre, radius_m: float = 1000.0, *,
                  place_filter: PlaceFilter | None = None, area: Any = None,
                  first: int | None = None, last: int | None = None) -> pd.DataFrame:
    """Return the places present in each year within ``radius_m`` of ``centre``, per sector.

    Parameters
    ----------
    places
        Places with ``lat``, ``lon``, ``sector`` and, for a history, ``since``/``until``
        (years) and ``status``.
    centre, radius_m
        The disc counted (metres, geodesic).
    place_filter
        Which places count (sectors, kinds, qualities, search). Its ``year`` and
        ``include_historic`` do not apply: every year is counted, and a historic tenant counts
        in the years it was there.
    area
        An :class:`origin_map.measure.areas.Area` counted instead of the disc.
    first, last
        The years of the table; default from the earliest known start year among the places
        counted to this year.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`HISTORY_COLUMNS`: one row per year × sector present at any time (in
        vocabulary order, zeros included), sorted by year. ``attrs["no_start_year"]`` is the
        number of places inside that have no known start year (never counted), and
        ``attrs["counted"]`` the number with one.
    """
    flt = replace(place_filter or PlaceFilter(), year=None, include_historic=True)
    keep = flt.mask(places) & _inside(places, centre, radius_m, area)
    chosen = places.loc[keep]
    since = _start_years(chosen)
    known = ~np.isnan(since)
    last = int(last if last is not None else dt.date.today().year)
    first = int(first if first is not None else (np.nanmin(since) if known.any() else last))
    years = list(range(first, last + 1)) if first <= last else []
    sectors_all = chosen["sector"].astype(str).to_numpy()
    present = [s for s in vocab.SECTOR_IDS if s in set(sectors_all[known])] + sorted(
        set(sectors_all[known]) - set(vocab.SECTOR_IDS))
    rows = []
    for year in years:
        there = present_in(chosen, year)
        counts = pd.Series(sectors_all[there]).value_counts()
        rows += [(year, s, int(counts.get(s, 0))) for s in present]
    table = pd.DataFrame(rows, columns=["year", "sector", "count"])
    r = float(radius_m)
    table.insert(0, "radius_m", "area" if area is not None else (int(r) if r.is_integer() else r))
    table.insert(0, "centre_id", centre.id)
    table = table.reindex(columns=list(HISTORY_COLUMNS))
    table.attrs.update(no_start_year=int((~known).sum()), counted=int(known.sum()))
    return table

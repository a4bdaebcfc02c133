"""Coordinates of a places table: parsing, range and swap checks, places far from the centre.

Internal helpers of :mod:`origin_map.places.datasets`. Plain numbers are parsed in one vectorised
step;
only the values that fail are tried as a decimal comma and as degrees-minutes-seconds, each
distinct text once. Problems are tables of :data:`~origin_map.places.checks.PROBLEM_COLUMNS`.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from origin_map.geo.geometry import Centre, distances_m
from origin_map.places.checks import no_problems, problems_frame, text_column

__all__ = ["check_coordinates", "far_check", "parse_coordinate", "parse_dms"]

_NA_WORDS = ("nan", "null", "none", "na", "n/a", "#n/a", "-")

_DMS = re.compile(
    r"^\s*([NSEW北南东西])?\s*([+-]?\d+(?:\.\d+)?)\s*(?:°|度|d|:|\s)\s*"
    r"(?:(\d+(?:\.\d+)?)\s*(?:'|′|分|m|:|\s)\s*)?"
    r"(?:(\d+(?:\.\d+)?)\s*(?:\"|″|''|秒|s)?\s*)?([NSEW北南东西])?\s*$",
    re.IGNORECASE,
)


def parse_dms(text: str) -> float | None:
    """Parse a degrees-minutes-seconds coordinate such as ``39°59'32.8"N``; ``None`` if not DMS."""
    m = _DMS.match(text)
    if not m or not (m.group(3) or m.group(1) or m.group(5) or "°" in text or "度" in text):
        return None
    hemi = (m.group(1) or m.group(5) or "").upper()
    deg, minutes, seconds = float(m.group(2)), float(m.group(3) or 0), float(m.group(4) or 0)
    if minutes >= 60 or seconds >= 60:
        return None
    value = abs(deg) + minutes / 60 + seconds / 3600
    negative = deg < 0 or hemi in ("S", "W", "南", "西")
    return -value if negative else value


def parse_coordinate(text: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (values, blank mask, unparseable mask) for a column of coordinate text.

    Plain numbers are parsed in one vectorised step; only the values that fail are tried as a
    decimal comma (``39,99``) and then as degrees-minutes-seconds, each distinct text once.
    """
    if pd.api.types.is_numeric_dtype(text.dtype):
        values = text.to_numpy(dtype=np.float64, na_value=np.nan)
        blank = np.isnan(values)
        return values, blank, np.zeros(len(values), dtype=bool)
    s = text_column(pd.DataFrame({"v": text}), "v")
    values = pd.to_numeric(s, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan).copy()
    blank = (s == "").to_numpy(dtype=bool) | s.str.lower().isin(_NA_WORDS).to_numpy(dtype=bool)
    bad = np.zeros(len(values), dtype=bool)
    todo = np.flatnonzero(np.isnan(values) & ~blank)
    if not len(todo):
        return values, blank, bad
    sub = s.iloc[todo]
    comma = sub.str.fullmatch(r"[+-]?\d+,\d+").to_numpy(dtype=bool)
    if comma.any():
        values[todo[comma]] = pd.to_numeric(sub[comma].str.replace(",", ".", regex=False),
                                            errors="coerce").to_numpy(dtype=np.float64)
    rest = todo[~comma]
    if len(rest):
        codes, uniques = pd.factorize(s.iloc[rest])
        parsed = np.array([np.nan if (v := parse_dms(u)) is None else v for u in uniques],
                          dtype=np.float64)
        values[rest] = parsed[codes]
        bad[rest] = np.isnan(parsed[codes])
    return values, blank, bad


def check_coordinates(frame: pd.DataFrame, numbers: np.ndarray) -> tuple[
        np.ndarray, np.ndarray, list[pd.DataFrame]]:
    """Parse ``lat``/``lon``; return them and the problems (empty, text, swapped, range)."""
    lat, lat_blank, lat_bad = parse_coordinate(frame["lat"])
    lon, lon_blank, lon_bad = parse_coordinate(frame["lon"])
    out = []
    for name, blank, bad, raw, empty, not_number in (
            ("lat", lat_blank, lat_bad, frame["lat"], "validate.problem.lat_empty",
             "validate.problem.lat_not_number"),
            ("lon", lon_blank, lon_bad, frame["lon"], "validate.problem.lon_empty",
             "validate.problem.lon_not_number")):
        rows = np.flatnonzero(blank)
        shown = text_column(pd.DataFrame({"v": raw.iloc[rows]}), "v").to_numpy()
        out.append(problems_frame(numbers[rows], name, shown, empty,
                                  "validate.fix.fill_coordinate"))
        rows = np.flatnonzero(bad)
        out.append(problems_frame(numbers[rows], name, raw.to_numpy()[rows], not_number,
                                  "validate.fix.coordinate_format"))
    known = ~(lat_blank | lat_bad | lon_blank | lon_bad)
    lat_ok = (lat >= -90) & (lat <= 90)
    lon_ok = (lon >= -180) & (lon <= 180)
    swapped = known & ~(lat_ok & lon_ok) & (np.abs(lon) <= 90) & (np.abs(lat) <= 180)
    rows = np.flatnonzero(swapped)
    pairs = [f"{a}, {b}" for a, b in zip(lat[rows], lon[rows], strict=True)]
    out.append(problems_frame(
        numbers[rows], "lat", pairs, "validate.problem.swapped", "validate.fix.swap_lat_lon"))
    for name, ok, limit in (("lat", lat_ok, 90), ("lon", lon_ok, 180)):
        rows = np.flatnonzero(known & ~ok & ~swapped)
        vals = (lat if name == "lat" else lon)[rows]
        out.append(problems_frame(numbers[rows], name, vals, "validate.problem.out_of_range",
                                  "validate.fix.check_unit", fields={"limit": limit}))
    return lat, lon, out


_M_PER_DEGREE_MAX = 111_700.0
"""Metres in one degree of latitude or longitude, at most, on the WGS-84 ellipsoid (a degree of
latitude is longest at the poles, 111,694 m; a degree of longitude at the equator, 111,320 m)."""


def _box_within(lat: np.ndarray, lon: np.ndarray, centre: Centre, metres: float) -> bool:
    """Return whether every point is certainly within ``metres`` of ``centre``.

    A point ``dlat``, ``dlon`` degrees away is at most ``111.7 km * (|dlat| + |dlon|)`` away
    (the length of a path along its parallel, then along the centre's meridian), so it is
    enough that this holds for the farthest corner of the points' bounding box. A 1 % margin
    covers the approximation of :func:`~origin_map.geo.geometry.distances_m`; NaN gives ``False``.
    """
    dlat = max(float(lat.max()) - centre.lat, centre.lat - float(lat.min()))
    dlon = max(float(lon.max()) - centre.lon, centre.lon - float(lon.min()))
    return bool((dlat + dlon) * _M_PER_DEGREE_MAX < 0.99 * metres)


def far_check(lat: np.ndarray, lon: np.ndarray, valid: np.ndarray, centre: Centre,
              far_m: float, numbers: np.ndarray) -> pd.DataFrame:
    """Warn about valid places farther than ``far_m`` metres from ``centre``."""
    every = bool(valid.all())
    vlat, vlon = (lat, lon) if every else (lat[valid], lon[valid])
    if not len(vlat) or _box_within(vlat, vlon, centre, far_m):
        return no_problems()  # the usual case, settled by four minima and maxima
    if every:
        d = distances_m(lat, lon, centre.lat, centre.lon)
    else:
        d = np.full(len(lat), np.nan)
        d[valid] = distances_m(vlat, vlon, centre.lat, centre.lon)
    far = valid & (d > far_m)
    rows = np.flatnonzero(far)
    if not len(rows):
        return no_problems()
    dswap = distances_m(lon[rows], lat[rows], centre.lat, centre.lon)
    keys = np.where(dswap < far_m, "validate.problem.far_swapped",
                    "validate.problem.far_misplaced").tolist()
    vals = [f"{a:.6f}, {b:.6f}" for a, b in zip(lat[rows], lon[rows], strict=True)]
    return problems_frame(numbers[rows], "lat", vals, keys, "validate.fix.check_datum",
                          "warning", row_fields={"km": (d[rows] / 1000).tolist()})

"""Counts and densities per H3 hexagon: :func:`h3_table` and its mergeable parts.

:func:`h3_cell_counts` counts a chunk of places per cell; counts of several chunks add up, and
:func:`h3_from_counts` turns them into the table (the dask engine relies on this).
"""

from __future__ import annotations

from itertools import repeat
from typing import Any

import numpy as np
import pandas as pd

from origin_map.errors import SettingsError
from origin_map.geo.geometry import Centre, distances_m
from origin_map.places import vocab
from origin_map.places.filters import PlaceFilter, selected

__all__ = ["H3_COLUMNS", "check_resolution", "h3_cell_counts", "h3_from_counts", "h3_table"]

H3_COLUMNS = (
    "centre_id", "h3_cell", "resolution", "cell_lat", "cell_lon", "distance_m", "count",
    "ai_count", "area_km2", "density_per_km2",
)


def h3_table(
    places: pd.DataFrame,
    centre: Centre,
    *,
    resolution: int = 9,
    place_filter: PlaceFilter | None = None,
    max_distance_m: float | None = None,
) -> pd.DataFrame:
    """Return counts and densities per H3 hexagon of the filtered places.

    Parameters
    ----------
    places, centre, place_filter
        As for :func:`origin_map.measure.stats.density_table`.
    resolution
        H3 resolution 0–15 (9: cells of ~0.075 km² in Beijing, edge ~170 m; 10: ~0.011 km²).
    max_distance_m
        Only places within this distance of the centre count (all places if None).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`H3_COLUMNS`, one row per non-empty cell, most populous first:
        ``cell_lat``/``cell_lon`` the cell centre (WGS-84), ``distance_m`` from the centre to it,
        ``ai_count`` places in AI sectors, ``area_km2`` the cell's area, ``density_per_km2``.

    Raises
    ------
    SettingsError
        If ``resolution`` is not a whole number from 0 to 15.

    Examples
    --------
    >>> import pandas as pd
    >>> places = pd.DataFrame({"lat": [39.9925, 39.9926, 40.01], "lon": [116.3277] * 3,
    ...                        "sector": ["chips", "chips", "services"]})
    >>> table = h3_table(places, Centre("c", "中心", "Centre", 39.992446, 116.327708))
    >>> table["count"].tolist(), table["ai_count"].tolist()
    ([2, 1], [2, 0])
    """
    check_resolution(resolution)
    flt = place_filter or PlaceFilter()
    lat, lon, sector, _ = selected(places, flt, "sector")
    cells, counts, ai_counts = h3_cell_counts(lat, lon, sector, centre, resolution,
                                              max_distance_m)
    return h3_from_counts(cells, counts, ai_counts, centre, resolution)


def check_resolution(resolution: int) -> None:
    """Raise :class:`~origin_map.errors.SettingsError` unless ``resolution`` is 0–15."""
    if not (isinstance(resolution, int) and 0 <= resolution <= 15):
        raise SettingsError(f"H3 resolution must be an integer 0–15, not {resolution!r}.")


def h3_cell_counts(lat: np.ndarray, lon: np.ndarray, sector: Any, centre: Centre,
                   resolution: int, max_distance_m: float | None = None
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Count places and AI places per H3 cell: the mergeable part of :func:`h3_table`.

    Returns
    -------
    cells, counts, ai_counts : numpy.ndarray
        The non-empty cells (``uint64`` H3 indexes, in no particular order) and their counts
        (``int64``). Counts of several chunks, summed per cell, equal those of all places.
    """
    import h3

    check_resolution(resolution)
    lat = np.asarray(lat, dtype=np.float64)
    lon = np.asarray(lon, dtype=np.float64)
    ai = pd.Series(sector).isin(vocab.AI_SECTORS).to_numpy(dtype=bool)
    if max_distance_m is not None:
        near = distances_m(lat, lon, centre.lat, centre.lon) <= float(max_distance_m)
        lat, lon, ai = lat[near], lon[near], ai[near]
    to_cell = h3.api.basic_int.latlng_to_cell
    raw = np.fromiter(map(to_cell, lat.tolist(), lon.tolist(), repeat(resolution)),
                      dtype=np.uint64, count=len(lat))
    codes, cells = pd.factorize(raw)  # a hash table: faster than np.unique's sort
    counts = np.bincount(codes, minlength=len(cells)).astype(np.int64)
    ai_counts = np.bincount(codes[ai], minlength=len(cells)).astype(np.int64)
    return np.asarray(cells, dtype=np.uint64), counts, ai_counts


def h3_from_counts(cells: np.ndarray, counts: np.ndarray, ai_counts: np.ndarray,
                   centre: Centre, resolution: int) -> pd.DataFrame:
    """Build the H3 table from :func:`h3_cell_counts` (or its sum per cell over chunks)."""
    import h3

    if len(cells) == 0:
        return pd.DataFrame(columns=list(H3_COLUMNS))
    counts = np.asarray(counts, dtype=np.int64)
    names = [h3.int_to_str(int(c)) for c in cells]
    centres = np.array([h3.cell_to_latlng(c) for c in names], dtype=float).reshape(-1, 2)
    areas = np.array([h3.cell_area(c, unit="km^2") for c in names])
    out = pd.DataFrame({
        "centre_id": centre.id, "h3_cell": names, "resolution": resolution,
        "cell_lat": np.round(centres[:, 0], 6), "cell_lon": np.round(centres[:, 1], 6),
        "distance_m": np.round(distances_m(centres[:, 0], centres[:, 1], centre.lat,
                                           centre.lon), 1),
        "count": counts, "ai_count": np.asarray(ai_counts, dtype=np.int64),
        "area_km2": np.round(areas, 6), "density_per_km2": np.round(counts / areas, 3),
    })
    return out.sort_values(["count", "h3_cell"], ascending=[False, True],
                           ignore_index=True).loc[:, list(H3_COLUMNS)]

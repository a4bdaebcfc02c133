"""Density statistics for a centre, rings and a filter, as tidy DataFrames with units in names.

* :func:`density_table`: one row per ring × sector plus one ``all`` row per ring, with counts,
  shares, ring areas (km²), densities (places per km²) and cumulative counts.
* :func:`h3_table`: counts and densities per H3 hexagon (:mod:`origin_map.measure.hexagons`).
* :func:`headline`: the figures the Overview shows (places inside the radius by kind and sector,
  AI share of firms).

Which places count is a :class:`~origin_map.places.filters.PlaceFilter` (re-exported here, as are
the
H3 functions). Every count uses metric distances from :func:`origin_map.geo.geometry.distances_m`;
polygons never take part in counting.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from origin_map.errors import SettingsError
from origin_map.geo.geometry import Centre, assign_rings, distances_m, normalise_radii
from origin_map.measure.hexagons import H3_COLUMNS, h3_cell_counts, h3_from_counts, h3_table
from origin_map.measure.rings import ALL as ALL  # compare imports it from here
from origin_map.measure.rings import DENSITY_COLUMNS, code_counts, density_rows
from origin_map.measure.rings import radius_value as _radius_value
from origin_map.measure.rings import sector_order as _sector_order
from origin_map.places import vocab
from origin_map.places.filters import PlaceFilter, present_in, selected, unknown_years

__all__ = [
    "DENSITY_COLUMNS",
    "H3_COLUMNS",
    "PlaceFilter",
    "density_from_counts",
    "density_table",
    "h3_cell_counts",
    "h3_from_counts",
    "h3_table",
    "headline",
    "present_in",
    "ring_sector_counts",
    "unknown_years",
    "with_distances",
]

def with_distances(places: pd.DataFrame, centre: Centre, radii_m: Sequence[float]
                   ) -> pd.DataFrame:
    """Return a copy of ``places`` with ``distance_m`` (metres, 0.1 m) and ``ring_outer_m``.

    ``ring_outer_m`` is the radius of the ring the place falls in (NaN when outside all rings).
    """
    radii = normalise_radii(radii_m)
    out = places.copy()
    d = distances_m(out["lat"].to_numpy(), out["lon"].to_numpy(), centre.lat, centre.lon)
    ring = assign_rings(d, radii)
    outer = np.append(np.asarray(radii, dtype=float), np.nan)
    out["distance_m"] = np.round(d, 1)
    out["ring_outer_m"] = outer[ring]
    return out


def density_table(places: pd.DataFrame, centre: Centre, radii_m: Sequence[float] = (1000,), *,
                  place_filter: PlaceFilter | None = None, distance_m: Any = None
                  ) -> pd.DataFrame:
    """Return the density table: one row per ring × sector, then one ``all`` row per ring.

    Parameters
    ----------
    places
        Places with ``lat``, ``lon`` (WGS-84) and ``sector`` columns (plus those the filter uses).
    centre
        The centre of the rings.
    radii_m
        Ring radii in metres (sorted and de-duplicated); ring ``i`` spans
        ``(radii[i-1], radii[i]]``, the first ring starts at the centre.
    place_filter
        Which places count (default: current places of every sector and kind).
    distance_m
        Optional distances in metres from the centre, one per row of ``places``, used instead
        of the point distances: e.g. :func:`origin_map.measure.outlines.outline_distances_m` to
        count
        places by their outline. NaN or inf means outside every ring.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`DENSITY_COLUMNS`: ``count`` places in the ring, ``share`` of the ring's
        places (0–1), ``area_km2`` of the ring (exact annulus area), ``density_per_km2`` =
        count / area, ``cumulative_count`` = places of that sector within ``ring_outer_m``.
        Sectors listed are the filter's, or those present among the filtered places.

    Raises
    ------
    SettingsError
        If a radius is not a positive number of metres within the limit, or ``distance_m``
        does not have one value per place.

    Examples
    --------
    >>> import pandas as pd
    >>> places = pd.DataFrame({"lat": [39.9925, 39.999, 40.01], "lon": [116.3277] * 3,
    ...                        "sector": ["large_models", "chips", "chips"]})
    >>> centre = Centre("c", "中心", "Centre", 39.992446, 116.327708)
    >>> table = density_table(places, centre, [500, 1000, 2000])
    >>> table[table["sector"] == "all"][["ring_outer_m", "count", "cumulative_count"]]
       ring_outer_m  count  cumulative_count
    2           500      1                 1
    5          1000      1                 2
    8          2000      1                 3
    """
    radii = normalise_radii(radii_m)
    flt = place_filter or PlaceFilter()
    if distance_m is not None:
        present, counts = ring_sector_counts(
            None, None, places["sector"].to_numpy(), centre, radii, flt.mask(places),
            distance_m=_given_distances(distance_m, places))
        return density_from_counts(present, counts, centre, radii, flt.sectors)
    lat, lon, sector, keep = selected(places, flt, "sector", lazy=True)
    present, counts = ring_sector_counts(lat, lon, sector, centre, radii, keep)
    return density_from_counts(present, counts, centre, radii, flt.sectors)


def _given_distances(distance_m: Any, places: pd.DataFrame) -> np.ndarray:
    """Return precomputed distances as float64, checked to have one value per place."""
    d = np.asarray(distance_m, dtype=np.float64).reshape(-1)
    if len(d) != len(places):
        raise SettingsError(f"{len(d)} distances were given for {len(places)} places; give one "
                            "distance in metres per place.")
    return d


def ring_sector_counts(lat: np.ndarray | None, lon: np.ndarray | None, sector: Any,
                       centre: Centre, radii_m: Sequence[float], keep: np.ndarray | None = None,
                       *, distance_m: np.ndarray | None = None
                       ) -> tuple[list[str], np.ndarray]:
    """Count places per ring and sector: the mergeable part of :func:`density_table`.

    Parameters
    ----------
    lat, lon
        WGS-84 degrees of the places.
    sector
        Their sectors (any array-like; missing values are not counted).
    centre, radii_m
        The centre and the ring radii in metres.
    keep
        Which places count (default: all).
    distance_m
        Distances from the centre in metres, used instead of computing them from ``lat`` and
        ``lon`` (which may then be None).

    Returns
    -------
    present : list of str
        The sectors of the places that count.
    counts : numpy.ndarray
        ``int64`` array of shape ``(len(radii) + 1, len(present))``: row ``i`` is ring ``i``, the
        last row counts the places outside every ring. Counts of several chunks of places add up
        to the counts of all of them (the dask engine relies on this).
    """
    radii = normalise_radii(radii_m)
    codes, uniques = pd.factorize(sector)
    codes = np.asarray(codes, dtype=np.int64)
    if keep is not None:
        codes[~keep] = -1
    if distance_m is None:
        if lat is None or lon is None:
            raise SettingsError("Give the places' lat and lon, or their distance_m.")
        distance_m = distances_m(lat, lon, centre.lat, centre.lon)
    ring = assign_rings(distance_m, radii)
    counts, seen = code_counts(ring, codes, len(uniques), len(radii) + 1)
    return [str(u) for u, x in zip(uniques, seen, strict=True) if x], counts


def density_from_counts(present: Sequence[str], counts: np.ndarray, centre: Centre,
                        radii_m: Sequence[float], chosen: tuple[str, ...] | None = None
                        ) -> pd.DataFrame:
    """Build the density table from :func:`ring_sector_counts` (or its sum over chunks).

    ``chosen`` is the filter's sectors (listed even when absent), or None for those present.
    """
    rows = density_rows(present, counts, centre, radii_m, chosen)
    return pd.DataFrame(rows, columns=list(DENSITY_COLUMNS))


def headline(
    places: pd.DataFrame,
    centre: Centre,
    radius_m: float = 1000,
    *,
    place_filter: PlaceFilter | None = None,
    distance_m: Any = None,
) -> dict[str, Any]:
    """Return the headline figures for places within ``radius_m`` of the centre.

    Parameters
    ----------
    places, centre, place_filter, distance_m
        As for :func:`density_table` (``kind`` is needed too).
    radius_m
        The radius in metres.

    Returns
    -------
    dict
        ``inside`` (count), ``by_kind`` and ``by_sector`` (dicts of counts, in vocabulary order),
        ``firms``, ``ai_firms``, ``ai_share_of_firms`` (0–1, NaN without firms),
        ``institutions`` (universities + institutes), ``radius_m``.

    Raises
    ------
    SettingsError
        If the radius is not valid (as for :func:`density_table`).

    Examples
    --------
    >>> import pandas as pd
    >>> places = pd.DataFrame({"lat": [39.9925, 40.01], "lon": [116.3277] * 2,
    ...                        "sector": ["chips", "chips"], "kind": ["firm", "university"]})
    >>> h = headline(places, Centre("c", "中心", "Centre", 39.992446, 116.327708), 1000)
    >>> h["inside"], h["firms"], h["ai_share_of_firms"]
    (1, 1, 1.0)
    """
    (radius,) = normalise_radii([radius_m])
    flt = place_filter or PlaceFilter()
    keep = np.flatnonzero(flt.mask(places))
    lat = places["lat"].to_numpy(dtype=np.float64)[keep]
    lon = places["lon"].to_numpy(dtype=np.float64)[keep]
    d = (distances_m(lat, lon, centre.lat, centre.lon) if distance_m is None
         else _given_distances(distance_m, places)[keep])
    inside = places[["kind", "sector"]].iloc[keep[d <= radius]]
    by_kind = inside["kind"].value_counts()
    by_sector = inside["sector"].value_counts()
    firms = inside[inside["kind"] == "firm"]
    ai_firms = int(firms["sector"].isin(vocab.AI_SECTORS).sum())
    return {
        "radius_m": _radius_value(radius),
        "inside": len(inside),
        "by_kind": {k: int(by_kind[k]) for k in vocab.KINDS if k in by_kind},
        "by_sector": {s: int(by_sector[s]) for s in _sector_order(by_sector.index, None)},
        "firms": len(firms),
        "ai_firms": ai_firms,
        "ai_share_of_firms": ai_firms / len(firms) if len(firms) else float("nan"),
        "institutions": int(by_kind.get("university", 0) + by_kind.get("institute", 0)),
    }

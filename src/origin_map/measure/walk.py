"""Walking distance from the centre on a pedestrian network: per place, isochrones, a band table.

* **Distance of a place** (:mod:`origin_map.measure.walk_join`): a straight walk from the place
  to the nearest point of a walkable way (at most ``reach_m``, 100 m; never through a wall, so a
  way behind a wall is not joined), then the network, then the centre's own straight walk to a way;
  the shortest over every way within reach. One single-source Dijkstra (networkx) from the centre
  gives the network part for all places. The nearest *point* of a way refines "the nearest node"
  (a place beside a long street is not sent to its far end), and joining every way within reach
  keeps a place next to a short dead-end fragment (a car park aisle) on the streets. A place
  within ``reach_m`` of the centre with no wall between is walked to straight if that is shorter.
* **Status** of a place (column ``walk_status``): ``reached`` (it has a walking distance);
  ``outside_network`` when it lies outside the extract's bounds, or more than ``reach_m`` from
  every way it can walk to straight: the map is missing there, so it is never called unreachable;
  ``not_connected`` when its ways have no path to the centre's in the mapped network (a gap in the
  map, or a compound entered through a gate the map does not have). Neither is in any band.
* **Walking time** = distance / speed (``speed_kmh``, default 4.8 km/h = 80 m/min).
* **Isochrones** (:mod:`origin_map.measure.isochrones`): contours of the same walking distance
  computed on a 20 m grid, clipped to the extract's bounds.
* **Band table**: the ring density table's columns with walking-time bands in place of metre
  rings: ``band_inner_min``/``band_outer_min`` replace ``ring_inner_m``/``ring_outer_m`` (band
  ``i`` holds walking times in ``(minutes[i-1], minutes[i]]``), ``area_km2`` is the area of the
  band's isochrone ring (not a disc annulus), ``density_per_km2`` = count / that area; ``sector``,
  ``count``, ``share``, ``cumulative_count`` and ``centre_id`` mean what they mean in
  :func:`origin_map.measure.stats.density_table`.
* **Coverage**: the share of the disc of ``radius_m`` (1.5 km) around the centre lying inside the
  extract's bounds *and* within a straight walk of ``reach_m`` of a way: where a place can be
  measured.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from origin_map.errors import SettingsError
from origin_map.geo.geometry import Centre, distances_m, project_local, sorted_numbers
from origin_map.measure.isochrones import (
    COVERAGE_RADIUS_M,
    GRID_M,
    WalkCoverage,
    isochrones,
    walk_coverage,
    walk_field,
)
from origin_map.measure.stats import density_from_counts, ring_sector_counts
from origin_map.measure.walk_join import REACH_M, centre_distances, walk_of, walk_path
from origin_map.places.filters import PlaceFilter

if TYPE_CHECKING:
    import geopandas as gpd

    from origin_map.geo.network import WalkNetwork

__all__ = ["COVERAGE_RADIUS_M", "DEFAULT_MINUTES", "DEFAULT_SPEED_KMH", "REACH_M", "STATUSES",
           "WALK_DENSITY_COLUMNS", "WalkCoverage", "WalkResult", "parse_minutes",
           "walk_analysis", "walk_coverage", "walk_distances", "walk_of", "walk_path"]

DEFAULT_MINUTES = (5.0, 10.0, 15.0)
DEFAULT_SPEED_KMH = 4.8
STATUSES = ("reached", "not_connected", "outside_network")
WALK_DENSITY_COLUMNS = (
    "centre_id", "band_inner_min", "band_outer_min", "sector", "count", "share", "area_km2",
    "density_per_km2", "cumulative_count",
)
MAX_MINUTES = 120.0


def parse_minutes(value: str | Sequence[float | str]) -> tuple[float, ...]:
    """Return walking-time band limits in minutes, sorted and unique, from ``"5,10,15"`` or a list.

    Raises
    ------
    SettingsError
        If a value is not a number of minutes in (0, 120], or none is given.
    """
    parts = str(value).replace(";", ",").replace(" ", ",").split(",") \
        if isinstance(value, str) else list(value)

    def problem(p: object, m: float) -> str | None:
        return None if math.isfinite(m) and 0 < m <= MAX_MINUTES else (
            f"Walking time {p!r} must be a number of minutes in (0, {MAX_MINUTES:g}], "
            "e.g. 5,10,15.")

    return sorted_numbers([p for p in parts if not (isinstance(p, str) and not p.strip())],
                          problem, not_number="Walking time {value!r} is not a number of minutes.",
                          empty="Give at least one walking time in minutes, e.g. 5,10,15.")


def _check_speed(speed_kmh: float) -> float:
    s = float(speed_kmh)
    if not (math.isfinite(s) and 0.5 <= s <= 20):
        raise SettingsError(f"Walking speed {speed_kmh!r} km/h must be between 0.5 and 20 km/h "
                            "(4.8 is a usual pace).")
    return s


def walk_distances(net: WalkNetwork, lat: ArrayLike, lon: ArrayLike, *,
                   reach_m: float = REACH_M, ends: Any = None) -> pd.DataFrame:
    """Return the walking distance from the network's centre to each point, with its status.

    Parameters
    ----------
    net
        The pedestrian network (:func:`origin_map.geo.network.build_walk_network`).
    lat, lon
        WGS-84 degrees of the places.
    reach_m
        The longest straight walk between a place and a way.
    ends
        Precomputed ``(ends, centre_snap)`` of the centre (internal; computed when None).

    Returns
    -------
    pandas.DataFrame
        ``walk_m`` (metres, 0.1 m; NaN unless reached), ``access_m`` (the place's straight walk
        to the network, NaN when none), ``walk_status`` (one of :data:`STATUSES`).
    """
    ends = ends if ends is not None else centre_distances(net, reach_m)
    la = np.asarray(lat, dtype=np.float64).reshape(-1)
    lo = np.asarray(lon, dtype=np.float64).reshape(-1)
    x, y = project_local(la, lo, net.centre.lat, net.centre.lon)
    walk, access = walk_of(net, ends, x, y, reach_m)
    has = np.isfinite(access) | np.isfinite(walk)
    status = np.where(~has, "outside_network",
                      np.where(np.isfinite(walk), "reached", "not_connected"))
    walk[~np.isfinite(walk)] = np.nan
    access[~np.isfinite(access)] = np.nan
    return pd.DataFrame({"walk_m": np.round(walk, 1), "access_m": np.round(access, 1),
                         "walk_status": status})


@dataclass(frozen=True)
class WalkResult:
    """Everything ``origin-map walk`` writes and the app shows.

    Attributes
    ----------
    places
        The places (all rows) with ``crow_m`` (geodesic distance to the centre), ``walk_m``,
        ``walk_min``, ``access_m``, ``walk_status`` and ``band_outer_min`` (the band the place
        falls in; NaN outside every band).
    table
        The band table (:data:`WALK_DENSITY_COLUMNS`).
    isochrones
        One polygon per walking time (WGS-84): ``minutes``, ``walk_m``, ``area_km2``.
    coverage
        :class:`WalkCoverage`.
    centre, speed_kmh, minutes
        The centre and the settings used.
    """

    places: pd.DataFrame
    table: pd.DataFrame
    isochrones: gpd.GeoDataFrame
    coverage: WalkCoverage
    centre: Centre
    speed_kmh: float
    minutes: tuple[float, ...]


def walk_analysis(places: pd.DataFrame, net: WalkNetwork, *,
                  minutes: str | Sequence[float] = DEFAULT_MINUTES,
                  speed_kmh: float = DEFAULT_SPEED_KMH, place_filter: PlaceFilter | None = None,
                  reach_m: float = REACH_M, radius_m: float = COVERAGE_RADIUS_M) -> WalkResult:
    """Measure walking times from the network's centre: places, isochrones, band table, coverage.

    Parameters
    ----------
    places
        Places with ``lat``, ``lon`` (WGS-84) and ``sector`` (plus what the filter uses).
    net
        The pedestrian network around the centre.
    minutes
        Band limits in minutes (``"5,10,15"`` or numbers).
    speed_kmh
        Walking speed.
    place_filter
        Which places count in the table (default: current places).
    reach_m, radius_m
        Straight-walk reach; radius of the coverage disc.
    """
    mins = parse_minutes(minutes)
    speed = _check_speed(speed_kmh)
    per_min = speed * 1000.0 / 60.0
    ends = centre_distances(net, reach_m)
    walk = walk_distances(net, places["lat"].to_numpy(), places["lon"].to_numpy(),
                          reach_m=reach_m, ends=ends)
    out = places.copy()
    out["crow_m"] = np.round(distances_m(out["lat"].to_numpy(), out["lon"].to_numpy(),
                                         net.centre.lat, net.centre.lon), 1)
    for col in walk.columns:
        out[col] = walk[col].to_numpy()
    t = walk["walk_m"].to_numpy() / per_min
    out["walk_min"] = np.round(t, 2)
    band = np.searchsorted(np.asarray(mins), t, side="left")
    limits = np.append(np.asarray(mins), np.nan)
    out["band_outer_min"] = np.where(np.isnan(t), np.nan, limits[np.minimum(band, len(mins))])
    field = walk_field(net, ends[0], ends[1], max(radius_m, mins[-1] * per_min + reach_m)
                       + GRID_M, reach_m)
    iso = isochrones(net, ends[0], ends[1], mins, per_min, reach_m=reach_m, speed_kmh=speed,
                     field=field)
    table = _band_table(places, net.centre, t, mins, iso["area_km2"].to_numpy(),
                        place_filter or PlaceFilter())
    cover = walk_coverage(net, radius_m=radius_m, reach_m=reach_m, field=field)
    return WalkResult(out, table, iso, cover, net.centre, speed, mins)


def _band_table(places: pd.DataFrame, centre: Centre, minutes_of: NDArray[np.float64],
                mins: tuple[float, ...], iso_km2: NDArray[np.float64], flt: PlaceFilter
                ) -> pd.DataFrame:
    """Return the ring table's columns for walking-time bands (module docstring)."""
    present, counts = ring_sector_counts(None, None, places["sector"].to_numpy(), centre, mins,
                                         flt.mask(places), distance_m=minutes_of)
    table = density_from_counts(present, counts, centre, mins, flt.sectors)
    table = table.rename(columns={"ring_inner_m": "band_inner_min",
                                  "ring_outer_m": "band_outer_min"})
    band_km2 = np.diff(np.concatenate([[0.0], iso_km2]))
    area = dict(zip(mins, band_km2, strict=True))
    km2 = table["band_outer_min"].astype(float).map(area).to_numpy()
    table["area_km2"] = np.round(km2, 6)
    with np.errstate(divide="ignore", invalid="ignore"):
        dens = np.where(km2 > 0, table["count"].to_numpy() / km2, 0.0)
    table["density_per_km2"] = np.round(dens, 3)
    return table[list(WALK_DENSITY_COLUMNS)]

"""Walking isochrones: the ground within a walking time of the centre, as WGS-84 polygons.

A point ``p`` is within ``T`` minutes when it joins a walkable way straight (at most ``reach_m``,
through no wall) and ``walk(p) <= T * speed``, with ``walk`` the distance
:mod:`origin_map.measure.walk` gives a place. The polygons are contours of that distance on a
grid of ``grid_m`` (20 m) cells over the extract's bounds: each cell centre gets its walk exactly
as a place would (:func:`origin_map.measure.walk.walk_of`), the contour at ``T * speed`` is traced
with linear interpolation between cell centres (contourpy) and clipped to the bounds. The
boundary is exact at cell centres and interpolated between them (a few metres; next to a wall it
may cut up to a cell across it). Counting uses the places' distances, never the polygons (as with
the rings); the polygons give the band areas and the map. The covered area
(:func:`origin_map.measure.walk.walk_coverage`) is the contour at ``reach_m`` of the straight
walk to a way, on the same grid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from origin_map.geo.geometry import Centre, local_crs
from origin_map.measure.walk_join import REACH_M, Join, walk_of

if TYPE_CHECKING:
    import geopandas as gpd

    from origin_map.geo.network import WalkNetwork

__all__ = ["COVERAGE_RADIUS_M", "GRID_M", "WalkCoverage", "contour_below", "isochrones",
           "to_wgs84", "walk_coverage", "walk_field"]

COVERAGE_RADIUS_M = 1500.0
"""Radius of the disc whose covered share is reported (metres)."""


@lru_cache(maxsize=16)
def _inverse(lat: float, lon: float) -> Any:
    from pyproj import Transformer

    return Transformer.from_crs(local_crs(lat, lon), "EPSG:4326", always_xy=True)


def to_wgs84(geom: Any, centre: Centre) -> Any:
    """Return a shapely geometry in the centre's metric projection as WGS-84 lon/lat."""
    import shapely

    tr = _inverse(centre.lat, centre.lon)

    def _xy(coords: NDArray[np.float64]) -> NDArray[np.float64]:
        lon, lat = tr.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geom, _xy)


GRID_M = 20.0
"""Cell size of the walking-distance grid, in metres."""


def walk_field(net: WalkNetwork, ends: NDArray[np.float64], centre: Join, extent_m: float,
               reach_m: float, grid_m: float = GRID_M) -> tuple[NDArray[np.float64], ...]:
    """Return the grid (xs, ys), the walk to each cell centre and its straight walk to a way.

    Cells outside the bounds or beyond ``reach_m`` of every way are ``inf``; the grid spans the
    bounds' box within ``extent_m`` of the centre.
    """
    x0, y0, x1, y1 = net.bounds.bounds
    xs = np.arange(max(x0, -extent_m), min(x1, extent_m) + grid_m, grid_m)
    ys = np.arange(max(y0, -extent_m), min(y1, extent_m) + grid_m, grid_m)
    gx, gy = (g.ravel() for g in np.meshgrid(xs, ys))
    walk, near = walk_of(net, (ends, centre), gx, gy, reach_m)
    shape = (len(ys), len(xs))
    return xs, ys, walk.reshape(shape), near.reshape(shape)


def contour_below(xs: NDArray[np.float64], ys: NDArray[np.float64], z: NDArray[np.float64],
                  level: float, step: float) -> Any:
    """Return the region where the grid field ``z`` is at most ``level`` (shapely, x/y).

    ``inf`` cells count as ``level + step`` (the field one cell further), so the boundary next
    to them lies within a cell of the last finite cell.
    """
    import contourpy
    import shapely

    zc = np.where(np.isfinite(z), z, level + step)
    if len(xs) < 2 or len(ys) < 2 or not (zc <= level).any():
        return shapely.Polygon()
    gen = contourpy.contour_generator(xs, ys, zc, fill_type=contourpy.FillType.OuterOffset)
    filled: Any = gen.filled(-1.0, level)
    polys = []
    for pts, offs in zip(filled[0], filled[1], strict=True):
        rings = [pts[offs[i]:offs[i + 1]] for i in range(len(offs) - 1)]
        if len(rings[0]) >= 4:
            polys.append(shapely.Polygon(rings[0], [r for r in rings[1:] if len(r) >= 4]))
    return shapely.make_valid(shapely.MultiPolygon(polys)) if polys else shapely.Polygon()


def isochrones(net: WalkNetwork, ends: NDArray[np.float64], centre: Join,
               minutes: Sequence[float], metres_per_min: float, *, reach_m: float,
               speed_kmh: float, grid_m: float = GRID_M, field: Any = None
               ) -> gpd.GeoDataFrame:
    """Return one isochrone polygon per walking time, smallest first, in WGS-84.

    Parameters
    ----------
    net
        The pedestrian network.
    ends, centre
        The walk from the centre to both ends of every segment, and the centre's snap
        (:func:`origin_map.measure.walk._node_distances`).
    minutes
        Walking times, ascending.
    metres_per_min
        Walking speed in metres per minute.
    reach_m
        The longest straight walk off a way.
    speed_kmh
        The speed, written in each row.
    grid_m
        Cell size of the grid the contours are traced on.
    field
        An already computed :func:`walk_field` reaching past the longest walk (internal).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``minutes``, ``walk_m``, ``speed_kmh``, ``area_km2`` (metric area of the
        polygon), ``geometry`` (EPSG:4326).
    """
    import geopandas as gpd
    import shapely

    if field is None:
        longest = float(max(minutes)) * metres_per_min
        field = walk_field(net, ends, centre, longest + reach_m + grid_m, reach_m, grid_m)
    xs, ys, walk, _ = field
    rows = []
    for m in minutes:
        walk_m = float(m) * metres_per_min
        poly = shapely.intersection(contour_below(xs, ys, walk, walk_m, grid_m), net.bounds)
        rows.append({"minutes": m, "walk_m": round(walk_m, 1), "speed_kmh": speed_kmh,
                     "area_km2": round(poly.area / 1e6, 6),
                     "geometry": to_wgs84(poly, net.centre)})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


@dataclass(frozen=True)
class WalkCoverage:
    """How much of the disc around the centre the network lets us measure.

    Attributes
    ----------
    radius_m, reach_m
        The disc's radius and the straight-walk reach that defines "covered".
    disc_km2, covered_km2
        The disc's area and the covered part of it (inside the bounds, within reach of a way).
    share
        ``covered_km2 / disc_km2`` (0–1).
    bounds_share
        The share of the disc inside the extract's bounds alone.
    bounds_given
        Whether the bounds came from the file (else the hull of its ways).
    area
        The covered part of the disc, WGS-84 (for the map).
    """

    radius_m: float
    reach_m: float
    disc_km2: float
    covered_km2: float
    share: float
    bounds_share: float
    bounds_given: bool
    area: Any


def walk_coverage(net: WalkNetwork, *, radius_m: float = COVERAGE_RADIUS_M,
                  reach_m: float = REACH_M, field: Any = None) -> WalkCoverage:
    """Return the share of the disc of ``radius_m`` the network covers (module docstring).

    ``field`` is an already computed :func:`origin_map.measure.isochrones.walk_field` reaching
    past ``radius_m`` (internal).
    """
    import shapely

    if field is None:
        ends = np.zeros((len(net.seg_len), 2))
        none = Join(*(np.zeros(0, dtype=t) for t in (np.int64, np.int64, float, float)))
        field = walk_field(net, ends, none, radius_m + GRID_M, reach_m)
    xs, ys, _, near = field
    disc = shapely.Point(0.0, 0.0).buffer(radius_m, quad_segs=64)
    covered = shapely.intersection(
        shapely.intersection(contour_below(xs, ys, near, reach_m, GRID_M), net.bounds), disc)
    in_bounds = shapely.intersection(net.bounds, disc)
    return WalkCoverage(float(radius_m), float(reach_m), round(disc.area / 1e6, 6),
                        round(covered.area / 1e6, 6), round(covered.area / disc.area, 4),
                        round(in_bounds.area / disc.area, 4), net.bounds_given,
                        to_wgs84(covered, net.centre))

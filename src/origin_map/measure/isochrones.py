"""Walking isochrones: the ground within a walking time of the centre, as WGS-84 polygons.

A point ``p`` is within ``T`` minutes when it joins a walkable way straight (at most ``reach_m``)
and ``walk(p) <= T * speed``, with ``walk`` the distance :mod:`origin_map.measure.walk` gives a
place. The polygons are contours of that distance computed on a grid of ``grid_m`` (20 m) cells
over the extract's bounds (within ``extent`` of the centre): each cell centre gets its walk exactly
as a place would (joining every way within reach, nearest point of each), and the contour at
``T * speed`` is traced with linear interpolation between cell centres (contourpy), then clipped
to the bounds. The boundary is exact at cell centres and interpolated between them (a few metres);
the straight walks of the grid are not checked against walls (a place's are), so a polygon may
reach up to ``reach_m`` over a wall beside a street. Counting uses the places' distances, never
the polygons (as with the rings); the polygons give the band areas and the map. The covered area
(:func:`origin_map.measure.walk.walk_coverage`) is the contour at ``reach_m`` of the straight walk
to the nearest way, on the same grid.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from origin_map.geometry import Centre, local_crs

if TYPE_CHECKING:
    import geopandas as gpd

    from origin_map.geo.network import WalkNetwork

    from .walk import _Snap

__all__ = ["GRID_M", "contour_below", "isochrones", "to_wgs84", "walk_field"]


def to_wgs84(geom: Any, centre: Centre) -> Any:
    """Return a shapely geometry in the centre's metric projection as WGS-84 lon/lat."""
    import shapely
    from pyproj import Transformer

    tr = Transformer.from_crs(local_crs(centre.lat, centre.lon), "EPSG:4326", always_xy=True)

    def _xy(coords: NDArray[np.float64]) -> NDArray[np.float64]:
        lon, lat = tr.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geom, _xy)


GRID_M = 20.0
"""Cell size of the walking-distance grid, in metres."""


def walk_field(net: WalkNetwork, ends: NDArray[np.float64], centre: _Snap, extent_m: float,
               reach_m: float, grid_m: float = GRID_M) -> tuple[NDArray[np.float64], ...]:
    """Return the grid (xs, ys), the walk to each cell centre and its straight walk to a way.

    Cells outside the bounds or beyond ``reach_m`` of every way are ``inf``; the grid spans the
    bounds' box within ``extent_m`` of the centre.
    """
    import shapely

    from .walk import _centre_segments

    x0, y0, x1, y1 = net.bounds.bounds
    xs = np.arange(max(x0, -extent_m), min(x1, extent_m) + grid_m, grid_m)
    ys = np.arange(max(y0, -extent_m), min(y1, extent_m) + grid_m, grid_m)
    gx, gy = (g.ravel() for g in np.meshgrid(xs, ys))
    pi, si = net.seg_tree.query(shapely.points(gx, gy), predicate="dwithin", distance=reach_m)
    a, b = net.seg_xy[si, 0], net.seg_xy[si, 1]
    ab = b - a
    p = np.column_stack([gx[pi], gy[pi]])
    len2 = np.maximum((ab * ab).sum(axis=1), 1e-12)
    t = np.clip(((p - a) * ab).sum(axis=1) / len2, 0.0, 1.0)
    access = np.hypot(*(p - (a + ab * t[:, None])).T)
    along = t * net.seg_len[si]
    c_acc, c_along = _centre_segments(net, centre)
    via = np.minimum(np.minimum(ends[si, 0] + along, ends[si, 1] + net.seg_len[si] - along),
                     c_acc[si] + np.abs(along - c_along[si])) + access
    walk = np.full(len(gx), np.inf)
    np.minimum.at(walk, pi, via)
    near = np.full(len(gx), np.inf)
    np.minimum.at(near, pi, access)
    crow = np.hypot(gx, gy)
    walk = np.where(crow <= reach_m, np.minimum(walk, crow), walk)
    out = ~shapely.contains_xy(net.bounds, gx, gy)
    walk[out] = near[out] = np.inf
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


def isochrones(net: WalkNetwork, ends: NDArray[np.float64], centre: _Snap,
               minutes: Sequence[float], metres_per_min: float, *, reach_m: float,
               speed_kmh: float, grid_m: float = GRID_M) -> gpd.GeoDataFrame:
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

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``minutes``, ``walk_m``, ``speed_kmh``, ``area_km2`` (metric area of the
        polygon), ``geometry`` (EPSG:4326).
    """
    import geopandas as gpd
    import shapely

    longest = float(max(minutes)) * metres_per_min
    xs, ys, walk, _ = walk_field(net, ends, centre, longest + reach_m, reach_m, grid_m)
    rows = []
    for m in minutes:
        walk_m = float(m) * metres_per_min
        poly = shapely.intersection(contour_below(xs, ys, walk, walk_m, grid_m), net.bounds)
        rows.append({"minutes": m, "walk_m": round(walk_m, 1), "speed_kmh": speed_kmh,
                     "area_km2": round(poly.area / 1e6, 6),
                     "geometry": to_wgs84(poly, net.centre)})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")

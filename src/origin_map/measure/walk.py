"""Walking distance from the centre on a pedestrian network: per place, isochrones, a band table.

* **Distance of a place**: the shortest of: a straight walk from the place to a point of a walkable
  way (at most ``reach_m``, 100 m, never through a wall: a way behind a wall is not joined), then
  the network to a way the centre joins the same way, then the centre's straight walk; one
  single-source Dijkstra (networkx) from the centre gives the network part for every place. The
  nearest *point* of a way refines "the nearest node" (a place beside a long street is not sent to
  its far end), and joining every way within reach, not only the nearest, keeps a place next to a
  short dead-end fragment (a car park aisle) on the streets. A place within ``reach_m`` of the
  centre with no wall between them is walked to straight when that is shorter.
* **Status** of a place: ``reached`` (a walking distance); ``outside_network`` when it lies
  outside the extract's bounds, or more than ``reach_m`` from every walkable way it can walk to
  straight: the map there is missing, so it is never said to be unreachable; ``not_connected``
  when its way has no path to the centre's in the mapped network (a gap in the map or a closed
  compound: not counted either).
* **Walking time** = distance / speed (``speed_kmh``, default 4.8 km/h = 80 m/min).
* **Isochrones** (:mod:`origin_map.measure.isochrones`): the reachable parts of the ways, each
  widened by the time that is left (up to ``reach_m``), clipped to the extract's bounds.
* **Band table**: the ring density table's columns with walking-time bands in place of metre
  rings: ``band_inner_min``/``band_outer_min`` replace ``ring_inner_m``/``ring_outer_m`` (band
  ``i`` holds walking times in ``(minutes[i-1], minutes[i]]``), ``area_km2`` is the area of the
  band's isochrone ring (not a disc annulus), ``density_per_km2`` = count / that area; ``sector``,
  ``count``, ``share``, ``cumulative_count`` and ``centre_id`` mean what they mean in
  :func:`origin_map.stats.density_table`. Places outside the network are in no band.
* **Coverage**: the share of the disc of ``radius_m`` (1.5 km) around the centre lying inside the
  extract's bounds *and* within ``reach_m`` of a walkable way: where a place can be measured.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from origin_map.errors import SettingsError
from origin_map.filters import PlaceFilter
from origin_map.geo.network import clear_of_walls, links_blocked
from origin_map.geometry import Centre, project_local
from origin_map.stats import density_from_counts, ring_sector_counts

from .isochrones import COVERAGE_RADIUS_M, REACH_M, WalkCoverage, walk_coverage

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
_LOCK = threading.Lock()  # the centre's source node is added to the shared graph for one run
_SOURCE = ("centre",)


def parse_minutes(value: str | Sequence[float | str]) -> tuple[float, ...]:
    """Return walking-time band limits in minutes, sorted and unique, from ``"5,10,15"`` or a list.

    Raises
    ------
    SettingsError
        If a value is not a number of minutes in (0, 120], or none is given.
    """
    parts = str(value).replace(";", ",").replace(" ", ",").split(",") \
        if isinstance(value, str) else list(value)
    out: set[float] = set()
    for p in parts:
        if isinstance(p, str) and not p.strip():
            continue
        try:
            m = float(p)
        except (TypeError, ValueError):
            raise SettingsError(f"Walking time {p!r} is not a number of minutes.") from None
        if not (math.isfinite(m) and 0 < m <= MAX_MINUTES):
            raise SettingsError(f"Walking time {p!r} must be a number of minutes in "
                                f"(0, {MAX_MINUTES:g}], e.g. 5,10,15.")
        out.add(m)
    if not out:
        raise SettingsError("Give at least one walking time in minutes, e.g. 5,10,15.")
    return tuple(sorted(out))


def _check_speed(speed_kmh: float) -> float:
    s = float(speed_kmh)
    if not (math.isfinite(s) and 0.5 <= s <= 20):
        raise SettingsError(f"Walking speed {speed_kmh!r} km/h must be between 0.5 and 20 km/h "
                            "(4.8 is a usual pace).")
    return s


@dataclass(frozen=True)
class _Snap:
    """Where points may join the network: one row per (point, segment within reach).

    ``point`` and ``seg`` index the points and the segments, ``along`` is the metres from the
    segment's first node to the joining point, ``access`` the straight walk to it.
    """

    point: NDArray[np.int64]
    seg: NDArray[np.int64]
    along: NDArray[np.float64]
    access: NDArray[np.float64]


def _snap(net: WalkNetwork, x: NDArray[np.float64], y: NDArray[np.float64], reach_m: float
          ) -> _Snap:
    """Join each point to every segment within ``reach_m`` whose straight walk crosses no wall.

    The straight walk goes to the segment's nearest point; it is blocked when it touches a wall
    (its last centimetre excepted, so a way that ends at a gate on the wall can be joined).
    """
    import shapely

    pi, si = net.seg_tree.query(shapely.points(x, y), predicate="dwithin", distance=reach_m)
    a, b = net.seg_xy[si, 0], net.seg_xy[si, 1]
    ab = b - a
    p = np.column_stack([x[pi], y[pi]])
    t = np.clip(((p - a) * ab).sum(axis=1) / np.maximum((ab * ab).sum(axis=1), 1e-12), 0.0, 1.0)
    foot = a + ab * t[:, None]
    access = np.hypot(*(p - foot).T)
    if len(pi) and len(net.walls):
        short = p + (foot - p) * np.maximum(0.0, 1.0 - 0.01 / np.maximum(access, 1e-9))[:, None]
        ok = ~links_blocked(net, x, y, pi, short, reach_m)
        pi, si, t, access = pi[ok], si[ok], t[ok], access[ok]
    return _Snap(pi.astype(np.int64), si.astype(np.int64), t * net.seg_len[si], access)


def _node_distances(net: WalkNetwork, reach_m: float) -> tuple[NDArray[np.float64], _Snap]:
    """Return the walk from the centre to both ends of every segment (metres, inf: no path).

    The centre joins every way within ``reach_m`` of it (straight, through no wall): a virtual
    source node is linked to both ends of each such segment.
    """
    import networkx as nx
    import shapely

    c = _snap(net, np.zeros(1), np.zeros(1), reach_m)
    if not len(c.seg) or not shapely.contains_xy(net.bounds, 0.0, 0.0):
        raise SettingsError(
            f"The centre is not within {reach_m:g} m of a walkable way of the extract "
            f"{net.source!r} (or outside its bounds): give an extract that covers the centre.")
    links: dict[int, float] = {}
    for s, a, acc in zip(c.seg.tolist(), c.along.tolist(), c.access.tolist(), strict=True):
        u, v = (int(t) for t in net.seg_nodes[s])
        for node, w in ((u, acc + a), (v, acc + float(net.seg_len[s]) - a)):
            links[node] = min(w, links.get(node, np.inf))
    with _LOCK:
        net.graph.add_weighted_edges_from(((_SOURCE, n, w) for n, w in links.items()),
                                          weight="length")
        try:
            dist = nx.single_source_dijkstra_path_length(net.graph, _SOURCE, weight="length")
        finally:
            net.graph.remove_node(_SOURCE)
    ends = np.array([[dist.get(int(p), np.inf), dist.get(int(q), np.inf)]
                     for p, q in net.seg_nodes.tolist()], dtype=np.float64).reshape(-1, 2)
    return ends, c


def walk_path(net: WalkNetwork, lat: float, lon: float, *, reach_m: float = REACH_M
              ) -> list[int]:
    """Return the OSM node ids a shortest walk from the centre to a place passes, in order.

    The walk joins the network as :func:`walk_distances` does (a straight walk to the nearest
    point of any way within ``reach_m``); empty when the place cannot be joined or reached. Meant
    for explaining a walk (which gate it takes), not for counting.
    """
    import networkx as nx

    c = _snap(net, np.zeros(1), np.zeros(1), reach_m)
    x, y = project_local(np.array([lat]), np.array([lon]), net.centre.lat, net.centre.lon)
    p = _snap(net, np.asarray(x, dtype=float), np.asarray(y, dtype=float), reach_m)
    target = ("place",)
    with _LOCK:
        for node, snap in ((_SOURCE, c), (target, p)):
            for s, a, acc in zip(snap.seg.tolist(), snap.along.tolist(), snap.access.tolist(),
                                 strict=True):
                u, v = (int(t) for t in net.seg_nodes[s])
                length = float(net.seg_len[s])
                links = [(u, acc + a), (v, acc + length - a)]
                if min(a, length - a) <= 0.01:  # joined at a node: the walk passes it
                    links = [links[0] if a <= 0.01 else links[1]]
                for end, w in links:
                    old = net.graph.get_edge_data(node, end, {}).get("length", np.inf)
                    net.graph.add_edge(node, end, length=min(w, old))
        try:
            path = nx.dijkstra_path(net.graph, _SOURCE, target, weight="length")
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            path = []
        finally:
            for node in (_SOURCE, target):
                if node in net.graph:
                    net.graph.remove_node(node)
    return [int(n) for n in path if isinstance(n, int)]


def _centre_segments(net: WalkNetwork, c: _Snap) -> tuple[NDArray[np.float64],
                                                          NDArray[np.float64]]:
    """Return per segment the centre's straight walk to it (inf if none) and where it joins."""
    acc = np.full(len(net.seg_len), np.inf)
    along = np.zeros(len(net.seg_len))
    acc[c.seg], along[c.seg] = c.access, c.along
    return acc, along


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
        to the network, NaN when none), ``status`` (one of :data:`STATUSES`).
    """
    ends = ends if ends is not None else _node_distances(net, reach_m)
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
                         "status": status})


def walk_of(net: WalkNetwork, ends: tuple[NDArray[np.float64], _Snap], x: NDArray[np.float64],
            y: NDArray[np.float64], reach_m: float
            ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return the walk from the centre to points at x/y metres, and their straight walk to a way.

    Both are ``inf`` outside the bounds; the walk is ``inf`` where no path joins (module
    docstring). Used for places and for the isochrones' grid alike.
    """
    import shapely

    end_d, c = ends
    snap = _snap(net, x, y, reach_m)
    s, a = snap.seg, snap.along
    via = np.minimum(end_d[s, 0] + a, end_d[s, 1] + net.seg_len[s] - a)
    c_acc, c_along = _centre_segments(net, c)
    via = np.minimum(via, c_acc[s] + np.abs(a - c_along[s]))  # along the centre's own way
    walk = np.full(len(x), np.inf)
    np.minimum.at(walk, snap.point, via + snap.access)
    access = np.full(len(x), np.inf)
    np.minimum.at(access, snap.point, snap.access)
    crow = np.hypot(x, y)
    close = np.flatnonzero(crow <= reach_m)
    close = close[clear_of_walls(net, x[close], y[close])]
    walk[close] = np.minimum(walk[close], crow[close])
    out = ~shapely.contains_xy(net.bounds, x, y)
    walk[out] = access[out] = np.inf
    return walk, access


@dataclass(frozen=True)
class WalkResult:
    """Everything ``origin-map walk`` writes and the app shows.

    Attributes
    ----------
    places
        The places (all rows) with ``walk_m``, ``walk_min``, ``access_m``, ``status`` and
        ``band_outer_min`` (the band the place falls in; NaN outside every band).
    table
        The band table (:data:`WALK_DENSITY_COLUMNS`).
    isochrones
        One polygon per walking time (WGS-84): ``minutes``, ``walk_m``, ``area_km2``.
    coverage
        :class:`WalkCoverage`.
    speed_kmh, minutes
        The settings used.
    """

    places: pd.DataFrame
    table: pd.DataFrame
    isochrones: gpd.GeoDataFrame
    coverage: WalkCoverage
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
    from .isochrones import GRID_M, isochrones, walk_field

    mins = parse_minutes(minutes)
    speed = _check_speed(speed_kmh)
    per_min = speed * 1000.0 / 60.0
    ends = _node_distances(net, reach_m)
    walk = walk_distances(net, places["lat"].to_numpy(), places["lon"].to_numpy(),
                          reach_m=reach_m, ends=ends)
    out = places.copy()
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
    return WalkResult(out, table, iso, cover, speed, mins)


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

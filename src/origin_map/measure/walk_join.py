"""How places, grid cells and the centre join a walking network, and the walk from the centre.

A point joins every walkable segment within ``reach_m`` (100 m) at the segment's nearest point,
by a straight walk that touches no wall (:func:`origin_map.geo.network.links_blocked`); the
centre does the same, and one single-source Dijkstra (networkx) from a virtual node linked to the
centre's joining points gives the walk to both ends of every segment. The walk to a point is the
shortest over its joining points of: that walk to a segment end, along the segment to the joining
point, and the straight walk; or, on a segment the centre joins too, straight along it; or, within
``reach_m`` of the centre with no wall between, the straight line. Used by
:mod:`origin_map.measure.walk` (places) and :mod:`origin_map.measure.isochrones` (grid cells).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from origin_map.errors import SettingsError
from origin_map.geo.geometry import project_local
from origin_map.geo.network import clear_of_walls, links_blocked

if TYPE_CHECKING:
    from origin_map.geo.network import WalkNetwork

__all__ = ["REACH_M", "Join", "centre_distances", "centre_segments", "join_points", "walk_of",
           "walk_path"]

REACH_M = 100.0
"""The longest straight walk between a place (or the centre) and a walkable way, in metres."""
_LOCK = threading.Lock()  # the centre's source node is added to the shared graph for one run
_SOURCE = ("centre",)


@dataclass(frozen=True)
class Join:
    """Where points may join the network: one row per (point, segment within reach).

    ``point`` and ``seg`` index the points and the segments, ``along`` is the metres from the
    segment's first node to the joining point, ``access`` the straight walk to it.
    """

    point: NDArray[np.int64]
    seg: NDArray[np.int64]
    along: NDArray[np.float64]
    access: NDArray[np.float64]


def join_points(net: WalkNetwork, x: NDArray[np.float64], y: NDArray[np.float64], reach_m: float
          ) -> Join:
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
    return Join(pi.astype(np.int64), si.astype(np.int64), t * net.seg_len[si], access)


def centre_distances(net: WalkNetwork, reach_m: float) -> tuple[NDArray[np.float64], Join]:
    """Return the walk from the centre to both ends of every segment (metres, inf: no path).

    The centre joins every way within ``reach_m`` of it (straight, through no wall): a virtual
    source node is linked to both ends of each such segment.
    """
    import networkx as nx
    import shapely

    c = join_points(net, np.zeros(1), np.zeros(1), reach_m)
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

    c = join_points(net, np.zeros(1), np.zeros(1), reach_m)
    x, y = project_local(np.array([lat]), np.array([lon]), net.centre.lat, net.centre.lon)
    p = join_points(net, np.asarray(x, dtype=float), np.asarray(y, dtype=float), reach_m)
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


def centre_segments(net: WalkNetwork, c: Join) -> tuple[NDArray[np.float64],
                                                          NDArray[np.float64]]:
    """Return per segment the centre's straight walk to it (inf if none) and where it joins."""
    acc = np.full(len(net.seg_len), np.inf)
    along = np.zeros(len(net.seg_len))
    acc[c.seg], along[c.seg] = c.access, c.along
    return acc, along


def walk_of(net: WalkNetwork, ends: tuple[NDArray[np.float64], Join], x: NDArray[np.float64],
            y: NDArray[np.float64], reach_m: float
            ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return the walk from the centre to points at x/y metres, and their straight walk to a way.

    Both are ``inf`` outside the bounds; the walk is ``inf`` where no path joins (module
    docstring). Used for places and for the isochrones' grid alike.
    """
    import shapely

    end_d, c = ends
    snap = join_points(net, x, y, reach_m)
    s, a = snap.seg, snap.along
    via = np.minimum(end_d[s, 0] + a, end_d[s, 1] + net.seg_len[s] - a)
    c_acc, c_along = centre_segments(net, c)
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

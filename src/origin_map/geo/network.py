"""A pedestrian graph from a local OpenStreetMap extract, with walls crossed only at entrances.

The rules (all documented in the README's "Walking time" section):

* **Ways a walker uses**: ``highway`` = trunk … tertiary (and their ``_link``), unclassified,
  residential, living_street, service, pedestrian, footway, path, steps, cycleway, track,
  bridleway, corridor, road. Motorways (and ``motorway_link``), platforms, construction and
  proposed ways are left out. ``cycleway`` is walkable unless tagged ``foot=no``: the 2017 extract
  maps Wudaokou's side lanes as cycleways. Direction (``oneway``) does not bind a walker.
* **Access**: ``foot=no`` (or ``private``, ``use_sidepath``) shuts a way or a node to walkers;
  ``access=no``/``private`` shuts it unless ``foot=yes|permissive|designated|official``.
* **Barrier nodes**: a node tagged ``barrier`` or ``entrance`` that is shut by those access
  rules (a gate with ``access=no``; ``foot=no``), or tagged ``barrier=wall|fence|…``, blocks the
  way there.
  Gates, bollards, blocks, cycle barriers and entrances are passable otherwise.
* **Walls**: ways tagged ``barrier=wall|fence|city_wall|hedge|retaining_wall``, and (unless
  ``campus_walls=False``) the outlines of ``amenity=university|college`` ways (Tsinghua's and
  PKU's campuses are walled; OSM maps their outline, seldom the wall). A walkable way meets a wall
  either at a shared node or by crossing its line. It gets through only where an **entrance** (a
  node tagged ``entrance=*`` or a passable ``barrier=gate``-like value, open to walkers) on that way
  lies within ``gate_snap_m`` (15 m) of the meeting point: a campus outline is drawn coarsely and
  its gates are mapped on the road a few metres off it. Elsewhere the crossing segment is removed
  (a shared node is removed from the graph). Bridges, tunnels and ways on another ``layer`` pass
  over/under walls; trunk … tertiary public roads are not cut by a *campus* outline (an outline
  drawn over a public street is not a wall across it). Multipolygon relations are not read.

Coordinates are x/y metres in the azimuthal-equidistant projection centred on the centre
(:func:`origin_map.geo.geometry.project_local`): within a few km its distances are exact
to < 0.01 %.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from origin_map.errors import SettingsError
from origin_map.geo.geometry import Centre, project_local
from origin_map.geo.osmfile import OsmData, read_osm

if TYPE_CHECKING:
    import networkx as nx
    from shapely import Polygon, STRtree

__all__ = ["GATE_SNAP_M", "WalkNetwork", "build_walk_network", "clear_of_walls", "foot_allowed",
           "is_entrance", "is_walkable", "links_blocked"]

GATE_SNAP_M = 15.0
"""A wall is crossed where an entrance on the crossing way lies within this many metres."""
WALK_HIGHWAYS = frozenset({
    "trunk", "trunk_link", "primary", "primary_link", "secondary", "secondary_link", "tertiary",
    "tertiary_link", "unclassified", "residential", "living_street", "service", "pedestrian",
    "footway", "path", "steps", "cycleway", "track", "bridleway", "corridor", "road"})
PUBLIC_ROADS = frozenset({"trunk", "trunk_link", "primary", "primary_link", "secondary",
                          "secondary_link", "tertiary", "tertiary_link"})
WALL_BARRIERS = frozenset({"wall", "fence", "city_wall", "hedge", "retaining_wall"})
PASSABLE_BARRIERS = frozenset({
    "gate", "entrance", "lift_gate", "swing_gate", "sliding_gate", "kissing_gate", "turnstile",
    "full-height_turnstile", "stile", "bollard", "block", "cycle_barrier", "chain", "door",
    "wicket_gate", "hampshire_gate", "border_control", "toll_booth"})
CAMPUS_AMENITIES = frozenset({"university", "college"})
_FOOT_YES = frozenset({"yes", "permissive", "designated", "official"})
_FOOT_NO = frozenset({"no", "private", "use_sidepath"})
_ACCESS_NO = frozenset({"no", "private"})


def foot_allowed(tags: dict[str, str]) -> bool:
    """Return whether OSM access tags let a walker through (``foot`` first, then ``access``)."""
    foot = tags.get("foot")
    if foot in _FOOT_YES:
        return True
    if foot in _FOOT_NO:
        return False
    return tags.get("access") not in _ACCESS_NO


def is_walkable(tags: dict[str, str]) -> bool:
    """Return whether a way with these tags is one a walker uses."""
    return tags.get("highway") in WALK_HIGHWAYS and foot_allowed(tags)


def is_entrance(tags: dict[str, str]) -> bool:
    """Return whether a node is an entrance through a wall open to walkers."""
    opening = (tags.get("entrance", "no") != "no"
               or tags.get("barrier") in PASSABLE_BARRIERS)
    return opening and foot_allowed(tags)


def _blocks(tags: dict[str, str]) -> bool:
    """Return whether a node on a way stops a walker (a shut gate, a wall node)."""
    if tags.get("barrier") in WALL_BARRIERS:
        return True
    return ("barrier" in tags or "entrance" in tags) and not foot_allowed(tags)


def _passes_over(tags: dict[str, str]) -> bool:
    """Return whether a way is a bridge, a tunnel or on another layer (walls do not cut it)."""
    return (tags.get("bridge", "no") != "no" or tags.get("tunnel", "no") != "no"
            or tags.get("layer", "0") != "0")


@dataclass
class WalkNetwork:
    """A pedestrian graph in the local metric projection of a centre.

    Attributes
    ----------
    centre
        The centre whose projection the x/y metres are in.
    graph
        Undirected networkx graph: OSM node ids, edges with ``length`` (m) and ``seg`` (index in
        the segment arrays).
    seg_nodes, seg_xy, seg_len
        Kept segments: node ids (n, 2), coordinates (n, 2, 2) and lengths in metres.
    segments, seg_tree
        The segments as shapely lines and their spatial index.
    walls, wall_tree, wall_xy
        The walls (barriers and, with campus walls, campus outlines) cut into two-point
        segments, their index and their coordinates (m, 2, 2): a straight walk that touches one
        is blocked.
    bounds
        Where the extract is complete: its ``<bounds>`` box, or the convex hull of its ways.
    bounds_given
        Whether ``bounds`` came from the file (else the hull).
    stats
        Counts: walkable ways, segments, km of way, walls, crossings cut or passed at gates,
        nodes blocked.
    source
        The extract's file name.
    """

    centre: Centre
    graph: nx.Graph
    seg_nodes: NDArray[np.int64]
    seg_xy: NDArray[np.float64]
    seg_len: NDArray[np.float64]
    segments: NDArray[Any]
    seg_tree: STRtree
    walls: NDArray[Any]
    wall_tree: STRtree
    wall_xy: NDArray[np.float64]
    bounds: Polygon
    bounds_given: bool
    stats: dict[str, float] = field(default_factory=dict)
    source: str = ""


def build_walk_network(osm: OsmData | str | Path, centre: Centre, *, campus_walls: bool = True,
                       gate_snap_m: float = GATE_SNAP_M) -> WalkNetwork:
    """Build the pedestrian graph of an extract around a centre (rules in the module docstring).

    Parameters
    ----------
    osm
        A read extract, or the path of a ``.osm``/``.osm.pbf`` file.
    centre
        The centre: coordinates are metres in its azimuthal-equidistant projection.
    campus_walls
        Treat ``amenity=university|college`` outlines as walls (default True).
    gate_snap_m
        How close to the meeting point an entrance on the way must be to let it through a wall.

    Raises
    ------
    SettingsError
        If the extract has no way a walker can use.
    """
    data = osm if isinstance(osm, OsmData) else read_osm(osm)
    walk, walls = _classify(data, campus_walls)
    if not walk:
        raise SettingsError(f"{data.source or 'The extract'}: no way a walker can use (footway, "
                            "residential street, …) was found in it.")
    xy = _project_nodes(data, walk, walls, centre)
    seg_nodes, seg_way = _segments(walk)
    b = _Builder(data, walk, walls, xy, gate_snap_m)
    blocked = b.blocked_nodes(seg_nodes)
    cut = b.cut_segments(seg_nodes, seg_way)
    keep = ~cut & ~np.isin(seg_nodes, list(blocked)).any(axis=1)
    return _assemble(data, centre, xy, seg_nodes[keep], b, walk, {
        "walkable_ways": len({w[0] for w in walk}), "walls": len(walls),
        "wall_crossings_cut": int(cut.sum()), "wall_crossings_at_gates": b.passed_at_gates,
        "nodes_blocked": len(blocked)})


def _classify(data: OsmData, campus_walls: bool
              ) -> tuple[list[tuple[int, dict[str, str], list[int]]], list[tuple[str, list[int]]]]:
    """Split the ways into walkable ways and walls (kind ``barrier`` or ``campus``, node ids)."""
    walk, walls = [], []
    for wid, tags, refs in data.ways:
        if len(refs) < 2:
            continue
        if is_walkable(tags):
            walk.append((wid, tags, refs))
        elif tags.get("barrier") in WALL_BARRIERS:
            walls.append(("barrier", refs))
        elif campus_walls and tags.get("amenity") in CAMPUS_AMENITIES and "highway" not in tags:
            walls.append(("campus", refs))
    return walk, walls


def _project_nodes(data: OsmData, walk: list[tuple[int, dict[str, str], list[int]]],
                   walls: list[tuple[str, list[int]]], centre: Centre
                   ) -> dict[int, tuple[float, float]]:
    """Return x/y metres of every node of the walkable ways and the walls."""
    ids = sorted({r for _, _, refs in walk for r in refs} | {r for _, refs in walls for r in refs})
    lonlat = np.array([data.nodes[i] for i in ids], dtype=np.float64).reshape(-1, 2)
    x, y = project_local(lonlat[:, 1], lonlat[:, 0], centre.lat, centre.lon)
    return dict(zip(ids, zip(x.tolist(), y.tolist(), strict=True), strict=True))


def _segments(walk: list[tuple[int, dict[str, str], list[int]]]
              ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Return the unique segments (node id pairs) of the walkable ways and the way of each."""
    seen: set[tuple[int, int]] = set()
    pairs, ways = [], []
    for k, (_, _, refs) in enumerate(walk):
        for a, b in itertools.pairwise(refs):
            key = (a, b) if a < b else (b, a)
            if a != b and key not in seen:
                seen.add(key)
                pairs.append((a, b))
                ways.append(k)
    return (np.array(pairs, dtype=np.int64).reshape(-1, 2), np.array(ways, dtype=np.int64))


class _Builder:
    """The wall rules: which wall nodes block, which crossings are cut (module docstring)."""

    def __init__(self, data: OsmData, walk: list[tuple[int, dict[str, str], list[int]]],
                 walls: list[tuple[str, list[int]]], xy: dict[int, tuple[float, float]],
                 gate_snap_m: float) -> None:
        import shapely

        self.data, self.walk, self.xy, self.snap = data, walk, xy, gate_snap_m
        self.wall_kinds = [kind for kind, _ in walls]
        self.wall_refs = [refs for _, refs in walls]
        self.walls = np.array([shapely.LineString([xy[r] for r in refs]) for _, refs in walls],
                              dtype=object)
        self.wall_tree = shapely.STRtree(self.walls)
        self.passed_at_gates = 0
        self.gates: dict[int, NDArray[np.float64]] = {}
        for k, (_, _, refs) in enumerate(walk):
            pts = [xy[r] for r in refs if is_entrance(data.node_tags.get(r, {}))]
            if pts:
                self.gates[k] = np.array(pts, dtype=np.float64)

    def _through(self, way: int, kinds: set[str], point: tuple[float, float]) -> bool:
        """Return whether ``way`` gets through walls of ``kinds`` at ``point`` (x, y)."""
        tags = self.walk[way][1]
        if _passes_over(tags) or (kinds == {"campus"} and tags.get("highway") in PUBLIC_ROADS):
            return True
        gates = self.gates.get(way)
        if gates is None:
            return False
        near = bool((np.hypot(gates[:, 0] - point[0], gates[:, 1] - point[1])
                     <= self.snap).any())
        self.passed_at_gates += near
        return near

    def blocked_nodes(self, seg_nodes: NDArray[np.int64]) -> set[int]:
        """Return the nodes a walker cannot pass: shut barriers, wall nodes without an entrance."""
        used = set(seg_nodes.ravel().tolist())
        tags = self.data.node_tags
        blocked = {n for n in used if n in tags and _blocks(tags[n])}
        on_wall: dict[int, set[str]] = defaultdict(set)
        for kind, refs in zip(self.wall_kinds, self.wall_refs, strict=True):
            for r in refs:
                if r in used:
                    on_wall[r].add(kind)
        ways_of: dict[int, list[int]] = defaultdict(list)
        for k, (_, _, refs) in enumerate(self.walk):
            for r in refs:
                if r in on_wall:
                    ways_of[r].append(k)
        for n, kinds in on_wall.items():
            if n in blocked or is_entrance(tags.get(n, {})):
                continue
            if not any(self._through(k, kinds, self.xy[n]) for k in ways_of[n]):
                blocked.add(n)
        return blocked

    def cut_segments(self, seg_nodes: NDArray[np.int64], seg_way: NDArray[np.int64]
                     ) -> NDArray[np.bool_]:
        """Return which segments cross a wall line away from an entrance on their way."""
        import shapely

        cut = np.zeros(len(seg_nodes), dtype=bool)
        if not len(self.walls) or not len(seg_nodes):
            return cut
        lines = shapely.linestrings([[self.xy[a], self.xy[b]] for a, b in seg_nodes.tolist()])
        s_idx, w_idx = self.wall_tree.query(lines, predicate="crosses")
        points = shapely.intersection(lines[s_idx], self.walls[w_idx])
        for s, w, p in zip(s_idx.tolist(), w_idx.tolist(), points, strict=True):
            q = shapely.get_coordinates(p)
            if cut[s] or not len(q):
                continue
            if not self._through(int(seg_way[s]), {self.wall_kinds[w]}, (q[0, 0], q[0, 1])):
                cut[s] = True
        return cut


def _assemble(data: OsmData, centre: Centre, xy: dict[int, tuple[float, float]],
              seg_nodes: NDArray[np.int64], b: _Builder,
              walk: list[tuple[int, dict[str, str], list[int]]], stats: dict[str, Any]
              ) -> WalkNetwork:
    """Make the graph, the segment arrays and indexes, and the bounds of the network."""
    import networkx as nx
    import shapely

    seg_xy = np.array([[xy[a], xy[b_]] for a, b_ in seg_nodes.tolist()],
                      dtype=np.float64).reshape(-1, 2, 2)
    seg_len = np.hypot(*(seg_xy[:, 1] - seg_xy[:, 0]).T)
    graph = nx.Graph()
    graph.add_weighted_edges_from(
        ((int(a), int(c), float(d)) for (a, c), d in zip(seg_nodes.tolist(), seg_len,
                                                         strict=True)), weight="length")
    segments = shapely.linestrings(seg_xy)
    bounds, given = _bounds(data, centre, walk, xy)
    stats.update(segments=len(seg_nodes), km=round(float(seg_len.sum()) / 1000, 3))
    pieces = [np.stack([c[:-1], c[1:]], axis=1) for c in
              (shapely.get_coordinates(w) for w in b.walls) if len(c) >= 2]
    wall_xy = np.concatenate(pieces) if pieces else np.zeros((0, 2, 2))
    walls = shapely.linestrings(wall_xy) if pieces else np.array([], dtype=object)
    return WalkNetwork(centre, graph, seg_nodes, seg_xy, seg_len, segments,
                       shapely.STRtree(segments), walls, shapely.STRtree(walls), wall_xy, bounds,
                       given, stats, data.source)


def _bounds(data: OsmData, centre: Centre, walk: list[tuple[int, dict[str, str], list[int]]],
            xy: dict[int, tuple[float, float]]) -> tuple[Polygon, bool]:
    """Return the extract's ``<bounds>`` in x/y (edges densified), or the hull of its ways."""
    import shapely

    if data.bounds is None:
        pts = np.array([xy[r] for _, _, refs in walk for r in refs])
        return shapely.MultiPoint(pts).convex_hull, False
    s, w, n, e = data.bounds
    t = np.linspace(0.0, 1.0, 33)[:-1]
    lat = np.concatenate([np.full_like(t, s), s + (n - s) * t, np.full_like(t, n),
                          n - (n - s) * t])
    lon = np.concatenate([w + (e - w) * t, np.full_like(t, e), e - (e - w) * t,
                          np.full_like(t, w)])
    x, y = project_local(lat, lon, centre.lat, centre.lon)
    return shapely.Polygon(np.column_stack([x, y])), True


def clear_of_walls(net: WalkNetwork, x: NDArray[np.float64], y: NDArray[np.float64]
                    ) -> NDArray[np.bool_]:
    """Return whether the straight line from each point (near the centre) to it meets no wall."""
    if not len(x):
        return np.ones(0, dtype=bool)
    reach = float(np.hypot(x, y).max()) + 1.0
    return ~links_blocked(net, x, y, np.arange(len(x)), np.zeros((len(x), 2)), reach)


def links_blocked(net: WalkNetwork, x: NDArray[np.float64], y: NDArray[np.float64],
                   owner: NDArray[Any], end: NDArray[np.float64], reach_m: float
                   ) -> NDArray[np.bool_]:
    """Return which straight links touch a wall segment (closed segment test, in numpy).

    Link ``k`` goes from point ``owner[k]`` (``x``, ``y``) to ``end[k]``, at most ``reach_m``
    long; only the walls within ``reach_m`` of its point are tested.
    """
    import shapely

    blocked = np.zeros(len(owner), dtype=bool)
    if not len(owner) or not len(net.walls):
        return blocked
    wp, ws = net.wall_tree.query(shapely.points(x, y), predicate="dwithin", distance=reach_m)
    if not len(wp):
        return blocked
    order = np.argsort(wp, kind="stable")
    wp, ws = wp[order], ws[order]
    count = np.bincount(wp, minlength=len(x))
    start = np.concatenate([[0], np.cumsum(count)[:-1]])
    n_k = count[owner]
    link = np.repeat(np.arange(len(owner)), n_k)
    first = np.repeat(start[owner] - np.concatenate([[0], np.cumsum(n_k)[:-1]]), n_k)
    wall = ws[first + np.arange(len(link))]
    p = np.column_stack([x[owner[link]], y[owner[link]]])
    q = end[link]
    a, b = net.wall_xy[wall, 0], net.wall_xy[wall, 1]

    def cross(o: Any, u: Any, v: Any) -> Any:
        return (u[:, 0] - o[:, 0]) * (v[:, 1] - o[:, 1]) - (u[:, 1] - o[:, 1]) * (v[:, 0] - o[:, 0])

    hit = ((cross(a, b, p) * cross(a, b, q) <= 0) & (cross(p, q, a) * cross(p, q, b) <= 0))
    blocked[link[hit]] = True
    return blocked

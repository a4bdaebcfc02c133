"""Time the walking network (issue 22): graph build, isochrones, walks, against naive baselines.

The network is the shipped 2017 OpenStreetMap extract (geodata/walk_network.osm: 503 walkable
ways, 96 km, within 1.6 km of Dongsheng Building). Places are SYNTHETIC (benchmarks/synth.py:
fixed seed, half-normal radius sigma 2.5 km around Dongsheng Building), plus the shipped places.

* **build**: read the .osm and build the pedestrian graph with its wall rules
  (``build_walk_network``).
* **isochrones 5/10/15 min**: one single-source Dijkstra from the centre, the walking distance on
  the 20 m grid and three contours (``isochrones`` with its field): the target is under 2 s.
  **naive isochrones**: what a typical script does: for each time, buffer every reachable segment
  (cut at the time left) by 100 m and union the buffers (shapely ``union_all``).
* **walks of N places**: ``walk_distances`` (one Dijkstra from the centre for all places).
  **naive walks**: one Dijkstra per place, from the place's nearest node to the centre's
  (``nx.shortest_path_length``), timed on ``--naive-sample`` places and scaled to N (linear).
* **walk_analysis (shipped places)**: everything ``origin-map walk`` computes.

Medians of ``--repeat`` runs (the machine is shared: read ratios, not absolutes).

    .venv/bin/python benchmarks/walk_bench.py
    .venv/bin/python benchmarks/walk_bench.py --sizes 1000,10000 --repeat 5
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import synthetic_places  # noqa: E402

from origin_map.geo.geometry import project_local  # noqa: E402
from origin_map.geo.network import WalkNetwork, build_walk_network  # noqa: E402
from origin_map.measure.isochrones import isochrones  # noqa: E402
from origin_map.measure.walk import walk_analysis, walk_distances  # noqa: E402
from origin_map.measure.walk_join import REACH_M, centre_distances  # noqa: E402
from origin_map.places.datasets import resolve_centre, shipped_places  # noqa: E402

EXTRACT = ROOT / "geodata" / "walk_network.osm"
MINUTES = (5.0, 10.0, 15.0)
PER_MIN = 80.0  # 4.8 km/h


def median_s(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Return the median wall time of ``repeat`` calls and the last result."""
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def our_isochrones(net: WalkNetwork) -> Any:
    ends, c = centre_distances(net, REACH_M)
    return isochrones(net, ends, c, MINUTES, PER_MIN, reach_m=REACH_M, speed_kmh=4.8)


def naive_isochrones(net: WalkNetwork) -> list[float]:
    """Buffer each reachable (part of a) segment by 100 m and union, per time (areas in km²)."""
    import shapely

    ends, _ = centre_distances(net, REACH_M)
    areas = []
    for m in MINUTES:
        budget = m * PER_MIN - REACH_M
        a, b, length = net.seg_xy[:, 0], net.seg_xy[:, 1], net.seg_len
        near = np.minimum(ends[:, 0], ends[:, 1])
        keep = near <= budget
        far_end = np.where(ends[:, 0] <= ends[:, 1], 0, 1)[keep]
        reach = np.clip((budget - near[keep]) / np.maximum(length[keep], 1e-9), 0, 1)[:, None]
        start = np.where(far_end[:, None] == 0, a[keep], b[keep])
        stop = np.where(far_end[:, None] == 0, b[keep], a[keep])
        lines = shapely.linestrings(np.stack([start, start + (stop - start) * reach], axis=1))
        poly = shapely.union_all(shapely.buffer(lines, REACH_M, quad_segs=4))
        areas.append(shapely.intersection(poly, net.bounds).area / 1e6)
    return areas


def naive_walks(net: WalkNetwork, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """One Dijkstra per place, from its nearest node to the centre's nearest node."""
    import networkx as nx
    from scipy.spatial import cKDTree

    nodes = np.array(list(net.graph.nodes), dtype=np.int64)
    pos = {int(n): xy for n, xy in zip(net.seg_nodes.ravel().tolist(),
                                         net.seg_xy.reshape(-1, 2), strict=True)}
    xy = np.array([pos[int(n)] for n in nodes])
    tree = cKDTree(xy)
    d0, i0 = tree.query([0.0, 0.0])
    x, y = project_local(lat, lon, net.centre.lat, net.centre.lon)
    dist, idx = tree.query(np.column_stack([x, y]))
    out = np.full(len(x), np.nan)
    for k, (d, i) in enumerate(zip(dist, idx, strict=True)):
        if d > REACH_M:
            continue
        try:
            out[k] = d + d0 + nx.shortest_path_length(net.graph, int(nodes[i]), int(nodes[i0]),
                                                      weight="length")
        except nx.NetworkXNoPath:
            pass
    return out


def main() -> None:
    """Run the benchmark and print one line per measurement."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--naive-sample", type=int, default=200)
    a = ap.parse_args()
    centre = resolve_centre(None)
    t_build, net = median_s(lambda: build_walk_network(EXTRACT, centre), a.repeat)
    print(f"network: {net.stats['walkable_ways']} walkable ways, {net.stats['km']} km, "
          f"{net.graph.number_of_nodes()} nodes, {len(net.seg_len)} segments")
    print(f"build (read .osm + graph + wall rules)      {t_build:8.3f} s")
    t_iso, iso = median_s(lambda: our_isochrones(net), a.repeat)
    t_naive, naive = median_s(lambda: naive_isochrones(net), a.repeat)
    print(f"isochrones 5/10/15 min (ours, grid)         {t_iso:8.3f} s   "
          f"areas {', '.join(f'{v:.3f}' for v in iso['area_km2'])} km²   "
          f"{'UNDER' if t_iso < 2 else 'OVER'} the 2 s target")
    print(f"isochrones naive (buffer+union per time)    {t_naive:8.3f} s   "
          f"areas {', '.join(f'{v:.3f}' for v in naive)} km²   ratio {t_naive / t_iso:5.1f}x")
    for n in (int(float(s)) for s in a.sizes.split(",")):
        places = synthetic_places(n)
        lat, lon = places["lat"].to_numpy(), places["lon"].to_numpy()
        t_ours, ours = median_s(lambda lat=lat, lon=lon: walk_distances(net, lat, lon), a.repeat)
        k = min(n, a.naive_sample)
        t_nv, nv = median_s(lambda lat=lat, lon=lon, k=k: naive_walks(net, lat[:k], lon[:k]), 1)
        t_nv_n = t_nv * n / k
        reached = int((ours["walk_status"] == "reached").sum())
        print(f"walks of {n:>6} SYNTHETIC places (ours)     {t_ours:8.3f} s   {reached} reached")
        print(f"walks naive (Dijkstra per place)            {t_nv_n:8.3f} s   "
              f"{'timed on ' + str(k) + ' and scaled' if k < n else ''}   "
              f"ratio {t_nv_n / t_ours:5.1f}x   "
              f"(nearest node only: median |diff| "
              f"{np.nanmedian(np.abs(nv - ours['walk_m'].to_numpy()[:k])):.1f} m)")
    shipped = shipped_places(geometry=False)
    t_all, _ = median_s(lambda: walk_analysis(shipped, net), a.repeat)
    print(f"walk_analysis of {len(shipped)} shipped places (all)    {t_all:8.3f} s")


if __name__ == "__main__":
    main()
